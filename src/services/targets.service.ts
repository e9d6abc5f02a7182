import { and, eq, gte, inArray, isNull, lte } from 'drizzle-orm';
import { localDate, safeTimeZone } from '../analytics/domain/timezone';
import { type Attainment, attainmentsOf, type TargetPeriod } from '../analytics/services/target-attainment';
import { ownSalesmanScope, requirePermission } from '../auth/principal';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { type TARGET_PERIODS, targets } from '../db/tables';
import { chunk } from '../lib/chunk';
import { AppError, ErrorCode, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { findEntity, insertEntity, newEntity, softDeleteEntity, updateEntity } from './entity';
import { assertSalesmanExists } from './references';
import { tenantSettings } from './tenant-settings';

export type Target = typeof targets.$inferSelect;
export type PeriodType = (typeof TARGET_PERIODS)[number];

export interface TargetInput {
  salesmanId: string;
  periodType: PeriodType;
  /** YYYY-MM-DD, the first day of a calendar month / quarter / year. */
  periodStart: string;
  revenueGoalMinor?: number | undefined;
  visitGoal?: number | undefined;
}

export interface TargetFilters {
  salesmanId?: string | undefined;
  periodType?: PeriodType | undefined;
  /** YYYY-MM-DD: only targets whose period contains this day. */
  activeOn?: string | undefined;
}

const PERIOD_MONTHS: Record<PeriodType, number> = { month: 1, quarter: 3, year: 12 };

/** Salesman users read only their own targets; writing targets is for managers and above. */
export async function listTargets(
  ctx: ServiceContext,
  filters: TargetFilters,
  page: PageRequest,
): Promise<Page<Target>> {
  requirePermission(ctx.principal, 'targets:read');
  const own = ownSalesmanScope(ctx.principal);
  return listPage(ctx.db, targets, {
    tenantId: ctx.principal.tenantId,
    filters: [
      own ? eq(targets.salesmanId, own) : undefined,
      filters.salesmanId ? eq(targets.salesmanId, filters.salesmanId) : undefined,
      filters.periodType ? eq(targets.periodType, filters.periodType) : undefined,
      filters.activeOn ? lte(targets.periodStart, filters.activeOn) : undefined,
      filters.activeOn ? gte(targets.periodEnd, filters.activeOn) : undefined,
    ],
    sortable: { periodStart: targets.periodStart, createdAt: targets.createdAt, updatedAt: targets.updatedAt },
    defaultSort: 'periodStart',
    page,
  });
}

export async function getTarget(ctx: ServiceContext, id: string): Promise<Target> {
  requirePermission(ctx.principal, 'targets:read');
  const target = await findEntity(ctx, targets, id, 'Target');
  const own = ownSalesmanScope(ctx.principal);
  if (own && target.salesmanId !== own) throw notFound('Target');
  return target;
}

/** A target with how far its salesman has come towards it (GET /v1/targets/{id}). */
export async function getTargetWithAttainment(
  ctx: ServiceContext,
  id: string,
): Promise<Target & { attainment: Attainment }> {
  const target = await getTarget(ctx, id);
  return { ...target, attainment: await targetAttainment(ctx, target) };
}

/** The attainment of a target the caller has read (GraphQL's Target.attainment). */
export async function targetAttainment(ctx: ServiceContext, target: TargetPeriod): Promise<Attainment> {
  requirePermission(ctx.principal, 'targets:read');
  const found = (await attainmentsOf(ctx, [target])).get(target.id);
  if (!found) throw notFound('Target');
  return found;
}

/**
 * The targets of `salesmanIds` whose period contains today (in the tenant's timezone), each with its
 * attainment: what the notification engine compares with the thresholds after an order or a visit.
 */
export async function currentAttainments(
  ctx: ServiceContext,
  salesmanIds: readonly string[],
): Promise<{ target: Target; attainment: Attainment }[]> {
  if (salesmanIds.length === 0) return [];
  const today = localDate(safeTimeZone((await tenantSettings(ctx)).timezone), Date.parse(ctx.now));
  const current: Target[] = [];
  // D1 binds at most 100 parameters per statement.
  for (const ids of chunk([...new Set(salesmanIds)], 90)) {
    current.push(
      ...(await ctx.db
        .select()
        .from(targets)
        .where(
          and(
            eq(targets.tenantId, ctx.principal.tenantId),
            inArray(targets.salesmanId, ids),
            lte(targets.periodStart, today),
            gte(targets.periodEnd, today),
            isNull(targets.deletedAt),
          ),
        )),
    );
  }
  const attained = await attainmentsOf(ctx, current);
  return current.flatMap((target) => {
    const attainment = attained.get(target.id);
    return attainment ? [{ target, attainment }] : [];
  });
}

/** One target per salesman and period: the partial unique index turns a duplicate into 409, even in a race. */
export async function createTarget(ctx: ServiceContext, input: TargetInput & { id?: string | undefined }) {
  requirePermission(ctx.principal, 'targets:write');
  const periodEnd = periodEndOf(input.periodType, input.periodStart);
  await assertSalesmanExists(ctx, input.salesmanId);
  const row: Target = {
    ...newEntity(ctx, input.id ?? newId()),
    salesmanId: input.salesmanId,
    periodType: input.periodType,
    periodStart: input.periodStart,
    periodEnd,
    revenueGoalMinor: input.revenueGoalMinor ?? 0,
    visitGoal: input.visitGoal ?? 0,
  };
  return insertEntity(ctx, targets, row, { event: 'target:created', entityType: 'target' });
}

export async function updateTarget(
  ctx: ServiceContext,
  id: string,
  input: Partial<TargetInput> & { expectedVersion?: number | undefined },
): Promise<Target> {
  requirePermission(ctx.principal, 'targets:write');
  const existing = await findEntity(ctx, targets, id, 'Target');
  const { expectedVersion, ...fields } = input;
  const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Target>;
  if (fields.periodType !== undefined || fields.periodStart !== undefined) {
    patch.periodEnd = periodEndOf(fields.periodType ?? existing.periodType, fields.periodStart ?? existing.periodStart);
  }
  if (fields.salesmanId && fields.salesmanId !== existing.salesmanId)
    await assertSalesmanExists(ctx, fields.salesmanId);
  return updateEntity(ctx, targets, existing, patch, {
    event: 'target:updated',
    entityType: 'target',
    expectedVersion,
  });
}

export async function deleteTarget(ctx: ServiceContext, id: string, expectedVersion?: number): Promise<Target> {
  requirePermission(ctx.principal, 'targets:write');
  const existing = await findEntity(ctx, targets, id, 'Target');
  return softDeleteEntity(ctx, targets, existing, { event: 'target:deleted', entityType: 'target', expectedVersion });
}

/**
 * The last day (inclusive) of the calendar period starting at `start`. Periods are calendar-aligned so
 * targets of different salesmen line up and reports can compare them; a start that is not the first day
 * of its month / quarter / year is refused.
 */
export function periodEndOf(type: PeriodType, start: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  const months = PERIOD_MONTHS[type];
  if (m?.[3] !== '01' || (month - 1) % months !== 0) {
    const expected = { month: 'YYYY-MM-01', quarter: 'YYYY-01-01, -04-01, -07-01 or -10-01', year: 'YYYY-01-01' }[type];
    const message = `periodStart ${start} is not the first day of a ${type} (expected ${expected})`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, message, { errors: [{ path: 'json.periodStart', message }] });
  }
  // Day 0 of the month after the period is the period's last day.
  return new Date(Date.UTC(year, month - 1 + months, 0)).toISOString().slice(0, 10);
}
