import { describe, expect, it } from 'vitest';
import { localDate, localHour, offsetSegments } from '../../src/analytics/domain/timezone';
import { localDaySql, localHourSql, Params } from '../../src/analytics/queries/activity-sql';
import { runFirst, runQuery, runRows } from '../../src/analytics/queries/run';
import {
  addCustomer,
  addOrder,
  addProduct,
  addSalesman,
  addTarget,
  addTerritory,
  setTerritoryBoundary,
} from '../helpers/analytics-fixtures';
import { testDb } from '../helpers/db';
import { createTenant } from '../helpers/factories';

/**
 * The analytics SQL on the run's database (D1 or Postgres): local days and hours agree with the
 * TypeScript calendar (Intl) around DST changes, and raw rows come back in D1's shapes on both.
 */

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** DST changes (UTC instants) of zones with unusual rules, and zones without DST. */
const ZONES: Record<string, string[]> = {
  'Europe/Berlin': ['2025-03-30T01:00:00.000Z', '2025-10-26T01:00:00.000Z'],
  'America/New_York': ['2025-03-09T07:00:00.000Z', '2025-11-02T06:00:00.000Z'],
  // Midnight does not exist on 7 September 2025 (00:00 → 01:00) and happens twice on 6 April.
  'America/Santiago': ['2025-04-06T03:00:00.000Z', '2025-09-07T04:00:00.000Z'],
  // Half-hour DST.
  'Australia/Lord_Howe': ['2025-04-05T15:00:00.000Z', '2025-10-04T15:30:00.000Z'],
  'Pacific/Chatham': ['2025-04-05T14:00:00.000Z', '2025-09-27T14:00:00.000Z'],
  'Asia/Kathmandu': ['2025-06-01T18:15:00.000Z'],
  UTC: ['2025-01-01T00:00:00.000Z'],
};

/** Instants around a change: the millisecond before and at it, and up to three hours either side. */
const around = (change: string) =>
  [-3 * HOUR, -HOUR, -30 * 60_000, -1, 0, 1, 30 * 60_000, HOUR, 3 * HOUR].map((d) => Date.parse(change) + d);

describe('local days and hours in SQL', () => {
  it('agree with Intl at every DST change, millisecond by millisecond', async () => {
    const t = await createTenant();
    const customerId = await addCustomer(t);
    const instants = [...new Set(Object.values(ZONES).flat().flatMap(around))].sort((a, b) => a - b);
    await Promise.all(instants.map((at) => addOrder(t, { customerId, totalMinor: 100, orderedAt: iso(at) })));

    const db = testDb();
    for (const [zone, changes] of Object.entries(ZONES)) {
      for (const change of changes) {
        const inside = around(change);
        const startMs = Math.min(...inside);
        const endMs = Math.max(...inside) + 1;
        const clock = { timezone: zone, segments: offsetSegments(zone, startMs, endMs) };
        const p = new Params();
        const rows = await runQuery<{ at: string; day: string; hour: string }>(db, {
          sql: `SELECT o.ordered_at AS at, ${localDaySql('o.ordered_at', clock, p)} AS day,
                  ${localHourSql('o.ordered_at', clock, p)} AS hour
                FROM orders o WHERE o.tenant_id = ${p.add(t.tenantId)}
                  AND o.ordered_at >= ${p.add(iso(startMs))} AND o.ordered_at < ${p.add(iso(endMs))}
                ORDER BY o.ordered_at`,
          params: p.values,
        });
        expect(rows.map((r) => r.at).filter((at) => inside.includes(Date.parse(at)))).toHaveLength(inside.length);
        const expected = rows.map((r) => ({
          at: r.at,
          day: localDate(zone, Date.parse(r.at)),
          hour: String(localHour(zone, Date.parse(r.at))).padStart(2, '0'),
        }));
        expect(rows, `${zone} around ${change}`).toEqual(expected);
      }
    }
  });
});

describe('raw rows', () => {
  it('carry the values D1 gives: ISO instants, date and JSON text, 0/1, numbers for counts and sums', async () => {
    const t = await createTenant();
    const customerId = await addCustomer(t, { lat: 52.5, lng: 13.4 });
    const productId = await addProduct(t, { sku: 'ROW-1', active: false, onHand: 7 });
    const territoryId = await addTerritory(t, 'North');
    await setTerritoryBoundary(t, territoryId, {
      type: 'Polygon',
      coordinates: [
        [
          [13, 52],
          [14, 52],
          [13, 53],
          [13, 52],
        ],
      ],
    });
    const salesmanId = await addSalesman(t);
    await addTarget(t, {
      salesmanId,
      periodType: 'month',
      periodStart: '2025-03-01',
      periodEnd: '2025-03-31',
      revenueGoalMinor: 9_007_199_254_740,
      visitGoal: 3,
    });
    await addOrder(t, { customerId, totalMinor: 1_250, orderedAt: '2025-03-04T09:15:00.120Z' });
    await addOrder(t, { customerId, totalMinor: 2_000_000_000_000, orderedAt: '2025-03-05T23:59:59.999Z' });
    const db = testDb();

    expect(
      await runFirst(db, {
        sql: `SELECT COUNT(*) AS n, SUM(total_minor) AS total, MIN(ordered_at) AS first, MAX(ordered_at) AS last,
                AVG(total_minor) AS mean
              FROM orders WHERE tenant_id = ?1`,
        params: [t.tenantId],
      }),
    ).toEqual({
      n: 2,
      total: 2_000_000_001_250,
      first: '2025-03-04T09:15:00.120Z',
      last: '2025-03-05T23:59:59.999Z',
      mean: 1_000_000_000_625,
    });
    expect(
      await runFirst(db, {
        sql: `SELECT p.active AS active, i.on_hand AS on_hand, p.price_minor AS price FROM products p
              JOIN inventory i ON i.tenant_id = p.tenant_id AND i.product_id = p.id WHERE p.tenant_id = ?1 AND p.id = ?2`,
        params: [t.tenantId, productId],
      }),
    ).toEqual({ active: 0, on_hand: 7, price: 1000 });
    expect(
      await runFirst(db, {
        sql: 'SELECT period_start, period_end, revenue_goal_minor, visit_goal FROM targets WHERE tenant_id = ?1',
        params: [t.tenantId],
      }),
    ).toEqual({
      period_start: '2025-03-01',
      period_end: '2025-03-31',
      revenue_goal_minor: 9_007_199_254_740,
      visit_goal: 3,
    });
    const territory = await runFirst<{ boundary: unknown }>(db, {
      sql: 'SELECT boundary FROM territories WHERE tenant_id = ?1 AND id = ?2',
      params: [t.tenantId, territoryId],
    });
    expect(typeof territory?.boundary).toBe('string');
    expect(JSON.parse(String(territory?.boundary))).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [13, 52],
          [14, 52],
          [13, 53],
          [13, 52],
        ],
      ],
    });
    expect(
      await runRows(db, {
        sql: 'SELECT id, lat, lng, created_at FROM customers WHERE tenant_id = ?1',
        params: [t.tenantId],
      }),
    ).toEqual([[customerId, 52.5, 13.4, '2024-01-01T00:00:00.000Z']]);
    expect(
      await runFirst(db, {
        sql: 'SELECT id FROM customers WHERE tenant_id = ?1 AND id = ?2',
        params: [t.tenantId, productId],
      }),
    ).toBeNull();
  });
});
