import type { operations } from '@fieldline/client/rest';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { runNightlyRfm } from '../../src/analytics/services/rfm-runs.service';
import { addCustomer, addOrder, addSalesman, berlin } from '../helpers/analytics-fixtures';
import { api } from '../helpers/api';
import { systemContext } from '../helpers/context';
import { executeSql } from '../helpers/db';
import { createTenant, type TestTenant } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { answered, answeredJson, rest } from '../helpers/rest';

/** The nightly run as the job runs it: the platform acting for the tenant at `at`. */
const runRfm = (tenantId: string, at: number) => runNightlyRfm(systemContext(tenantId, at, 'rfm'), at);

/** The tenant's segment:changed events. */
const segmentChanges = (t: TestTenant) =>
  answered(rest(t.token).GET('/v1/events', { params: { query: { since: 0, limit: 1000, type: 'segment:changed' } } }));

/**
 * The unit-test fixture (test/unit/rfm.test.ts) as rows: on 10 April 2025 A is a champion, B and C
 * potential, D hibernating, E lost, F a prospect. On 11 April, after D's big order of 10 April:
 *   recency  D 1, A 2, B 6, C 41, E 222 → R 5, 4, 3, 2, 1
 *   orders   D 2, C 3, B 6, E 8, A 10  → F 1, 2, 3, 4, 5
 *   spend    B 30k, C 40k, A 50k, E 90k, D 101k → M 1, 2, 3, 4, 5
 *   → A champions → loyal (M 3), C potential → hibernating (R 2, F 2, M 2), D hibernating → potential.
 */
async function seed(t: TestTenant, own: string, other: string) {
  const ids: Record<string, string> = {};
  const spec = {
    A: ['2025-04-09', 10, 50_000, own],
    B: ['2025-04-05', 6, 30_000, own],
    C: ['2025-03-01', 3, 40_000, own],
    D: ['2025-01-10', 1, 1_000, own],
    E: ['2024-09-01', 8, 90_000, other],
  } as const;
  for (const [name, [last, n, spend, salesmanId]] of Object.entries(spec)) {
    const id = await addCustomer(t, { name, salesmanId });
    ids[name] = id;
    // n orders; the last one on `last`, the others a week apart before it; totals add up to `spend`.
    for (let i = 0; i < n; i++) {
      const day = new Date(Date.parse(`${last}T00:00:00Z`) - i * 7 * 86_400_000).toISOString().slice(0, 10);
      const share = i === 0 ? spend - Math.floor(spend / n) * (n - 1) : Math.floor(spend / n);
      await addOrder(t, { customerId: id, totalMinor: share, orderedAt: berlin(`${day}T11:00:00`), salesmanId });
    }
  }
  ids.F = await addCustomer(t, { name: 'F', salesmanId: other });
  // Never counted: a cancelled order, and a deleted customer's orders.
  await addOrder(t, {
    customerId: ids.F,
    totalMinor: 77_777,
    orderedAt: berlin('2025-04-01T10:00:00'),
    status: 'cancelled',
  });
  const gone = await addCustomer(t, { name: 'gone', deleted: true });
  await addOrder(t, { customerId: gone, totalMinor: 1_000_000, orderedAt: berlin('2025-04-01T10:00:00') });
  return ids;
}

type SegmentationQuery = NonNullable<operations['getCustomerSegmentation']['parameters']['query']>;

const segmentation = (token: string, query: SegmentationQuery = {}) =>
  answeredJson(rest(token).GET('/v1/analytics/customer-segmentation', { params: { query } }));

const segmentsOf = (body: { segments: { segment: string; customers: number }[] }) =>
  Object.fromEntries(body.segments.filter((s) => s.customers > 0).map((s) => [s.segment, s.customers]));

