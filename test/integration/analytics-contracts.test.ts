import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { runNightlyRfm } from '../../src/analytics/services/rfm-runs.service';
import {
  CustomerSegmentationSchema,
  ExecutiveReportSchema,
  ForecastSchema,
  ProductAnalyticsSchema,
  SalesPerformanceSchema,
  TerritoryHeatmapSchema,
} from '../../src/contracts/analytics.schemas';
import { MetricsReportSchema, SalesReportSchema, TrendsReportSchema } from '../../src/contracts/reports.schemas';
import {
  addCustomer,
  addOrder,
  addProduct,
  addSalesman,
  addTarget,
  addTerritory,
  addVisit,
  setTerritoryBoundary,
} from '../helpers/analytics-fixtures';
import { api } from '../helpers/api';
import { systemContext } from '../helpers/context';
import { createTenant, type TestTenant } from '../helpers/factories';
import { createSalesmanUser, type SalesmanUser } from '../helpers/field-factories';

/**
 * Every analytics and report endpoint, as JSON, on a tenant with data of every kind (orders with lines and
 * refunds, cancelled orders, visits, targets, a territory with a boundary, located and unlocated customers,
 * stock, two nightly RFM runs): each body must be exactly what its response schema in src/contracts says —
 * the schemas are strict, so a field a service adds without the contract fails here, as does a missing
 * or mistyped one. These are the schemas /openapi.json publishes.
 */
const DAY = 86_400_000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const today = () => new Date().toISOString().slice(0, 10);

const ENDPOINTS: Record<string, z.ZodType> = {
  '/v1/analytics/sales-performance': SalesPerformanceSchema,
  '/v1/analytics/territory-heatmap': TerritoryHeatmapSchema,
  '/v1/analytics/products': ProductAnalyticsSchema,
  '/v1/analytics/customer-segmentation': CustomerSegmentationSchema,
  '/v1/analytics/executive-report': ExecutiveReportSchema,
  '/v1/analytics/forecast': ForecastSchema,
  '/v1/reports/daily-sales': SalesReportSchema,
  '/v1/reports/weekly-sales': SalesReportSchema,
  '/v1/reports/monthly-sales': SalesReportSchema,
  '/v1/reports/metrics': MetricsReportSchema,
  '/v1/reports/trends': TrendsReportSchema,
};

/** The queries each endpoint is fetched with (defaults first), so every branch of a response shows up. */
const QUERIES: Record<string, string[]> = {
  '/v1/analytics/sales-performance': ['', '?period=week', '?period=quarter', '?period=month&date=2025-03-15'],
  '/v1/analytics/territory-heatmap': ['', '?precision=3&gapDays=1&gapLimit=2'],
  '/v1/analytics/products': ['', '?days=7&limit=1'],
  '/v1/analytics/customer-segmentation': ['', '?limit=1', '?segment=prospect'],
  '/v1/analytics/executive-report': ['', '?period=day', '?period=week', '?period=quarter&date=2025-01-10'],
  '/v1/analytics/forecast': ['', '?days=7'],
  '/v1/reports/daily-sales': ['', `?date=${new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10)}`],
  '/v1/reports/weekly-sales': [''],
  '/v1/reports/monthly-sales': ['', '?year=2025&month=3'],
  '/v1/reports/metrics': ['', '?days=7'],
  '/v1/reports/trends': ['', '?days=7'],
};

interface Fixture {
  t: TestTenant;
  rep: SalesmanUser;
}

