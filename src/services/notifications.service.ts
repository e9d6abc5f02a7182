import { eq, isNull, or } from 'drizzle-orm';
import { ownSalesmanScope, requirePermission } from '../auth/principal';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { notifications } from '../db/tables';
import { AppError, ErrorCode, forbidden } from '../lib/errors';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { findEntity, insertEntity, newEntity, updateEntity } from './entity';
import { assertSalesmanExists } from './references';

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
    senderId: ctx.principal.id,
    title: input.title,
    body: input.body,
    data: input.data ?? null,
    readAt: null,
  };
  return insertEntity(ctx, notifications, row, { event: 'notification', entityType: 'notification' });
}

/** A salesman sees what was sent to him and to everyone; managers and viewers see all. */
export async function listNotifications(
  ctx: ServiceContext,
  filters: { salesmanId?: string | undefined },
  page: PageRequest,
): Promise<Page<Notification>> {
  requirePermission(ctx.principal, 'salesmen:read');
  const scope = ownSalesmanScope(ctx.principal);
  if (scope && filters.salesmanId && filters.salesmanId !== scope)
    throw forbidden('You only see your own notifications');
  const recipient = scope ?? filters.salesmanId;
  return listPage(ctx.db, notifications, {
    tenantId: ctx.principal.tenantId,
    filters: [recipient ? or(eq(notifications.salesmanId, recipient), isNull(notifications.salesmanId)) : undefined],
    sortable: { createdAt: notifications.createdAt, updatedAt: notifications.updatedAt },
    defaultSort: '-createdAt',
    page,
  });
}

/** What a caller may see: a salesman his own and the team-wide ones, everyone else the tenant's. */
function visibleToCaller(ctx: ServiceContext) {
  const scope = ownSalesmanScope(ctx.principal);
  return scope ? or(eq(notifications.salesmanId, scope), isNull(notifications.salesmanId)) : undefined;
}

/** One notification the caller may see; another salesman's answers 404, like a missing one. */
export async function getNotification(ctx: ServiceContext, id: string): Promise<Notification> {
  requirePermission(ctx.principal, 'salesmen:read');
  return findEntity(ctx, notifications, id, 'Notification', visibleToCaller(ctx));
}

/**
 * Marks a notification read by its recipient. A team-wide notification has one read mark for everyone,
 * so nobody marks it for the others; a notification already read stays as it was (no write, no event).
 * Another salesman's notification answers 404, like a missing one.
 */
export async function markNotificationRead(ctx: ServiceContext, id: string): Promise<Notification> {
  const existing = await getNotification(ctx, id);
  if (existing.salesmanId === null) {
    throw new AppError(ErrorCode.INVALID_STATE, 'A team-wide notification has no read mark of its own');
  }
  if (existing.salesmanId !== ctx.principal.salesmanId) {
    throw forbidden('Only its recipient marks a notification read');
  }
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
