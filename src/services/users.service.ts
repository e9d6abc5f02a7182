import { eq } from 'drizzle-orm';
import { assertPasswordAllowed } from '../auth/password-policy';
import { hashPassword, type Pepper } from '../auth/passwords';
import { ROLE_RANK } from '../auth/permissions';
import { requirePermission } from '../auth/principal';
import { sessionsEnded } from '../auth/session-ends';
import { listPage, type PageRequest } from '../db/pagination';
import { containing } from '../db/sql';
import { type Role, users } from '../db/tables';
import { AppError, ErrorCode, forbidden } from '../lib/errors';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { findEntitiesByIds, findEntity, insertEntity, newEntity, updateEntity } from './entity';
import { endUserSessions } from './sessions';
import { requireStepUp } from './two-factor.service';

export type UserRow = typeof users.$inferSelect;
export type PublicUser = Omit<UserRow, 'passwordHash' | 'tenantId' | 'sessionsEndedAt'>;

export const toPublicUser = ({ passwordHash: _p, tenantId: _t, sessionsEndedAt: _s, ...rest }: UserRow): PublicUser =>
  rest;

export interface UserFilters {
  role?: Role | undefined;
  active?: boolean | undefined;
  q?: string | undefined;
}

export async function listUsers(ctx: ServiceContext, filters: UserFilters, page: PageRequest) {
  requirePermission(ctx.principal, 'users:read');
  const result = await listPage(ctx.db, users, {
    tenantId: ctx.principal.tenantId,
    filters: [
      filters.role ? eq(users.role, filters.role) : undefined,
      filters.active === undefined ? undefined : eq(users.active, filters.active),
      filters.q ? containing(filters.q, [users.name, users.email]) : undefined,
    ],
    sortable: { name: users.name, email: users.email, createdAt: users.createdAt, updatedAt: users.updatedAt },
    defaultSort: 'name',
    page,
  });
  return { data: result.data.map(toPublicUser), nextCursor: result.nextCursor };
}

export async function getUser(ctx: ServiceContext, id: string): Promise<PublicUser> {
  requireUsersRead(ctx, [id]);
  return toPublicUser(await findEntity(ctx, users, id, 'User'));
}

export async function getUsersByIds(ctx: ServiceContext, ids: readonly string[]): Promise<PublicUser[]> {
  requireUsersRead(ctx, ids);
  return (await findEntitiesByIds(ctx, users, ids)).map(toPublicUser);
}

/** Anyone may read his own user; reading anyone else's needs users:read. */
function requireUsersRead(ctx: ServiceContext, ids: readonly string[]) {
  if (ids.some((id) => id !== ctx.principal.id)) requirePermission(ctx.principal, 'users:read');
}

export async function createUser(
  ctx: ServiceContext,
  input: { id?: string | undefined; email: string; name: string; role: Role; password: string },
  peppers: readonly Pepper[],
): Promise<PublicUser> {
  requirePermission(ctx.principal, 'users:write');
  assertCanGrant(ctx, input.role);
  assertPasswordAllowed(input.password, input);
  const row: UserRow = {
    ...newEntity(ctx, input.id ?? newId()),
    email: input.email.toLowerCase(),
    name: input.name,
    role: input.role,
    passwordHash: await hashPassword(peppers, input.password),
    active: true,
    lastLoginAt: null,
    sessionsEndedAt: null,
  };
  await insertEntity(ctx, users, row, { event: 'user:created', entityType: 'user', payload: toPublicUser(row) });
  return toPublicUser(row);
}

export async function updateUser(
  ctx: ServiceContext,
  id: string,
  input: {
    name?: string | undefined;
    role?: Role | undefined;
    active?: boolean | undefined;
    expectedVersion?: number | undefined;
  },
): Promise<PublicUser> {
  requirePermission(ctx.principal, 'users:write');
  const existing = await findEntity(ctx, users, id, 'User');
  const roleChanges = input.role !== undefined && input.role !== existing.role;
  const deactivates = input.active === false && existing.active;
  if ((roleChanges || input.active !== undefined) && id === ctx.principal.id) {
    throw forbidden('You cannot change your own role or deactivate yourself');
  }
  // Nobody manages someone ranked above them (not even a rename), nor grants a role above their own.
  if (id !== ctx.principal.id) assertCanGrant(ctx, existing.role);
  if (input.role) assertCanGrant(ctx, input.role);
  // A new role is a sensitive action (two-factor step-up).
  if (roleChanges) await requireStepUp(ctx);
  const patch: Partial<UserRow> = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.role !== undefined) patch.role = input.role;
  if (input.active !== undefined) patch.active = input.active;
  const sessionsEnd = roleChanges || deactivates;
  const updated = await updateEntity(ctx, users, existing, patch, {
    event: deactivates ? 'user:deactivated' : 'user:updated',
    entityType: 'user',
    expectedVersion: input.expectedVersion,
    // A new role or a deactivation must not survive in a still-valid refresh token.
    also: sessionsEnd ? endUserSessions(ctx.db, ctx.principal.tenantId, id, ctx.now) : [],
    // Says so in the event too: the realtime hub closes the user's sockets (and his API keys') on it.
    payload: { ...toPublicUser({ ...existing, ...patch }), sessionsEnded: sessionsEnd },
  });
  if (sessionsEnd) sessionsEnded(ctx.db, ctx.principal.tenantId);
  return toPublicUser(updated);
}

/** Nobody grants (or manages, or invites to) a role above their own. */
export function assertCanGrant(ctx: ServiceContext, role: Role) {
  const own = ctx.principal.role;
  if (!own || ROLE_RANK[role] > ROLE_RANK[own]) {
    throw new AppError(ErrorCode.FORBIDDEN, `You cannot manage users with the ${role} role`);
  }
}
