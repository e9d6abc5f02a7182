import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Statement } from '../db/client';
import {
  events,
  type NotificationKind,
  notificationDeliveries,
  notifications,
  pushSubscriptions,
  type Role,
  salesmen,
  users,
} from '../db/tables';
import { chunk } from '../lib/chunk';
import { sha256Hex } from '../lib/crypto';
import type { ServiceContext } from './context';
import {
  type ChannelChoice,
  type Preferences,
  preferencesOf,
  quietHoursRelease,
} from './notification-preferences.service';
import { MESSAGE_DELIVERY, RULES, tenantRules } from './notification-rules.service';
import {
  attainmentNotices,
  concernsNotifications,
  fromEvent,
  lookupsFor,
  type Raised,
  salesmenWithProgress,
  WATCHED,
} from './notification-triggers';
import type { Notification } from './notifications.service';
import { moveOutboundCursor, outboundCursor } from './outbound-cursors';
import type { PushSettings } from './push-subscriptions.service';
import { tenantSettings } from './tenant-settings';
import { appendEvent, commit } from './write-pipeline';

/**
 * The notification engine (docs/notifications.md). It follows the tenant's event log with its own
 * cursor and turns what the rules watch for into notifications, one per (rule, subject, recipient), each
 * with its push and e-mail deliveries as the recipient's preferences and quiet hours say; the cursor
 * moves in the same unit. A notification's id is derived from what it is about and whom it tells, so a
 * re-run (a retried queue message, the sweep, a cron) raises nothing twice.
 */
export const NOTIFICATIONS_CONSUMER = 'notifications';
const EVENTS_PER_RUN = 200;
/** D1 binds at most 100 parameters per statement; a notification row has 14 columns, a delivery 15. */
const ROWS_PER_INSERT = 6;
/** E-mail is worth sending for a day; push per kind (RULES). */
const EMAIL_TTL_SECONDS = 24 * 3600;
const SENDER = 'system:notifications';
interface Person {
  id: string;
  role: Role;
  email: string;
  salesmanId: string | null;
}

/** The tenant's active users, and which salesman each salesman user is. */
export interface Directory {
  people: Person[];
  userOfSalesman: Map<string, Person>;
}

export async function loadDirectory(ctx: ServiceContext): Promise<Directory> {
  const tenantId = ctx.principal.tenantId;
  const [people, profiles] = await Promise.all([
    ctx.db
      .select({ id: users.id, role: users.role, email: users.email })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.active, true), isNull(users.deletedAt))),
    ctx.db
      .select({ id: salesmen.id, userId: salesmen.userId })
      .from(salesmen)
      .where(and(eq(salesmen.tenantId, tenantId), isNull(salesmen.deletedAt))),
  ]);
  const salesmanOfUser = new Map(profiles.filter((p) => p.userId).map((p) => [p.userId as string, p.id]));
  const persons = people.map((p) => ({ ...p, salesmanId: salesmanOfUser.get(p.id) ?? null }));
  const userOfSalesman = new Map(persons.filter((p) => p.salesmanId).map((p) => [p.salesmanId as string, p]));
  return { people: persons, userOfSalesman };
}

/** Whom a raised notification tells: the rule's roles, and the salesman concerned when the rule says so. */
function recipients(directory: Directory, raised: Raised): Person[] {
  const rule = RULES[raised.kind];
  const told = new Map<string, Person>();
  for (const person of directory.people) if (rule.roles.includes(person.role)) told.set(person.id, person);
  const salesman = rule.salesman && raised.salesmanId ? directory.userOfSalesman.get(raised.salesmanId) : undefined;
  if (salesman) told.set(salesman.id, salesman);
  return [...told.values()];
}

