import type { operations } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { encodeGeohash } from '../../src/analytics/domain/heatmap';
import { addDays, isoWeekday, localDate } from '../../src/analytics/domain/timezone';
import {
  addCustomer,
  addOrder,
  addProduct,
  addSalesman,
  addTerritory,
  addVisit,
  berlin,
} from '../helpers/analytics-fixtures';
import { api } from '../helpers/api';
import { createTenant } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { answered, answeredJson, rest } from '../helpers/rest';

/** Endpoints over "the last N days": fixtures are dated relative to now. */
const DAY = 86_400_000;
const ago = (days: number, hours = 0) => new Date(Date.now() - days * DAY - hours * 3_600_000).toISOString();

type Query<O extends keyof operations> = NonNullable<operations[O]['parameters']['query']>;

const productAnalytics = (token: string, query: Query<'getProductAnalytics'>) =>
  answeredJson(rest(token).GET('/v1/analytics/products', { params: { query } }));
const heatmap = (token: string, query: Query<'getTerritoryHeatmap'>) =>
  answeredJson(rest(token).GET('/v1/analytics/territory-heatmap', { params: { query } }));
const forecast = (token: string, query: Query<'getForecast'> = {}) =>
  answeredJson(rest(token).GET('/v1/analytics/forecast', { params: { query } }));

describe('product analytics', () => {
  it('ranks products, compares categories, measures velocity and finds slow movers', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const p1 = await addProduct(t, { sku: 'P1', category: 'Drinks' });
    const p2 = await addProduct(t, { sku: 'P2', category: 'Drinks' });
    const p3 = await addProduct(t, { sku: 'P3' });
    await addProduct(t, { sku: 'P4', onHand: 7 });
    await addProduct(t, { sku: 'P5', active: false });
    await addProduct(t, { sku: 'P6', onHand: 0 });
    const c = await addCustomer(t);
    const line = (productId: string, quantity: number, lineTotalMinor: number) => ({
      productId,
      quantity,
      lineTotalMinor,
    });
    await addOrder(t, { customerId: c, orderedAt: ago(5), lines: [line(p1, 10, 5000), line(p2, 2, 1000)] });
    await addOrder(t, {
      customerId: c,
      orderedAt: ago(10),
      salesmanId: rep.salesmanId,
      lines: [line(p1, 5, 2500), line(p3, 1, 300)],
    });
    await addOrder(t, { customerId: c, orderedAt: ago(3), status: 'cancelled', lines: [line(p2, 100, 50_000)] });
    await addOrder(t, { customerId: c, orderedAt: ago(200), lines: [line(p3, 50, 15_000)] });

    const res = await productAnalytics(t.token, { days: 30 });
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({ units: 18, revenueMinor: 8800, orders: 2, productsSold: 3, velocityPerDay: 0.6 });
    expect(
      res.body.top.map((p) => [p.sku, p.units, p.revenueMinor, p.velocityPerDay, p.revenueSharePct, p.orders]),
    ).toEqual([
      ['P1', 15, 7500, 0.5, 85.2, 2],
      ['P2', 2, 1000, 0.07, 11.4, 1],
      ['P3', 1, 300, 0.03, 3.4, 1],
    ]);
    expect(res.body.top[0]?.daysOfCover).toBe(200);
    expect(
      res.body.categories.map((c) => [c.category, c.products, c.units, c.revenueMinor, c.revenueSharePct]),
    ).toEqual([
      ['Drinks', 2, 17, 8500, 96.6],
      ['Uncategorised', 1, 1, 300, 3.4],
    ]);
    expect(res.body.slowMovers.map((p) => [p.sku, p.units, p.onHand, p.daysOfCover])).toEqual([
      ['P4', 0, 7, null],
      ['P3', 1, 100, 3000],
      ['P2', 2, 100, 1500],
      ['P1', 15, 100, 200],
    ]);

    const own = await productAnalytics(rep.token, { days: 30 });
    expect(own.body.totals).toMatchObject({ units: 6, revenueMinor: 2800, orders: 1 });
    expect((await productAnalytics(t.token, { days: 0 })).status).toBe(400);
    // Untyped: the answer is CSV.
    const csv = await api('GET', '/v1/analytics/products?days=30&format=csv', undefined, { token: t.token });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body.split('\r\n')[1]).toContain('P1');
  });
});

