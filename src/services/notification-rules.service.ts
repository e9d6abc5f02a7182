import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { requirePermission } from '../auth/principal';
import { runBatch } from '../db/batch';
import type { Db } from '../db/client';
import { type NotificationKind, notificationRules, type Role } from '../db/tables';
import { AppError, ErrorCode } from '../lib/errors';
import type { PushUrgency } from '../outbound/web-push';
import type { ServiceContext } from './context';

/**
 * The notification rules a tenant runs (docs/notifications.md): what each watches, whom it tells, its
 * parameters and defaults, and how urgent its push messages are. Every rule is on for a new tenant;
 * owners and admins switch rules off or change their parameters.
 */
export type RuleKind = Exclude<NotificationKind, 'message'>;

export interface RuleDefinition {
  kind: RuleKind;
  description: string;
  /** Who is told, besides the salesman concerned where the rule names one. */
  roles: readonly Role[];
  /** Whether the salesman the event concerns (his order, visit, target, customer) is told as well. */
  salesman: boolean;
  settings: z.ZodObject;
  /** How long a push message stays relevant (its TTL), and its urgency (RFC 8030 section 5.3). */
  push: { ttlSeconds: number; urgency: PushUrgency };
  /** The channels a user gets unless his preferences say otherwise (in-app is always on by default). */
  defaultChannels: { push: boolean; email: boolean };
}

const HOUR = 3600;
const MANAGERS: readonly Role[] = ['owner', 'admin', 'manager'];

export const RULES: Record<RuleKind, RuleDefinition> = {
  stock_low: {
    kind: 'stock_low',
    description: "A product's available stock fell to its low-stock threshold",
    roles: MANAGERS,
    salesman: false,
    settings: z.strictObject({}),
    push: { ttlSeconds: 24 * HOUR, urgency: 'normal' },
    defaultChannels: { push: true, email: false },
  },
  large_order: {
    kind: 'large_order',
    description: 'An order was confirmed with a total at or above an amount',
    roles: MANAGERS,
    salesman: false,
    settings: z.strictObject({
      minTotalMinor: z
        .number()
        .int()
        .min(1)
        .max(1e13)
        .default(100_000)
        .describe('The smallest total (minor units) that counts as large'),
    }),
    push: { ttlSeconds: 24 * HOUR, urgency: 'normal' },
    defaultChannels: { push: true, email: false },
  },
  payment_failed: {
    kind: 'payment_failed',
    description: 'A payment was recorded as failed',
    roles: MANAGERS,
    salesman: true,
    settings: z.strictObject({}),
    push: { ttlSeconds: 24 * HOUR, urgency: 'high' },
    defaultChannels: { push: true, email: true },
  },
  visit_soon: {
    kind: 'visit_soon',
    description: 'A planned visit starts soon (the salesman)',
    roles: [],
    salesman: true,
    settings: z.strictObject({
      minutesBefore: z.number().int().min(5).max(240).default(30).describe('How long before the planned time'),
    }),
    // A reminder after the visit started is noise.
    push: { ttlSeconds: 30 * 60, urgency: 'high' },
    defaultChannels: { push: true, email: false },
  },
  visit_missed: {
    kind: 'visit_missed',
    description: 'A planned visit had no check-in by its planned time plus a grace period',
    roles: ['manager'],
    salesman: true,
    settings: z.strictObject({
      graceMinutes: z.number().int().min(0).max(720).default(60).describe('How long after the planned time'),
    }),
    push: { ttlSeconds: 12 * HOUR, urgency: 'normal' },
    defaultChannels: { push: true, email: false },
  },
  target_attainment: {
    kind: 'target_attainment',
    description: "A salesman's target attainment (revenue or visits) reached a threshold",
    roles: ['manager'],
    salesman: true,
    settings: z.strictObject({
      thresholds: z
        .array(z.number().int().min(1).max(1000))
        .min(1)
        .max(10)
        .default([50, 85, 100])
        .describe('Percentages of the goal'),
    }),
    push: { ttlSeconds: 72 * HOUR, urgency: 'low' },
    defaultChannels: { push: true, email: false },
  },
  customer_at_risk: {
    kind: 'customer_at_risk',
    description: "A customer's RFM segment changed to one of the watched segments",
    roles: ['manager'],
    salesman: true,
    settings: z.strictObject({
      segments: z
        .array(z.enum(['champions', 'loyal', 'potential', 'at_risk', 'hibernating', 'lost', 'prospect']))
        .min(1)
        .default(['at_risk', 'lost'])
        .describe('Segments worth a notification'),
    }),
    push: { ttlSeconds: 72 * HOUR, urgency: 'low' },
    defaultChannels: { push: false, email: false },
  },
};

