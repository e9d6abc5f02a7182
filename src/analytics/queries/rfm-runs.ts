import type { Statement } from '../../db/batch';
import type { Db } from '../../db/client';
import { analyticsSql } from './dialect';
import type { Query } from './query';
import { runBatch, runFirst, runQuery, runStatement, unitStatement } from './run';

/**
 * Storage of the nightly RFM runs: the run row per (tenant, local date) that is the job's cursor, the
 * score snapshot, and the changed customers still to be announced (run through queries/run.ts). The
 * lifecycle that drives them is services/rfm-runs.service.ts.
 */

export interface RfmRunRow {
  run_date: string;
  status: 'scoring' | 'notifying' | 'completed';
  as_of: string;
  previous_run_date: string | null;
  customers: number;
  changed: number;
  events_appended: number;
}

/** A customer whose segment moved in a run and who has not been announced yet. */
export interface RfmChangeRow {
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

/** Starts the run for a local date, or counts another attempt at it; returns the run as stored. */
export async function startRfmRun(db: Db, tenantId: string, runDate: string, asOf: string): Promise<RfmRunRow> {
  await runStatement(db, {
    sql: `INSERT INTO rfm_runs (tenant_id, run_date, status, as_of, previous_run_date, started_at)
          VALUES (?1, ?2, 'scoring', ?3,
                  (SELECT MAX(run_date) FROM rfm_runs WHERE tenant_id = ?1 AND status = 'completed' AND run_date < ?2), ?4)
          ON CONFLICT (tenant_id, run_date) DO UPDATE SET attempts = rfm_runs.attempts + 1`,
    params: [tenantId, runDate, asOf, new Date().toISOString()],
  });
  return (await readRfmRun(db, tenantId, runDate)) as RfmRunRow;
}

export const readRfmRun = (db: Db, tenantId: string, runDate: string) =>
  runFirst<RfmRunRow>(db, {
    sql: 'SELECT * FROM rfm_runs WHERE tenant_id = ?1 AND run_date = ?2',
    params: [tenantId, runDate],
  });

/**
 * Writes a run's snapshot in one transaction: the scored customers (`chunks`, compact JSON arrays of
 * [customer, recency, frequency, monetary, last order, r, f, m, segment]), every other live customer as a
 * prospect, each with the segment of the previous run, and the run's counts; the run moves to `notifying`.
 */
export async function writeRfmSnapshot(
  db: Db,
  tenantId: string,
  run: RfmRunRow,
  chunks: Iterable<string>,
  scoring: { scored: number; ms: number; thresholds: unknown },
): Promise<void> {
  const statements: Query[] = [
    { sql: 'DELETE FROM rfm_scores WHERE tenant_id = ?1 AND run_date = ?2', params: [tenantId, run.run_date] },
  ];
  const d = analyticsSql();
  const item = (index: number, type: Parameters<typeof d.jsonItem>[2]) => d.jsonItem('j.value', index, type);
  const scored = `${item(0, 'uuid')}, ${item(1, 'integer')}, ${item(2, 'integer')}, ${item(3, 'bigint')},
    ${item(4, 'date')}, ${item(5, 'integer')}, ${item(6, 'integer')}, ${item(7, 'integer')}, ${item(8, 'text')}`;
  for (const chunk of chunks) {
    statements.push({
      sql: `INSERT INTO rfm_scores (tenant_id, run_date, customer_id, recency_days, frequency, monetary_minor,
              last_order_date, r, f, m, segment, previous_segment)
            SELECT ?1, ?2, ${scored}, prev.segment
            FROM ${d.jsonArray('?3', 'j')}
            LEFT JOIN rfm_scores prev ON prev.tenant_id = ?1 AND prev.run_date = ?4 AND prev.customer_id = ${item(0, 'uuid')}`,
      params: [tenantId, run.run_date, chunk, run.previous_run_date],
    });
  }
  statements.push(
    {
      sql: `INSERT INTO rfm_scores (tenant_id, run_date, customer_id, recency_days, frequency, monetary_minor,
              last_order_date, r, f, m, segment, previous_segment)
            SELECT c.tenant_id, ?2, c.id, NULL, 0, 0, NULL, NULL, NULL, NULL, 'prospect', prev.segment
            FROM customers c
            LEFT JOIN rfm_scores s ON s.tenant_id = c.tenant_id AND s.run_date = ?2 AND s.customer_id = c.id
            LEFT JOIN rfm_scores prev ON prev.tenant_id = c.tenant_id AND prev.run_date = ?3 AND prev.customer_id = c.id
            WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND s.customer_id IS NULL`,
      params: [tenantId, run.run_date, run.previous_run_date],
    },
    {
      sql: `UPDATE rfm_runs SET status = 'notifying', scored_at = ?3, scored = ?4, scoring_ms = ?5, thresholds = ?6,
              customers = (SELECT COUNT(*) FROM rfm_scores WHERE tenant_id = ?1 AND run_date = ?2),
              changed = (SELECT COUNT(*) FROM rfm_scores WHERE tenant_id = ?1 AND run_date = ?2
                         AND previous_segment IS NOT NULL AND segment <> previous_segment)
            WHERE tenant_id = ?1 AND run_date = ?2 AND status = 'scoring'`,
      params: [
        tenantId,
        run.run_date,
        new Date().toISOString(),
        scoring.scored,
        scoring.ms,
        JSON.stringify(scoring.thresholds),
      ],
    },
  );
  await runBatch(db, statements);
}

/** The next `limit` changed customers of a run not yet announced, in customer order. */
export async function pendingRfmChanges(db: Db, tenantId: string, runDate: string, limit: number) {
  return runQuery<RfmChangeRow>(db, {
    sql: `SELECT s.customer_id, s.segment, s.previous_segment, s.r, s.f, s.m, s.recency_days, s.frequency,
                 s.monetary_minor, c.salesman_id
          FROM rfm_scores s LEFT JOIN customers c ON c.tenant_id = s.tenant_id AND c.id = s.customer_id
          WHERE s.tenant_id = ?1 AND s.run_date = ?2
            AND s.previous_segment IS NOT NULL AND s.segment <> s.previous_segment AND s.notified = 0
          ORDER BY s.customer_id LIMIT ?3`,
    params: [tenantId, runDate, limit],
  });
}

/** Statements for the unit that announces `customerIds`: marks them and counts the events on the run. */
export const markRfmChangesAnnounced = (
  db: Db,
  tenantId: string,
  runDate: string,
  customerIds: string[],
): Statement[] => [
  unitStatement(db, {
    sql: `UPDATE rfm_scores SET notified = 1
          WHERE tenant_id = ?1 AND run_date = ?2 AND customer_id IN (${analyticsSql().jsonStrings('?3', 'uuid')})`,
    params: [tenantId, runDate, JSON.stringify(customerIds)],
  }),
  unitStatement(db, {
    sql: 'UPDATE rfm_runs SET events_appended = events_appended + ?3 WHERE tenant_id = ?1 AND run_date = ?2',
    params: [tenantId, runDate, customerIds.length],
  }),
];

/** Marks the run completed and drops the snapshots beyond the `keep` latest runs. */
export async function completeRfmRun(db: Db, tenantId: string, runDate: string, keep: number): Promise<void> {
  const cutoff = await runFirst<{ run_date: string }>(db, {
    sql: `SELECT run_date FROM rfm_runs WHERE tenant_id = ?1 AND (status = 'completed' OR run_date = ?2)
          ORDER BY run_date DESC LIMIT 1 OFFSET ?3`,
    params: [tenantId, runDate, keep],
  });
  const statements: Query[] = [
    {
      sql: "UPDATE rfm_runs SET status = 'completed', completed_at = ?3 WHERE tenant_id = ?1 AND run_date = ?2",
      params: [tenantId, runDate, new Date().toISOString()],
    },
  ];
  if (cutoff) {
    statements.push(
      { sql: 'DELETE FROM rfm_scores WHERE tenant_id = ?1 AND run_date <= ?2', params: [tenantId, cutoff.run_date] },
      { sql: 'DELETE FROM rfm_runs WHERE tenant_id = ?1 AND run_date <= ?2', params: [tenantId, cutoff.run_date] },
    );
  }
  await runBatch(db, statements);
}
