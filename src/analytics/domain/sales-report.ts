import { type ActivityTotals, type DailyPoint, type Growth, growthOf, type Kpis, kpisOf } from './metrics';
import type { DateRange } from './periods';
import { addDays, isoWeekday, type LocalDate } from './timezone';

/** Sales reports (daily / weekly / monthly), metrics and trends, assembled from SQL sums (pure). */
export interface SalesTotals {
  revenueMinor: number;
  refundsMinor: number;
  orders: number;
  /** Units on the orders' lines. */
  items: number;
}

export interface TopProduct {
  productId: string;
  sku: string;
  name: string;
  units: number;
  revenueMinor: number;
}

export interface BreakdownRow {
  /** A local date, an ISO week's first day (`2025-03-03`), or a local hour (`14:00`). */
  key: string;
  label: string;
  revenueMinor: number;
  orders: number;
  items: number;
}

export type SalesReportKind = 'daily' | 'weekly' | 'monthly';

export interface SalesReport {
  kind: SalesReportKind;
  range: DateRange;
  totals: SalesTotals & { aovMinor: number | null };
  /** daily: by local hour; weekly: by day; monthly: by day. */
  breakdown: BreakdownRow[];
  /** monthly only: by ISO week, clipped to the month. */
  weeks: BreakdownRow[] | null;
  topProducts: TopProduct[];
}

export function salesReport(
  kind: SalesReportKind,
  range: DateRange,
  totals: SalesTotals,
  breakdown: BreakdownRow[],
  topProducts: TopProduct[],
): SalesReport {
  return {
    kind,
    range,
    totals: { ...totals, aovMinor: totals.orders === 0 ? null : Math.round(totals.revenueMinor / totals.orders) },
    breakdown,
    weeks: kind === 'monthly' ? weeklyBreakdown(breakdown) : null,
    topProducts,
  };
}

/** Day rows grouped by ISO week (Monday first); a week cut by the range's edge keeps only its days in it. */
export function weeklyBreakdown(days: readonly BreakdownRow[]): BreakdownRow[] {
  const weeks = new Map<string, BreakdownRow>();
  for (const d of days) {
    const monday = addDays(d.key, 1 - isoWeekday(d.key));
    const w = weeks.get(monday) ?? { key: monday, label: '', revenueMinor: 0, orders: 0, items: 0 };
    w.revenueMinor += d.revenueMinor;
    w.orders += d.orders;
    w.items += d.items;
    w.label = w.label ? `${w.label.slice(0, 10)} – ${d.key}` : d.key;
    weeks.set(monday, w);
  }
  return [...weeks.values()];
}

export interface MetricsReport {
  days: number;
  current: DateRange;
  previous: DateRange;
  kpis: Kpis & { cancelledOrders: number; cancellationRatePct: number | null; newCustomers: number };
  previousKpis: Kpis & { cancelledOrders: number; cancellationRatePct: number | null; newCustomers: number };
  growth: Growth;
}

export function metricsReport(
  days: number,
  current: DateRange,
  previous: DateRange,
  totals: ActivityTotals & { cancelledOrders: number; newCustomers: number },
  previousTotals: ActivityTotals & { cancelledOrders: number; newCustomers: number },
): MetricsReport {
  const extend = (t: typeof totals) => {
    const k = kpisOf(t);
    const placed = t.orders + t.cancelledOrders;
    return {
      ...k,
      cancelledOrders: t.cancelledOrders,
      cancellationRatePct: placed === 0 ? null : Math.round((t.cancelledOrders / placed) * 1000) / 10,
      newCustomers: t.newCustomers,
    };
  };
  const kpis = extend(totals);
  const previousKpis = extend(previousTotals);
  return { days, current, previous, kpis, previousKpis, growth: growthOf(kpis, previousKpis) };
}

export interface TrendPoint extends DailyPoint {
  /** Mean revenue of this day and the 6 before it (fewer at the start of the series). */
  revenueMovingAvg7Minor: number;
}

export interface TrendsReport {
  days: number;
  range: DateRange;
  points: TrendPoint[];
  /** Least-squares slope of daily revenue, minor units per day. */
  revenueSlopePerDayMinor: number;
  /** Slope over the whole range relative to the mean daily revenue, in percent. */
  revenueTrendPct: number | null;
  direction: 'up' | 'down' | 'flat';
}

/** Least-squares slope of ys over x = 0, 1, 2, … */
export function linearSlope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

/** A change over the range of less than this share of the mean counts as flat. */
const FLAT_PCT = 5;

export function trendsReport(days: number, range: DateRange, points: readonly DailyPoint[]): TrendsReport {
  const withAvg = points.map((p, i) => {
    const window = points.slice(Math.max(0, i - 6), i + 1);
    return {
      ...p,
      revenueMovingAvg7Minor: Math.round(window.reduce((n, w) => n + w.revenueMinor, 0) / window.length),
    };
  });
  const revenue = points.map((p) => p.revenueMinor);
  const slope = linearSlope(revenue);
  const mean = revenue.reduce((a, b) => a + b, 0) / (revenue.length || 1);
  const trendPct = mean === 0 ? null : Math.round(((slope * Math.max(0, revenue.length - 1)) / mean) * 1000) / 10;
  const direction = trendPct === null || Math.abs(trendPct) < FLAT_PCT ? 'flat' : trendPct > 0 ? 'up' : 'down';
  return {
    days,
    range,
    points: withAvg,
    revenueSlopePerDayMinor: Math.round(slope),
    revenueTrendPct: trendPct,
    direction,
  };
}

export type { LocalDate };
