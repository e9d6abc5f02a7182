import { and, desc, eq, isNull } from 'drizzle-orm';
import { ownSalesmanScope, type Principal, requirePermission } from '../auth/principal';
import { salesmen, users, visits } from '../db/tables';
import { AppError, ErrorCode, notFound } from '../lib/errors';
import type { ServiceContext } from './context';
import { FILTER_HEADER, type ForwardedIdentity, IDENTITY_HEADER, type StreamFilter } from './hub-port';
import { assertSalesmanExists } from './references';

/**
 * Forwards an authenticated WebSocket upgrade to the tenant's hub, with the identity the hub will trust.
 * Salesmen get their territory so the hub can place them in its room.
 */
export async function connectRealtime(
  ctx: ServiceContext,
  request: Request,
  expiresAt: number | null,
): Promise<Response> {
  const who = await identityOf(ctx, expiresAt);
  const url = new URL(request.url);
  const forwarded = new URL('https://tenant-hub/connect');
  const since = url.searchParams.get('since');
  if (since !== null) {
    if (!/^\d{1,15}$/.test(since))
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'since must be a non-negative integer');
    forwarded.searchParams.set('since', since);
  }
  return ctx.hub.fetch(forwarded, { headers: upgradeHeaders(who) });
}

const upgradeHeaders = (who: ForwardedIdentity) =>
  new Headers({ upgrade: 'websocket', [IDENTITY_HEADER]: JSON.stringify(who) });

/**
 * A socket from the Worker itself to the tenant's hub, as `ctx.principal` with the same identity (and so
 * the same entitlements) a device would get, carrying `filter`: the hub sends it only the frames the
 * filter asks for, from rooms the identity may join. GraphQL subscriptions read it as a stream.
 */
export async function openHubSocket(
  ctx: ServiceContext,
  expiresAt: number | null,
  filter: StreamFilter,
): Promise<WebSocket> {
  const headers = upgradeHeaders(await identityOf(ctx, expiresAt));
  headers.set(FILTER_HEADER, JSON.stringify(filter));
  const res = await ctx.hub.fetch('https://tenant-hub/connect', { headers });
  if (!res.webSocket) {
    const refusal = res.status === 403 || res.status === 429 ? await problemDetail(res) : null;
    if (res.status === 403) throw new AppError(ErrorCode.FORBIDDEN, refusal ?? 'You may not watch that');
    if (res.status === 429) throw new AppError(ErrorCode.RATE_LIMITED, refusal ?? 'Too many open realtime connections');
    throw new AppError(ErrorCode.INTERNAL, 'The realtime hub refused');
  }
  res.webSocket.accept();
  return res.webSocket;
}

const problemDetail = async (res: Response) =>
  ((await res.json().catch(() => null)) as { detail?: string } | null)?.detail ?? null;

async function identityOf(ctx: ServiceContext, expiresAt: number | null): Promise<ForwardedIdentity> {
  const p: Principal = ctx.principal;
  if (p.kind === 'api_key') requirePermission(p, 'events:read');
  if (p.kind === 'user') await assertStillEntitled(ctx);
  let territoryId: string | null = null;
  if (p.salesmanId) {
    const [profile] = await ctx.db
      .select({ territoryId: salesmen.territoryId })
      .from(salesmen)
      .where(and(eq(salesmen.tenantId, p.tenantId), eq(salesmen.id, p.salesmanId), isNull(salesmen.deletedAt)))
      .limit(1);
    if (!profile)
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Your salesman profile no longer exists; sign in again');
    territoryId = profile.territoryId;
  }
  return {
    tenantId: p.tenantId,
    principalId: p.id,
    kind: p.kind === 'api_key' ? 'api_key' : 'user',
    role: p.role ?? 'integration',
    salesmanId: p.salesmanId,
    territoryId,
    expiresAt,
    permissions: [...p.permissions],
    ...(p.owner ? { owner: p.owner } : {}),
  };
}

/**
 * Other isolates learn that a user's sessions ended up to 30 s late (src/auth/session-ends.ts), and a
 * socket may live for hours, so opening one re-reads the user (the hub closes open sockets on those events
 * with 4003).
 */
async function assertStillEntitled(ctx: ServiceContext) {
  const p = ctx.principal;
  const [user] = await ctx.db
    .select({ active: users.active, role: users.role })
    .from(users)
    .where(and(eq(users.tenantId, p.tenantId), eq(users.id, p.id), isNull(users.deletedAt)))
    .limit(1);
  if (!user?.active || user.role !== p.role) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Your access has changed; sign in again');
  }
}

export async function realtimeStats(ctx: ServiceContext) {
  requirePermission(ctx.principal, 'events:read');
  return ctx.hub.stats();
}

/** Salesmen currently online, idle or on a visit; a salesman sees only himself. */
export async function onlineSalesmen(ctx: ServiceContext) {
  requirePermission(ctx.principal, 'salesmen:read');
  const all = await ctx.hub.online();
  const scope = ownSalesmanScope(ctx.principal);
  // The hub counts in epoch ms; the REST API speaks ISO timestamps, as /status does.
  return (scope ? all.filter((s) => s.salesmanId === scope) : all).map((s) => ({
    ...s,
    since: new Date(s.since).toISOString(),
  }));
}

/** Presence, last location and the visit in progress (from D1, the system of record). */
export async function salesmanStatus(ctx: ServiceContext, salesmanId: string) {
  requirePermission(ctx.principal, 'salesmen:read');
  const scope = ownSalesmanScope(ctx.principal);
  if (scope && scope !== salesmanId) throw notFound('Salesman');
  await assertSalesmanExists(ctx, salesmanId);
  const [live, [visit]] = await Promise.all([
    ctx.hub.status(salesmanId),
    ctx.db
      .select()
      .from(visits)
      .where(
        and(
          eq(visits.tenantId, ctx.principal.tenantId),
          eq(visits.salesmanId, salesmanId),
          eq(visits.status, 'in_progress'),
          isNull(visits.deletedAt),
        ),
      )
      .orderBy(desc(visits.checkInAt))
      .limit(1),
  ]);
  const { tenantId: _t, ...currentVisit } = visit ?? { tenantId: '' };
  return {
    salesmanId,
    status: live.status,
    since: new Date(live.since).toISOString(),
    connections: live.connections,
    location: live.location,
    currentVisit: visit ? currentVisit : null,
  };
}
