import type { Holiday } from '../../db/tables';
import type { ServiceContext } from '../../services/context';
import { tenantSettings } from '../../services/tenant-settings';
import { calendarEntry, type Forecast, forecastRevenue, recurringSpecialDays } from '../domain/forecast';
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
/** How far back special days are looked for: two years, so a month-day must be special in both to recur. */
export const CLOSED_DAYS_LOOKBACK = 2 * 364;

export interface ForecastResponse {
  method: Forecast['method'];
  methodDescription: string;
  params: Forecast['params'];
  history: { from: LocalDate | null; to: LocalDate; days: number; specialDays: number };
  /** The special days ahead: closed (share 0) or reduced, and why. */
  specialDays: { date: LocalDate; share: number; reason: 'calendar' | 'history'; name: string | null }[];
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
  const { holidays } = await tenantSettings(ctx);
  return forecastFor(scope, query.days, holidays);
}

/**
 * The forecast for the `days` from today. Special days are the tenant's calendar (`holidays`, closed)
 * and the month-days its history shows closed or reduced every year it holds them (domain/forecast.ts
 * recurringSpecialDays); the model skips them in the history and forecasts them at their share.
 */
export async function forecastFor(
  scope: ReportScope,
  days: number,
  holidays: readonly Holiday[] = [],
): Promise<ForecastResponse> {
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
  const lookFrom = firstDay === null ? null : laterOf(firstDay, addDays(to, 1 - CLOSED_DAYS_LOOKBACK));
  const dates: LocalDate[] = [];
  const revenue: number[] = [];
  if (lookFrom !== null && lookFrom <= to) {
    const byDay = await revenueByDay(scope, { start: lookFrom, end: to });
    for (let d = lookFrom; d <= to; d = addDays(d, 1)) {
      dates.push(d);
      revenue.push(byDay.get(d) ?? 0);
    }
  }
  const recurring = recurringSpecialDays(dates, revenue);
  const shareOn = (date: LocalDate) => (calendarEntry(holidays, date) ? 0 : (recurring.get(date.slice(5)) ?? 1));
  // The model reads the last FORECAST_HISTORY_DAYS; the older year only served to find special days.
  const kept = Math.min(dates.length, FORECAST_HISTORY_DAYS);
  const historyDates = dates.slice(dates.length - kept);
  const series = revenue.slice(revenue.length - kept);
  const aheadDates = Array.from({ length: days }, (_, k) => addDays(scope.today, k));
  const historyShares = historyDates.map(shareOn);
  const result = forecastRevenue(series, days, { history: historyShares, ahead: aheadDates.map(shareOn) });
  return {
    method: result.method,
    methodDescription: METHODS[result.method],
    params: result.params,
    history: {
      from: historyDates[0] ?? null,
      to,
      days: series.length,
      specialDays: historyShares.filter((share) => share < 1).length,
    },
    backtest: result.backtest,
    interval: result.interval,
    forecast: result.points.map((p, k) => ({
      date: aheadDates[k] as LocalDate,
      revenueMinor: p.value,
      lowerMinor: p.lower,
      upperMinor: p.upper,
    })),
    specialDays: aheadDates.flatMap((date): ForecastResponse['specialDays'] => {
      const named = calendarEntry(holidays, date);
      if (named) return [{ date, share: 0, reason: 'calendar', name: named.name }];
      const share = recurring.get(date.slice(5));
      return share === undefined ? [] : [{ date, share, reason: 'history', name: null }];
    }),
    meta: metaOf(scope),
  };
}
