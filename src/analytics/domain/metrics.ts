import { growthPct, pct } from './periods';
import type { LocalDate } from './timezone';

/**
 * The sums every report is built from, as SQL returns them for a date range (../queries/activity-sql.ts).
 * Revenue counts confirmed and fulfilled orders only (drafts and cancelled orders never), less the
 * payments refunded on them (capped at each order's total), on the local day the order was taken.
 */
export interface ActivityTotals {
  /** Net revenue: order totals less refunds. */
  revenueMinor: number;
  refundsMinor: number;
  orders: number;
  /** Distinct customers with a revenue order. */
  customers: number;
  /** Completed visits, by local check-in day. */
  visits: number;
  /** Completed visits that produced at least one revenue order (orders.visit_id). */
  visitsWithOrder: number;
  /** Σ (check-out − check-in) in minutes over completed visits that have both. */
  timeOnSiteMinutes: number;
  timedVisits: number;
}

export const ZERO_TOTALS: ActivityTotals = {
  revenueMinor: 0,
  refundsMinor: 0,
  orders: 0,
  customers: 0,
  visits: 0,
  visitsWithOrder: 0,
  timeOnSiteMinutes: 0,
  timedVisits: 0,
};

export interface Kpis {
  revenueMinor: number;
  orders: number;
  /** Average order value: net revenue ÷ orders, rounded to a minor unit; null without orders. */
  aovMinor: number | null;
  customers: number;
  visits: number;
  /** Visits that produced an order ÷ completed visits, in percent. */
  strikeRatePct: number | null;
  avgTimeOnSiteMinutes: number | null;
  refundsMinor: number;
}

export function kpisOf(t: ActivityTotals): Kpis {
  return {
    revenueMinor: t.revenueMinor,
    orders: t.orders,
    aovMinor: t.orders === 0 ? null : Math.round(t.revenueMinor / t.orders),
    customers: t.customers,
    visits: t.visits,
    strikeRatePct: pct(t.visitsWithOrder, t.visits),
    avgTimeOnSiteMinutes: t.timedVisits === 0 ? null : Math.round((t.timeOnSiteMinutes / t.timedVisits) * 10) / 10,
    refundsMinor: t.refundsMinor,
  };
}

export type Growth = Record<'revenue' | 'orders' | 'aov' | 'customers' | 'visits', number | null>;

export function growthOf(current: Kpis, previous: Kpis): Growth {
  return {
    revenue: growthPct(current.revenueMinor, previous.revenueMinor),
    orders: growthPct(current.orders, previous.orders),
    aov:
      current.aovMinor === null || previous.aovMinor === null ? null : growthPct(current.aovMinor, previous.aovMinor),
    customers: growthPct(current.customers, previous.customers),
    visits: growthPct(current.visits, previous.visits),
  };
}

export interface DailyPoint {
  date: LocalDate;
  revenueMinor: number;
  orders: number;
  visits: number;
}

/** One point per day of `days`, zeros where SQL returned no row (days without sales are not missing). */
export function fillDaily(
  days: readonly LocalDate[],
  revenue: ReadonlyMap<LocalDate, { revenueMinor: number; orders: number }>,
  visits: ReadonlyMap<LocalDate, number> = new Map(),
): DailyPoint[] {
  return days.map((date) => ({
    date,
    revenueMinor: revenue.get(date)?.revenueMinor ?? 0,
    orders: revenue.get(date)?.orders ?? 0,
    visits: visits.get(date) ?? 0,
  }));
}

/** Sums one column of rows keyed by local date: the per-day maps the SQL results become. */
export function byDate<T extends { day: LocalDate }>(rows: readonly T[]): Map<LocalDate, T> {
  return new Map(rows.map((r) => [r.day, r]));
}
