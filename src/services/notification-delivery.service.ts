import { and, asc, eq, inArray, lte, min } from 'drizzle-orm';
import { runBatch } from '../db/batch';
import type { Db, Statement } from '../db/client';
import type { NotificationKind } from '../db/tables';
import { notificationDeliveries, notifications, pushSubscriptions, users } from '../db/tables';
import { webhookUrlProblem } from '../outbound/url-safety';
import { buildPushRequest, classifyPushResponse, MAX_PUSH_PAYLOAD_BYTES } from '../outbound/web-push';
import { MESSAGE_DELIVERY, RULES } from './notification-rules.service';
import type { PushSettings } from './push-subscriptions.service';

/**
 * Sends a tenant's due notification deliveries: web push to each device (RFC 8030, encrypted per RFC
 * 8291, signed with VAPID per RFC 8292) and e-mail (docs/notifications.md). Each delivery is claimed
 * before it is attempted (two senders never send one twice), and settled by what came back: sent; the
 * device is gone (404/410: the subscription is removed with everything still queued for it); retried
 * later (429, 5xx, no answer: after Retry-After or the backoff, until it expires or runs out of
 * attempts); failed (any other answer).
 */
export interface NotificationSendDeps {
  push: PushSettings;
  /** Seconds before each retry; a delivery gets 1 + length attempts (and never outlives its expiry). */
  retrySchedule: readonly number[];
  /** Sends one e-mail; throws when the relay refused it. */
  mail: (to: string, subject: string, text: string) => Promise<void>;
  fetch?: typeof fetch;
  clock?: () => number;
}

export interface NotificationSendReport {
  sent: number;
  gone: number;
  retried: number;
  failed: number;
  expired: number;
  /** When the tenant's earliest pending delivery is due (ms since the epoch), or null. */
  nextDueAt: number | null;
}

const DUE_PER_READ = 50;
/** A claimed delivery is not claimed again for this long (an attempt takes at most PUSH_TIMEOUT_MS). */
const CLAIM_MS = 60_000;
const PUSH_TIMEOUT_MS = 10_000;
const RUN_BUDGET_MS = 25_000;

type Due = {
  delivery: typeof notificationDeliveries.$inferSelect;
  notification: typeof notifications.$inferSelect | null;
  subscription: typeof pushSubscriptions.$inferSelect | null;
  email: string | null;
};

const iso = (ms: number) => new Date(ms).toISOString();

export async function sendDueNotifications(
  db: Db,
  tenantId: string,
  deps: NotificationSendDeps,
): Promise<NotificationSendReport> {
  const clock = deps.clock ?? Date.now;
  const report: NotificationSendReport = { sent: 0, gone: 0, retried: 0, failed: 0, expired: 0, nextDueAt: null };
  const started = clock();
  while (clock() - started < RUN_BUDGET_MS) {
    const due = await dueDeliveries(db, tenantId, iso(clock()));
    for (const item of due) {
      if (!(await claim(db, item.delivery, clock()))) continue;
      const outcome = await attempt(item, deps, clock);
      report[outcome.counted]++;
      await runBatch(db, outcome.statements(db));
    }
    if (due.length < DUE_PER_READ) break;
  }
  report.nextDueAt = await earliestPending(db, tenantId);
  return report;
}

const dueDeliveries = (db: Db, tenantId: string, now: string): Promise<Due[]> =>
  db
    .select({
      delivery: notificationDeliveries,
      notification: notifications,
      subscription: pushSubscriptions,
      email: users.email,
    })
    .from(notificationDeliveries)
    .leftJoin(
      notifications,
      and(
        eq(notifications.tenantId, notificationDeliveries.tenantId),
        eq(notifications.id, notificationDeliveries.notificationId),
      ),
    )
    .leftJoin(
      pushSubscriptions,
      and(
        eq(pushSubscriptions.tenantId, notificationDeliveries.tenantId),
        eq(pushSubscriptions.id, notificationDeliveries.subscriptionId),
      ),
    )
    .leftJoin(
      users,
      and(eq(users.tenantId, notificationDeliveries.tenantId), eq(users.id, notificationDeliveries.userId)),
    )
    .where(
      and(
        eq(notificationDeliveries.tenantId, tenantId),
        eq(notificationDeliveries.status, 'pending'),
        lte(notificationDeliveries.nextAttemptAt, now),
      ),
    )
    .orderBy(asc(notificationDeliveries.nextAttemptAt))
    .limit(DUE_PER_READ);

