import { type ActivityTotals, type Growth, growthOf, type Kpis, kpisOf } from './metrics';
import type { DateRange } from './periods';

/** The KPIs of the last N local days against the N before, with cancellations and new customers (pure). */
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
