import { and, eq, inArray } from 'drizzle-orm';
import { orders, products, salesmen } from '../db/tables';
import { chunk } from '../lib/chunk';
import type { ServiceContext } from './context';
import type { EffectiveRule, RuleKind } from './notification-rules.service';
import { currentAttainments } from './targets.service';
import { tenantSettings } from './tenant-settings';

/**
 * What the tenant's event log raises under its notification rules (docs/notifications.md): which events
 * the engine reads, what each one raises (low stock, big orders, failed payments, visit outcomes,
 * segment changes) and the target-attainment notices, before anyone is addressed. The engine
 * (notification-engine.service.ts) writes what is raised.
 */

/** The event types the engine reads; the hub asks for a run when it relays one of them. */
export const WATCHED = [
  'stock:low',
  'order:created',
  'order:updated',
  'payment:failed',
  'visit:checked_out',
  'segment:changed',
];

/** Whether a committed event may raise a notification or carry a message to devices. */
export function concernsNotifications(event: { type: string; payload: Record<string, unknown> }): boolean {
  if (event.type === 'notification') return (event.payload.kind ?? 'message') === 'message';
  if (event.type === 'order:created' || event.type === 'order:updated') {
    return event.payload.status === 'confirmed' || event.payload.status === 'fulfilled';
  }
  return WATCHED.includes(event.type);
}

/** What a rule raised, before it is addressed: `subject` is what it is about, unique within the kind. */
export interface Raised {
  kind: RuleKind;
  subject: string;
  /** The salesman it concerns (told when the rule says so), if any. */
  salesmanId: string | null;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

export interface LoggedEvent {
  seq: number;
  type: string;
  entityId: string;
  payload: Record<string, unknown>;
}

export interface Lookups {
  productName: Map<string, string>;
  orderSalesman: Map<string, string | null>;
}

/** Names and owners the messages need, read once per run. */
export async function lookupsFor(ctx: ServiceContext, logged: LoggedEvent[]): Promise<Lookups> {
  const tenantId = ctx.principal.tenantId;
  const productIds = [...new Set(logged.filter((e) => e.type === 'stock:low').map((e) => e.entityId))];
  const orderIds = [
    ...new Set(logged.filter((e) => e.type === 'payment:failed').map((e) => String(e.payload.orderId))),
  ];
  const [named, owned] = await Promise.all([
    productIds.length
      ? ctx.db
          .select({ id: products.id, name: products.name, sku: products.sku })
          .from(products)
          .where(and(eq(products.tenantId, tenantId), inArray(products.id, productIds)))
      : [],
    orderIds.length
      ? ctx.db
          .select({ id: orders.id, salesmanId: orders.salesmanId })
          .from(orders)
          .where(and(eq(orders.tenantId, tenantId), inArray(orders.id, orderIds)))
      : [],
  ]);
  return {
    productName: new Map(named.map((p) => [p.id, `${p.name} (${p.sku})`])),
    orderSalesman: new Map(owned.map((o) => [o.id, o.salesmanId])),
  };
}

const money = (minor: unknown, currency: unknown) =>
  `${(Number(minor) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${String(currency ?? '')}`.trim();

/** What one watched event raises under the tenant's rules (nothing when its rule is off). */
export function fromEvent(rules: Record<RuleKind, EffectiveRule>, event: LoggedEvent, lookups: Lookups): Raised[] {
  const p = event.payload;
  switch (event.type) {
    case 'stock:low': {
      if (!rules.stock_low.enabled) return [];
      const product = lookups.productName.get(event.entityId) ?? 'A product';
      const available = Number(p.onHand ?? 0) - Number(p.reserved ?? 0);
      return [
        {
          kind: 'stock_low',
          subject: `seq:${event.seq}`,
          salesmanId: null,
          title: `Low stock: ${product}`,
          body: `${available} available, at or below the threshold of ${String(p.lowStockThreshold ?? 0)}.`,
          data: { productId: event.entityId, available, lowStockThreshold: p.lowStockThreshold ?? null },
        },
      ];
    }
    case 'order:created':
    case 'order:updated': {
      const rule = rules.large_order;
      if (!rule.enabled || p.status !== 'confirmed') return [];
      if (Number(p.totalMinor) < Number(rule.settings.minTotalMinor)) return [];
      return [
        {
          kind: 'large_order',
          subject: `order:${event.entityId}`,
          salesmanId: (p.salesmanId as string | null) ?? null,
          title: `Large order confirmed: ${money(p.totalMinor, p.currency)}`,
          body: `Order ${String(p.number ?? event.entityId)} was confirmed for ${money(p.totalMinor, p.currency)}.`,
          data: { orderId: event.entityId, totalMinor: p.totalMinor, currency: p.currency ?? null },
        },
      ];
    }
    case 'payment:failed': {
      if (!rules.payment_failed.enabled) return [];
      const orderId = String(p.orderId);
      return [
        {
          kind: 'payment_failed',
          subject: `payment:${event.entityId}`,
          salesmanId: lookups.orderSalesman.get(orderId) ?? null,
          title: `Payment failed: ${money(p.amountMinor, p.currency)}`,
          body: `A payment of ${money(p.amountMinor, p.currency)}${p.method ? ` by ${String(p.method)}` : ''} for order ${orderId} failed.`,
          data: { paymentId: event.entityId, orderId, amountMinor: p.amountMinor ?? null },
        },
      ];
    }
    case 'segment:changed': {
      const rule = rules.customer_at_risk;
      const watched = rule.settings.segments as string[];
      if (!rule.enabled || !watched.includes(String(p.to))) return [];
      return [
        {
          kind: 'customer_at_risk',
          subject: `seq:${event.seq}`,
          salesmanId: (p.salesmanId as string | null) ?? null,
          title: `Customer now ${String(p.to).replace('_', ' ')}`,
          body: `A customer moved from ${String(p.from ?? 'no segment').replace('_', ' ')} to ${String(p.to).replace('_', ' ')} (last order ${String(p.recencyDays ?? '?')} days ago).`,
          data: { customerId: p.customerId ?? event.entityId, from: p.from ?? null, to: p.to },
        },
      ];
    }
    default:
      return [];
  }
}

// ------------------------------------------------------------------------------- target attainment

/** The salesmen whose revenue or visits grew in these events: confirmed orders and completed visits. */
export function salesmenWithProgress(logged: LoggedEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of logged) {
    const progress =
      event.type === 'visit:checked_out' ||
      ((event.type === 'order:created' || event.type === 'order:updated') && concernsNotifications(event));
    const salesmanId = event.payload.salesmanId;
    if (progress && typeof salesmanId === 'string') ids.add(salesmanId);
  }
  return [...ids];
}

