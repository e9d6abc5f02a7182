import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileScores } from '../../src/analytics/domain/quintiles';
import { runFirst, runQuery } from '../../src/analytics/queries/run';
import { runNightlyRfm } from '../../src/analytics/services/rfm-runs.service';
import type { Db } from '../../src/db/client';
import { addCustomer, addOrder } from '../helpers/analytics-fixtures';
import { systemContext } from '../helpers/context';
import { testDatabaseKind, testDb } from '../helpers/db';
import { createTenant } from '../helpers/factories';

/** The nightly run as the job runs it: the platform acting for the tenant at `at`. */
const runRfm = (tenantId: string, at: number) => runNightlyRfm(systemContext(tenantId, at, 'rfm'), at);

/**
 * The TypeScript scoring checked against a different method: SQL window functions in the run's database
 * (RANK, COUNT OVER a partition, NTILE) computing the same definitions from scratch. The window functions
 * and the integer arithmetic are the same on D1 and Postgres; only reading the JSON input differs.
 */
const MID_RANK = `(10 * (RANK() OVER (ORDER BY value) - 1) + 5 * COUNT(*) OVER (PARTITION BY value)) / (2 * COUNT(*) OVER ()) + 1`;
const midRankSql = {
  d1: `SELECT CAST(key AS INTEGER) AS i, ${MID_RANK} AS score, NTILE(5) OVER (ORDER BY value) AS tile
       FROM json_each(?1) ORDER BY i`,
  postgres: `SELECT CAST(ord - 1 AS integer) AS i, ${MID_RANK} AS score, NTILE(5) OVER (ORDER BY value) AS tile
             FROM (SELECT CAST(e AS bigint) AS value, ord
                   FROM jsonb_array_elements_text(CAST(?1 AS jsonb)) WITH ORDINALITY AS a(e, ord)) j
             ORDER BY i`,
};

const sqlScores = (db: Db, xs: number[]) =>
  runQuery<{ i: number; score: number; tile: number }>(db, {
    sql: midRankSql[testDatabaseKind()],
    params: [JSON.stringify(xs)],
  });

/**
 * The RFM oracle: per customer from the orders and refunds, then scored with window functions. Recency
 * takes the last order's local date as UTC + 1 hour (the fixture stays in Berlin's winter time), written
 * with each database's date functions.
 */
const rfmOracleSql = (kind: 'd1' | 'postgres') => {
  const [least, recency] =
    kind === 'd1'
      ? ['MIN', "CAST(julianday('2025-02-25') - julianday(date(MAX(o.ordered_at), '+1 hour')) AS INTEGER)"]
      : ['LEAST', "DATE '2025-02-25' - CAST(MAX(o.ordered_at) AT TIME ZONE 'UTC' + INTERVAL '1 hour' AS date)"];
  return `
    WITH refunds AS (
      SELECT order_id, SUM(amount_minor) AS refunded FROM payments
      WHERE tenant_id = ?1 AND status = 'refunded' GROUP BY order_id),
    per_customer AS (
      SELECT o.customer_id AS id, COUNT(*) AS frequency,
             SUM(o.total_minor - ${least}(COALESCE(r.refunded, 0), o.total_minor)) AS monetary,
             ${recency} AS recency
      FROM orders o JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id AND c.deleted_at IS NULL
      LEFT JOIN refunds r ON r.order_id = o.id
      WHERE o.tenant_id = ?1 AND o.status IN ('confirmed', 'fulfilled') GROUP BY o.customer_id)
    SELECT id, frequency, monetary, recency,
      (10 * (RANK() OVER (ORDER BY -recency) - 1) + 5 * COUNT(*) OVER (PARTITION BY recency)) / (2 * COUNT(*) OVER ()) + 1 AS r,
      (10 * (RANK() OVER (ORDER BY frequency) - 1) + 5 * COUNT(*) OVER (PARTITION BY frequency)) / (2 * COUNT(*) OVER ()) + 1 AS f,
      (10 * (RANK() OVER (ORDER BY monetary) - 1) + 5 * COUNT(*) OVER (PARTITION BY monetary)) / (2 * COUNT(*) OVER ()) + 1 AS m
    FROM per_customer ORDER BY id`;
};

describe('quintiles: TypeScript against SQL window functions', () => {
  it('mid-rank scores agree with RANK/COUNT OVER, and with NTILE(5) for distinct values when 5 divides n', async () => {
    const db = testDb();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 120 }), async (xs) => {
        const sql = await sqlScores(db, xs);
        expect(quantileScores(xs)).toEqual(sql.map((r) => r.score));
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 5, maxLength: 200 }),
        async (raw) => {
          const xs = raw.slice(0, raw.length - (raw.length % 5));
          const sql = await sqlScores(db, xs);
          expect(quantileScores(xs)).toEqual(sql.map((r) => r.tile));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('RFM job against an SQL oracle', () => {
  it('stores the same recency, frequency, net spend and scores as window functions compute', async () => {
    const t = await createTenant();
    // Winter only (Berlin = UTC+1 throughout), so the oracle can turn instants into local dates with '+1 hour'.
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const start = Date.parse('2024-11-01T00:00:00Z');
    const span = Date.parse('2025-02-20T00:00:00Z') - start;
    const customers: string[] = [];
    for (let i = 0; i < 40; i++) customers.push(await addCustomer(t));
    const deleted = await addCustomer(t, { deleted: true });
    for (let i = 0; i < 160; i++) {
      const customerId = customers[Math.floor(rnd() * customers.length)] as string;
      const status = (['confirmed', 'fulfilled', 'fulfilled', 'cancelled', 'draft'] as const)[Math.floor(rnd() * 5)];
      const total = 100 * (1 + Math.floor(rnd() * 200));
      await addOrder(t, {
        customerId,
        status,
        totalMinor: total,
        orderedAt: new Date(start + Math.floor(rnd() * span)).toISOString(),
        refundedMinor: rnd() < 0.15 ? Math.round(total * (rnd() < 0.5 ? 0.5 : 1.3)) : 0,
      });
    }
    await addOrder(t, { customerId: deleted, totalMinor: 999_999, orderedAt: '2025-02-01T10:00:00.000Z' });

    const now = Date.parse('2025-02-25T03:00:00Z');
    const result = await runRfm(t.tenantId, now);
    expect(result).toMatchObject({ status: 'completed', runDate: '2025-02-25', customers: 40 });

    const db = testDb();
    const oracle = await runQuery(db, { sql: rfmOracleSql(testDatabaseKind()), params: [t.tenantId] });
    const stored = await runQuery(db, {
      sql: `SELECT customer_id AS id, frequency, monetary_minor AS monetary, recency_days AS recency, r, f, m FROM rfm_scores
            WHERE tenant_id = ?1 AND run_date = '2025-02-25' AND segment <> 'prospect' ORDER BY customer_id`,
      params: [t.tenantId],
    });
    expect(oracle.length).toBeGreaterThan(20);
    expect(stored).toEqual(oracle);
    const prospects = await runFirst<{ n: number }>(db, {
      sql: "SELECT COUNT(*) AS n FROM rfm_scores WHERE tenant_id = ?1 AND run_date = '2025-02-25' AND segment = 'prospect'",
      params: [t.tenantId],
    });
    expect((prospects?.n ?? 0) + oracle.length).toBe(40);
  });
});
