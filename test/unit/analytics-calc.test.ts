import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executiveReport } from '../../src/analytics/domain/executive';
import { bands, cellIndex, encodeGeohash, geohashBounds, geohashOfCell } from '../../src/analytics/domain/heatmap';
import { kpisOf, ZERO_TOTALS } from '../../src/analytics/domain/metrics';
import { comparePeriods, growthPct } from '../../src/analytics/domain/periods';
import { productAnalytics } from '../../src/analytics/domain/products';
import { goalFor, salesPerformance } from '../../src/analytics/domain/sales-performance';
import { weeklyBreakdown } from '../../src/analytics/domain/sales-report';
import { linearSlope, trendsReport } from '../../src/analytics/domain/trends-report';

describe('geohash', () => {
  it('encodes the published examples', () => {
    expect(encodeGeohash(57.64911, 10.40744, 11)).toBe('u4pruydqqvj');
    expect(encodeGeohash(42.605, -5.603, 5)).toBe('ezs42');
    expect(encodeGeohash(-25.382708, -49.265506, 8)).toBe('6gkzwgjz');
    // Exactly on an edge, a point belongs to the cell east/north of it (as bisection's >= decides).
    expect(encodeGeohash(0, 0, 1)).toBe('s');
    expect(encodeGeohash(-0.000001, -0.000001, 1)).toBe('7');
  });

  it('a cell’s bounds contain the point, and cell indexes round-trip (property)', () => {
    fc.assert(
      fc.property(
        // Micro-degrees, as coordinates are stored (and exact cell edges such as 45.0 included).
        fc.integer({ min: -90_000_000, max: 89_999_999 }),
        fc.integer({ min: -180_000_000, max: 179_999_999 }),
        fc.integer({ min: 1, max: 12 }),
        (latMicro, lngMicro, precision) => {
          const lat = latMicro / 1e6;
          const lng = lngMicro / 1e6;
          const hash = encodeGeohash(lat, lng, precision);
          const [w, s, e, n] = geohashBounds(hash);
          const { x, y } = cellIndex(lat, lng, precision);
          return (
            hash.length === precision &&
            w <= lng &&
            lng <= e &&
            s <= lat &&
            lat <= n &&
            geohashOfCell(x, y, precision) === hash
          );
        },
      ),
    );
  });

  it('bands non-zero values in terciles, zero is low', () => {
    expect(bands([0, 10, 20, 30, 40, 50, 60])).toEqual(['low', 'low', 'low', 'medium', 'medium', 'high', 'high']);
    expect(bands([5])).toEqual(['medium']);
    expect(bands([])).toEqual([]);
  });
});

describe('KPIs and growth', () => {
  it('derives AOV, strike rate and time on site', () => {
    const k = kpisOf({
      ...ZERO_TOTALS,
      revenueMinor: 10_001,
      orders: 3,
      visits: 8,
      visitsWithOrder: 3,
      timeOnSiteMinutes: 100,
      timedVisits: 6,
    });
    expect(k).toMatchObject({ aovMinor: 3334, strikeRatePct: 37.5, avgTimeOnSiteMinutes: 16.7 });
    expect(kpisOf(ZERO_TOTALS)).toMatchObject({ aovMinor: null, strikeRatePct: null, avgTimeOnSiteMinutes: null });
    expect(growthPct(150, 100)).toBe(50);
    expect(growthPct(50, 0)).toBeNull();
    expect(growthPct(-50, -100)).toBe(50);
  });

  it('reports rates’ change in points in the executive summary', () => {
    const comparison = comparePeriods('month', '2025-02-10', '2025-03-15');
    const r = executiveReport({
      comparison,
      totals: { ...ZERO_TOTALS, revenueMinor: 1200, orders: 4, visits: 10, visitsWithOrder: 5 },
      previousTotals: { ...ZERO_TOTALS, revenueMinor: 1000, orders: 5, visits: 10, visitsWithOrder: 4 },
      extras: { newCustomers: 2, cancelledOrders: 1 },
      previousExtras: { newCustomers: 0, cancelledOrders: 1 },
      trend: [],
    });
    const line = (key: string) => r.summary.find((l) => l.key === key);
    expect(line('revenueMinor')).toMatchObject({ value: 1200, previous: 1000, changePct: 20 });
    expect(line('aovMinor')).toMatchObject({ value: 300, previous: 200, changePct: 50 });
    expect(line('strikeRatePct')).toMatchObject({ value: 50, previous: 40, changePct: 10 });
    expect(line('newCustomers')).toMatchObject({ value: 2, previous: 0, changePct: null });
    expect(r.period).toMatchObject({ start: '2025-02-01', end: '2025-02-28', complete: true });
  });
});