async function tenantWithData(): Promise<Fixture> {
  const t = await createTenant();
  const rep = await createSalesmanUser(t);
  const other = await addSalesman(t, 'Other Rep');
  const north = await addTerritory(t, 'North');
  await addTerritory(t, 'South (no boundary)');
  const boundary = {
    type: 'Polygon',
    coordinates: [
      [
        [13, 52],
        [14, 52],
        [14, 53],
        [13, 53],
        [13, 52],
      ],
    ],
  };
  await setTerritoryBoundary(t, north, boundary);
  const located = await addCustomer(t, {
    name: 'Located',
    lat: 52.52,
    lng: 13.405,
    salesmanId: rep.salesmanId,
    territoryId: north,
  });
  const unlocated = await addCustomer(t, { name: 'Unlocated', salesmanId: other, createdAt: iso(3 * DAY) });
  await addCustomer(t, { name: 'Never bought', lat: 52.4, lng: 13.3 });
  const food = await addProduct(t, { sku: 'FOOD-1', category: 'Food', onHand: 40 });
  const drink = await addProduct(t, { sku: 'DRINK-1', category: null, onHand: 500 });
  await addProduct(t, { sku: 'SLOW-1', category: 'Food', onHand: 9 });
  for (let d = 0; d < 40; d++) {
    const customerId = d % 3 === 0 ? unlocated : located;
    const salesmanId = d % 3 === 0 ? other : rep.salesmanId;
    const visitId =
      d % 2 === 0
        ? await addVisit(t, { customerId, salesmanId, checkInAt: iso(d * DAY + 3_600_000), minutes: d % 4 ? 20 : null })
        : null;
    await addOrder(t, {
      customerId,
      salesmanId,
      visitId,
      orderedAt: iso(d * DAY + 1_800_000),
      lines: [
        { productId: food, quantity: 1 + (d % 3), lineTotalMinor: 1_000 + 37 * d },
        { productId: drink, quantity: 2, lineTotalMinor: 600 },
      ],
      ...(d % 7 === 0 ? { refundedMinor: 300 } : {}),
    });
  }
  await addOrder(t, { customerId: located, totalMinor: 5_000, orderedAt: iso(DAY), status: 'cancelled' });
  // Older history for the March and Q1 queries, and the forecast's back-test.
  for (let d = 0; d < 120; d += 5) {
    await addOrder(t, {
      customerId: located,
      totalMinor: 2_000 + d,
      orderedAt: `2025-01-${String(1 + (d % 28)).padStart(2, '0')}T10:00:00.000Z`,
    });
    await addOrder(t, {
      customerId: unlocated,
      totalMinor: 3_000,
      orderedAt: `2025-03-${String(1 + (d % 28)).padStart(2, '0')}T10:00:00.000Z`,
    });
  }
  const monthStart = `${today().slice(0, 8)}01`;
  await addTarget(t, {
    salesmanId: rep.salesmanId,
    periodType: 'month',
    periodStart: monthStart,
    periodEnd: `${today().slice(0, 8)}28`,
    revenueGoalMinor: 50_000,
    visitGoal: 10,
  });
  return { t, rep };
}

let f: Fixture;
beforeAll(async () => {
  f = await tenantWithData();
});

/** Untyped: the path and its query come from the endpoint table above (as /openapi.json, below, is no API path). */
async function expectExact(path: string, token: string) {
  const res = await api('GET', path, undefined, { token });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
  const schema = ENDPOINTS[path.split('?')[0] as string] as z.ZodType;
  const parsed = schema.safeParse(res.body);
  expect(parsed.success ? [] : parsed.error.issues, path).toEqual([]);
  // Parsing keeps exactly the declared fields; nothing the body carries may be dropped or changed.
  expect(parsed.data, path).toStrictEqual(res.body);
  return res.body;
}

async function checkAll(token: string) {
  for (const [endpoint, queries] of Object.entries(QUERIES)) {
    for (const q of queries) await expectExact(`${endpoint}${q}`, token);
  }
}

describe('analytics and report responses match their contracts exactly', () => {
  it('covers every analytics and report endpoint of the OpenAPI document', async () => {
    const doc = (await api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const published = Object.keys(doc.paths)
      .filter((p) => /^\/v1\/(analytics|reports)\//.test(p) && doc.paths[p]?.get)
      .sort();
    expect(published).toEqual(Object.keys(ENDPOINTS).sort());
    expect(Object.keys(QUERIES).sort()).toEqual(published);
  });

  it('before the first nightly RFM run (segmentation computed live), for the tenant', async () => {
    const seg = await expectExact('/v1/analytics/customer-segmentation', f.t.token);
    expect(seg.run.live).toBe(true);
    await checkAll(f.t.token);
  });

  it('after two nightly runs (stored snapshot, previous segments, thresholds), for the tenant and a salesman', async () => {
    await runNightlyRfm(systemContext(f.t.tenantId, Date.now() - DAY, 'rfm'), Date.now() - DAY);
    await addOrder(f.t, {
      customerId: await addCustomer(f.t, { name: 'New buyer' }),
      totalMinor: 99_000,
      orderedAt: iso(3_600_000),
    });
    await runNightlyRfm(systemContext(f.t.tenantId, Date.now(), 'rfm'), Date.now());
    const seg = await expectExact('/v1/analytics/customer-segmentation', f.t.token);
    expect(seg.run.live).toBe(false);
    expect(seg.run.previousRunDate).not.toBeNull();
    expect(seg.thresholds).not.toBeNull();
    const heatmap = await expectExact('/v1/analytics/territory-heatmap', f.t.token);
    expect(heatmap.territories.features.some((t: { geometry: unknown }) => t.geometry !== null)).toBe(true);
    expect(heatmap.cells.features.length).toBeGreaterThan(0);
    await checkAll(f.t.token);
    await checkAll(f.rep.token);
  });

  it('on an empty tenant (zeros, nulls, no forecast history)', async () => {
    const empty = await createTenant();
    await checkAll(empty.token);
  });
});
