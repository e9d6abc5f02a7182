import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../src/analytics/domain/timezone';
import { addCustomer, addOrder, addProduct, addVisit, berlin } from '../helpers/analytics-fixtures';
import { api } from '../helpers/api';
import { createTenant, type TestTenant } from '../helpers/factories';
import { createSalesmanUser, type SalesmanUser } from '../helpers/field-factories';
import { answeredJson, rest } from '../helpers/rest';

/**
 * Week 24–30 March 2025 in Berlin (DST starts on Sunday 30 March):
 *   Mon 24 Mar 09:00  A ×3 = 3,000 + B ×1 = 500 (rep)          Sun 30 Mar 23:30  A ×2 = 2,000 (22:30 → 21:30 UTC)
 *   Sun 30 Mar 01:30  B ×4 = 2,000, 1,000 refunded (00:30 UTC)   Mon 31 Mar 00:30  A ×9 = 9,000 (30 Mar 22:30 UTC!)
 *   cancelled Wed 26 Mar A ×50 = 50,000
 * → week: revenue 6,500 (7,500 − 1,000), 3 orders, 10 items; Sunday: 3,000 at hours 01 and 23.
 */
let t: TestTenant;
let rep: SalesmanUser;
let other: TestTenant;

beforeAll(async () => {
  t = await createTenant();
  rep = await createSalesmanUser(t);
  const a = await addProduct(t, { sku: 'A' });
  const b = await addProduct(t, { sku: 'B' });
  const c = await addCustomer(t);
  const line = (productId: string, quantity: number, lineTotalMinor: number) => ({
    productId,
    quantity,
    lineTotalMinor,
  });
  await addOrder(t, {
    customerId: c,
    orderedAt: berlin('2025-03-24T09:00:00'),
    lines: [line(a, 3, 3000), line(b, 1, 500)],
    salesmanId: rep.salesmanId,
  });
  await addOrder(t, {
    customerId: c,
    orderedAt: berlin('2025-03-30T01:30:00'),
    lines: [line(b, 4, 2000)],
    refundedMinor: 1000,
  });
  await addOrder(t, { customerId: c, orderedAt: berlin('2025-03-30T23:30:00'), lines: [line(a, 2, 2000)] });
  await addOrder(t, { customerId: c, orderedAt: berlin('2025-03-31T00:30:00'), lines: [line(a, 9, 9000)] });
  await addOrder(t, {
    customerId: c,
    orderedAt: berlin('2025-03-26T12:00:00'),
    lines: [line(a, 50, 50_000)],
    status: 'cancelled',
  });
  other = await createTenant();
  const oc = await addCustomer(other);
  const op = await addProduct(other);
  await addOrder(other, { customerId: oc, orderedAt: berlin('2025-03-30T12:00:00'), lines: [line(op, 1, 777_777)] });
});

const daily = (token: string, date: string) =>
  answeredJson(rest(token).GET('/v1/reports/daily-sales', { params: { query: { date } } }));
const weekly = (token: string, startDate: string) =>
  answeredJson(rest(token).GET('/v1/reports/weekly-sales', { params: { query: { startDate } } }));
const monthly = (token: string, query: { year: number; month?: number }) =>
  answeredJson(rest(token).GET('/v1/reports/monthly-sales', { params: { query } }));
const metrics = (token: string, days: number) =>
  answeredJson(rest(token).GET('/v1/reports/metrics', { params: { query: { days } } }));
const trends = (token: string, days: number) =>
  answeredJson(rest(token).GET('/v1/reports/trends', { params: { query: { days } } }));