describe('targets', () => {
  const month = (start: string, end: string, revenue: number, visits: number) => ({
    salesmanId: 's',
    periodType: 'month' as const,
    periodStart: start,
    periodEnd: end,
    revenueGoalMinor: revenue,
    visitGoal: visits,
  });

  it('prorates the finest kind of target by days in the period', () => {
    const march = month('2025-03-01', '2025-03-31', 31_000, 62);
    const april = month('2025-04-01', '2025-04-30', 30_000, 30);
    expect(goalFor([march], { start: '2025-03-01', end: '2025-03-31' })).toEqual({ revenueMinor: 31_000, visits: 62 });
    // Week 31 Mar – 6 Apr: 1 day of March (1000, 2 visits) + 6 days of April (6000, 6 visits).
    expect(goalFor([march, april], { start: '2025-03-31', end: '2025-04-06' })).toEqual({
      revenueMinor: 7000,
      visits: 8,
    });
    const quarter = {
      ...march,
      periodType: 'quarter' as const,
      periodStart: '2025-01-01',
      periodEnd: '2025-03-31',
      revenueGoalMinor: 90_000,
    };
    // Monthly targets win over the quarterly one, so goals never add up twice.
    expect(goalFor([quarter, march], { start: '2025-03-01', end: '2025-03-31' }).revenueMinor).toBe(31_000);
    expect(goalFor([quarter], { start: '2025-03-01', end: '2025-03-31' }).revenueMinor).toBe(31_000);
    expect(goalFor([], { start: '2025-03-01', end: '2025-03-31' })).toEqual({ revenueMinor: 0, visits: 0 });
  });

  it('ranks top performers and computes achievement', () => {
    const comparison = comparePeriods('month', '2025-03-10', '2025-03-10');
    const r = salesPerformance({
      comparison,
      totals: { ...ZERO_TOTALS, revenueMinor: 3000 },
      previousTotals: ZERO_TOTALS,
      trend: [],
      salesmen: [
        { ...ZERO_TOTALS, salesmanId: 'a', name: 'Anna', revenueMinor: 2000, orders: 1, visits: 4 },
        { ...ZERO_TOTALS, salesmanId: 'b', name: 'Ben', revenueMinor: 1000, orders: 3, visits: 0 },
        { ...ZERO_TOTALS, salesmanId: 'c', name: 'Cleo' },
      ],
      previousSalesmen: new Map([['a', { ...ZERO_TOTALS, revenueMinor: 1000 }]]),
      targets: [month('2025-03-01', '2025-03-31', 31_000, 62)].map((t) => ({ ...t, salesmanId: 'a' })),
    });
    expect(r.topPerformers).toEqual({ byRevenue: ['a', 'b'], byOrders: ['b', 'a'], byVisits: ['a'] });
    const anna = r.salesmen.find((s) => s.salesmanId === 'a');
    expect(anna).toMatchObject({
      revenueGrowthPct: 100,
      targetRevenueMinor: 31_000,
      revenueAchievementPct: 6.5,
      visitAchievementPct: 6.5,
    });
    expect(r.salesmen.find((s) => s.salesmanId === 'c')).toMatchObject({
      targetRevenueMinor: null,
      revenueAchievementPct: null,
    });
    expect(r.growth.revenue).toBeNull();
  });
});

describe('reports', () => {
  it('groups days into ISO weeks clipped to the range', () => {
    const day = (key: string, revenueMinor: number) => ({ key, label: key, revenueMinor, orders: 1, items: 2 });
    const weeks = weeklyBreakdown([
      day('2025-03-01', 1),
      day('2025-03-02', 2),
      day('2025-03-03', 4),
      day('2025-03-09', 8),
      day('2025-03-10', 16),
    ]);
    expect(weeks.map((w) => [w.key, w.label, w.revenueMinor, w.orders])).toEqual([
      ['2025-02-24', '2025-03-01 – 2025-03-02', 3, 2],
      ['2025-03-03', '2025-03-03 – 2025-03-09', 12, 2],
      ['2025-03-10', '2025-03-10', 16, 1],
    ]);
  });

  it('fits a least-squares slope and a 7-day moving average', () => {
    expect(linearSlope([1, 3, 5, 7])).toBeCloseTo(2, 10);
    expect(linearSlope([5])).toBe(0);
    const points = Array.from({ length: 10 }, (_, i) => ({
      date: `2025-01-${String(i + 1).padStart(2, '0')}`,
      revenueMinor: 100 + 10 * i,
      orders: 1,
      visits: 0,
    }));
    const t = trendsReport(10, { start: '2025-01-01', end: '2025-01-10' }, points);
    expect(t.revenueSlopePerDayMinor).toBe(10);
    expect(t.points[0]?.revenueMovingAvg7Minor).toBe(100);
    expect(t.points[7]?.revenueMovingAvg7Minor).toBe(140); // mean of 110..170
    // 9 days × 10 over a mean of 145 → +62.1 %.
    expect(t).toMatchObject({ revenueTrendPct: 62.1, direction: 'up' });
  });

  it('computes velocity, share and days of cover for products', () => {
    const p = (sku: string, units: number, revenueMinor: number, onHand: number) => ({
      productId: sku,
      sku,
      name: sku,
      category: sku === 'C' ? null : 'Drinks',
      active: true,
      onHand,
      units,
      revenueMinor,
      orders: units,
    });
    const r = productAnalytics({
      days: 10,
      totals: { units: 25, revenueMinor: 4000, orders: 20, productsSold: 2 },
      top: [p('B', 5, 1000, 50), p('A', 20, 3000, 10)],
      categories: [
        { category: null, products: 1, units: 5, revenueMinor: 1000 },
        { category: 'Drinks', products: 1, units: 20, revenueMinor: 3000 },
      ],
      slow: [p('C', 0, 0, 5), p('D', 0, 0, 40)],
    });
    expect(r.top.map((x) => [x.sku, x.velocityPerDay, x.revenueSharePct, x.daysOfCover])).toEqual([
      ['A', 2, 75, 5],
      ['B', 0.5, 25, 100],
    ]);
    expect(r.categories.map((c) => c.category)).toEqual(['Drinks', 'Uncategorised']);
    expect(r.slowMovers.map((x) => [x.sku, x.daysOfCover])).toEqual([
      ['D', null],
      ['C', null],
    ]);
    expect(r.totals.velocityPerDay).toBe(2.5);
  });
});