/** A UUID (version 8, RFC 9562) derived from `name`: the same name gives the same id on every run. */
export async function derivedUuid(name: string): Promise<string> {
  const h = await sha256Hex(name);
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// ------------------------------------------------------------------------------------ the event log

export interface EngineRun {
  fromSeq: number;
  toSeq: number;
  notifications: number;
  deliveries: number;
  /** The log has more watched events after `toSeq` than one run reads. */
  more: boolean;
}

/**
 * Reads the watched events after the engine's cursor, raises what the tenant's rules say and writes it
 * with the cursor move in one unit. `ctx` is the platform acting for the tenant.
 */
export async function runNotificationRules(ctx: ServiceContext, push: PushSettings): Promise<EngineRun> {
  const tenantId = ctx.principal.tenantId;
  // No cursor: a tenant created after the engine existed (older tenants got one by migration) reads from the start.
  const fromSeq = (await outboundCursor(ctx.db, tenantId, NOTIFICATIONS_CONSUMER)) ?? 0;
  const logged = await ctx.db
    .select({ seq: events.seq, type: events.type, entityId: events.entityId, payload: events.payload })
    .from(events)
    .where(
      and(eq(events.tenantId, tenantId), gt(events.seq, fromSeq), inArray(events.type, [...WATCHED, 'notification'])),
    )
    .orderBy(asc(events.seq))
    .limit(EVENTS_PER_RUN);
  const last = logged.at(-1);
  if (!last) return { fromSeq, toSeq: fromSeq, notifications: 0, deliveries: 0, more: false };

  const rules = await tenantRules(ctx.db, tenantId);
  const raised: Raised[] = [];
  const messages: Notification[] = [];
  const lookups = await lookupsFor(ctx, logged);
  for (const event of logged) {
    if (!concernsNotifications(event)) continue;
    // The event carries the row without its tenant.
    if (event.type === 'notification') messages.push({ ...(event.payload as unknown as Notification), tenantId });
    else raised.push(...fromEvent(rules, event, lookups));
  }
  raised.push(...(await attainmentNotices(ctx, rules.target_attainment, salesmenWithProgress(logged))));
  const written = await raise(ctx, push, raised, {
    messages,
    also: [moveOutboundCursor(ctx.db, tenantId, NOTIFICATIONS_CONSUMER, last.seq, ctx.now)],
  });
  return { fromSeq, toSeq: last.seq, ...written, more: logged.length === EVENTS_PER_RUN };
}

// --------------------------------------------------------------------------- writing notifications

interface RaiseOptions {
  /** Managers' messages whose devices and mailboxes are to be reached (their rows exist already). */
  messages?: Notification[];
  /** Statements for the same unit (the cursor move). */
  also?: Statement[];
}

/**
 * Writes the notifications `raised` addresses, their `notification` events (for who wants them in-app)
 * and the push and e-mail deliveries, plus `also`, in one unit. Notifications that exist already (a
 * re-run) are left alone, deliveries and events included.
 */
export async function raise(
  ctx: ServiceContext,
  push: PushSettings,
  raised: Raised[],
  options: RaiseOptions = {},
): Promise<{ notifications: number; deliveries: number }> {
  const messages = options.messages ?? [];
  if (raised.length === 0 && messages.length === 0) {
    if (options.also?.length) await commit(ctx, options.also);
    return { notifications: 0, deliveries: 0 };
  }
  const tenantId = ctx.principal.tenantId;
  const [directory, prefs, settings] = await Promise.all([
    loadDirectory(ctx),
    preferencesOf(ctx.db, tenantId),
    tenantSettings(ctx),
  ]);
  const addressed: { row: Notification; person: Person; choice: ChannelChoice }[] = [];
  for (const r of raised) {
    for (const person of recipients(directory, r)) {
      const choice = prefs(person.id).kinds[r.kind];
      if (!choice.inApp && !choice.push && !choice.email) continue;
      addressed.push({ row: await ruleNotification(ctx, r, person, choice), person, choice });
    }
  }
  const fresh = await notExisting(ctx, addressed);
  const devices = await devicesOf(ctx, push, [
    ...fresh.map((a) => a.person.id),
    ...directory.people.filter((p) => p.salesmanId).map((p) => p.id),
  ]);
  const deliveries: (typeof notificationDeliveries.$inferInsert)[] = [];
  const plan = { devices, prefs, timeZone: settings.timezone, now: ctx.now };
  for (const { row, person, choice } of fresh) deliveries.push(...(await deliveriesFor(plan, row, person, choice)));
  for (const message of messages) {
    for (const person of messageRecipients(directory, message)) {
      const choice = prefs(person.id).kinds.message;
      deliveries.push(...(await deliveriesFor(plan, message, person, { ...choice, email: false })));
    }
  }
  await commit(ctx, [
    ...chunk(
      fresh.map((a) => a.row),
      ROWS_PER_INSERT,
    ).map((part) => ctx.db.insert(notifications).values(part).onConflictDoNothing()),
    ...fresh.filter((a) => a.choice.inApp).map((a) => announce(ctx, a.row)),
    ...chunk(deliveries, ROWS_PER_INSERT).map((part) =>
      ctx.db.insert(notificationDeliveries).values(part).onConflictDoNothing(),
    ),
    ...(options.also ?? []),
  ]);
  return { notifications: fresh.length, deliveries: deliveries.length };
}

async function ruleNotification(
  ctx: ServiceContext,
  r: Raised,
  person: Person,
  choice: ChannelChoice,
): Promise<Notification> {
  return {
    tenantId: ctx.principal.tenantId,
    id: await derivedUuid(`${r.kind}:${r.subject}:${person.id}`),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
    deletedAt: null,
    // A salesman's notification is his (his sync set, his room); anyone else's is addressed by user alone.
    salesmanId: person.salesmanId,
    userId: person.id,
    kind: r.kind,
    senderId: SENDER,
    title: r.title,
    body: r.body,
    data: r.data,
    // Someone who switched in-app off still has it in his list, already read.
    readAt: choice.inApp ? null : ctx.now,
  };
}

/** The `notification` event, appended once per notification even when two runs race. */
const announce = (ctx: ServiceContext, row: Notification): Statement => {
  const { tenantId: _t, ...payload } = row;
  return appendEvent(
    ctx,
    { type: 'notification', entityType: 'notification', entityId: row.id, payload },
    {
      onlyIf: sql`NOT EXISTS (SELECT 1 FROM events WHERE tenant_id = ${ctx.principal.tenantId}
                  AND entity_type = 'notification' AND entity_id = ${row.id})`,
    },
  );
};

async function notExisting<T extends { row: Notification }>(ctx: ServiceContext, addressed: T[]): Promise<T[]> {
  if (addressed.length === 0) return [];
  const existing = new Set<string>();
  for (const ids of chunk(
    addressed.map((a) => a.row.id),
    90,
  )) {
    const rows = await ctx.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.tenantId, ctx.principal.tenantId), inArray(notifications.id, ids)));
    for (const r of rows) existing.add(r.id);
  }
  const seen = new Set<string>();
  return addressed.filter((a) => {
    if (existing.has(a.row.id) || seen.has(a.row.id)) return false;
    seen.add(a.row.id);
    return true;
  });
}

