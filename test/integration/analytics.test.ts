import { exports } from 'cloudflare:workers';
import { PDFDocument } from '@cantoo/pdf-lib';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { addCustomer, addOrder, addSalesman, addTarget, addVisit, berlin } from '../helpers/analytics-fixtures';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { createSalesmanUser, type SalesmanUser } from '../helpers/field-factories';
import { answered, answeredJson, rest } from '../helpers/rest';

/**
 * March 2025 in Berlin (DST starts 30 March), worked out by hand:
 *   revenue orders  o1 10,000 (30 Mar 23:30 local, S1, at a visit), o2 5,000 (1 Mar 00:15 local = 28 Feb UTC, S1),
 *                   o3 8,000 less a 3,000 refund (10 Mar, S2), o6 4,000 (31 Mar 23:30 local, S1)
 *   excluded        o4 cancelled, o5 draft, o7 (1 Apr 00:30 local = 31 Mar 22:30 UTC)
 *   → revenue 24,000, refunds 3,000, 4 orders, AOV 6,000, 2 buying customers
 *   visits          S1: 30 Mar (30 min, produced o1), 12 Mar (60 min); S2: 10 Mar (no check-out); a planned one
 *   → 3 completed, strike rate 1/3 = 33.3 %, time on site (30 + 60) / 2 = 45 min
 *   February        o8 2,000 (S1) → revenue growth +1,100 %
 *   S1 target March 38,000 / 4 visits → S1 revenue 19,000 = 50 %, visits 2 = 50 %
 */
interface Fixture {
  t: TestTenant;
  s1: SalesmanUser;
  s2: string;
  c1: string;
  c2: string;
}

async function marchFixture(): Promise<Fixture> {
  const t = await createTenant();
  const s1 = await createSalesmanUser(t);
  const s2 = await addSalesman(t, 'Bea Second');
  const c1 = await addCustomer(t, { salesmanId: s1.salesmanId, name: 'First Customer' });
  const c2 = await addCustomer(t, {
    salesmanId: s2,
    name: 'Second Customer',
    createdAt: berlin('2025-03-05T09:00:00'),
  });
  const v1 = await addVisit(t, {
    customerId: c1,
    salesmanId: s1.salesmanId,
    checkInAt: berlin('2025-03-30T10:00:00'),
    minutes: 30,
  });
  await addVisit(t, {
    customerId: c1,
    salesmanId: s1.salesmanId,
    checkInAt: berlin('2025-03-12T10:00:00'),
    minutes: 60,
  });
  await addVisit(t, { customerId: c2, salesmanId: s2, checkInAt: berlin('2025-03-10T09:00:00'), minutes: null });
  await addVisit(t, {
    customerId: c2,
    salesmanId: s2,
    checkInAt: berlin('2025-03-11T09:00:00'),
    minutes: 10,
    status: 'planned',
  });
  const S1 = s1.salesmanId;
  await addOrder(t, {
    customerId: c1,
    salesmanId: S1,
    totalMinor: 10_000,
    orderedAt: berlin('2025-03-30T23:30:00'),
    visitId: v1,
  });
  await addOrder(t, {
    customerId: c1,
    salesmanId: S1,
    totalMinor: 5_000,
    orderedAt: berlin('2025-03-01T00:15:00'),
    status: 'confirmed',
  });
  await addOrder(t, {
    customerId: c2,
    salesmanId: s2,
    totalMinor: 8_000,
    orderedAt: berlin('2025-03-10T12:00:00'),
    refundedMinor: 3_000,
  });
  await addOrder(t, {
    customerId: c2,
    salesmanId: s2,
    totalMinor: 7_000,
    orderedAt: berlin('2025-03-11T12:00:00'),
    status: 'cancelled',
  });
  await addOrder(t, {
    customerId: c2,
    salesmanId: s2,
    totalMinor: 6_000,
    orderedAt: berlin('2025-03-12T12:00:00'),
    status: 'draft',
  });
  await addOrder(t, { customerId: c1, salesmanId: S1, totalMinor: 4_000, orderedAt: berlin('2025-03-31T23:30:00') });
  await addOrder(t, { customerId: c1, salesmanId: S1, totalMinor: 9_999, orderedAt: berlin('2025-04-01T00:30:00') });
  await addOrder(t, { customerId: c1, salesmanId: S1, totalMinor: 2_000, orderedAt: berlin('2025-02-10T10:00:00') });
  await addTarget(t, {
    salesmanId: S1,
    periodType: 'month',
    periodStart: '2025-03-01',
    periodEnd: '2025-03-31',
    revenueGoalMinor: 38_000,
    visitGoal: 4,
  });
  return { t, s1, s2, c1, c2 };
}

