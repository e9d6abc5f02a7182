import { sql } from 'drizzle-orm';
import type { RfmRow } from '../analytics/rfm';
import { rfmThresholds } from '../analytics/rfm';
import { localDate, safeTimeZone } from '../analytics/timezone';
import { systemPrincipal } from '../auth/principal';
import { runBatch, type Statement } from '../db/batch';
import type { Db } from '../db/client';
import { computeRfm } from '../services/analytics-rfm.service';
import type { ServiceContext } from '../services/context';
import { appendEvent } from '../services/events.service';

/**
 * The nightly RFM job for one tenant, resumable at every step. The run row (tenant, local date) is the
 * cursor: `scoring` writes the whole snapshot in one batch (one transaction: all of it or nothing, so a
 * retry simply scores again), `notifying` appends the `segment:changed` events a slice at a time and
 * marks those rows in the same batch (a retry continues after the last committed slice, never twice),
 * `completed` makes any further delivery of the message a no-op.
 */
export const EVENTS_PER_BATCH = 100;
/** Events appended per invocation; a tenant with more changes continues in a follow-up message. */
export const EVENTS_PER_INVOCATION = 1000;
/** Completed runs kept per tenant (the latest is read by the API; one before it for "moved from"). */
export const RUNS_KEPT = 8;
/** A bound JSON parameter must stay under D1's 1 MB value limit. */
const JSON_CHUNK_CHARS = 800_000;

export type RfmJobResult =
  | { status: 'completed'; runDate: string; customers: number; changed: number; eventsAppended: number }
  | { status: 'continue'; runDate: string; eventsAppended: number }
  | { status: 'skipped'; reason: string };

interface RunRow {
  run_date: string;
  status: 'scoring' | 'notifying' | 'completed';
  as_of: string;
  previous_run_date: string | null;
  customers: number;
  changed: number;
  events_appended: number;
}

export async function runRfmJob(db: Db, tenantId: string, nowMs: number): Promise<RfmJobResult> {
  const d1 = db.$client;
  const tenant = await d1
    .prepare('SELECT timezone FROM tenants WHERE id = ?1 AND deleted_at IS NULL')
    .bind(tenantId)
    .first<{ timezone: string }>();
  if (!tenant) return { status: 'skipped', reason: 'tenant not found' };
  const timezone = safeTimeZone(tenant.timezone);
  const runDate = localDate(timezone, nowMs);
  const now = new Date(nowMs).toISOString();
  await d1
    .prepare(
      `INSERT INTO rfm_runs (tenant_id, run_date, status, as_of, previous_run_date, started_at)
       SELECT ?1, ?2, 'scoring', ?3,
              (SELECT MAX(run_date) FROM rfm_runs WHERE tenant_id = ?1 AND status = 'completed' AND run_date < ?2), ?4
       ON CONFLICT (tenant_id, run_date) DO UPDATE SET attempts = attempts + 1`,
    )
    .bind(tenantId, runDate, now, new Date().toISOString())
    .run();
  let run = (await readRun(db, tenantId, runDate)) as RunRow;
  if (run.status === 'completed') return { status: 'skipped', reason: `run ${runDate} already completed` };
  if (run.status === 'scoring') {
    await score(db, tenantId, timezone, run);
    run = (await readRun(db, tenantId, runDate)) as RunRow;
  }
  const appended = await notify(db, tenantId, run, nowMs);
  if (appended.more) return { status: 'continue', runDate, eventsAppended: appended.count };
  await complete(db, tenantId, runDate, new Date().toISOString());
  return {
    status: 'completed',
    runDate,
    customers: run.customers,
    changed: run.changed,
    eventsAppended: run.events_appended + appended.count,
  };
}

const readRun = (db: Db, tenantId: string, runDate: string) =>
  db.$client
    .prepare('SELECT * FROM rfm_runs WHERE tenant_id = ?1 AND run_date = ?2')
    .bind(tenantId, runDate)
    .first<RunRow>();

/** Scores the tenant and writes the snapshot, prospects and the run's counts in one transaction. */
async function score(db: Db, tenantId: string, timezone: string, run: RunRow): Promise<void> {
  const started = Date.now();
  const rows = await computeRfm(db, tenantId, timezone, Date.parse(run.as_of));
  const d1 = db.$client;
  const statements: D1PreparedStatement[] = [
    d1.prepare('DELETE FROM rfm_scores WHERE tenant_id = ?1 AND run_date = ?2').bind(tenantId, run.run_date),
  ];
  for (const chunk of jsonChunks(rows)) {
    statements.push(
      d1
        .prepare(
          `INSERT INTO rfm_scores (tenant_id, run_date, customer_id, recency_days, frequency, monetary_minor,
             last_order_date, r, f, m, segment, previous_segment)
           SELECT ?1, ?2, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4,
                  j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8, prev.segment
           FROM json_each(?3) j
           LEFT JOIN rfm_scores prev ON prev.tenant_id = ?1 AND prev.run_date = ?4 AND prev.customer_id = j.value ->> 0`,
        )
        .bind(tenantId, run.run_date, chunk, run.previous_run_date),
    );
  }
  statements.push(
    d1
      .prepare(
        `INSERT INTO rfm_scores (tenant_id, run_date, customer_id, recency_days, frequency, monetary_minor,
           last_order_date, r, f, m, segment, previous_segment)
         SELECT c.tenant_id, ?2, c.id, NULL, 0, 0, NULL, NULL, NULL, NULL, 'prospect', prev.segment
         FROM customers c
         LEFT JOIN rfm_scores s ON s.tenant_id = c.tenant_id AND s.run_date = ?2 AND s.customer_id = c.id
         LEFT JOIN rfm_scores prev ON prev.tenant_id = c.tenant_id AND prev.run_date = ?3 AND prev.customer_id = c.id
         WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND s.customer_id IS NULL`,
      )
      .bind(tenantId, run.run_date, run.previous_run_date),
    d1
      .prepare(
        `UPDATE rfm_runs SET status = 'notifying', scored_at = ?3, scored = ?4, scoring_ms = ?5, thresholds = ?6,
           customers = (SELECT COUNT(*) FROM rfm_scores WHERE tenant_id = ?1 AND run_date = ?2),
           changed = (SELECT COUNT(*) FROM rfm_scores WHERE tenant_id = ?1 AND run_date = ?2
                      AND previous_segment IS NOT NULL AND segment <> previous_segment)
         WHERE tenant_id = ?1 AND run_date = ?2 AND status = 'scoring'`,
      )
      .bind(
        tenantId,
        run.run_date,
        new Date().toISOString(),
        rows.length,
        Date.now() - started,
        JSON.stringify(rfmThresholds(rows)),
      ),
  );
  await d1.batch(statements);
}

