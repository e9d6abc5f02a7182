import { and, asc, count, eq, inArray, isNull, not, or, type SQL, sql } from 'drizzle-orm';
import { ownSalesmanScope, type Principal, requirePermission } from '../auth/principal';
import type { Statement } from '../db/client';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { type NotificationKind, notifications } from '../db/tables';
import { chunk } from '../lib/chunk';
import { AppError, ErrorCode, forbidden } from '../lib/errors';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { findEntity, insertEntity, newEntity, updateEntity } from './entity';
import { requireSignedIn } from './notification-rules.service';
import { assertSalesmanExists } from './references';
import { appendEvent, commit } from './write-pipeline';

export type Notification = typeof notifications.$inferSelect;

export interface NotificationInput {
  id?: string | undefined;
  /** One salesman, or null/absent for the whole tenant. */
  salesmanId?: string | null | undefined;
  title: string;
  body: string;
  data?: Record<string, unknown> | null | undefined;
}

/**
 * Stores a notification and appends a `notification` event in the same batch; the tenant hub delivers
 * the event to the salesman's room (or to everyone), and a salesman offline at the time gets it when he
 * resumes, or from the list below.
 */
export async function sendNotification(ctx: ServiceContext, input: NotificationInput): Promise<Notification> {
  // Notifications are how managers steer the field team: the same right as managing salesmen.
  requirePermission(ctx.principal, 'salesmen:write');
  if (input.salesmanId) await assertSalesmanExists(ctx, input.salesmanId);
  const row: Notification = {
    ...newEntity(ctx, input.id ?? newId()),
    salesmanId: input.salesmanId ?? null,
    userId: null,
    kind: 'message',
    senderId: ctx.principal.id,
    title: input.title,
    body: input.body,
    data: input.data ?? null,
    readAt: null,
  };
  return insertEntity(ctx, notifications, row, { event: 'notification', entityType: 'notification' });
}

/** A manager's message to the whole field team: addressed to no salesman and no user. */
export const teamWide = () => and(isNull(notifications.salesmanId), isNull(notifications.userId));

/**
 * What a caller may see: a salesman what was sent to him and to the whole team; everyone else the
 * managers' messages and what the rules addressed to them (not what they addressed to another manager).
 */
export function visibleTo(principal: Principal): SQL | undefined {
  const scope = ownSalesmanScope(principal);
  if (scope) return or(eq(notifications.salesmanId, scope), eq(notifications.userId, principal.id), teamWide());
  return or(isNull(notifications.userId), eq(notifications.userId, principal.id));
}

/**
 * A salesman sees what was sent to him and to everyone; managers and viewers the managers' messages and
 * theirs. A signed-in user also gets his unread count (null for an API key: it has no inbox).
 */
export async function listNotifications(
  ctx: ServiceContext,
  filters: { salesmanId?: string | undefined },
  page: PageRequest,
): Promise<Page<Notification> & { unreadCount: number | null }> {
  requirePermission(ctx.principal, 'salesmen:read');
  const scope = ownSalesmanScope(ctx.principal);
  if (scope && filters.salesmanId && filters.salesmanId !== scope)
    throw forbidden('You only see your own notifications');
  const [result, unreadCount] = await Promise.all([
    listPage(ctx.db, notifications, {
      tenantId: ctx.principal.tenantId,
      filters: [
        visibleTo(ctx.principal),
        filters.salesmanId ? or(eq(notifications.salesmanId, filters.salesmanId), teamWide()) : undefined,
      ],
      sortable: { createdAt: notifications.createdAt, updatedAt: notifications.updatedAt },
      defaultSort: '-createdAt',
      page,
    }),
    ctx.principal.kind === 'user' ? countUnread(ctx) : null,
  ]);
  return { ...result, unreadCount };
}

/** One notification the caller may see; another salesman's answers 404, like a missing one. */
export async function getNotification(ctx: ServiceContext, id: string): Promise<Notification> {
  requirePermission(ctx.principal, 'salesmen:read');
  return findEntity(ctx, notifications, id, 'Notification', visibleTo(ctx.principal));
}

/**
 * Marks a notification read by its recipient. A team-wide notification has one read mark for everyone,
 * so nobody marks it for the others; a notification already read stays as it was (no write, no event).
 * Another salesman's notification answers 404, like a missing one.
 */