let f: Fixture;
let other: TestTenant;
beforeAll(async () => {
  f = await marchFixture();
  // Another tenant trading in the same month: none of it may show up in the first tenant's figures.
  other = await createTenant();
  const oc = await addCustomer(other);
  await addOrder(other, { customerId: oc, totalMinor: 1_000_000, orderedAt: berlin('2025-03-15T12:00:00') });
});

async function raw(path: string, token: string, headers: Record<string, string> = {}) {
  return exports.default.fetch(
    new Request(`https://fieldline.test${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } }),
  );
}

const march = { period: 'month', date: '2025-03-15' } as const;
const salesPerformance = (token: string) =>
  answeredJson(rest(token).GET('/v1/analytics/sales-performance', { params: { query: march } }));
const executiveReport = (token: string, period: 'day' | 'month', date: string) =>
  answeredJson(rest(token).GET('/v1/analytics/executive-report', { params: { query: { period, date } } }));

describe('sales performance', () => {
  it('computes the month from the hand-worked fixture', async () => {
    const res = await salesPerformance(f.t.token);
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r.period).toMatchObject({ type: 'month', start: '2025-03-01', end: '2025-03-31', complete: true });
    expect(r.totals).toEqual({
      revenueMinor: 24_000,
      orders: 4,
      aovMinor: 6_000,
      customers: 2,
      visits: 3,
      strikeRatePct: 33.3,
      avgTimeOnSiteMinutes: 45,
      refundsMinor: 3_000,
    });
    expect(r.previousTotals).toMatchObject({ revenueMinor: 2_000, orders: 1 });
    expect(r.growth.revenue).toBe(1100);
    expect(r.trend).toHaveLength(31);
    const day = (d: string) => r.trend.find((p) => p.date === d);
    expect(day('2025-03-01')).toMatchObject({ revenueMinor: 5_000, orders: 1 });
    expect(day('2025-03-10')).toMatchObject({ revenueMinor: 5_000, orders: 1, visits: 1 });
    expect(day('2025-03-30')).toMatchObject({ revenueMinor: 10_000, orders: 1, visits: 1 });
    expect(day('2025-03-31')).toMatchObject({ revenueMinor: 4_000, orders: 1 });
    const s1 = r.salesmen.find((s) => s.salesmanId === f.s1.salesmanId);
    expect(s1).toMatchObject({
      revenueMinor: 19_000,
      orders: 3,
      visits: 2,
      strikeRatePct: 50,
      avgTimeOnSiteMinutes: 45,
      targetRevenueMinor: 38_000,
      revenueAchievementPct: 50,
      visitAchievementPct: 50,
      revenueGrowthPct: 850,
    });
    expect(r.salesmen.find((s) => s.salesmanId === f.s2)).toMatchObject({
      name: 'Bea Second',
      revenueMinor: 5_000,
      strikeRatePct: 0,
      avgTimeOnSiteMinutes: null,
      targetRevenueMinor: null,
    });
    expect(r.topPerformers.byRevenue).toEqual([f.s1.salesmanId, f.s2]);
    expect(r.meta).toMatchObject({ timezone: 'Europe/Berlin', currency: 'EUR', scope: 'tenant' });
  });

  it('shows a salesman only his own figures', async () => {
    const res = await salesPerformance(f.s1.token);
    expect(res.status).toBe(200);
    expect(res.body.meta.scope).toBe('salesman');
    expect(res.body.totals).toMatchObject({ revenueMinor: 19_000, orders: 3, visits: 2 });
    expect(res.body.salesmen.map((s) => s.salesmanId)).toEqual([f.s1.salesmanId]);
  });

  it('never includes another tenant’s data', async () => {
    const res = await salesPerformance(other.token);
    expect(res.body.totals).toMatchObject({ revenueMinor: 1_000_000, orders: 1, visits: 0 });
    expect(res.body.salesmen).toEqual([]);
  });

  it('answers 400 for bad input and 403 without the scopes', async () => {
    // Untyped: a period and a format the API does not have, among dates it refuses.
    for (const q of ['period=year', 'period=month&date=2025-13-01', 'period=month&date=2999-01-01', 'format=xml']) {
      const res = await api('GET', `/v1/analytics/sales-performance?${q}`, undefined, { token: f.t.token });
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const key = await answered(rest(f.t.token).POST('/v1/api-keys', { body: { name: 'bi', scopes: ['orders:read'] } }));
    const byKey = rest(key.body.secret);
    expect((await answeredJson(byKey.GET('/v1/analytics/sales-performance'))).status).toBe(403);
    expect((await answeredJson(byKey.GET('/v1/analytics/forecast'))).status).toBe(200);
    expect((await answeredJson(rest().GET('/v1/analytics/forecast'))).status).toBe(401);
    // Viewers and managers read the whole tenant.
    for (const role of ['viewer', 'manager'] as const) {
      const user = await createUserWithRole(f.t, role);
      const res = await salesPerformance(user.token);
      expect(res.body.totals.revenueMinor, role).toBe(24_000);
    }
  });

  it('exports CSV (by Accept header) and PDF', async () => {
    const csv = await raw('/v1/analytics/sales-performance?period=month&date=2025-03-15', f.t.token, {
      accept: 'text/csv',
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toContain('.csv');
    const rows = Papa.parse<Record<string, string>>((await csv.text()).replace(/^\ufeff/, ''), {
      header: true,
      skipEmptyLines: true,
    });
    expect(rows.errors).toEqual([]);
    const s1 = rows.data.find((row) => row.Salesman === f.s1.salesmanId || row['Revenue (EUR)'] === '190.00');
    expect(s1).toMatchObject({ 'Revenue (EUR)': '190.00', Orders: '3', 'Achieved %': '50' });
    const pdf = await raw('/v1/analytics/sales-performance?period=month&date=2025-03-15&format=pdf', f.t.token);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const doc = await PDFDocument.load(await pdf.arrayBuffer());
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(doc.getPageCount()).toBeLessThanOrEqual(2);
  });
});

describe('executive report', () => {
  it('summarises the month and parses as CSV', async () => {
    const res = await executiveReport(f.t.token, 'month', '2025-03-15');
    expect(res.status).toBe(200);
    expect(res.body.kpis).toMatchObject({
      revenueMinor: 24_000,
      orders: 4,
      aovMinor: 6_000,
      customers: 2,
      newCustomers: 1,
      cancelledOrders: 1,
    });
    expect(res.body.previous).toEqual({ start: '2025-02-01', end: '2025-02-28' });
    const csv = await raw('/v1/analytics/executive-report?period=month&date=2025-03-15&format=csv', f.t.token);
    const parsed = Papa.parse<string[]>((await csv.text()).replace(/^\ufeff/, ''), { skipEmptyLines: true });
    expect(parsed.data[0]).toEqual(['Metric', 'Unit', 'Value', 'Previous', 'Change % (rates: points)']);
    expect(parsed.data.find((r) => r[0] === 'Revenue')).toEqual(['Revenue', 'EUR', '240', '20', '1100']);
    expect(parsed.data.find((r) => r[0] === 'Strike rate')).toEqual(['Strike rate', '%', '33.3', '', '']);
  });

  it('reports a day across the DST change by local day', async () => {
    const res = await executiveReport(f.t.token, 'day', '2025-03-30');
    expect(res.body.kpis).toMatchObject({ revenueMinor: 10_000, orders: 1, visits: 1, strikeRatePct: 100 });
    const monday = await executiveReport(f.t.token, 'day', '2025-03-31');
    // Only the 23:30 order; the one at 00:30 on 1 April (still 31 March in UTC) belongs to April.
    expect(monday.body.kpis).toMatchObject({ revenueMinor: 4_000, orders: 1 });
  });
});
