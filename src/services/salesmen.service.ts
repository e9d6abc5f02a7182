import { and, count, eq, isNull, ne } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import { sessionsEnded } from '../auth/session-ends';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { containing } from '../db/sql';
import { salesmen, users } from '../db/tables';
import { AppError, ErrorCode } from '../lib/errors';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { findEntitiesByIds, findEntity, insertEntity, newEntity, softDeleteEntity, updateEntity } from './entity';
import { assertTerritoryExists } from './references';
import { endUserSessions } from './sessions';

export type Salesman = typeof salesmen.$inferSelect;

export interface SalesmanInput {
  userId?: string | null | undefined;
  territoryId?: string | null | undefined;
  name: string;
  phone?: string | null | undefined;
  employeeCode?: string | null | undefined;
  active?: boolean | undefined;
}

export interface SalesmanFilters {
  territoryId?: string | undefined;
  active?: boolean | undefined;
  q?: string | undefined;
}

/** The whole team is visible to every reader (salesmen included): it is a directory, not private data. */
export async function listSalesmen(
  ctx: ServiceContext,
  filters: SalesmanFilters,
  page: PageRequest,
): Promise<Page<Salesman>> {
  requirePermission(ctx.principal, 'salesmen:read');
  return listPage(ctx.db, salesmen, {
    tenantId: ctx.principal.tenantId,
    filters: salesmanConditions(filters),
    sortable: { name: salesmen.name, createdAt: salesmen.createdAt, updatedAt: salesmen.updatedAt },
    defaultSort: 'name',
    page,
  });
}

/** How many live salesmen `listSalesmen` would page through with these filters. */
export async function countSalesmen(ctx: ServiceContext, filters: SalesmanFilters): Promise<number> {
  requirePermission(ctx.principal, 'salesmen:read');
  const [row] = await ctx.db
    .select({ n: count() })
    .from(salesmen)
    .where(
      and(eq(salesmen.tenantId, ctx.principal.tenantId), isNull(salesmen.deletedAt), ...salesmanConditions(filters)),
    );
  return row?.n ?? 0;
}

const salesmanConditions = (filters: SalesmanFilters) => [
  filters.territoryId ? eq(salesmen.territoryId, filters.territoryId) : undefined,
  filters.active === undefined ? undefined : eq(salesmen.active, filters.active),
  filters.q ? containing(filters.q, [salesmen.name, salesmen.employeeCode, salesmen.phone]) : undefined,
];

export async function getSalesman(ctx: ServiceContext, id: string): Promise<Salesman> {
  requirePermission(ctx.principal, 'salesmen:read');
  return findEntity(ctx, salesmen, id, 'Salesman');
}

export async function getSalesmenByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Salesman[]> {
  requirePermission(ctx.principal, 'salesmen:read');
  return findEntitiesByIds(ctx, salesmen, ids);
}

/** Uniqueness of employeeCode and of userId is backed by partial unique indexes, so races still end in 409. */
export async function createSalesman(
  ctx: ServiceContext,
  input: SalesmanInput & { id?: string | undefined },
): Promise<Salesman> {
  requirePermission(ctx.principal, 'salesmen:write');
  const id = input.id ?? newId();
  if (input.territoryId) await assertTerritoryExists(ctx, input.territoryId);
  if (input.userId) await assertLinkableUser(ctx, input.userId, id);
  const row: Salesman = {
    ...newEntity(ctx, id),
    userId: input.userId ?? null,
    territoryId: input.territoryId ?? null,
    name: input.name,
    phone: input.phone ?? null,
    employeeCode: input.employeeCode ?? null,
    active: input.active ?? true,
  };
  return insertEntity(ctx, salesmen, row, { event: 'salesman:created', entityType: 'salesman' });
}

/**
 * Linking a user takes effect in that user's token (`sal` claim) at their next login or refresh. Unlinking
 * (or deleting the profile) ends the previous user's sessions, so his token with the old claim is refused.
 */
export async function updateSalesman(
  ctx: ServiceContext,
  id: string,
  input: Partial<SalesmanInput> & { expectedVersion?: number | undefined },
): Promise<Salesman> {
  requirePermission(ctx.principal, 'salesmen:write');
  const existing = await findEntity(ctx, salesmen, id, 'Salesman');
  if (input.territoryId) await assertTerritoryExists(ctx, input.territoryId);
  if (input.userId && input.userId !== existing.userId) await assertLinkableUser(ctx, input.userId, id);
  const { expectedVersion, ...patch } = input;
  const unlinks = input.userId !== undefined && input.userId !== existing.userId;
  const updated = await updateEntity(ctx, salesmen, existing, patch as Partial<Salesman>, {
    event: 'salesman:updated',
    entityType: 'salesman',
    expectedVersion,
    also: unlinks ? endSessionsOf(ctx, existing.userId) : [],
  });
  if (unlinks && existing.userId) sessionsEnded(ctx.db, ctx.principal.tenantId);
  return updated;
}

export async function deleteSalesman(ctx: ServiceContext, id: string, expectedVersion?: number): Promise<Salesman> {
  requirePermission(ctx.principal, 'salesmen:write');
  const existing = await findEntity(ctx, salesmen, id, 'Salesman');
  const deleted = await softDeleteEntity(ctx, salesmen, existing, {
    event: 'salesman:deleted',
    entityType: 'salesman',
    expectedVersion,
    also: endSessionsOf(ctx, existing.userId),
  });
  if (existing.userId) sessionsEnded(ctx.db, ctx.principal.tenantId);
  return deleted;
}

/**
 * A salesman user's token carries his profile id (`sal`), which scopes his rows. When the profile is
 * unlinked or deleted, his sessions end, so no token with the stale claim is accepted.
 */
const endSessionsOf = (ctx: ServiceContext, userId: string | null) =>
  userId ? endUserSessions(ctx.db, ctx.principal.tenantId, userId, ctx.now) : [];

/**
 * A profile may only be linked to a live user of this tenant whose role is `salesman` (the row-level
 * scoping keys off that role), and a user has at most one profile.
 */
async function assertLinkableUser(ctx: ServiceContext, userId: string, salesmanId: string) {
  const tenantId = ctx.principal.tenantId;
  const user = await ctx.db.query.users.findFirst({
    columns: { id: true, role: true },
    where: and(eq(users.tenantId, tenantId), eq(users.id, userId), isNull(users.deletedAt)),
  });
  if (!user) throw new AppError(ErrorCode.NOT_FOUND, `User ${userId} not found`);
  if (user.role !== 'salesman') {
    throw new AppError(
      ErrorCode.CONFLICT,
      `User ${userId} has role ${user.role}; only users with role salesman can be linked to a salesman profile`,
      { reason: 'user_not_salesman' },
    );
  }
  const other = await ctx.db.query.salesmen.findFirst({
    columns: { id: true },
    where: and(
      eq(salesmen.tenantId, tenantId),
      eq(salesmen.userId, userId),
      isNull(salesmen.deletedAt),
      ne(salesmen.id, salesmanId),
    ),
  });
  if (other) {
    throw new AppError(ErrorCode.ALREADY_EXISTS, `User ${userId} already has salesman profile ${other.id}`);
  }
}
