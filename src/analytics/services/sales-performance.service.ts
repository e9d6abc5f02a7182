import type { ServiceContext } from '../../services/context';
import { ZERO_TOTALS } from '../domain/metrics';
import { comparePeriods, type DateRange, type PeriodType } from '../domain/periods';
import {
  type SalesmanActivity,
  type SalesPerformance,
  salesPerformance,
  type TargetRow,
} from '../domain/sales-performance';
import type { LocalDate } from '../domain/timezone';
import { num, runQueries } from '../queries/run';
import { activityBy, activityTotals, dailySeries } from './activity-sums';
import { assertNotFuture, metaOf, type ReportMeta, type ReportScope, reportScope } from './report-scope';

/** Sales performance: per salesman revenue, visits, strike rate and target achievement, with growth. */

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
  const comparison = comparePeriods(query.period, anchor, scope.today, scope);
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
