import { and, eq } from 'drizzle-orm';
import { runBatch } from '../db/batch';
import type { Db } from '../db/client';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  type NotificationChannel,
  type NotificationKind,
  notificationPreferences,
} from '../db/tables';
import { AppError, ErrorCode } from '../lib/errors';
import type { ServiceContext } from './context';
import { MESSAGE_DELIVERY, RULES, requireSignedIn } from './notification-rules.service';

/**
 * A user's notification preferences: per kind, which channels (in-app, push, e-mail) he wants, and quiet
 * hours in his tenant's timezone, during which push and e-mail wait (docs/notifications.md).
 */
export type ChannelChoice = { inApp: boolean } & Record<NotificationChannel, boolean>;

export interface Preferences {
  kinds: Record<NotificationKind, ChannelChoice>;
  /** `HH:MM`–`HH:MM` in the tenant's timezone; the end may be on the next day (22:00–07:00). */
  quietHours: { start: string; end: string } | null;
  updatedAt: string | null;
}

export interface PreferencesInput {
  kinds?: Partial<Record<NotificationKind, Partial<ChannelChoice>>> | undefined;
  quietHours?: { start: string; end: string } | null | undefined;
}

const CHOICES = ['inApp', ...NOTIFICATION_CHANNELS] as const;

/** What a user gets for a kind when he never said otherwise. */
export function defaultChoice(kind: NotificationKind): ChannelChoice {
  const defaults = kind === 'message' ? MESSAGE_DELIVERY.defaultChannels : RULES[kind].defaultChannels;
  return { inApp: true, ...defaults };
}

type Row = typeof notificationPreferences.$inferSelect;

function effective(row: Row | undefined): Preferences {
  const kinds = Object.fromEntries(
    NOTIFICATION_KINDS.map((kind) => [kind, { ...defaultChoice(kind), ...(row?.channels[kind] ?? {}) }]),
  ) as Record<NotificationKind, ChannelChoice>;
  const quietHours = row?.quietStart && row.quietEnd ? { start: row.quietStart, end: row.quietEnd } : null;
  return { kinds, quietHours, updatedAt: row?.updatedAt ?? null };
}

/** The preferences of some users of a tenant (the notification engine reads them per run). */
export async function preferencesOf(db: Db, tenantId: string): Promise<(userId: string) => Preferences> {
  const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.tenantId, tenantId));
  const byUser = new Map(rows.map((r) => [r.userId, r]));
  return (userId) => effective(byUser.get(userId));
}

export async function myPreferences(ctx: ServiceContext): Promise<Preferences> {
  const userId = requireSignedIn(ctx);
  const [row] = await ctx.db
    .select()
    .from(notificationPreferences)
    .where(
      and(eq(notificationPreferences.tenantId, ctx.principal.tenantId), eq(notificationPreferences.userId, userId)),
    );
  return effective(row);
}

/**
 * Changes the caller's preferences: the kinds and channels named change, the rest stay; `quietHours`
 * replaces the quiet hours (null removes them). A choice equal to the default is stored as no choice, so
 * a later change of a default reaches the user.
 */
export async function updateMyPreferences(ctx: ServiceContext, input: PreferencesInput): Promise<Preferences> {
  const userId = requireSignedIn(ctx);
  const current = await myPreferences(ctx);
  const quiet = input.quietHours === undefined ? current.quietHours : input.quietHours;
  if (quiet && quiet.start === quiet.end) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'Quiet hours must not start and end at the same time', {
      errors: [{ path: 'json.quietHours', message: 'start equals end' }],
    });
  }
  const channels: Record<string, Record<string, boolean>> = {};
  for (const kind of NOTIFICATION_KINDS) {
    const wanted = { ...current.kinds[kind], ...(input.kinds?.[kind] ?? {}) };
    const defaults = defaultChoice(kind);
    const changed = Object.fromEntries(CHOICES.filter((c) => wanted[c] !== defaults[c]).map((c) => [c, wanted[c]]));
    if (Object.keys(changed).length > 0) channels[kind] = changed;
  }
  const row: Row = {
    tenantId: ctx.principal.tenantId,
    userId,
    channels,
    quietStart: quiet?.start ?? null,
    quietEnd: quiet?.end ?? null,
    updatedAt: ctx.now,
  };
  await runBatch(ctx.db, [
    ctx.db
      .insert(notificationPreferences)
      .values(row)
      .onConflictDoUpdate({
        target: [notificationPreferences.tenantId, notificationPreferences.userId],
        set: { channels: row.channels, quietStart: row.quietStart, quietEnd: row.quietEnd, updatedAt: row.updatedAt },
      }),
  ]);
  return effective(row);
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes since local midnight of `at` in `timeZone`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(at)
    .reduce<Record<string, string>>((acc, p) => {
      acc[p.type] = p.value;
      return acc;
    }, {});
  return Number(parts.hour) * 60 + Number(parts.minute);
}

/**
 * When a push or e-mail raised at `now` may leave: `now` outside quiet hours, else their end (to the
 * minute; across a daylight-saving change the end may be an hour off, which quiet hours tolerate).
 */
export function quietHoursRelease(quiet: Preferences['quietHours'], now: Date, timeZone: string): Date {
  if (!quiet) return now;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const local = localMinutes(now, timeZone);
  const inside = start < end ? local >= start && local < end : local >= start || local < end;
  if (!inside) return now;
  const wait = (end - local + 1440) % 1440;
  const release = new Date(now.getTime() + wait * 60_000);
  release.setUTCSeconds(0, 0);
  return release;
}