/** A manager's message: how its push messages go out and which channels it uses by default. */
export const MESSAGE_DELIVERY = {
  push: { ttlSeconds: 24 * HOUR, urgency: 'normal' as PushUrgency },
  defaultChannels: { push: true, email: false },
};

export const RULE_KINDS = Object.keys(RULES) as RuleKind[];

export interface EffectiveRule {
  kind: RuleKind;
  description: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  /** Whether the tenant changed it (false: everything is the default). */
  customised: boolean;
  updatedAt: string | null;
}

/** The tenant's rules, defaults filled in, in RULE_KINDS order. */
export async function tenantRules(db: Db, tenantId: string): Promise<Record<RuleKind, EffectiveRule>> {
  const rows = await db.select().from(notificationRules).where(eq(notificationRules.tenantId, tenantId));
  const stored = new Map(rows.map((r) => [r.kind, r]));
  return Object.fromEntries(
    RULE_KINDS.map((kind) => {
      const row = stored.get(kind);
      const settings = RULES[kind].settings.parse(row?.settings ?? {}) as Record<string, unknown>;
      return [
        kind,
        {
          kind,
          description: RULES[kind].description,
          enabled: row?.enabled ?? true,
          settings,
          customised: row !== undefined,
          updatedAt: row?.updatedAt ?? null,
        },
      ];
    }),
  ) as Record<RuleKind, EffectiveRule>;
}

/** Anyone in the tenant may read its rules (they say what the team is told about). */
export async function listRules(ctx: ServiceContext): Promise<EffectiveRule[]> {
  return Object.values(await tenantRules(ctx.db, ctx.principal.tenantId));
}

/** Own keys only: `toString` or `__proto__` in a URL are not rules. */
export const isRuleKind = (kind: string): kind is RuleKind => Object.hasOwn(RULES, kind);

/**
 * Switches a rule on or off and changes its settings (merged over what it has: unnamed settings keep
 * their value). Owners and admins only.
 */
export async function updateRule(
  ctx: ServiceContext,
  kind: string,
  input: { enabled?: boolean | undefined; settings?: Record<string, unknown> | undefined },
): Promise<EffectiveRule> {
  requirePermission(ctx.principal, 'tenant:write');
  if (!isRuleKind(kind)) {
    throw new AppError(ErrorCode.NOT_FOUND, `There is no notification rule ${kind}`, { kinds: RULE_KINDS });
  }
  const current = (await tenantRules(ctx.db, ctx.principal.tenantId))[kind];
  const parsed = RULES[kind].settings.safeParse({ ...current.settings, ...(input.settings ?? {}) });
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({
      path: ['json', 'settings', ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw new AppError(ErrorCode.VALIDATION_FAILED, `Invalid settings for ${kind}`, { errors });
  }
  const row = {
    tenantId: ctx.principal.tenantId,
    kind,
    enabled: input.enabled ?? current.enabled,
    settings: parsed.data as Record<string, unknown>,
    updatedAt: ctx.now,
    updatedBy: ctx.principal.id,
  };
  await runBatch(ctx.db, [
    ctx.db
      .insert(notificationRules)
      .values(row)
      .onConflictDoUpdate({
        target: [notificationRules.tenantId, notificationRules.kind],
        set: { enabled: row.enabled, settings: row.settings, updatedAt: row.updatedAt, updatedBy: row.updatedBy },
      }),
  ]);
  return { ...current, enabled: row.enabled, settings: row.settings, customised: true, updatedAt: ctx.now };
}

/** Rules, preferences and devices belong to people: an API key or the platform has none. */
export function requireSignedIn(ctx: ServiceContext): string {
  if (ctx.principal.kind !== 'user') {
    throw new AppError(ErrorCode.FORBIDDEN, 'Notifications belong to users; sign in as one');
  }
  return ctx.principal.id;
}