describe('sales reports', () => {
  it('daily: by local hour on the DST change day', async () => {
    const res = await daily(t.token, '2025-03-30');
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({ revenueMinor: 3000, refundsMinor: 1000, orders: 2, items: 6, aovMinor: 1500 });
    const hours = res.body.breakdown.filter((h) => h.orders > 0).map((h) => [h.key, h.revenueMinor]);
    expect(hours).toEqual([
      ['01:00', 1000],
      ['23:00', 2000],
    ]);
    expect(res.body.breakdown).toHaveLength(24);
    expect(res.body.topProducts.map((p) => [p.sku, p.units, p.revenueMinor])).toEqual([
      // Equal revenue: more units first.
      ['B', 4, 2000],
      ['A', 2, 2000],
    ]);
  });

  it('weekly: seven days, top products, and the Monday 00:30 order in the next week', async () => {
    const res = await weekly(t.token, '2025-03-24');
    expect(res.body.range).toEqual({ start: '2025-03-24', end: '2025-03-30' });
    expect(res.body.totals).toMatchObject({ revenueMinor: 6500, orders: 3, items: 10 });
    expect(res.body.breakdown.map((d) => d.revenueMinor)).toEqual([3500, 0, 0, 0, 0, 0, 3000]);
    expect(res.body.topProducts[0]).toMatchObject({ sku: 'A', units: 5, revenueMinor: 5000 });
    const next = await weekly(t.token, '2025-03-31');
    expect(next.body.totals).toMatchObject({ revenueMinor: 9000, orders: 1 });
  });

  it('monthly: by day and by ISO week; a salesman sees his own; CSV parses', async () => {
    const res = await monthly(t.token, { year: 2025, month: 3 });
    expect(res.body.breakdown).toHaveLength(31);
    expect(res.body.totals).toMatchObject({ revenueMinor: 15_500, orders: 4, items: 19 });
    expect(res.body.weeks?.map((w) => [w.key, w.revenueMinor])).toEqual([
      ['2025-02-24', 0],
      ['2025-03-03', 0],
      ['2025-03-10', 0],
      ['2025-03-17', 0],
      ['2025-03-24', 6500],
      ['2025-03-31', 9000],
    ]);
    const own = await monthly(rep.token, { year: 2025, month: 3 });
    expect(own.body.totals).toMatchObject({ revenueMinor: 3500, orders: 1, items: 4 });
    // Untyped: the answers are CSV and PDF.
    const csv = await api('GET', '/v1/reports/monthly-sales?year=2025&month=3', undefined, {
      token: t.token,
      headers: { accept: 'text/csv' },
    });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = Papa.parse<Record<string, string>>(csv.body.replace(/^\ufeff/, ''), {
      header: true,
      skipEmptyLines: true,
    });
    expect(rows.data).toHaveLength(31);
    expect(rows.data.find((r) => r.Day === '2025-03-31')).toEqual({
      Day: '2025-03-31',
      'Revenue (EUR)': '90.00',
      Orders: '1',
      Items: '9',
    });
    const pdf = await api('GET', '/v1/reports/monthly-sales?year=2025&month=3&format=pdf', undefined, {
      token: t.token,
    });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });

  it('never mixes tenants, and rejects bad or future input', async () => {
    const mine = await daily(other.token, '2025-03-30');
    expect(mine.body.totals).toMatchObject({ revenueMinor: 777_777, orders: 1 });
    const refused: [string, () => Promise<{ status: number }>][] = [
      ['daily-sales?date=30.03.2025', () => daily(t.token, '30.03.2025')],
      ['daily-sales?date=2999-01-01', () => daily(t.token, '2999-01-01')],
      ['monthly-sales?year=2025', () => monthly(t.token, { year: 2025 })],
      ['monthly-sales?year=2025&month=13', () => monthly(t.token, { year: 2025, month: 13 })],
      ['weekly-sales?startDate=x', () => weekly(t.token, 'x')],
      ['metrics?days=1', () => metrics(t.token, 1)],
      ['trends?days=1000', () => trends(t.token, 1000)],
    ];
    for (const [q, call] of refused) {
      const res = await call();
      expect(res.status, q).toBe(400);
    }
  });
});

describe('metrics and trends', () => {
  it('compares the last N days with the N before', async () => {
    const m = await createTenant();
    const c = await addCustomer(m);
    const rep2 = await createSalesmanUser(m);
    const today = localDate('Europe/Berlin', Date.now());
    await addOrder(m, { customerId: c, totalMinor: 3000, orderedAt: berlin(`${addDays(today, -1)}T12:00:00`) });
    await addOrder(m, { customerId: c, totalMinor: 1000, orderedAt: berlin(`${addDays(today, -8)}T12:00:00`) });
    await addOrder(m, {
      customerId: c,
      totalMinor: 500,
      orderedAt: berlin(`${addDays(today, -2)}T12:00:00`),
      status: 'cancelled',
    });
    await addVisit(m, {
      customerId: c,
      salesmanId: rep2.salesmanId,
      checkInAt: berlin(`${addDays(today, -1)}T09:00:00`),
      minutes: 15,
    });
    const res = await metrics(m.token, 7);
    expect(res.body.current).toEqual({ start: addDays(today, -6), end: today });
    expect(res.body.kpis).toMatchObject({
      revenueMinor: 3000,
      orders: 1,
      cancelledOrders: 1,
      cancellationRatePct: 50,
      visits: 1,
      avgTimeOnSiteMinutes: 15,
    });
    expect(res.body.previousKpis).toMatchObject({ revenueMinor: 1000, orders: 1 });
    expect(res.body.growth.revenue).toBe(200);
    const trend = await trends(m.token, 7);
    expect(trend.body.points).toHaveLength(7);
    expect(trend.body.points.at(-2)).toMatchObject({ date: addDays(today, -1), revenueMinor: 3000, visits: 1 });
    // Untyped: the answer is CSV.
    const csv = await api('GET', '/v1/reports/trends?days=7&format=csv', undefined, { token: m.token });
    expect(Papa.parse(csv.body.replace(/^\ufeff/, ''), { header: true, skipEmptyLines: true }).data).toHaveLength(7);
  });
});