/** A manager's message reaches its salesman, or every salesman when it went to the whole team. */
function messageRecipients(directory: Directory, message: Notification): Person[] {
  if (message.salesmanId) {
    const person = directory.userOfSalesman.get(message.salesmanId);
    return person ? [person] : [];
  }
  if (message.userId) return directory.people.filter((p) => p.id === message.userId);
  return [...directory.userOfSalesman.values()];
}

type Device = { id: string; userId: string };

async function devicesOf(ctx: ServiceContext, push: PushSettings, userIds: string[]): Promise<Map<string, Device[]>> {
  const byUser = new Map<string, Device[]>();
  if (!push.vapid || userIds.length === 0) return byUser;
  for (const ids of chunk([...new Set(userIds)], 90)) {
    const rows = await ctx.db
      .select({ id: pushSubscriptions.id, userId: pushSubscriptions.userId })
      .from(pushSubscriptions)
      .where(and(eq(pushSubscriptions.tenantId, ctx.principal.tenantId), inArray(pushSubscriptions.userId, ids)));
    for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row]);
  }
  return byUser;
}

interface DeliveryPlan {
  devices: Map<string, Device[]>;
  prefs: (userId: string) => Preferences;
  timeZone: string;
  now: string;
}

/**
 * One delivery per device (push) and one to the mailbox (e-mail), as the choice says. Quiet hours hold
 * them until their end; one that would leave after it stopped mattering is recorded as expired.
 */
async function deliveriesFor(
  plan: DeliveryPlan,
  notification: Notification,
  person: Person,
  choice: ChannelChoice,
): Promise<(typeof notificationDeliveries.$inferInsert)[]> {
  const now = new Date(plan.now);
  const release = quietHoursRelease(plan.prefs(person.id).quietHours, now, plan.timeZone).toISOString();
  const kind = notification.kind as NotificationKind;
  const ttl = kind === 'message' ? MESSAGE_DELIVERY.push.ttlSeconds : RULES[kind].push.ttlSeconds;
  const row = (id: string, channel: 'push' | 'email', subscriptionId: string | null, ttlSeconds: number) => {
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    const late = release > expiresAt;
    return {
      tenantId: notification.tenantId,
      id,
      notificationId: notification.id,
      userId: person.id,
      channel,
      subscriptionId,
      status: late ? ('expired' as const) : ('pending' as const),
      attempts: 0,
      nextAttemptAt: late ? null : release,
      expiresAt,
      lastAttemptAt: null,
      responseStatus: null,
      error: late ? 'quiet hours outlast the notification' : null,
      createdAt: plan.now,
      sentAt: null,
    };
  };
  const out: (typeof notificationDeliveries.$inferInsert)[] = [];
  if (choice.push) {
    for (const device of plan.devices.get(person.id) ?? []) {
      out.push(row(await deliveryId(notification.id, `push:${device.id}`), 'push', device.id, ttl));
    }
  }
  if (choice.email)
    out.push(row(await deliveryId(notification.id, `email:${person.id}`), 'email', null, EMAIL_TTL_SECONDS));
  return out;
}

/** `nd_` and 32 hex digits of SHA-256(notification, target): the same on every run. */
const deliveryId = async (notificationId: string, target: string) =>
  `nd_${(await sha256Hex(`${notificationId}:${target}`)).slice(0, 32)}`;
