import { and, eq, gte, isNull, lte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { customers, visits } from '../db/tables';
import type { ServiceContext } from './context';
import { raise } from './notification-engine.service';
import { type EffectiveRule, type RuleKind, tenantRules } from './notification-rules.service';
import type { Raised } from './notification-triggers';
import type { PushSettings } from './push-subscriptions.service';
import { tenantSettings } from './tenant-settings';

/**
 * Visit reminders and missed-visit notices (docs/notifications.md): the visit cron asks, per tenant, which
 * planned visits are starting soon or were missed under its rules, and the engine raises them once each.
 */

/** How far ahead and back the visit cron looks: the largest settings the rules accept, and a day. */
const SOON_HORIZON_MINUTES = 240;
const MISSED_HORIZON_MINUTES = 720 + 24 * 60;

export interface PlannedVisit {
  tenantId: string;
  id: string;
  salesmanId: string;
  plannedAt: string;
  customerName: string | null;
}

/** Planned visits (not checked in, not cancelled) planned within the horizons around `now`. */
function plannedNear(now: Date, tenantId?: string) {
  const from = new Date(now.getTime() - MISSED_HORIZON_MINUTES * 60_000).toISOString();
  const to = new Date(now.getTime() + SOON_HORIZON_MINUTES * 60_000).toISOString();
  return and(
    tenantId ? eq(visits.tenantId, tenantId) : undefined,
    eq(visits.status, 'planned'),
    gte(visits.plannedAt, from),
    lte(visits.plannedAt, to),
    isNull(visits.deletedAt),
  );
}

/** The tenants with a planned visit near `now`: the visit cron queues a run for each. */
export async function tenantsWithPlannedVisits(db: Db, now: Date): Promise<string[]> {
  const rows = await db.selectDistinct({ tenantId: visits.tenantId }).from(visits).where(plannedNear(now));
  return rows.map((r) => r.tenantId);
}

/** One tenant's planned visits near `now`, with the customer's name for the message. */
export async function plannedVisitsAround(db: Db, tenantId: string, now: Date): Promise<PlannedVisit[]> {
  const rows = await db
    .select({
      tenantId: visits.tenantId,
      id: visits.id,
      salesmanId: visits.salesmanId,
      plannedAt: visits.plannedAt,
      customerName: customers.name,
    })
    .from(visits)
    .leftJoin(customers, and(eq(customers.tenantId, visits.tenantId), eq(customers.id, visits.customerId)))
    .where(plannedNear(now, tenantId));
  return rows.flatMap((r) => (r.plannedAt ? [{ ...r, plannedAt: r.plannedAt }] : []));
}

/**
 * The reminders and missed-visit notices due for one tenant's planned visits at `now`, under its rules:
 * "starting soon" within `minutesBefore` of the planned time, "missed" once `graceMinutes` passed with no
 * check-in (for a day after; older ones are history, not news). Each is raised once per visit.
 */
export function visitNotices(
  rules: Record<RuleKind, EffectiveRule>,
  planned: PlannedVisit[],
  now: Date,
  timeZone: string,
): Raised[] {
  const raised: Raised[] = [];
  const soon = rules.visit_soon;
  const missed = rules.visit_missed;
  for (const visit of planned) {
    const minutesAway = (Date.parse(visit.plannedAt) - now.getTime()) / 60_000;
    const at = localTime(visit.plannedAt, timeZone);
    const who = visit.customerName ?? 'a customer';
    if (soon.enabled && minutesAway > 0 && minutesAway <= Number(soon.settings.minutesBefore)) {
      raised.push({
        kind: 'visit_soon',
        subject: `visit:${visit.id}`,
        salesmanId: visit.salesmanId,
        title: `Visit at ${at}: ${who}`,
        body: `Your visit to ${who} is planned for ${at}, in ${Math.round(minutesAway)} minutes.`,
        data: { visitId: visit.id, plannedAt: visit.plannedAt },
      });
    }
    const late = -minutesAway - Number(missed.settings.graceMinutes);
    if (missed.enabled && late >= 0 && late <= 24 * 60) {
      raised.push({
        kind: 'visit_missed',
        subject: `visit:${visit.id}`,
        salesmanId: visit.salesmanId,
        title: `Missed visit: ${who}`,
        body: `The visit to ${who} planned for ${at} has no check-in.`,
        data: { visitId: visit.id, plannedAt: visit.plannedAt, salesmanId: visit.salesmanId },
      });
    }
  }
  return raised;
}

const localTime = (instant: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(instant),
  );

/** Raises one tenant's visit notices due at the context's time (the visit cron, per tenant). */
export async function raiseVisitNotices(
  ctx: ServiceContext,
  push: PushSettings,
): Promise<{ notifications: number; deliveries: number }> {
  const [rules, settings, planned] = await Promise.all([
    tenantRules(ctx.db, ctx.principal.tenantId),
    tenantSettings(ctx),
    plannedVisitsAround(ctx.db, ctx.principal.tenantId, new Date(ctx.now)),
  ]);
  return raise(ctx, push, visitNotices(rules, planned, new Date(ctx.now), settings.timezone));
}