export async function markNotificationRead(ctx: ServiceContext, id: string): Promise<Notification> {
  const existing = await getNotification(ctx, id);
  if (existing.salesmanId === null && existing.userId === null) {
    throw new AppError(ErrorCode.INVALID_STATE, 'A team-wide notification has no read mark of its own');
  }
  const recipient = existing.userId
    ? existing.userId === ctx.principal.id
    : existing.salesmanId === ctx.principal.salesmanId;
  if (!recipient) throw forbidden('Only its recipient marks a notification read');
  if (existing.readAt) return existing;
  return updateEntity(
    ctx,
    notifications,
    existing,
    { readAt: ctx.now },
    {
      event: 'notification:read',
      entityType: 'notification',
    },
  );
}

// ------------------------------------------------------------------------------- the user's inbox

/**
 * The caller's own notifications: what the rules addressed to him, and for a salesman also the managers'
 * messages to him and to the whole team.
 */
function inboxOf(principal: Principal): SQL | undefined {
  const scope = ownSalesmanScope(principal);
  const mine = eq(notifications.userId, principal.id);
  return scope ? or(mine, eq(notifications.salesmanId, scope), teamWide()) : mine;
}

/** Unread and his own to mark: a team-wide message has no read mark per person. */
const unreadIn = (principal: Principal) =>
  and(inboxOf(principal), isNull(notifications.readAt), not(teamWide() as SQL), isNull(notifications.deletedAt));

export async function listMyNotifications(
  ctx: ServiceContext,
  filters: { unread?: boolean | undefined; kind?: NotificationKind | undefined },
  page: PageRequest,
): Promise<Page<Notification> & { unreadCount: number }> {
  const userId = requireSignedIn(ctx);
  const [result, unreadCount] = await Promise.all([
    listPage(ctx.db, notifications, {
      tenantId: ctx.principal.tenantId,
      filters: [
        inboxOf(ctx.principal),
        filters.unread ? unreadIn(ctx.principal) : undefined,
        filters.kind ? eq(notifications.kind, filters.kind) : undefined,
      ],
      sortable: { createdAt: notifications.createdAt, updatedAt: notifications.updatedAt },
      defaultSort: '-createdAt',
      page,
    }),
    countUnread(ctx, userId),
  ]);
  return { ...result, unreadCount };
}

export async function countUnread(ctx: ServiceContext, _userId = requireSignedIn(ctx)): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.tenantId, ctx.principal.tenantId), unreadIn(ctx.principal)));
  return Number(row?.n ?? 0);
}

/** At most this many are marked per call (one event each); `remaining` says whether to call again. */
export const MARK_ALL_LIMIT = 500;

/**
 * Marks the caller's unread notifications read, oldest first, each with its `notification:read` event
 * (sync clients and other tabs learn it like a single mark).
 */
export async function markAllNotificationsRead(ctx: ServiceContext): Promise<{ marked: number; unreadCount: number }> {
  requireSignedIn(ctx);
  const tenantId = ctx.principal.tenantId;
  const unread = await ctx.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.tenantId, tenantId), unreadIn(ctx.principal)))
    .orderBy(asc(notifications.createdAt))
    .limit(MARK_ALL_LIMIT);
  if (unread.length > 0) {
    const statements: Statement[] = [];
    for (const ids of chunk(
      unread.map((n) => n.id),
      90,
    )) {
      statements.push(
        ctx.db
          .update(notifications)
          .set({ readAt: ctx.now, updatedAt: ctx.now, version: sql`${notifications.version} + 1` })
          .where(
            and(eq(notifications.tenantId, tenantId), inArray(notifications.id, ids), isNull(notifications.readAt)),
          ),
      );
    }
    for (const n of unread) {
      const { tenantId: _t, ...row } = n;
      statements.push(
        appendEvent(ctx, {
          type: 'notification:read',
          entityType: 'notification',
          entityId: n.id,
          payload: { ...row, readAt: ctx.now, updatedAt: ctx.now, version: n.version + 1 },
        }),
      );
    }
    await commit(ctx, statements);
  }
  return { marked: unread.length, unreadCount: await countUnread(ctx) };
}
