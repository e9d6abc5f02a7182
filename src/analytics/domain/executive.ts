import { type ActivityTotals, type DailyPoint, type Growth, growthOf, type Kpis, kpisOf } from './metrics';
import { type Comparison, type DateRange, growthPct } from './periods';

/** The executive report: the tenant's KPIs for a period against the previous one (pure). */
export type KpiUnit = 'money' | 'count' | 'percent' | 'minutes';

export interface KpiLine {
  key: string;
  label: string;
  unit: KpiUnit;
  value: number | null;
  previous: number | null;
  changePct: number | null;
}

export interface ExecutiveExtras {
  /** Customers created in the range. */
  newCustomers: number;
  cancelledOrders: number;
}

export interface ExecutiveReport {
  period: Comparison['period'] & { complete: boolean };
  current: DateRange;
  previous: DateRange;
  kpis: Kpis & ExecutiveExtras;
  previousKpis: Kpis & ExecutiveExtras;
  growth: Growth;
  summary: KpiLine[];
  trend: DailyPoint[];
}

export interface ExecutiveInput {
  comparison: Comparison;
  totals: ActivityTotals;
  previousTotals: ActivityTotals;
  extras: ExecutiveExtras;
  previousExtras: ExecutiveExtras;
  trend: DailyPoint[];
}

const LINES: { key: keyof (Kpis & ExecutiveExtras); label: string; unit: KpiUnit }[] = [
  { key: 'revenueMinor', label: 'Revenue', unit: 'money' },
  { key: 'orders', label: 'Orders', unit: 'count' },
  { key: 'aovMinor', label: 'Average order value', unit: 'money' },
  { key: 'customers', label: 'Buying customers', unit: 'count' },
  { key: 'newCustomers', label: 'New customers', unit: 'count' },
  { key: 'visits', label: 'Completed visits', unit: 'count' },
  { key: 'strikeRatePct', label: 'Strike rate', unit: 'percent' },
  { key: 'avgTimeOnSiteMinutes', label: 'Average time on site', unit: 'minutes' },
  { key: 'cancelledOrders', label: 'Cancelled orders', unit: 'count' },
  { key: 'refundsMinor', label: 'Refunds', unit: 'money' },
];

export function executiveReport(input: ExecutiveInput): ExecutiveReport {
  const kpis = { ...kpisOf(input.totals), ...input.extras };
  const previousKpis = { ...kpisOf(input.previousTotals), ...input.previousExtras };
  const summary = LINES.map(({ key, label, unit }) => {
    const value = kpis[key];
    const previous = previousKpis[key];
    const changePct =
      value === null || previous === null
        ? null
        : unit === 'percent'
          ? // A rate changes in points, not in percent of itself.
            Math.round((value - previous) * 10) / 10
          : growthPct(value, previous);
    return { key, label, unit, value, previous, changePct };
  });
  return {
    period: { ...input.comparison.period, complete: input.comparison.complete },
    current: input.comparison.current,
    previous: input.comparison.previous,
    kpis,
    previousKpis,
    growth: growthOf(kpis, previousKpis),
    summary,
    trend: input.trend,
  };
}
