import { type Pool, types } from '@neondatabase/serverless';
import { type SQL, sql } from 'drizzle-orm';
import type { Statement } from '../../db/batch';
import type { Db } from '../../db/client';
import { isoFromPg } from '../../db/pg/schema/columns';
import { runPostgresUnit } from '../../db/pg/unit';
import { isPostgres, rawStatement } from '../../db/sql';
import type { Query } from './query';

/**
 * The one module of the analytics wing that talks to a database driver: the reports' GROUP BYs and the
 * nightly RFM snapshot are plain SQL, built elsewhere in analytics/queries as `Query` values, and run
 * here on D1 (the binding, `db.$client`) or on Postgres (the request's Neon pool, also `db.$client`).
 * Rows come back the same on both, as D1 gives them: see `pgTypes`.
 */

export type Row = Record<string, unknown>;

interface Runner {
  all<T>(q: Query): Promise<T[]>;
  first<T>(q: Query): Promise<T | null>;
  /** Several reads: one D1 batch (one round trip), or side by side on the pool's connections. */
  many(queries: Query[]): Promise<Row[][]>;
  /** Rows as arrays of column values, in SELECT order. */
  arrays<T extends unknown[]>(q: Query): Promise<T[]>;
  run(q: Query): Promise<void>;
  /** Statements as one transaction (all or nothing). */
  atomically(queries: Query[]): Promise<void>;
}

function d1Runner(d1: D1Database): Runner {
  const prepared = (q: Query) => d1.prepare(q.sql).bind(...q.params);
  return {
    all: async <T>(q: Query) => (await prepared(q).all<T>()).results,
    first: <T>(q: Query) => prepared(q).first<T>(),
    many: async (queries) => (await d1.batch(queries.map(prepared))).map((r) => (r.results ?? []) as Row[]),
    arrays: <T extends unknown[]>(q: Query) => prepared(q).raw<T>(),
    run: async (q) => {
      await prepared(q).run();
    },
    atomically: async (queries) => {
      await d1.batch(queries.map(prepared));
    },
  };
}

/**
 * Postgres values as D1 hands over the same columns: instants as ISO-8601 UTC text (what SQLite stores),
 * dates as `YYYY-MM-DD` text (the driver would make a local-midnight Date), JSON as its text (services
 * parse it as they parse SQLite's), booleans as 1/0, and 64-bit integers and numerics (COUNT, SUM) as
 * numbers: money in minor units and counts stay far below 2^53.
 */
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    switch (oid) {
      case types.builtins.TIMESTAMPTZ:
        return isoFromPg;
      case types.builtins.DATE:
      case types.builtins.JSON:
      case types.builtins.JSONB:
        return (value: string) => value;
      case types.builtins.BOOL:
        return (value: string) => (value === 't' ? 1 : 0);
      case types.builtins.INT8:
      case types.builtins.NUMERIC:
        return (value: string) => Number(value);
      default:
        return format === 'binary' ? types.getTypeParser(oid, 'binary') : types.getTypeParser(oid);
    }
  },
};

/** `?N` (the queries' placeholders, D1's numbered parameters) as Postgres' `$N`. */
const pgText = (text: string) => text.replace(/\?(\d+)/g, '$$$1');

function postgresRunner(db: Db): Runner {
  const pool = db.$client as unknown as Pool;
  const config = (q: Query) => ({ text: pgText(q.sql), values: q.params, types: pgTypes });
  const all = async <T>(q: Query) => (await pool.query(config(q))).rows as T[];
  return {
    all,
    first: async <T>(q: Query) => (await all<T>(q))[0] ?? null,
    many: async (queries) => {
      // As a D1 batch reads: on one connection, from one snapshot (the sums of one report agree).
      const client = await pool.connect();
      let failed = false;
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const out: Row[][] = [];
        for (const q of queries) out.push((await client.query(config(q))).rows as Row[]);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        // A connection left inside a transaction is not handed out again.
        client.release(failed ? true : undefined);
      }
    },
    arrays: async <T extends unknown[]>(q: Query) =>
      (await pool.query({ ...config(q), rowMode: 'array' as const })).rows as T[],
    run: async (q) => {
      await pool.query(config(q));
    },
    atomically: async (queries) => {
      await runPostgresUnit(
        db,
        queries.map((q) => ({ guard: false, sql: pgText(q.sql), params: q.params })),
      );
    },
  };
}

const runnerFor = (db: Db): Runner => (isPostgres(db) ? postgresRunner(db) : d1Runner(db.$client));

export const runQuery = <T = Row>(db: Db, q: Query): Promise<T[]> => runnerFor(db).all<T>(q);

/** Several read statements in one go (one round trip on D1). */
export async function runQueries(db: Db, queries: Query[]): Promise<Row[][]> {
  if (queries.length === 0) return [];
  return runnerFor(db).many(queries);
}

export const num = (v: unknown): number => (typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v));

/** The rows of a read as arrays of column values, in SELECT order (no per-row objects: the big RFM reads). */
export const runRows = <T extends unknown[]>(db: Db, q: Query): Promise<T[]> => runnerFor(db).arrays<T>(q);

/** The first row of a read, or null. */
export const runFirst = <T = Row>(db: Db, q: Query): Promise<T | null> => runnerFor(db).first<T>(q);

/** One write statement. */
export async function runStatement(db: Db, q: Query): Promise<void> {
  await runnerFor(db).run(q);
}

/** Several statements as one transaction (all or nothing): a D1 batch, or a Postgres transaction. */
export async function runBatch(db: Db, queries: Query[]): Promise<void> {
  if (queries.length === 0) return;
  await runnerFor(db).atomically(queries);
}

/**
 * A query as a statement of an atomic unit committed through the write pipeline (services/write-pipeline.ts),
 * so analytics SQL can join a unit with the events it appends. Each `?N` becomes a parameter of its own.
 */
export function unitStatement(db: Db, q: Query): Statement {
  const chunks: SQL[] = [];
  let last = 0;
  for (const m of q.sql.matchAll(/\?(\d+)/g)) {
    chunks.push(sql.raw(q.sql.slice(last, m.index)), sql`${q.params[Number(m[1]) - 1]}`);
    last = m.index + m[0].length;
  }
  chunks.push(sql.raw(q.sql.slice(last)));
  return rawStatement(db, sql.join(chunks));
}