/** Compact JSON arrays of score rows, each under D1's bound-value size limit. */
export function* jsonChunks(rows: readonly RfmRow[]): Generator<string> {
  let parts: string[] = [];
  let size = 2;
  for (const r of rows) {
    const item = JSON.stringify([
      r.customerId,
      r.recencyDays,
      r.frequency,
      r.monetaryMinor,
      r.lastOrderDate ?? null,
      r.r,
      r.f,
      r.m,
      r.segment,
    ]);
    if (size + item.length + 1 > JSON_CHUNK_CHARS && parts.length > 0) {
      yield `[${parts.join(',')}]`;
      parts = [];
      size = 2;
    }
    parts.push(item);
    size += item.length + 1;
  }
  if (parts.length > 0) yield `[${parts.join(',')}]`;
}

interface Change {
  customer_id: string;
  segment: string;
  previous_segment: string;
  r: number | null;
  f: number | null;
  m: number | null;
  recency_days: number | null;
  frequency: number;
  monetary_minor: number;
  salesman_id: string | null;
}

/**
 * Appends `segment:changed` for each changed customer not yet notified, EVENTS_PER_BATCH per D1 batch,
 * each batch also marking its rows notified — so an event is in the log exactly once.
 */
async function notify(db: Db, tenantId: string, run: RunRow, nowMs: number): Promise<{ count: number; more: boolean }> {
  const ctx: ServiceContext = { db, principal: systemPrincipal(tenantId, 'rfm'), now: new Date(nowMs).toISOString() };
  let count = 0;
  while (count < EVENTS_PER_INVOCATION) {
    const { results } = await db.$client
      .prepare(
        `SELECT s.customer_id, s.segment, s.previous_segment, s.r, s.f, s.m, s.recency_days, s.frequency,
                s.monetary_minor, c.salesman_id
         FROM rfm_scores s LEFT JOIN customers c ON c.tenant_id = s.tenant_id AND c.id = s.customer_id
         WHERE s.tenant_id = ?1 AND s.run_date = ?2
           AND s.previous_segment IS NOT NULL AND s.segment <> s.previous_segment AND s.notified = 0
         ORDER BY s.customer_id LIMIT ?3`,
      )
      .bind(tenantId, run.run_date, EVENTS_PER_BATCH)
      .all<Change>();
    if (results.length === 0) return { count, more: false };
    const statements: Statement[] = results.map((c) =>
      appendEvent(db, ctx, {
        type: 'segment:changed',
        entityType: 'customer',
        entityId: c.customer_id,
        payload: {
          customerId: c.customer_id,
          salesmanId: c.salesman_id,
          from: c.previous_segment,
          to: c.segment,
          r: c.r,
          f: c.f,
          m: c.m,
          recencyDays: c.recency_days,
          frequency: c.frequency,
          monetaryMinor: c.monetary_minor,
          runDate: run.run_date,
        },
      }),
    );
    const ids = JSON.stringify(results.map((c) => c.customer_id));
    statements.push(
      db.run(sql`UPDATE rfm_scores SET notified = 1
                 WHERE tenant_id = ${tenantId} AND run_date = ${run.run_date}
                   AND customer_id IN (SELECT value FROM json_each(${ids}))`),
      db.run(sql`UPDATE rfm_runs SET events_appended = events_appended + ${results.length}
                 WHERE tenant_id = ${tenantId} AND run_date = ${run.run_date}`),
    );
    await runBatch(db, statements);
    count += results.length;
  }
  return { count, more: true };
}

/** Marks the run completed and drops snapshots older than the RUNS_KEPT latest. */
async function complete(db: Db, tenantId: string, runDate: string, now: string): Promise<void> {
  const d1 = db.$client;
  const cutoff = await d1
    .prepare(
      `SELECT run_date FROM rfm_runs WHERE tenant_id = ?1 AND (status = 'completed' OR run_date = ?2)
       ORDER BY run_date DESC LIMIT 1 OFFSET ?3`,
    )
    .bind(tenantId, runDate, RUNS_KEPT)
    .first<{ run_date: string }>();
  const statements = [
    d1
      .prepare("UPDATE rfm_runs SET status = 'completed', completed_at = ?3 WHERE tenant_id = ?1 AND run_date = ?2")
      .bind(tenantId, runDate, now),
  ];
  if (cutoff) {
    statements.push(
      d1.prepare('DELETE FROM rfm_scores WHERE tenant_id = ?1 AND run_date <= ?2').bind(tenantId, cutoff.run_date),
      d1.prepare('DELETE FROM rfm_runs WHERE tenant_id = ?1 AND run_date <= ?2').bind(tenantId, cutoff.run_date),
    );
  }
  await d1.batch(statements);
}
