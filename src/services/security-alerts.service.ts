import { and, eq, isNull, sql } from 'drizzle-orm';
import { systemPrincipal } from '../auth/principal';
import { notificationDeliveries, notifications, users } from '../db/tables';
import { sha256Hex } from '../lib/crypto';
import type { PlatformContext } from './context';
import { derivedUuid } from './notification-engine.service';
import { appendEvent, commit } from './write-pipeline';

/** How long the e-mail of a security notice may still be sent. */
const EMAIL_TTL_MS = 24 * 3600_000;
const SENDER = 'system:security';

/**
 * Tells the owner of every account an email opens that its sign-in is locked after repeated failures
 * (docs/security.md, Sign-in throttling): in the app (his inbox, live) and by e-mail. A security notice
 * is not optional, so preferences and quiet hours do not hold it back. Sent once per lockout: the id is
 * derived from the account and the moment the lock started, so a retry adds nothing.
 */
export async function alertLockedAccount(
  platform: PlatformContext,
  email: string,
  lock: { since: number; until: number },
): Promise<number> {
  const accounts = await platform.db
    .select({ id: users.id, tenantId: users.tenantId })
    .from(users)
    .where(and(eq(users.email, email), eq(users.active, true), isNull(users.deletedAt)))
    .limit(20);
  const minutes = Math.max(1, Math.round((lock.until - lock.since) / 60_000));
  for (const account of accounts) {
    const ctx = platform.as(systemPrincipal(account.tenantId, 'security'));
    const id = await derivedUuid(`account_locked:${account.id}:${lock.since}`);
    const row = {
      tenantId: account.tenantId,
      id,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      version: 1,
      deletedAt: null,
      salesmanId: null,
      userId: account.id,
      kind: 'message' as const,
      senderId: SENDER,
      title: 'Sign-in to your account is locked',
      body:
        `There were too many failed sign-ins to your account (${email}), so sign-in is locked for ${minutes} minutes. ` +
        'If this was not you, someone may be guessing your password: choose a new one and turn on two-factor authentication.',
      data: { reason: 'account_locked', lockedUntil: new Date(lock.until).toISOString() },
      readAt: null,
    };
    const { tenantId: _t, ...payload } = row;
    await commit(ctx, [
      ctx.db.insert(notifications).values(row).onConflictDoNothing(),
      appendEvent(
        ctx,
        { type: 'notification', entityType: 'notification', entityId: id, payload },
        {
          onlyIf: sql`NOT EXISTS (SELECT 1 FROM events WHERE tenant_id = ${account.tenantId}
                      AND entity_type = 'notification' AND entity_id = ${id})`,
        },
      ),
      ctx.db
        .insert(notificationDeliveries)
        .values({
          tenantId: account.tenantId,
          id: `nd_${(await sha256Hex(`${id}:email:${account.id}`)).slice(0, 32)}`,
          notificationId: id,
          userId: account.id,
          channel: 'email',
          subscriptionId: null,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: ctx.now,
          expiresAt: new Date(Date.parse(ctx.now) + EMAIL_TTL_MS).toISOString(),
          lastAttemptAt: null,
          responseStatus: null,
          error: null,
          createdAt: ctx.now,
          sentAt: null,
        })
        .onConflictDoNothing(),
    ]);
  }
  return accounts.length;
}
