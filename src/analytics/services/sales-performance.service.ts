import { AppError, ErrorCode } from '../../lib/errors';
import type { ServiceContext } from '../../services/context';
import { type ExecutiveReport, executiveReport } from '../domain/executive';
import { type Forecast, forecastRevenue } from '../domain/forecast';
import { ZERO_TOTALS } from '../domain/metrics';
import { comparePeriods, type DateRange, type PeriodType } from '../domain/periods';
import {
  type SalesmanActivity,
  type SalesPerformance,
  salesPerformance,
  type TargetRow,
} from '../domain/sales-performance';
import { addDays, type LocalDate, laterOf, localDate } from '../domain/timezone';
import { localDaySql, orderSums, refundSums } from '../queries/activity-sql';
import {
  activityBy,
  activityTotals,
  dailySeries,
  extrasFor,
  num,
  type ReportScope,
  reportScope,
  runQueries,
  runQuery,
  windowOf,
} from './activity-sums';

/** What every analytics response says about itself. */
export interface ReportMeta {
  timezone: string;
  currency: string;
  generatedAt: string;
  /** `salesman`: the figures are limited to the caller's own (a salesman user). */
  scope: 'tenant' | 'salesman';
}

export const metaOf = (scope: ReportScope): ReportMeta => ({
  timezone: scope.timezone,
  currency: scope.currency,
  generatedAt: new Date(scope.nowMs).toISOString(),
  scope: scope.salesmanId ? 'salesman' : 'tenant',
});

export function assertNotFuture(scope: ReportScope, day: LocalDate, field: string) {
  if (day > scope.today) {
    const message = `${field} is in the future (today is ${scope.today} in ${scope.timezone})`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, message, { errors: [{ path: `query.${field}`, message }] });
  }
}

async function salesmenAndTargets(scope: ReportScope, period: DateRange) {
  const own = scope.salesmanId;
  const [salesmen, targets] = await runQueries(scope.db, [
    {
      sql: `SELECT id, name FROM salesmen WHERE tenant_id = ?1 AND deleted_at IS NULL${own ? ' AND id = ?2' : ''}`,
      params: own ? [scope.tenantId, own] : [scope.tenantId],
    },
    {
      sql: `SELECT salesman_id, period_type, period_start, period_end, revenue_goal_minor, visit_goal FROM targets
            WHERE tenant_id = ?1 AND deleted_at IS NULL AND period_end >= ?2 AND period_start <= ?3${own ? ' AND salesman_id = ?4' : ''}`,
      params: own ? [scope.tenantId, period.start, period.end, own] : [scope.tenantId, period.start, period.end],
    },
  ]);
  return {
    names: new Map((salesmen ?? []).map((r) => [String(r.id), String(r.name)])),
    targets: (targets ?? []).map(
      (r): TargetRow => ({
        salesmanId: String(r.salesman_id),
        periodType: r.period_type as TargetRow['periodType'],
        periodStart: String(r.period_start),
        periodEnd: String(r.period_end),
        revenueGoalMinor: num(r.revenue_goal_minor),
        visitGoal: num(r.visit_goal),
      }),
    ),
  };
}

export async function getSalesPerformance(
  ctx: ServiceContext,
  query: { period: Exclude<PeriodType, 'day'>; date?: LocalDate | undefined },
): Promise<SalesPerformance & { meta: ReportMeta }> {
  const scope = await reportScope(ctx, ['orders:read', 'visits:read']);
  const anchor = query.date ?? scope.today;
  assertNotFuture(scope, anchor, 'date');
  const comparison = comparePeriods(query.period, anchor, scope.today);
  const [bySalesman, previousBySalesman, totals, previousTotals, trend, { names, targets }] = await Promise.all([
    activityBy(scope, comparison.current, 'salesman'),
    activityBy(scope, comparison.previous, 'salesman'),
    activityTotals(scope, comparison.current),
    activityTotals(scope, comparison.previous),
    dailySeries(scope, comparison.current),
    salesmenAndTargets(scope, comparison.period),
  ]);
  // Every live salesman is listed (idle ones too); activity of since-deleted salesmen still counts.
  const ids = new Set([...names.keys(), ...[...bySalesman.keys()].filter((k) => k !== '')]);
  if (scope.salesmanId) for (const id of [...ids]) if (id !== scope.salesmanId) ids.delete(id);
  const salesmen: SalesmanActivity[] = [...ids].map((id) => ({
    salesmanId: id,
    name: names.get(id) ?? '(deleted salesman)',
    ...(bySalesman.get(id) ?? ZERO_TOTALS),
  }));
  const report = salesPerformance({
    comparison,
    totals,
    previousTotals,
    trend,
    salesmen,
    previousSalesmen: previousBySalesman,
    targets,
  });
  return { ...report, meta: metaOf(scope) };
}

