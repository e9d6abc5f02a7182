import { neonConfig, Pool, type PoolClient, types } from '@neondatabase/serverless';
import { drizzle as drizzlePg } from 'drizzle-orm/neon-serverless';
import { createDb, type Db } from './client';
import { databaseUnavailable } from './failures';
import * as pgSchema from './pg/schema';
import * as sqliteSchema from './schema';
import { useSqlDialect } from './sql';
import { type TableSet, useTables } from './tables';

/** Which database a deployment runs on. */
export type DatabaseKind = 'd1' | 'postgres';

/** The settings that choose and reach the database (from src/env.ts's configuration). */
export interface DatabaseSettings {
  /** A Neon (or any PostgreSQL) connection string; unset → D1. */
  DATABASE_URL?: string | undefined;
  /**
   * Local development and CI only: `host:port` of a WebSocket-to-TCP proxy (scripts/ws-proxy.mjs, or websockify) in front of a
   * plain PostgreSQL, which the Neon driver then reaches over plain `ws://`. Unset for Neon.
   */
  DATABASE_WS_PROXY?: string | undefined;
}

/** An open database for one request, job or hub operation; `close` ends its connections. */
export interface DatabaseHandle {
  kind: DatabaseKind;
  db: Db;
  close(): Promise<void>;
}

let selected: DatabaseKind | undefined;

/**
 * Numbers come back as numbers, as they do from D1: 64-bit integers (counts, sequence numbers, money in
 * minor units, all far below 2^53) and NUMERIC (sums and averages of them). The driver's default is a
 * string for both. Timestamps are decoded by the ISO timestamp column type (src/db/pg/schema/columns.ts).
 */
types.setTypeParser(20, (value: string) => Number(value)); // int8
types.setTypeParser(1700, (value: string) => Number(value)); // numeric

/** One object per Postgres database (by URL), standing for it in caches that outlive a request's client. */
const postgresIdentities = new Map<string, object>();
const identities = new WeakMap<Db, object>();

function identityOf(url: string): object {
  let identity = postgresIdentities.get(url);
  if (!identity) {
    identity = {};
    postgresIdentities.set(url, identity);
  }
  return identity;
}

/**
 * What stays the same for one database across requests, to key caches by: the D1 client itself (one
 * per binding), or one object per Postgres URL (its clients live for one request).
 */
export const databaseIdentity = (db: Db): object => identities.get(db) ?? db;

/** Points the table bindings and the SQL dialect at the deployment's database (once per isolate). */
function select(kind: DatabaseKind): void {
  if (selected === kind) return;
  useTables(kind === 'postgres' ? (pgSchema as unknown as TableSet) : (sqliteSchema as TableSet));
  useSqlDialect(kind === 'postgres' ? 'pg' : 'sqlite');
  selected = kind;
}

/**
 * Opens the database of this deployment. D1 is a binding and costs nothing to open. Postgres gets a new
 * Pool each time: Workers cannot share a connection between requests, so a Pool lives for one request
 * (or job, or hub operation) and `close` ends it (call it from `waitUntil`). Opening makes no connection
 * yet; the first query does.
 */
export function openDatabase(env: { DB: D1Database }, settings: DatabaseSettings): DatabaseHandle {
  if (!settings.DATABASE_URL) {
    select('d1');
    return { kind: 'd1', db: createDb(env.DB), close: async () => {} };
  }
  select('postgres');
  // Connections left idle close themselves soon: a hub operation's pool is not ended explicitly.
  const pool = new Pool({ connectionString: postgresUrl(settings.DATABASE_URL), max: 4, idleTimeoutMillis: 1_000 });
  configureProxy(settings.DATABASE_WS_PROXY);
  // An idle connection the server drops must not surface as an unhandled error.
  pool.on('error', (err: Error) => logPoolError(err));
  // A client being ended (after the response) has no pool listener left: its errors would go unhandled.
  pool.on('connect', (client: PoolClient) => client.on('error', (err: Error) => logPoolError(err)));
  const db = drizzlePg({ client: pool, schema: pgSchema }) as unknown as Db;
  identities.set(db, identityOf(settings.DATABASE_URL));
  let closed: Promise<void> | undefined;
  return {
    kind: 'postgres',
    db,
    close: () => {
      closed ??= pool.end().catch((err) => logPoolError(err));
      return closed;
    },
  };
}

/** Validates DATABASE_URL without ever echoing its credentials. */
function postgresUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw databaseUnavailable('DATABASE_URL is not a valid URL (expected postgres://user:password@host/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw databaseUnavailable(`DATABASE_URL must use postgres:// or postgresql://, not ${url.protocol}//`);
  }
  if (!url.hostname || url.pathname.length <= 1) {
    throw databaseUnavailable('DATABASE_URL must name a host and a database (postgres://user:password@host/database)');
  }
  return raw;
}

let proxyConfigured: string | undefined;

function configureProxy(proxy: string | undefined): void {
  if (!proxy || proxyConfigured === proxy) return;
  neonConfig.wsProxy = () => `${proxy}/`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  proxyConfigured = proxy;
}

function logPoolError(err: unknown): void {
  // The driver reports a dropped WebSocket as an ErrorEvent, whose String() says nothing.
  const message =
    err instanceof Error || (err && typeof err === 'object' && 'message' in err)
      ? String((err as { message: unknown }).message)
      : String(err);
  // An idle connection whose request (or hub operation) has ended is cut by the runtime: expected, and
  // the pool drops it. Anything else is worth a line in the logs.
  if (message.includes('Network connection lost')) return;
  console.error(JSON.stringify({ level: 'error', where: 'postgres pool', message }));
}