/** Moves the delivery's next attempt past the claim window if nobody else did since it was read. */
async function claim(db: Db, delivery: Due['delivery'], now: number): Promise<boolean> {
  const rows = await db
    .update(notificationDeliveries)
    .set({ nextAttemptAt: iso(now + CLAIM_MS) })
    .where(
      and(
        eq(notificationDeliveries.tenantId, delivery.tenantId),
        eq(notificationDeliveries.id, delivery.id),
        eq(notificationDeliveries.status, 'pending'),
        eq(notificationDeliveries.nextAttemptAt, delivery.nextAttemptAt ?? ''),
      ),
    )
    .returning({ id: notificationDeliveries.id });
  return rows.length === 1;
}

interface Outcome {
  counted: 'sent' | 'gone' | 'retried' | 'failed' | 'expired';
  statements: (db: Db) => Statement[];
}

async function attempt(item: Due, deps: NotificationSendDeps, clock: () => number): Promise<Outcome> {
  const { delivery, notification } = item;
  const now = clock();
  if (now >= Date.parse(delivery.expiresAt))
    return settle(delivery, 'expired', now, { error: 'expired before it could be sent' });
  if (!notification) return settle(delivery, 'failed', now, { error: 'the notification no longer exists' });
  if (delivery.channel === 'email') return sendEmail(item, notification, deps, now, clock);
  if (!item.subscription) return settle(delivery, 'gone', now, { error: 'the device unsubscribed' });
  if (!deps.push.vapid) return retryOrFail(deps, delivery, now, null, 'web push is not configured');

  const subscription = item.subscription;
  const problem = webhookUrlProblem(subscription.endpoint, deps.push.allowPrivate);
  if (problem) return settle(delivery, 'failed', now, { error: `endpoint refused: ${problem}` });
  const kind = notification.kind as NotificationKind;
  const urgency = kind === 'message' ? MESSAGE_DELIVERY.push.urgency : RULES[kind].push.urgency;
  const ttlSeconds = Math.max(0, Math.floor((Date.parse(delivery.expiresAt) - now) / 1000));
  let request: ReturnType<typeof buildPushRequest>;
  try {
    request = buildPushRequest(subscription, pushPayload(notification), deps.push.vapid, { ttlSeconds, urgency });
  } catch (err) {
    return settle(delivery, 'failed', now, { error: `could not build the message: ${String(err)}` });
  }
  let response: Response;
  try {
    const send = deps.fetch ?? ((input, init) => fetch(input, init));
    response = await send(request.url, {
      ...request.init,
      redirect: 'manual',
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
    await response.body?.cancel();
  } catch (err) {
    return retryOrFail(deps, delivery, clock(), null, `no answer: ${err instanceof Error ? err.message : String(err)}`);
  }
  const at = clock();
  switch (classifyPushResponse(response.status)) {
    case 'sent':
      return {
        counted: 'sent',
        statements: (db) => [
          ...settle(delivery, 'sent', at, { status: response.status }).statements(db),
          db
            .update(pushSubscriptions)
            .set({ lastSentAt: iso(at) })
            .where(and(eq(pushSubscriptions.tenantId, delivery.tenantId), eq(pushSubscriptions.id, subscription.id))),
        ],
      };
    case 'gone':
      return deviceGone(delivery, subscription.id, at, response.status);
    case 'retry':
      return retryOrFail(deps, delivery, at, response.status, `HTTP ${response.status}`, retryAfter(response, at));
    default:
      return settle(delivery, 'failed', at, { status: response.status, error: `HTTP ${response.status}` });
  }
}

async function sendEmail(
  item: Due,
  notification: NonNullable<Due['notification']>,
  deps: NotificationSendDeps,
  now: number,
  clock: () => number,
): Promise<Outcome> {
  if (!item.email) return settle(item.delivery, 'failed', now, { error: 'the user has no e-mail address' });
  try {
    await deps.mail(item.email, notification.title, `${notification.body}\n`);
  } catch (err) {
    return retryOrFail(
      deps,
      item.delivery,
      clock(),
      null,
      `mail relay: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return settle(item.delivery, 'sent', clock(), {});
}

/**
 * What the service worker receives: the notification as the in-app list has it, its body shortened when
 * the whole would not fit one push message.
 */
export function pushPayload(n: NonNullable<Due['notification']>): string {
  const message = { id: n.id, kind: n.kind, title: n.title, body: n.body, data: n.data, createdAt: n.createdAt };
  let text = JSON.stringify(message);
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  if (bytes(text) <= MAX_PUSH_PAYLOAD_BYTES) return text;
  text = JSON.stringify({ ...message, data: null });
  let body = n.body;
  while (bytes(text) > MAX_PUSH_PAYLOAD_BYTES && body.length > 0) {
    body = body.slice(0, Math.floor(body.length * 0.8));
    text = JSON.stringify({ ...message, data: null, body: `${body}…` });
  }
  return text;
}

/** Seconds from a Retry-After header (delta seconds or an HTTP date), or null. */
function retryAfter(response: Response, now: number): number | null {
  const value = response.headers.get('retry-after');
  if (!value) return null;
  const seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - now) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 24 * 3600) : null;
}

function settle(
  delivery: Due['delivery'],
  status: 'sent' | 'gone' | 'failed' | 'expired',
  at: number,
  detail: { status?: number; error?: string },
): Outcome {
  return {
    counted: status,
    statements: (db) => [
      db
        .update(notificationDeliveries)
        .set({
          status,
          attempts: delivery.attempts + (status === 'expired' ? 0 : 1),
          nextAttemptAt: null,
          lastAttemptAt: iso(at),
          responseStatus: detail.status ?? null,
          error: detail.error ?? null,
          sentAt: status === 'sent' ? iso(at) : null,
        })
        .where(and(eq(notificationDeliveries.tenantId, delivery.tenantId), eq(notificationDeliveries.id, delivery.id))),
    ],
  };
}

/** Another attempt after the backoff (or Retry-After), unless attempts or the notification's life ran out. */
function retryOrFail(
  deps: Pick<NotificationSendDeps, 'retrySchedule'>,
  delivery: Due['delivery'],
  at: number,
  status: number | null,
  error: string,
  afterSeconds: number | null = null,
): Outcome {
  const attempts = delivery.attempts + 1;
  const backoff = deps.retrySchedule[attempts - 1];
  if (backoff === undefined) return settle(delivery, 'failed', at, { ...(status ? { status } : {}), error });
  const next = at + Math.max(backoff, afterSeconds ?? 0) * 1000;
  if (next >= Date.parse(delivery.expiresAt)) {
    return settle(delivery, 'expired', at, {
      ...(status ? { status } : {}),
      error: `${error}; expired before a retry`,
    });
  }
  return {
    counted: 'retried',
    statements: (db) => [
      db
        .update(notificationDeliveries)
        .set({ attempts, nextAttemptAt: iso(next), lastAttemptAt: iso(at), responseStatus: status, error })
        .where(and(eq(notificationDeliveries.tenantId, delivery.tenantId), eq(notificationDeliveries.id, delivery.id))),
    ],
  };
}

/** The push service says the subscription is no more: remove it, and settle what was queued for it. */
function deviceGone(delivery: Due['delivery'], subscriptionId: string, at: number, status: number): Outcome {
  const tenantId = delivery.tenantId;
  return {
    counted: 'gone',
    statements: (db) => [
      ...settle(delivery, 'gone', at, { status, error: `HTTP ${status}: the subscription is gone` }).statements(db),
      db
        .update(notificationDeliveries)
        .set({ status: 'gone', nextAttemptAt: null, error: 'the subscription is gone' })
        .where(
          and(
            eq(notificationDeliveries.tenantId, tenantId),
            eq(notificationDeliveries.subscriptionId, subscriptionId),
            inArray(notificationDeliveries.status, ['pending']),
          ),
        ),
      db
        .delete(pushSubscriptions)
        .where(and(eq(pushSubscriptions.tenantId, tenantId), eq(pushSubscriptions.id, subscriptionId))),
    ],
  };
}

async function earliestPending(db: Db, tenantId: string): Promise<number | null> {
  const [row] = await db
    .select({ at: min(notificationDeliveries.nextAttemptAt) })
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.tenantId, tenantId), eq(notificationDeliveries.status, 'pending')));
  return row?.at ? Date.parse(row.at) : null;
}

/** Tenants with a pending delivery due by `now` (the sweep, after lost messages). */
export async function tenantsWithDueNotifications(db: Db, now: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tenantId: notificationDeliveries.tenantId })
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.status, 'pending'), lte(notificationDeliveries.nextAttemptAt, now)));
  return rows.map((r) => r.tenantId);
}