describe('customer segmentation', () => {
  it('computes live before the first run, then serves the nightly snapshot with moves and events', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const other = await addSalesman(t);
    const ids = await seed(t, rep.salesmanId, other);
    const name = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));

    const live = await segmentation(t.token);
    expect(live.status).toBe(200);
    expect(live.body.run?.live).toBe(true);
    expect(live.body.segments.reduce((n, s) => n + s.customers, 0)).toBe(6);

    const first = await runRfm(t.tenantId, Date.parse(berlin('2025-04-10T02:15:00')));
    expect(first).toMatchObject({
      status: 'completed',
      runDate: '2025-04-10',
      customers: 6,
      changed: 0,
      eventsAppended: 0,
    });
    const r1 = await segmentation(t.token);
    expect(r1.body.run).toMatchObject({ runDate: '2025-04-10', live: false, previousRunDate: null });
    expect(segmentsOf(r1.body)).toEqual({ champions: 1, potential: 2, hibernating: 1, lost: 1, prospect: 1 });
    expect(r1.body.segments.find((s) => s.segment === 'lost')).toMatchObject({
      revenueMinor: 90_000,
      revenueSharePct: 42.7,
    });
    expect(r1.body.thresholds?.monetaryMinor).toEqual([1000, 30000, 40000, 50000, 90000]);

    // Pages of two, biggest spenders first: E A | C B | D F.
    const pages: (string | undefined)[][] = [];
    let cursor: string | null = null;
    do {
      const res = await segmentation(t.token, { limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(res.body.customers.data.map((c) => name[c.customerId]));
      cursor = res.body.customers.nextCursor;
    } while (cursor);
    expect(pages).toEqual([
      ['E', 'A'],
      ['C', 'B'],
      ['D', 'F'],
    ]);
    const potential = await segmentation(t.token, { segment: 'potential' });
    expect(potential.body.customers.data.map((c) => [name[c.customerId], c.r, c.f, c.m])).toEqual([
      ['C', 3, 2, 3],
      ['B', 4, 3, 2],
    ]);

    await addOrder(t, {
      customerId: ids.D as string,
      totalMinor: 100_000,
      orderedAt: berlin('2025-04-10T15:00:00'),
      salesmanId: rep.salesmanId,
    });
    const second = await runRfm(t.tenantId, Date.parse(berlin('2025-04-11T02:15:00')));
    expect(second).toMatchObject({ status: 'completed', runDate: '2025-04-11', changed: 3, eventsAppended: 3 });
    const r2 = await segmentation(t.token);
    expect(r2.body.run).toMatchObject({ runDate: '2025-04-11', previousRunDate: '2025-04-10' });
    expect(segmentsOf(r2.body)).toEqual({ loyal: 1, potential: 2, hibernating: 1, lost: 1, prospect: 1 });
    const moved = Object.fromEntries(
      r2.body.customers.data.map((c) => [name[c.customerId], [c.previousSegment, c.segment]]),
    );
    expect(moved).toEqual({
      A: ['champions', 'loyal'],
      B: ['potential', 'potential'],
      C: ['potential', 'hibernating'],
      D: ['hibernating', 'potential'],
      E: ['lost', 'lost'],
      F: ['prospect', 'prospect'],
    });
    expect(r2.body.segments.find((s) => s.segment === 'champions')).toMatchObject({
      customers: 0,
      movedIn: 0,
      movedOut: 1,
    });

    const events = await segmentChanges(t);
    const changes = events.body.data.map((e) => [name[e.entityId], e.payload.from, e.payload.to, e.payload.salesmanId]);
    expect(changes.sort()).toEqual([
      ['A', 'champions', 'loyal', rep.salesmanId],
      ['C', 'potential', 'hibernating', rep.salesmanId],
      ['D', 'hibernating', 'potential', rep.salesmanId],
    ]);

    // The same night again (a retried message): nothing is recomputed or appended twice.
    expect(await runRfm(t.tenantId, Date.parse(berlin('2025-04-11T05:00:00')))).toMatchObject({
      status: 'skipped',
    });
    const again = await segmentChanges(t);
    expect(again.body.data).toHaveLength(3);

    // A salesman sees his own customers (A–D) only.
    const own = await segmentation(rep.token);
    expect(segmentsOf(own.body)).toEqual({ loyal: 1, potential: 2, hibernating: 1 });
    expect(own.body.customers.data.map((c) => name[c.customerId]).sort()).toEqual(['A', 'B', 'C', 'D']);
  });

  it('resumes notifying after a crash without duplicating events', async () => {
    const t = await createTenant();
    const rep = await addSalesman(t);
    const ids = await seed(t, rep, rep);
    await runRfm(t.tenantId, Date.parse(berlin('2025-04-10T02:15:00')));
    await addOrder(t, { customerId: ids.D as string, totalMinor: 100_000, orderedAt: berlin('2025-04-10T15:00:00') });
    // Simulate a crash after scoring and one committed event slice: the run stays in `notifying`.
    const second = Date.parse(berlin('2025-04-11T02:15:00'));
    await runRfm(t.tenantId, second);
    await executeSql(
      sql`UPDATE rfm_runs SET status = 'notifying' WHERE tenant_id = ${t.tenantId} AND run_date = '2025-04-11'`,
    );
    await executeSql(
      sql`UPDATE rfm_scores SET notified = 0
          WHERE tenant_id = ${t.tenantId} AND run_date = '2025-04-11' AND customer_id = ${ids.C}`,
    );
    await executeSql(
      sql`DELETE FROM events WHERE tenant_id = ${t.tenantId} AND type = 'segment:changed' AND entity_id = ${ids.C}`,
    );
    const resumed = await runRfm(t.tenantId, second);
    expect(resumed).toMatchObject({ status: 'completed', runDate: '2025-04-11' });
    const events = await segmentChanges(t);
    expect(events.body.data.map((e) => e.entityId).sort()).toEqual([ids.A, ids.C, ids.D].sort());
  });

  it('an empty tenant gets an empty snapshot, and bad input answers 400', async () => {
    const t = await createTenant();
    expect(await runRfm(t.tenantId, Date.now())).toMatchObject({ status: 'completed', customers: 0 });
    const res = await segmentation(t.token);
    expect(res.body.segments.every((s) => s.customers === 0)).toBe(true);
    expect(res.body.customers.data).toEqual([]);
    // Untyped: a segment that does not exist.
    expect(
      (await api('GET', '/v1/analytics/customer-segmentation?segment=vip', undefined, { token: t.token })).status,
    ).toBe(400);
    expect((await segmentation(t.token, { cursor: 'nonsense' })).status).toBe(400);
    expect(await runRfm(crypto.randomUUID(), Date.now())).toMatchObject({ status: 'skipped' });
  });
});
