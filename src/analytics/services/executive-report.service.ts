import type { ServiceContext } from '../../services/context';
import { type ExecutiveReport, executiveReport } from '../domain/executive';
import { comparePeriods, type PeriodType } from '../domain/periods';
import type { LocalDate } from '../domain/timezone';
import { activityTotals, dailySeries, extrasFor } from './activity-sums';
import { assertNotFuture, metaOf, type ReportMeta, type ReportScope, reportScope } from './report-scope';

/** The executive report: KPIs of a period against the previous one (also the report e-mails' content). */

export async function getExecutiveReport(
  ctx: ServiceContext,
  query: { period: PeriodType; date?: LocalDate | undefined },
): Promise<ExecutiveReport & { meta: ReportMeta }> {
  const scope = await reportScope(ctx, ['orders:read', 'visits:read', 'customers:read']);
  const anchor = query.date ?? scope.today;
  assertNotFuture(scope, anchor, 'date');
  return executiveReportFor(scope, comparePeriods(query.period, anchor, scope.today, scope));
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