export async function getExecutiveReport(
  ctx: ServiceContext,
  query: { period: PeriodType; date?: LocalDate | undefined },
): Promise<ExecutiveReport & { meta: ReportMeta }> {
  const scope = await reportScope(ctx, ['orders:read', 'visits:read', 'customers:read']);
  const anchor = query.date ?? scope.today;
  assertNotFuture(scope, anchor, 'date');
  return executiveReportFor(scope, comparePeriods(query.period, anchor, scope.today));
}

/** Shared with the scheduled e-mails, which report the last complete period. */
export async function executiveReportFor(
  scope: ReportScope,
  comparison: ReturnType<typeof comparePeriods>,
): Promise<ExecutiveReport & { meta: ReportMeta }> {
  const [totals, previousTotals, extras, previousExtras, trend] = await Promise.all([
    activityTotals(scope, comparison.current),
    activityTotals(scope, comparison.previous),
    extrasFor(scope, comparison.current),
    extrasFor(scope, comparison.previous),
    dailySeries(scope, comparison.current),
  ]);
  return {
    ...executiveReport({ comparison, totals, previousTotals, extras, previousExtras, trend }),
    meta: metaOf(scope),
  };
}

/** Net revenue per local day of the range (orders and refunds only). */
export async function revenueByDay(scope: ReportScope, range: DateRange): Promise<Map<LocalDate, number>> {
  const w = windowOf(scope, range);
  const key = (p: Parameters<typeof localDaySql>[2]) => localDaySql('o.ordered_at', w.segments, p);
  const [orders, refunds] = await runQueries(scope.db, [orderSums(w, { key }), refundSums(w, { key })]);
  const out = new Map<LocalDate, number>();
  for (const r of orders ?? []) out.set(String(r.k), num(r.gross));
  for (const r of refunds ?? []) out.set(String(r.k), (out.get(String(r.k)) ?? 0) - num(r.refunds));
  return out;
}

export const FORECAST_HISTORY_DAYS = 364;

export interface ForecastResponse {
  method: Forecast['method'];
  methodDescription: string;
  params: Forecast['params'];
  history: { from: LocalDate | null; to: LocalDate; days: number };
  backtest: Forecast['backtest'];
  interval: Forecast['interval'];
  forecast: { date: LocalDate; revenueMinor: number; lowerMinor: number; upperMinor: number }[];
  meta: ReportMeta;
}

const METHODS: Record<Forecast['method'], string> = {
  'holt-winters-additive-damped':
    'Additive Holt-Winters with damped trend and weekly seasonality (period 7), parameters by grid search on one-step-ahead squared error',
  'seasonal-naive': 'Seasonal naive: each weekday repeats its value from the last week (history shorter than 14 days)',
  mean: 'Mean of the known days (history shorter than 7 days)',
  none: 'No order history yet: the forecast is zero',
};

export async function getForecast(ctx: ServiceContext, query: { days: number }): Promise<ForecastResponse> {
  const scope = await reportScope(ctx, ['orders:read']);
  return forecastFor(scope, query.days);
}

export async function forecastFor(scope: ReportScope, days: number): Promise<ForecastResponse> {
  // History ends yesterday: today is not over, and a partial day would read as a slump.
  const to = addDays(scope.today, -1);
  const first = await runQuery<{ first: string | null }>(scope.db, {
    sql: `SELECT MIN(ordered_at) AS first FROM orders WHERE tenant_id = ?1 AND status IN ('confirmed', 'fulfilled')
          AND deleted_at IS NULL AND ordered_at < ?2${scope.salesmanId ? ' AND salesman_id = ?3' : ''}`,
    params: [
      scope.tenantId,
      new Date(windowOf(scope, { start: to, end: to }).endMs).toISOString(),
      ...(scope.salesmanId ? [scope.salesmanId] : []),
    ],
  });
  const firstDay = first[0]?.first ? localDate(scope.timezone, Date.parse(first[0].first)) : null;
  const earliest = addDays(to, 1 - FORECAST_HISTORY_DAYS);
  const from = firstDay === null ? null : laterOf(firstDay, earliest);
  const series: number[] = [];
  if (from !== null && from <= to) {
    const byDay = await revenueByDay(scope, { start: from, end: to });
    for (let d = from; d <= to; d = addDays(d, 1)) series.push(byDay.get(d) ?? 0);
  }
  const result = forecastRevenue(series, days);
  return {
    method: result.method,
    methodDescription: METHODS[result.method],
    params: result.params,
    history: { from, to, days: series.length },
    backtest: result.backtest,
    interval: result.interval,
    forecast: result.points.map((p, k) => ({
      date: addDays(scope.today, k),
      revenueMinor: p.value,
      lowerMinor: p.lower,
      upperMinor: p.upper,
    })),
    meta: metaOf(scope),
  };
}
