import { and, eq, isNull } from 'drizzle-orm';
import { type Permission, ROLE_PERMISSIONS } from '../auth/permissions';
import { type Principal, requirePermission } from '../auth/principal';
import type { Db } from '../db/client';
import { listPage, type PageRequest } from '../db/pagination';
import { apiKeys, users } from '../db/tables';
import { randomToken, sha256Hex } from '../lib/crypto';
import { AppError, ErrorCode, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { requireStepUp } from './two-factor.service';
import { appendEvent, commit } from './write-pipeline';

/** Keys look like `flk_<8 char prefix>_<secret>`; the prefix is shown in lists to tell keys apart. */
export const API_KEY_PREFIX = 'flk_';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type PublicApiKey = Omit<ApiKeyRow, 'keyHash' | 'tenantId'>;

const toPublic = ({ keyHash: _h, tenantId: _t, ...rest }: ApiKeyRow): PublicApiKey => rest;

export async function createApiKey(
  ctx: ServiceContext,
  input: { name: string; scopes: Permission[]; expiresAt?: string | undefined },
): Promise<{ apiKey: PublicApiKey; secret: string }> {
  requirePermission(ctx.principal, 'api_keys:manage');
  for (const scope of input.scopes) {
    // A key can never do more than the person who made it.
    if (!ctx.principal.permissions.has(scope)) throw new AppError(ErrorCode.FORBIDDEN, `You cannot grant ${scope}`);
  }
  const ownerId = ctx.principal.kind === 'user' ? ctx.principal.id : ctx.principal.owner?.id;
  if (!ownerId) throw new AppError(ErrorCode.FORBIDDEN, 'Only a user or a user’s API key can create API keys');
  // A new credential: a sensitive action (two-factor step-up of a signed-in user; an API key with
  // api_keys:manage was granted that by a user who stepped up to create it).
  await requireStepUp(ctx);
  const prefix = randomToken(6).slice(0, 8);
  const secret = `${API_KEY_PREFIX}${prefix}_${randomToken(32)}`;
  const row: ApiKeyRow = {
    tenantId: ctx.principal.tenantId,
    id: newId(),
    name: input.name,
    prefix: `${API_KEY_PREFIX}${prefix}`,
    keyHash: await sha256Hex(secret),
    scopes: [...new Set(input.scopes)],
    createdBy: ctx.principal.id,
    ownerId,
    // Normalised so the string comparison with `now` at authentication is exact (any precision, any offset).
    expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
    lastUsedAt: null,
    revokedAt: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
    deletedAt: null,
  };
  await commit(ctx, [
    ctx.db.insert(apiKeys).values(row),
    appendEvent(ctx, {
      type: 'api_key:created',
      entityType: 'api_key',
      entityId: row.id,
      payload: toPublic(row),
    }),
  ]);
  return { apiKey: toPublic(row), secret };
}

export async function listApiKeys(ctx: ServiceContext, page: PageRequest) {
  requirePermission(ctx.principal, 'api_keys:manage');
  const result = await listPage(ctx.db, apiKeys, {
    tenantId: ctx.principal.tenantId,
    filters: [],
    sortable: { createdAt: apiKeys.createdAt, name: apiKeys.name },
    defaultSort: '-createdAt',
    page,
  });
  return { data: result.data.map(toPublic), nextCursor: result.nextCursor };
}

export async function revokeApiKey(ctx: ServiceContext, id: string): Promise<PublicApiKey> {
  requirePermission(ctx.principal, 'api_keys:manage');
  const where = and(eq(apiKeys.tenantId, ctx.principal.tenantId), eq(apiKeys.id, id), isNull(apiKeys.deletedAt));
  const existing = await ctx.db.query.apiKeys.findFirst({ where });
  if (!existing) throw notFound('API key');
  if (existing.revokedAt) return toPublic(existing);
  const updated: ApiKeyRow = { ...existing, revokedAt: ctx.now, updatedAt: ctx.now, version: existing.version + 1 };
  await commit(ctx, [
    ctx.db.update(apiKeys).set({ revokedAt: ctx.now, updatedAt: ctx.now, version: updated.version }).where(where),
    appendEvent(ctx, {
      type: 'api_key:revoked',
      entityType: 'api_key',
      entityId: id,
      payload: toPublic(updated),
    }),
  ]);
  return toPublic(updated);
}

/**
 * Looks a presented key up by its hash, with the user it belongs to. Unknown, revoked and expired keys,
 * and keys whose owner is deactivated or gone, are all just "invalid"; a key's scopes count only as far
 * as its owner's current role allows.
 */
export async function authenticateApiKey(
  db: Db,
  secret: string,
  executionCtx?: { waitUntil(p: Promise<unknown>): void },
): Promise<Principal> {
  const keyHash = await sha256Hex(secret);
  const [found] = await db
    .select({ key: apiKeys, owner: { role: users.role, active: users.active, deletedAt: users.deletedAt } })
    .from(apiKeys)
    .leftJoin(users, and(eq(users.tenantId, apiKeys.tenantId), eq(users.id, apiKeys.ownerId)))
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  const key = found?.key;
  const owner = found?.owner;
  const now = new Date().toISOString();
  if (!key || key.revokedAt || key.deletedAt || (key.expiresAt && key.expiresAt <= now)) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Invalid API key');
  }
  if (!key.ownerId || !owner?.role || !owner.active || owner.deletedAt) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Invalid API key: the user it belongs to is no longer active');
  }
  // Recording last use must not slow the request down.
  const touch = db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.tenantId, key.tenantId), eq(apiKeys.id, key.id)))
    .then(() => undefined);
  if (executionCtx) executionCtx.waitUntil(touch);
  else await touch;
  const allowed = ROLE_PERMISSIONS[owner.role];
  return {
    tenantId: key.tenantId,
    kind: 'api_key',
    id: key.id,
    role: null,
    salesmanId: null,
    permissions: new Set(key.scopes.filter((s): s is Permission => allowed.has(s as Permission))),
    owner: { id: key.ownerId, role: owner.role },
  };
}
