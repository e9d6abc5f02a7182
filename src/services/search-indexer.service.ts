import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { openDatabase } from '../db/connection';
import { dialect } from '../db/sql';
import { customers, events, products, searchCursors } from '../db/tables';
import { loadConfig } from '../env';
import { chunk } from '../lib/chunk';
import { nowIso } from '../lib/time';
import { searchPortFor } from '../search/backend';
import type { SearchPort, SyncBatch } from '../search/search-port';

/**
 * Feeds an external search index (Meilisearch) from the domain event log. Per tenant, it reads the events
 * after its cursor, loads the CURRENT state of every product and customer they mention (so replays and
 * out-of-order pushes converge to the database), pushes upserts and deletions, and moves the cursor only
 * once the index has processed them: a failed push is retried from the same place by the next run.
 * The FTS5 and Postgres backends need none of this (their triggers index inside the write's own transaction).
 */

const EVENTS_PER_PAGE = 500;
/** Bounds one run (an alarm or cron invocation); the next run continues from the cursor. */
const MAX_PAGES_PER_RUN = 20;
/** D1 allows 100 bound parameters per statement. */
const IDS_PER_QUERY = 90;

export interface IndexerReport {
  status: 'skipped' | 'ok' | 'failed';
  backend: SearchPort['backend'];
  /** The cursor before and after this run. */
  fromSeq: number;
  toSeq: number;
  upserts: number;
  removals: number;
  error?: string;
}

/**
 * Entry point for the realtime hub (alarm / catch-up), a Worker `scheduled()` handler or a script: never
 * throws, so a search outage cannot break its caller; failures are logged and retried next run.
 */
export async function runSearchIndexer(env: Env, tenantId: string): Promise<IndexerReport> {
  let port: SearchPort | null = null;
  try {
    const config = loadConfig(env);
    const database = openDatabase(env, config);
    port = searchPortFor(config, database.db);
    const report = await indexTenant(database.db, port, tenantId).finally(() => database.close());
    if (report.status === 'failed') logFailure(tenantId, report.error);
    return report;
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    logFailure(tenantId, error);
    return { status: 'failed', backend: port?.backend ?? 'fts5', fromSeq: 0, toSeq: 0, upserts: 0, removals: 0, error };
  }
}

const logFailure = (tenantId: string, message: string | undefined) =>
  console.error(JSON.stringify({ level: 'error', component: 'search-indexer', tenantId, message }));

export async function indexTenant(db: Db, port: SearchPort, tenantId: string): Promise<IndexerReport> {
  const feed = port.feed;
  // FTS5 and Postgres are kept by triggers: nothing to read, so the hub can call this after every catch-up.
  if (!feed) return { status: 'skipped', backend: port.backend, fromSeq: 0, toSeq: 0, upserts: 0, removals: 0 };
  const start = await readCursor(db, tenantId, port.backend);
  const report: IndexerReport = {
    status: 'ok',
    backend: port.backend,
    fromSeq: start,
    toSeq: start,
    upserts: 0,
    removals: 0,
  };
  for (let page = 0; page < MAX_PAGES_PER_RUN; page++) {
    const rows = await db
      .select({ seq: events.seq, entityType: events.entityType, entityId: events.entityId })
      .from(events)
      .where(and(eq(events.tenantId, tenantId), gt(events.seq, report.toSeq)))
      .orderBy(asc(events.seq))
      .limit(EVENTS_PER_PAGE);
    const last = rows.at(-1);
    if (!last) break;
    const batch = await currentState(db, tenantId, rows);
    const upserts = batch.products.upsert.length + batch.customers.upsert.length;
    const removals = batch.products.remove.length + batch.customers.remove.length;
    if (upserts + removals > 0) {
      try {
        await feed.sync(tenantId, batch);
      } catch (err) {
        return { ...report, status: 'failed', error: err instanceof Error ? err.message : String(err) };
      }
    }
    await advanceCursor(db, tenantId, port.backend, last.seq);
    report.toSeq = last.seq;
    report.upserts += upserts;
    report.removals += removals;
    if (rows.length < EVENTS_PER_PAGE) break;
  }
  return report;
}

/** After a full reindex: everything up to `seq` is in the index. */
export const markIndexedUpTo = (db: Db, tenantId: string, backend: string, seq: number) =>
  advanceCursor(db, tenantId, backend, seq);

export async function lastEventSeq(db: Db, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ seq: sql<number>`coalesce(max(${events.seq}), 0)` })
    .from(events)
    .where(eq(events.tenantId, tenantId));
  return Number(row?.seq ?? 0);
}

async function readCursor(db: Db, tenantId: string, backend: string): Promise<number> {
  const [row] = await db
    .select({ lastSeq: searchCursors.lastSeq })
    .from(searchCursors)
    .where(and(eq(searchCursors.tenantId, tenantId), eq(searchCursors.backend, backend)));
  return row?.lastSeq ?? 0;
}

/** Never moves backwards: two overlapping runs both push idempotent state, and the later position wins. */
async function advanceCursor(db: Db, tenantId: string, backend: string, seq: number) {
  await db
    .insert(searchCursors)
    .values({ tenantId, backend, lastSeq: seq, updatedAt: nowIso() })
    .onConflictDoUpdate({
      target: [searchCursors.tenantId, searchCursors.backend],
      set: {
        lastSeq: dialect.greatest(sql`${searchCursors.lastSeq}`, sql`excluded.last_seq`),
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

async function currentState(
  db: Db,
  tenantId: string,
  rows: { entityType: string; entityId: string }[],
): Promise<SyncBatch> {
  const ids = (type: string) => [...new Set(rows.filter((r) => r.entityType === type).map((r) => r.entityId))];
  const batch: SyncBatch = { products: { upsert: [], remove: [] }, customers: { upsert: [], remove: [] } };
  for (const part of chunk(ids('product'), IDS_PER_QUERY)) {
    const found = await db
      .select()
      .from(products)
      .where(and(eq(products.tenantId, tenantId), inArray(products.id, part)));
    split(part, found, batch.products);
  }
  for (const part of chunk(ids('customer'), IDS_PER_QUERY)) {
    const found = await db
      .select()
      .from(customers)
      .where(and(eq(customers.tenantId, tenantId), inArray(customers.id, part)));
    split(part, found, batch.customers);
  }
  return batch;
}

function split<T extends { id: string; deletedAt: string | null }>(
  ids: string[],
  found: T[],
  into: { upsert: T[]; remove: string[] },
) {
  const byId = new Map(found.map((r) => [r.id, r]));
  for (const id of ids) {
    const row = byId.get(id);
    if (row && row.deletedAt === null) into.upsert.push(row);
    else into.remove.push(id);
  }
}
