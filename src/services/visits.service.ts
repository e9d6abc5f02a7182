import { and, count, eq, gte, isNull, lt, type SQL } from 'drizzle-orm';
import { ownSalesmanScope, requirePermission } from '../auth/principal';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { customers, type VISIT_OUTCOMES, type VisitStatus, type VisitVerdict, visits } from '../db/tables';
import { AppError, ErrorCode, forbidden, notFound } from '../lib/errors';
import { distanceMetres } from '../lib/geo';
import { newId } from '../lib/ids';
import { toUtcIso } from '../lib/time';
import type { ServiceContext } from './context';
import {
  findEntitiesByIds,
  findEntity,
  heldEntity,
  insertEntity,
  newEntity,
  ownRowsOnly,
  readableRows,
  softDeleteEntity,
  updateEntity,
} from './entity';
import { assertCustomerExists, assertSalesmanExists } from './references';
import { fixTimestamp, tenantSettings } from './tenant-settings';

export type Visit = typeof visits.$inferSelect;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

export interface VisitFilters {
  salesmanId?: string | undefined;
  customerId?: string | undefined;
  status?: VisitStatus | undefined;
  /** plannedAt lower bound, inclusive (ISO timestamp). */
  from?: string | undefined;
  /** plannedAt upper bound, exclusive (ISO timestamp). */
  to?: string | undefined;
}

export interface CreateVisitInput {
  id?: string | undefined;
  customerId: string;
  salesmanId?: string | undefined;
  plannedAt?: string | null | undefined;
  notes?: string | null | undefined;
}

export interface UpdateVisitInput {
  customerId?: string | undefined;
  salesmanId?: string | undefined;
  plannedAt?: string | null | undefined;
  notes?: string | null | undefined;
  outcome?: VisitOutcome | null | undefined;
  /** The only status a PATCH may set; the others move through check-in / check-out. */
  status?: 'cancelled' | undefined;
  expectedVersion?: number | undefined;
}

export interface LocationFix {
  lat: number;
  lng: number;
  /** Reported horizontal accuracy in metres. */
  accuracy: number;
  /** Device time of the fix; defaults to the server's time. */
  at?: string | undefined;
}

export interface CheckOutInput extends LocationFix {
  outcome?: VisitOutcome | null | undefined;
  notes?: string | null | undefined;
}

/** Salesman users only ever see their own visits; everyone else with visits:read sees the tenant's. */
export async function listVisits(ctx: ServiceContext, filters: VisitFilters, page: PageRequest): Promise<Page<Visit>> {
  requirePermission(ctx.principal, 'visits:read');
  return listPage(ctx.db, visits, {
    tenantId: ctx.principal.tenantId,
    filters: visitConditions(ctx, filters),
    // plannedAt is nullable and keyset cursors cannot step over NULLs, so it is a filter, not a sort.
    sortable: { createdAt: visits.createdAt, updatedAt: visits.updatedAt },
    defaultSort: 'createdAt',
    page,
  });
}

/** How many live visits `listVisits` would page through for this caller with these filters. */
export async function countVisits(ctx: ServiceContext, filters: VisitFilters): Promise<number> {
  requirePermission(ctx.principal, 'visits:read');
  const [row] = await ctx.db
    .select({ n: count() })
    .from(visits)
    .where(
      and(eq(visits.tenantId, ctx.principal.tenantId), isNull(visits.deletedAt), ...visitConditions(ctx, filters)),
    );
  return row?.n ?? 0;
}

function visitConditions(ctx: ServiceContext, filters: VisitFilters) {
  return [
    visitVisibility(ctx),
    filters.salesmanId ? eq(visits.salesmanId, filters.salesmanId) : undefined,
    filters.customerId ? eq(visits.customerId, filters.customerId) : undefined,
    filters.status ? eq(visits.status, filters.status) : undefined,
    filters.from ? gte(visits.plannedAt, toUtcIso(filters.from)) : undefined,
    filters.to ? lt(visits.plannedAt, toUtcIso(filters.to)) : undefined,
  ];
}

export async function getVisit(ctx: ServiceContext, id: string): Promise<Visit> {
  requirePermission(ctx.principal, 'visits:read');
  return findVisit(ctx, id);
}

export async function getVisitsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Visit[]> {
  requirePermission(ctx.principal, 'visits:read');
  return findEntitiesByIds(ctx, visits, ids, visitVisibility(ctx));
}

/** The rule lists, single and many-ids reads share: a salesman sees his own visits, others the tenant's. */
export const visitVisibility = (ctx: ServiceContext): SQL | undefined => ownRowsOnly(ctx, visits.salesmanId);

