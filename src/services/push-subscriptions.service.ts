import { and, asc, eq, inArray } from 'drizzle-orm';
import { runBatch } from '../db/batch';
import { pushSubscriptions } from '../db/tables';
import type { Config } from '../env';
import { AppError, ErrorCode, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { webhookUrlProblem } from '../outbound/url-safety';
import { type PushSubscriptionKeys, type VapidKeys, validateSubscription } from '../outbound/web-push';
import type { ServiceContext } from './context';
import { requireSignedIn } from './notification-rules.service';

/**
 * The browsers and phones a user allowed to receive web push (docs/notifications.md). A device
 * subscribes once per browser profile; subscribing the same endpoint again refreshes its keys (and moves
 * it to whoever is signed in on that device now).
 */
export type PushSubscription = typeof pushSubscriptions.$inferSelect;

export interface PushSettings {
  /** Null when the deployment has no VAPID keys: nothing is sent, the routes answer 503. */
  vapid: VapidKeys | null;
  /** Endpoints on this machine or a private network (local push service): development and tests only. */
  allowPrivate: boolean;
}

export const pushSettings = (config: Config): PushSettings => ({
  vapid:
    config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY
      ? { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject: config.VAPID_SUBJECT }
      : null,
  allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE_URLS && config.ENVIRONMENT !== 'production',
});

/** Devices per user; subscribing one more removes the one subscribed longest ago. */
export const MAX_DEVICES_PER_USER = 10;

export function requirePush(settings: PushSettings): VapidKeys {
  if (!settings.vapid) {
    throw new AppError(ErrorCode.PUSH_NOT_CONFIGURED, 'This deployment has no VAPID keys; web push is off');
  }
  return settings.vapid;
}

/** What a device shows the user about a subscription (never its keys). */
export const publicSubscription = (s: PushSubscription) => ({
  id: s.id,
  endpointOrigin: new URL(s.endpoint).origin,
  userAgent: s.userAgent,
  createdAt: s.createdAt,
  lastSentAt: s.lastSentAt,
});

export async function subscribe(
  ctx: ServiceContext,
  settings: PushSettings,
  input: PushSubscriptionKeys & { userAgent?: string | null | undefined },
): Promise<{ subscription: PushSubscription; created: boolean }> {
  const userId = requireSignedIn(ctx);
  requirePush(settings);
  const problem =
    validateSubscription(input, { allowLoopback: settings.allowPrivate }) ??
    prefixed(webhookUrlProblem(input.endpoint, settings.allowPrivate));
  if (problem) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `Not a usable push subscription: ${problem}`, {
      errors: [{ path: 'json', message: problem }],
    });
  }
  const tenantId = ctx.principal.tenantId;
  const [existing] = await ctx.db
    .select()
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.tenantId, tenantId), eq(pushSubscriptions.endpoint, input.endpoint)));
  const row: PushSubscription = {
    tenantId,
    id: existing?.id ?? newId(),
    userId,
    endpoint: input.endpoint,
    p256dh: input.p256dh,
    auth: input.auth,
    userAgent: input.userAgent?.slice(0, 200) ?? existing?.userAgent ?? null,
    createdAt: existing?.createdAt ?? ctx.now,
    lastSentAt: existing?.lastSentAt ?? null,
  };
  const mine = await ctx.db
    .select({ id: pushSubscriptions.id })
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.tenantId, tenantId), eq(pushSubscriptions.userId, userId)))
    .orderBy(asc(pushSubscriptions.createdAt));
  const others = mine.filter((s) => s.id !== row.id);
  const surplus = others.slice(0, Math.max(0, others.length + 1 - MAX_DEVICES_PER_USER)).map((s) => s.id);
  await runBatch(ctx.db, [
    ...(surplus.length
      ? [
          ctx.db
            .delete(pushSubscriptions)
            .where(and(eq(pushSubscriptions.tenantId, tenantId), inArray(pushSubscriptions.id, surplus))),
        ]
      : []),
    ctx.db
      .insert(pushSubscriptions)
      .values(row)
      .onConflictDoUpdate({
        target: [pushSubscriptions.tenantId, pushSubscriptions.endpoint],
        set: { userId, p256dh: row.p256dh, auth: row.auth, userAgent: row.userAgent },
      }),
  ]);
  return { subscription: row, created: !existing };
}

const prefixed = (problem: string | null) => (problem ? `endpoint ${problem}` : null);

export async function listMySubscriptions(ctx: ServiceContext): Promise<PushSubscription[]> {
  const userId = requireSignedIn(ctx);
  return ctx.db
    .select()
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.tenantId, ctx.principal.tenantId), eq(pushSubscriptions.userId, userId)))
    .orderBy(asc(pushSubscriptions.createdAt));
}

/** Removes one of the caller's devices; someone else's, like a missing one, answers 404. */
export async function unsubscribe(ctx: ServiceContext, id: string): Promise<void> {
  const userId = requireSignedIn(ctx);
  const where = and(
    eq(pushSubscriptions.tenantId, ctx.principal.tenantId),
    eq(pushSubscriptions.userId, userId),
    eq(pushSubscriptions.id, id),
  );
  const [found] = await ctx.db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).where(where);
  if (!found) throw notFound('Push subscription');
  await runBatch(ctx.db, [ctx.db.delete(pushSubscriptions).where(where)]);
}
