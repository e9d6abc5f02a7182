import type { ServiceContext } from '../../services/context';
import { tenantSettings } from '../../services/tenant-settings';
import { ZERO_TOTALS } from '../domain/metrics';
import { pct } from '../domain/periods';
import { daysBetween, earlierOf, type LocalDate, localDate, safeTimeZone } from '../domain/timezone';
import { activityBy } from './activity-sums';
import type { ReportScope } from './report-scope';

/**
 * How far a salesman is towards a target: his net revenue (confirmed and fulfilled orders, less refunds)
 * and completed visits from the first day of the period to today, or to its last day once it is over,
 * counted exactly as the sales performance report counts them.
 */
export interface Attainment {
  /** The last local day counted; null while the period has not started. */
  asOf: LocalDate | null;
  revenueMinor: number;
  visits: number;
  /** Percent of the revenue goal reached (one decimal); null when the target sets no revenue goal. */
  revenuePct: number | null;
  visitPct: number | null;
  /** Percent of the period's days gone, today included. */
  elapsedPct: number;
}

export interface TargetPeriod {
  id: string;
  salesmanId: string;
  periodStart: LocalDate;
  periodEnd: LocalDate;
  revenueGoalMinor: number;
  visitGoal: number;
}

/**
 * The attainment of each target, by target id. Targets sharing a period are summed in one grouped
 * query set (a month's targets of the whole team cost one round trip, not one per salesman).
 */
export async function attainmentsOf(ctx: ServiceContext, targets: readonly TargetPeriod[]) {
  const out = new Map<string, Attainment>();
  if (targets.length === 0) return out;
  const settings = await tenantSettings(ctx);
  const timezone = safeTimeZone(settings.timezone);
  const nowMs = Date.parse(ctx.now);
  const today = localDate(timezone, nowMs);
  const byPeriod = new Map<string, TargetPeriod[]>();
  for (const t of targets) {
    const key = `${t.periodStart}/${t.periodEnd}`;
    byPeriod.set(key, [...(byPeriod.get(key) ?? []), t]);
  }
  await Promise.all(
    [...byPeriod.values()].map(async (group) => {
      const { periodStart, periodEnd } = group[0] as TargetPeriod;
      const asOf = periodStart > today ? null : earlierOf(periodEnd, today);
      const alone = group.length === 1 ? (group[0] as TargetPeriod).salesmanId : null;
      const scope: ReportScope = {
        db: ctx.db,
        tenantId: ctx.principal.tenantId,
        timezone,
        currency: settings.currency,
        locale: settings.locale,
        salesmanId: alone,
        nowMs,
        today,
      };
      const sums = asOf ? await activityBy(scope, { start: periodStart, end: asOf }, alone ? 'all' : 'salesman') : null;
      const days = daysBetween(periodStart, periodEnd) + 1;
      const elapsedPct = asOf ? Math.round(((daysBetween(periodStart, asOf) + 1) / days) * 1000) / 10 : 0;
      for (const t of group) {
        const totals = sums?.get(alone ? 'all' : t.salesmanId) ?? ZERO_TOTALS;
        out.set(t.id, {
          asOf,
          revenueMinor: totals.revenueMinor,
          visits: totals.visits,
          revenuePct: pct(totals.revenueMinor, t.revenueGoalMinor),
          visitPct: pct(totals.visits, t.visitGoal),
          elapsedPct,
        });
      }
    }),
  );
  return out;
}