export async function createVisit(ctx: ServiceContext, input: CreateVisitInput): Promise<Visit> {
  requirePermission(ctx.principal, 'visits:write');
  const own = ownSalesmanScope(ctx.principal);
  let salesmanId = input.salesmanId;
  if (own) {
    if (!ctx.principal.salesmanId) throw forbidden('Your user has no salesman profile yet; sign in again once it does');
    if (salesmanId && salesmanId !== own) throw forbidden('Salesmen can only create visits for themselves');
    salesmanId = own;
  }
  if (!salesmanId) {
    const message = 'salesmanId is required';
    throw new AppError(ErrorCode.VALIDATION_FAILED, message, { errors: [{ path: 'json.salesmanId', message }] });
  }
  await assertSalesmanExists(ctx, salesmanId);
  await assertCustomerExists(ctx, input.customerId);
  const row: Visit = {
    ...newEntity(ctx, input.id ?? newId()),
    customerId: input.customerId,
    salesmanId,
    status: 'planned',
    plannedAt: input.plannedAt ? toUtcIso(input.plannedAt) : null,
    checkInAt: null,
    checkInLat: null,
    checkInLng: null,
    checkInAccuracyM: null,
    checkInDistanceM: null,
    verdict: null,
    checkInOffline: false,
    checkOutAt: null,
    checkOutLat: null,
    checkOutLng: null,
    checkOutAccuracyM: null,
    checkOutOffline: false,
    outcome: null,
    notes: input.notes ?? null,
  };
  return insertEntity(ctx, visits, row, { event: 'visit:created', entityType: 'visit' });
}

/**
 * Who, whom and when can only change while the visit is still planned; afterwards they are the record
 * of what happened. Notes stay editable; an outcome only makes sense once the visit is completed.
 */
export async function updateVisit(ctx: ServiceContext, id: string, input: UpdateVisitInput): Promise<Visit> {
  requirePermission(ctx.principal, 'visits:write');
  const existing = await findVisit(ctx, id);
  const own = ownSalesmanScope(ctx.principal);
  const { expectedVersion, ...fields } = input;
  const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Visit>;
  if (fields.plannedAt) patch.plannedAt = toUtcIso(fields.plannedAt);

  if (own && fields.salesmanId !== undefined && fields.salesmanId !== own) {
    throw forbidden('Salesmen cannot hand a visit to another salesman');
  }
  const reschedules =
    (fields.customerId !== undefined && fields.customerId !== existing.customerId) ||
    (fields.salesmanId !== undefined && fields.salesmanId !== existing.salesmanId) ||
    (patch.plannedAt !== undefined && patch.plannedAt !== existing.plannedAt);
  if (reschedules && existing.status !== 'planned') {
    throw invalidState(`The visit is ${existing.status}; customer, salesman and time change only while planned`);
  }
  if (fields.status === 'cancelled' && existing.status !== 'planned') {
    throw invalidState(`The visit is ${existing.status}; only a planned visit can be cancelled`);
  }
  if (fields.outcome != null && existing.status !== 'completed') {
    throw invalidState(`The visit is ${existing.status}; an outcome is recorded once it is completed`);
  }
  if (fields.customerId && fields.customerId !== existing.customerId)
    await assertCustomerExists(ctx, fields.customerId);
  if (fields.salesmanId && fields.salesmanId !== existing.salesmanId)
    await assertSalesmanExists(ctx, fields.salesmanId);
  return updateEntity(ctx, visits, existing, patch, { event: 'visit:updated', entityType: 'visit', expectedVersion });
}

/** A salesman may drop his own planned visits; a visit that has started is evidence only a manager removes. */
export async function deleteVisit(ctx: ServiceContext, id: string, expectedVersion?: number): Promise<Visit> {
  requirePermission(ctx.principal, 'visits:write');
  const existing = await findVisit(ctx, id);
  if (ownSalesmanScope(ctx.principal) && existing.status !== 'planned') {
    throw forbidden(`The visit is ${existing.status}; only a manager can delete it`);
  }
  return softDeleteEntity(ctx, visits, existing, { event: 'visit:deleted', entityType: 'visit', expectedVersion });
}

/**
 * planned → in_progress. The write is guarded by the version read here (updateEntity), so of two
 * concurrent check-ins exactly one lands; the other gets 409.
 */
