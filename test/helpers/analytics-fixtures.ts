import { env } from 'cloudflare:workers';
import { newId } from '../../src/lib/ids';
import type { TestTenant } from './factories';

/**
 * Analytics fixtures written straight into D1 (orders in the past with chosen statuses, refunds,
 * completed visits, targets): the figures the tests assert are worked out by hand from these rows.
 */
const at = '2024-01-01T00:00:00.000Z';
const entity = (tenantId: string, id = newId()) => [tenantId, id, at, at, 1, null] as const;

async function run(sql: string, ...params: unknown[]) {
  await env.DB.prepare(sql)
    .bind(...params)
    .run();
}

export async function addCustomer(
  t: TestTenant,
  o: {
    name?: string;
    lat?: number | null;
    lng?: number | null;
    salesmanId?: string | null;
    territoryId?: string | null;
    createdAt?: string;
    deleted?: boolean;
  } = {},
): Promise<string> {
  const id = newId();
  await run(
    `INSERT INTO customers (tenant_id, id, created_at, updated_at, version, deleted_at, name, lat, lng, salesman_id, territory_id)
     VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
    t.tenantId,
    id,
    o.createdAt ?? at,
    o.createdAt ?? at,
    o.deleted ? at : null,
    o.name ?? `Customer ${id.slice(-6)}`,
    o.lat ?? null,
    o.lng ?? null,
    o.salesmanId ?? null,
    o.territoryId ?? null,
  );
  return id;
}

export async function addSalesman(t: TestTenant, name = 'Rep', userId: string | null = null): Promise<string> {
  const [tenantId, id, c, u, v, d] = entity(t.tenantId);
  await run(
    'INSERT INTO salesmen (tenant_id, id, created_at, updated_at, version, deleted_at, name, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    tenantId,
    id,
    c,
    u,
    v,
    d,
    name,
    userId,
  );
  return id;
}

export async function addTerritory(t: TestTenant, name: string): Promise<string> {
  const [tenantId, id, c, u, v, d] = entity(t.tenantId);
  await run(
    'INSERT INTO territories (tenant_id, id, created_at, updated_at, version, deleted_at, name) VALUES (?, ?, ?, ?, ?, ?, ?)',
    tenantId,
    id,
    c,
    u,
    v,
    d,
    name,
  );
  return id;
}

export async function addProduct(
  t: TestTenant,
  o: { sku?: string; category?: string | null; priceMinor?: number; onHand?: number; active?: boolean } = {},
): Promise<string> {
  const [tenantId, id, c, u, v, d] = entity(t.tenantId);
  await run(
    `INSERT INTO products (tenant_id, id, created_at, updated_at, version, deleted_at, sku, name, category, price_minor, currency, active)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'EUR', ?)`,
    tenantId,
    id,
    c,
    u,
    v,
    d,
    o.sku ?? `SKU-${id.slice(-8)}`,
    `Product ${o.sku ?? id.slice(-6)}`,
    o.category ?? null,
    o.priceMinor ?? 1000,
    o.active === false ? 0 : 1,
  );
  await run(
    'INSERT INTO inventory (tenant_id, product_id, on_hand, reserved, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)',
    tenantId,
    id,
    o.onHand ?? 100,
    at,
    at,
  );
  return id;
}

export interface OrderSpec {
  customerId: string;
  orderedAt: string;
  totalMinor?: number;
  status?: 'draft' | 'confirmed' | 'fulfilled' | 'cancelled';
  salesmanId?: string | null;
  visitId?: string | null;
  /** Lines: product and quantity; line totals split the order total (the last line takes the rest). */
  lines?: { productId: string; quantity: number; lineTotalMinor: number }[];
  refundedMinor?: number;
}

export async function addOrder(t: TestTenant, o: OrderSpec): Promise<string> {
  const id = newId();
  const lines = o.lines ?? [];
  const total = o.totalMinor ?? lines.reduce((n, l) => n + l.lineTotalMinor, 0);
  await run(
    `INSERT INTO orders (tenant_id, id, created_at, updated_at, version, deleted_at, customer_id, salesman_id, visit_id, status,
       currency, subtotal_minor, discount_minor, total_minor, paid_minor, ordered_at)
     VALUES (?, ?, ?, ?, 1, NULL, ?, ?, ?, ?, 'EUR', ?, 0, ?, 0, ?)`,
    t.tenantId,
    id,
    o.orderedAt,
    o.orderedAt,
    o.customerId,
    o.salesmanId ?? null,
    o.visitId ?? null,
    o.status ?? 'fulfilled',
    total,
    total,
    o.orderedAt,
  );
  let position = 1;
  for (const l of lines) {
    await run(
      `INSERT INTO order_lines (tenant_id, id, order_id, position, product_id, quantity, unit_price_minor, discount_bps, line_total_minor)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)`,
      t.tenantId,
      newId(),
      id,
      position++,
      l.productId,
      l.quantity,
      Math.round(l.lineTotalMinor / l.quantity),
      l.lineTotalMinor,
    );
  }
  if (o.refundedMinor) {
    await run(
      `INSERT INTO payments (tenant_id, id, created_at, updated_at, version, deleted_at, order_id, amount_minor, currency, method, status, received_at, refunded_at)
       VALUES (?, ?, ?, ?, 1, NULL, ?, ?, 'EUR', 'card', 'refunded', ?, ?)`,
      t.tenantId,
      newId(),
      o.orderedAt,
      o.orderedAt,
      id,
      o.refundedMinor,
      o.orderedAt,
      o.orderedAt,
    );
  }
  return id;
}

export async function addVisit(
  t: TestTenant,
  o: {
    customerId: string;
    salesmanId: string;
    checkInAt: string;
    minutes?: number | null;
    lat?: number;
    lng?: number;
    status?: string;
  },
): Promise<string> {
  const id = newId();
  const out =
    o.minutes === null || o.minutes === undefined
      ? null
      : new Date(Date.parse(o.checkInAt) + o.minutes * 60_000).toISOString();
  await run(
    `INSERT INTO visits (tenant_id, id, created_at, updated_at, version, deleted_at, customer_id, salesman_id, status,
       check_in_at, check_in_lat, check_in_lng, check_out_at)
     VALUES (?, ?, ?, ?, 1, NULL, ?, ?, ?, ?, ?, ?, ?)`,
    t.tenantId,
    id,
    o.checkInAt,
    o.checkInAt,
    o.customerId,
    o.salesmanId,
    o.status ?? 'completed',
    o.checkInAt,
    o.lat ?? null,
    o.lng ?? null,
    out,
  );
  return id;
}

export async function addTarget(
  t: TestTenant,
  o: {
    salesmanId: string;
    periodType: 'month' | 'quarter' | 'year';
    periodStart: string;
    periodEnd: string;
    revenueGoalMinor: number;
    visitGoal: number;
  },
) {
  const [tenantId, id, c, u, v, d] = entity(t.tenantId);
  await run(
    `INSERT INTO targets (tenant_id, id, created_at, updated_at, version, deleted_at, salesman_id, period_type, period_start, period_end,
       revenue_goal_minor, visit_goal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    tenantId,
    id,
    c,
    u,
    v,
    d,
    o.salesmanId,
    o.periodType,
    o.periodStart,
    o.periodEnd,
    o.revenueGoalMinor,
    o.visitGoal,
  );
}

/** Berlin wall-clock time → UTC ISO (the fixtures' tenants are in Europe/Berlin). */
export function berlin(local: string): string {
  const guess = Date.parse(`${local}Z`);
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', timeZoneName: 'longOffset' });
  const offsetOf = (ms: number) => {
    const name = fmt.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d\d):(\d\d)/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  };
  return new Date(guess - offsetOf(guess - offsetOf(guess) * 60_000) * 60_000).toISOString();
}