describe('territory heatmap', () => {
  it('aggregates visits and revenue on geohash cells and territories, and lists coverage gaps', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const other = await addSalesman(t);
    const t1 = await addTerritory(t, 'Berlin');
    const t2 = await addTerritory(t, 'Munich');
    const cA = await addCustomer(t, {
      name: 'A',
      lat: 52.52,
      lng: 13.405,
      territoryId: t1,
      salesmanId: rep.salesmanId,
    });
    const cB = await addCustomer(t, { name: 'B', lat: 48.137, lng: 11.575, territoryId: t2, salesmanId: other });
    const cC = await addCustomer(t, { name: 'C never visited', salesmanId: rep.salesmanId });
    const cD = await addCustomer(t, { name: 'D long ago', lat: 52.52, lng: 13.405, salesmanId: other });
    await addVisit(t, {
      customerId: cA,
      salesmanId: rep.salesmanId,
      checkInAt: ago(3),
      minutes: 20,
      lat: 52.5201,
      lng: 13.4051,
    });
    await addVisit(t, { customerId: cA, salesmanId: rep.salesmanId, checkInAt: ago(5), minutes: 20 });
    await addVisit(t, { customerId: cB, salesmanId: other, checkInAt: ago(4), minutes: 20, lat: 48.137, lng: 11.575 });
    // Noon in the tenant's timezone 40 calendar days ago: "days since" counts local days, so 40 × 24 h
    // before now can be 39 of them when a DST change lies in between and it is late in the evening.
    const fortyDaysAgo = addDays(localDate('Europe/Berlin', Date.now()), -40);
    await addVisit(t, {
      customerId: cD,
      salesmanId: other,
      checkInAt: berlin(`${fortyDaysAgo}T12:00:00`),
      minutes: 20,
    });
    await addOrder(t, { customerId: cA, totalMinor: 10_000, orderedAt: ago(2) });
    await addOrder(t, { customerId: cB, totalMinor: 3_000, refundedMinor: 1_000, orderedAt: ago(2) });

    const res = await heatmap(t.token, { days: 30, precision: 5, gapDays: 30 });
    expect(res.status).toBe(200);
    const cells = res.body.cells.features;
    expect(res.body.cells.type).toBe('FeatureCollection');
    expect(
      cells.map((c) => [
        c.id,
        c.properties.visits,
        c.properties.orders,
        c.properties.revenueMinor,
        c.properties.revenueBand,
        c.properties.visitBand,
      ]),
    ).toEqual([
      [encodeGeohash(52.52, 13.405, 5), 2, 1, 10_000, 'high', 'high'],
      [encodeGeohash(48.137, 11.575, 5), 1, 1, 2_000, 'low', 'low'],
    ]);
    const ring = cells[0]?.geometry.coordinates[0];
    expect(ring).toHaveLength(5);
    expect(ring?.[0]?.[0]).toBeLessThanOrEqual(13.405);
    expect(ring?.[2]?.[0]).toBeGreaterThanOrEqual(13.405);
    const territories = res.body.territories.features.map((f) => [
      f.properties.name,
      f.properties.visits,
      f.properties.revenueMinor,
    ]);
    expect(territories).toEqual([
      ['Berlin', 2, 10_000],
      ['Munich', 1, 2_000],
    ]);
    expect(res.body.coverageGaps.total).toBe(2);
    expect(res.body.coverageGaps.features.map((g) => [g.properties.customerId, g.properties.daysSinceVisit])).toEqual([
      [cC, null],
      [cD, 40],
    ]);
    expect(res.body.coverageGaps.features[0]?.geometry).toBeNull();
    expect(res.body.coverageGaps.features[1]?.geometry).toEqual({ type: 'Point', coordinates: [13.405, 52.52] });

    const own = await heatmap(rep.token, { days: 30 });
    expect(own.body.cells.features.map((c) => c.properties.visits)).toEqual([2]);
    expect(own.body.coverageGaps.features.map((g) => g.id)).toEqual([cC]);
    expect((await heatmap(t.token, { precision: 12 })).status).toBe(400);
  });
});

