import type { ServiceContext } from '../../services/context';
import { type MetricsReport, metricsReport } from '../domain/metrics-report';
import { addDays } from '../domain/timezone';
import { type TrendsReport, trendsReport } from '../domain/trends-report';
import { activityTotalsWithExtras, dailySeries } from './activity-sums';
import { metaOf, type ReportMeta, reportScope } from './report-scope';

type Meta = { meta: ReportMeta };

/** KPIs of the last `days` local days (today included) against the `days` before them. */
export async function getMetrics(ctx: ServiceContext, query: { days: number }): Promise<MetricsReport & Meta> {
  const scope = await reportScope(ctx, ['orders:read', 'visits:read', 'customers:read']);
  const current = { start: addDays(scope.today, 1 - query.days), end: scope.today };
  const previous = { start: addDays(current.start, -query.days), end: addDays(current.start, -1) };
  const [now, before] = await Promise.all([
    activityTotalsWithExtras(scope, current),
    activityTotalsWithExtras(scope, previous),
  ]);
  return { ...metricsReport(query.days, current, previous, now, before), meta: metaOf(scope) };
}

/** Daily revenue, orders and visits of the last `days` local days, with a 7-day average and the slope. */
export async function getTrends(ctx: ServiceContext, query: { days: number }): Promise<TrendsReport & Meta> {
  const scope = await reportScope(ctx, ['orders:read', 'visits:read']);
  const range = { start: addDays(scope.today, 1 - query.days), end: scope.today };
  return { ...trendsReport(query.days, range, await dailySeries(scope, range)), meta: metaOf(scope) };
}
