import { type ActivityTotals, type DailyPoint, type Growth, growthOf, type Kpis, kpisOf, ZERO_TOTALS } from './metrics';
import { type Comparison, type DateRange, growthPct, pct } from './periods';
import { daysBetween, earlierOf, type LocalDate, laterOf } from './timezone';

export interface TargetRow {
  salesmanId: string;
  periodType: 'month' | 'quarter' | 'year';
  periodStart: LocalDate;
  periodEnd: LocalDate;
  revenueGoalMinor: number;
  visitGoal: number;
}

const FINEST_FIRST: TargetRow['periodType'][] = ['month', 'quarter', 'year'];

const overlapDays = (a: DateRange, b: DateRange): number => {
  const start = laterOf(a.start, b.start);
  const end = earlierOf(a.end, b.end);
  return start > end ? 0 : daysBetween(start, end) + 1;
};

/**
 * A salesman's goal for `period`: from his finest kind of target that overlaps it (monthly before
 * quarterly before yearly, so they never add up twice), each target counted by the share of its days
 * inside the period. A month period with a monthly target gets that target exactly; a week gets 7/30
 * of its month's; a quarter the sum of its three monthly targets.
 */
export function goalFor(targets: readonly TargetRow[], period: DateRange): { revenueMinor: number; visits: number } {
  for (const type of FINEST_FIRST) {
    const overlapping = targets.filter(
      (t) => t.periodType === type && overlapDays(period, { start: t.periodStart, end: t.periodEnd }) > 0,
    );
    if (overlapping.length === 0) continue;
    let revenue = 0;
    let visits = 0;
    for (const t of overlapping) {
      const share =
        overlapDays(period, { start: t.periodStart, end: t.periodEnd }) / (daysBetween(t.periodStart, t.periodEnd) + 1);
      revenue += t.revenueGoalMinor * share;
      visits += t.visitGoal * share;
    }
    return { revenueMinor: Math.round(revenue), visits: Math.round(visits) };
  }
  return { revenueMinor: 0, visits: 0 };
}

export interface SalesmanActivity extends ActivityTotals {
  salesmanId: string;
  name: string;
}

export interface SalesmanPerformance extends Kpis {
  salesmanId: string;
  name: string;
  revenueGrowthPct: number | null;
  targetRevenueMinor: number | null;
  targetVisits: number | null;
  /** Revenue so far ÷ the goal for the whole period, in percent. */
  revenueAchievementPct: number | null;
  visitAchievementPct: number | null;
}

export interface SalesPerformance {
  period: Comparison['period'] & { complete: boolean };
  current: DateRange;
  previous: DateRange;
  totals: Kpis;
  previousTotals: Kpis;
  growth: Growth;
  trend: DailyPoint[];
  salesmen: SalesmanPerformance[];
  topPerformers: { byRevenue: string[]; byOrders: string[]; byVisits: string[] };
}

export interface SalesPerformanceInput {
  comparison: Comparison;
  totals: ActivityTotals;
  previousTotals: ActivityTotals;
  trend: DailyPoint[];
  salesmen: readonly SalesmanActivity[];
  previousSalesmen: ReadonlyMap<string, ActivityTotals>;
  targets: readonly TargetRow[];
  topN?: number;
}

export function salesPerformance(input: SalesPerformanceInput): SalesPerformance {
  const { comparison } = input;
  const totals = kpisOf(input.totals);
  const previousTotals = kpisOf(input.previousTotals);
  const salesmen = input.salesmen.map((s): SalesmanPerformance => {
    const k = kpisOf(s);
    const before = kpisOf(input.previousSalesmen.get(s.salesmanId) ?? ZERO_TOTALS);
    const own = input.targets.filter((t) => t.salesmanId === s.salesmanId);
    const goal = own.length > 0 ? goalFor(own, comparison.period) : null;
    return {
      salesmanId: s.salesmanId,
      name: s.name,
      ...k,
      revenueGrowthPct: growthPct(k.revenueMinor, before.revenueMinor),
      targetRevenueMinor: goal?.revenueMinor ?? null,
      targetVisits: goal?.visits ?? null,
      revenueAchievementPct: goal ? pct(k.revenueMinor, goal.revenueMinor) : null,
      visitAchievementPct: goal ? pct(k.visits, goal.visits) : null,
    };
  });
  const n = input.topN ?? 5;
  const rank = (key: (s: SalesmanPerformance) => number) =>
    [...salesmen]
      .filter((s) => key(s) > 0)
      .sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name))
      .slice(0, n)
      .map((s) => s.salesmanId);
  return {
    period: { ...comparison.period, complete: comparison.complete },
    current: comparison.current,
    previous: comparison.previous,
    totals,
    previousTotals,
    growth: growthOf(totals, previousTotals),
    trend: input.trend,
    salesmen: salesmen.sort((a, b) => b.revenueMinor - a.revenueMinor || a.name.localeCompare(b.name)),
    topPerformers: {
      byRevenue: rank((s) => s.revenueMinor),
      byOrders: rank((s) => s.orders),
      byVisits: rank((s) => s.visits),
    },
  };
}