describe('forecast', () => {
  it('continues a weekly pattern with Holt-Winters and reports a perfect back-test', async () => {
    const t = await createTenant();
    const c = await addCustomer(t);
    const today = localDate('Europe/Berlin', Date.now());
    const pattern = [0, 50_000, 40_000, 30_000, 30_000, 20_000, 10_000, 5_000]; // by ISO weekday 1..7
    for (let d = 1; d <= 70; d++) {
      const date = addDays(today, -d);
      await addOrder(t, {
        customerId: c,
        totalMinor: pattern[isoWeekday(date)] as number,
        orderedAt: berlin(`${date}T12:00:00`),
      });
    }
    const res = await forecast(t.token, { days: 14 });
    expect(res.status).toBe(200);
    expect(res.body.method).toBe('holt-winters-additive-damped');
    expect(res.body.methodDescription).toContain('Holt-Winters');
    expect(res.body.history).toEqual({
      from: addDays(today, -70),
      to: addDays(today, -1),
      days: 70,
      specialDays: 0,
    });
    expect(res.body.specialDays).toEqual([]);
    expect(res.body.backtest).toEqual({ days: 30, mapePct: 0, wapePct: 0, zeroDaysExcluded: 0 });
    expect(res.body.forecast).toHaveLength(14);
    res.body.forecast.forEach((p, k) => {
      expect(p.date).toBe(addDays(today, k));
      expect(p.revenueMinor).toBe(pattern[isoWeekday(p.date)]);
      expect(p.lowerMinor).toBeLessThanOrEqual(p.revenueMinor);
      expect(p.upperMinor).toBeGreaterThanOrEqual(p.revenueMinor);
    });
    // Untyped: the answer is a PDF, then a GraphQL query (GraphQL is not in the OpenAPI document).
    const pdf = await api('GET', '/v1/analytics/forecast?days=14&format=pdf', undefined, { token: t.token });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const gqlRes = await api(
      'POST',
      '/graphql',
      { query: '{ forecast(days: 14) { method backtest { days mapePct wapePct zeroDaysExcluded } } }' },
      { token: t.token },
    );
    expect(gqlRes.body.data.forecast).toEqual({ method: res.body.method, backtest: res.body.backtest });

    // A day on the organisation's holiday calendar is forecast at 0, and said so.
    const holiday = addDays(today, 3);
    const patched = await answered(
      rest(t.token).PATCH('/v1/tenant', { body: { holidays: [{ date: holiday.slice(5), name: 'Company day' }] } }),
    );
    expect(patched.status).toBe(200);
    const closed = await forecast(t.token, { days: 14 });
    expect(closed.body.specialDays).toEqual([{ date: holiday, share: 0, reason: 'calendar', name: 'Company day' }]);
    expect(closed.body.forecast[3]).toMatchObject({ date: holiday, revenueMinor: 0, lowerMinor: 0, upperMinor: 0 });
    expect(closed.body.forecast[2]?.revenueMinor).toBe(pattern[isoWeekday(addDays(today, 2))]);
  });

  it('falls back for short or no history and says so', async () => {
    const empty = await createTenant();
    const none = await forecast(empty.token);
    expect(none.body).toMatchObject({ method: 'none', backtest: null, history: { from: null, days: 0 } });
    expect(none.body.forecast).toHaveLength(30);

    const t = await createTenant();
    const c = await addCustomer(t);
    const today = localDate('Europe/Berlin', Date.now());
    for (const [d, total] of [
      [1, 300],
      [2, 600],
      [3, 900],
    ] as const) {
      await addOrder(t, { customerId: c, totalMinor: total, orderedAt: berlin(`${addDays(today, -d)}T12:00:00`) });
    }
    // Today's order does not count: the day is not over.
    await addOrder(t, { customerId: c, totalMinor: 99_999, orderedAt: ago(0, 0) });
    const short = await forecast(t.token, { days: 3 });
    expect(short.body).toMatchObject({ method: 'mean', history: { days: 3 } });
    expect(short.body.forecast.map((p) => p.revenueMinor)).toEqual([600, 600, 600]);
    expect((await forecast(t.token, { days: 91 })).status).toBe(400);
  });
});