export async function checkIn(ctx: ServiceContext, id: string, fix: LocationFix): Promise<Visit> {
  requirePermission(ctx.principal, 'visits:write');
  const [found, tenant] = await Promise.all([visitAndCustomerPosition(ctx, id), tenantSettings(ctx)]);
  if (!found) throw notFound('Visit');
  const { visit: existing, ...customer } = found;
  const { at, offline } = fixTimestamp(ctx, fix.at, 'at');
  if (existing.status !== 'planned') {
    throw invalidState(`The visit is ${existing.status}; only a planned visit can be checked in`);
  }
  const distance =
    customer.lat != null && customer.lng != null
      ? Math.round(distanceMetres({ lat: fix.lat, lng: fix.lng }, { lat: customer.lat, lng: customer.lng }) * 10) / 10
      : null;
  return updateEntity(
    ctx,
    visits,
    existing,
    {
      status: 'in_progress',
      checkInAt: at,
      checkInLat: fix.lat,
      checkInLng: fix.lng,
      checkInAccuracyM: fix.accuracy,
      checkInDistanceM: distance,
      verdict: checkInVerdict(distance, fix.accuracy, tenant.checkInRadiusM),
      checkInOffline: offline,
    },
    { event: 'visit:checked_in', entityType: 'visit' },
  );
}

/**
 * A visit the caller may see, with its customer's position, in one read (a sync push checks in hundreds
 * of visits, and answers from the rows it holds when it holds both). The customer counts even if
 * soft-deleted: its position is still where the visit was planned.
 */
async function visitAndCustomerPosition(ctx: ServiceContext, id: string) {
  const visit = heldEntity(ctx, visits, id, visitVisibility(ctx));
  if (visit === null) return undefined;
  const customer =
    visit && (ctx.held?.get(customers, visit.customerId) as typeof customers.$inferSelect | null | undefined);
  if (visit && customer !== undefined) return { visit, lat: customer?.lat ?? null, lng: customer?.lng ?? null };
  const [found] = await ctx.db
    .select({ visit: visits, lat: customers.lat, lng: customers.lng })
    .from(visits)
    .leftJoin(customers, and(eq(customers.tenantId, visits.tenantId), eq(customers.id, visits.customerId)))
    .where(and(readableRows(ctx, visits, visitVisibility(ctx)), eq(visits.id, id)))
    .limit(1);
  return found;
}

/** in_progress → completed, optionally recording the outcome and notes; same atomicity as checkIn. */
export async function checkOut(ctx: ServiceContext, id: string, input: CheckOutInput): Promise<Visit> {
  requirePermission(ctx.principal, 'visits:write');
  const existing = await findVisit(ctx, id);
  const { at, offline } = fixTimestamp(ctx, input.at, 'at');
  if (existing.status !== 'in_progress') {
    throw invalidState(`The visit is ${existing.status}; only a visit in progress can be checked out`);
  }
  if (existing.checkInAt && at < existing.checkInAt) {
    const message = `Check-out time ${at} is before the check-in time ${existing.checkInAt}`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, message, { errors: [{ path: 'json.at', message }] });
  }
  return updateEntity(
    ctx,
    visits,
    existing,
    {
      status: 'completed',
      checkOutAt: at,
      checkOutLat: input.lat,
      checkOutLng: input.lng,
      checkOutAccuracyM: input.accuracy,
      checkOutOffline: offline,
      ...(input.outcome !== undefined ? { outcome: input.outcome } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
    },
    { event: 'visit:checked_out', entityType: 'visit' },
  );
}

/**
 * The verdict rule. A fix reported with accuracy `a` means the device is probably within `a` metres of
 * it, so the salesman gets the benefit of that doubt on top of the tenant's radius `r` — but at most
 * `r` more, or a fix claiming 5 km accuracy would verify a check-in from anywhere:
 *   verified      ⇔ distance ≤ r + min(a, r)   (so never beyond 2r)
 *   out_of_range  otherwise
 *   unverified    when the customer has no coordinates to compare against.
 */
export function checkInVerdict(distanceM: number | null, accuracyM: number, radiusM: number): VisitVerdict {
  if (distanceM === null) return 'unverified';
  return distanceM <= radiusM + Math.min(accuracyM, radiusM) ? 'verified' : 'out_of_range';
}

/** Another salesman's visit answers exactly like a missing one, so ids reveal nothing. */
const findVisit = (ctx: ServiceContext, id: string): Promise<Visit> =>
  findEntity(ctx, visits, id, 'Visit', visitVisibility(ctx));

const invalidState = (detail: string) => new AppError(ErrorCode.INVALID_STATE, detail);