const PERIOD_LABEL: Record<string, (start: string) => string> = {
  month: (start) =>
    new Date(`${start}T12:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  quarter: (start) => `Q${Math.floor(Number(start.slice(5, 7)) / 3) + 1} ${start.slice(0, 4)}`,
  year: (start) => start.slice(0, 4),
};

/**
 * For each current target of `salesmanIds`, the highest threshold its revenue and its visits have
 * reached. Each (target, measure, threshold) is raised once: the notification id is derived from it, so
 * the next order at 90 % finds the 85 % notice already there. A threshold passed over in one step (a
 * large order from 40 % to 90 %) is not told after the higher one.
 */
export async function attainmentNotices(
  ctx: ServiceContext,
  rule: EffectiveRule,
  salesmanIds: string[],
): Promise<Raised[]> {
  if (!rule.enabled || salesmanIds.length === 0) return [];
  const current = await currentAttainments(ctx, salesmanIds);
  if (current.length === 0) return [];
  const [settings, names] = await Promise.all([
    tenantSettings(ctx),
    salesmanNames(
      ctx,
      current.map((c) => c.target.salesmanId),
    ),
  ]);
  const thresholds = [...(rule.settings.thresholds as number[])].sort((a, b) => b - a);
  const raised: Raised[] = [];
  for (const { target, attainment } of current) {
    const name = names.get(target.salesmanId) ?? 'A salesman';
    const period = PERIOD_LABEL[target.periodType]?.(target.periodStart) ?? target.periodStart;
    const measures = [
      {
        measure: 'revenue',
        reached: attainment.revenuePct,
        progress: `${money(attainment.revenueMinor, settings.currency)} of ${money(target.revenueGoalMinor, settings.currency)}`,
      },
      {
        measure: 'visits',
        reached: attainment.visitPct,
        progress: `${attainment.visits} of ${target.visitGoal} visits`,
      },
    ];
    for (const { measure, reached, progress } of measures) {
      const threshold = reached === null ? undefined : thresholds.find((t) => reached >= t);
      if (threshold === undefined) continue;
      raised.push({
        kind: 'target_attainment',
        subject: `target:${target.id}:${measure}:${threshold}`,
        salesmanId: target.salesmanId,
        title: `${name} reached ${threshold} % of the ${period} ${measure} target`,
        body: `${progress} (${reached} %), with ${attainment.elapsedPct} % of the period gone.`,
        data: {
          targetId: target.id,
          salesmanId: target.salesmanId,
          measure,
          threshold,
          reachedPct: reached,
          elapsedPct: attainment.elapsedPct,
        },
      });
    }
  }
  return raised;
}

async function salesmanNames(ctx: ServiceContext, ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const part of chunk([...new Set(ids)], 90)) {
    const rows = await ctx.db
      .select({ id: salesmen.id, name: salesmen.name })
      .from(salesmen)
      .where(and(eq(salesmen.tenantId, ctx.principal.tenantId), inArray(salesmen.id, part)));
    for (const row of rows) names.set(row.id, row.name);
  }
  return names;
}
