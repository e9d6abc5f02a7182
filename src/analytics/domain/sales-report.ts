import type { DateRange } from './periods';
import { addDays, isoWeekday } from './timezone';

/** Sales reports (daily / weekly / monthly), assembled from SQL sums (pure). */
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
