import type { ServiceContext } from '../../services/context';
import { type Forecast, forecastRevenue } from '../domain/forecast';
import type { DateRange } from '../domain/periods';
import { addDays, type LocalDate, laterOf, localDate } from '../domain/timezone';
import { localDaySql, orderSums, refundSums } from '../queries/activity-sql';
import { num, runQueries, runQuery } from '../queries/run';
import { windowOf } from './activity-sums';
import { metaOf, type ReportMeta, type ReportScope, reportScope } from './report-scope';

/** The daily revenue forecast (domain/forecast.ts) over the tenant's net revenue history. */

/** Net revenue per local day of the range (orders and refunds only). */
export async function revenueByDay(scope: ReportScope, range: DateRange): Promise<Map<LocalDate, number>> {
  const w = windowOf(scope, range);
  const key = (p: Parameters<typeof localDaySql>[2]) => localDaySql('o.ordered_at', w, p);
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
