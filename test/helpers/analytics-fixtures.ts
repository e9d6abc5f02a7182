import { sql } from 'drizzle-orm';
import { newId } from '../../src/lib/ids';
import { executeSql } from './db';
import type { TestTenant } from './factories';

/**
 * Analytics fixtures written straight into the run's database, D1 or Postgres (orders in the past with
 * chosen statuses, refunds, completed visits, targets): the figures the tests assert are worked out by
 * hand from these rows. Plain INSERT … VALUES, so each value takes the type of its column on either.
 */
const at = '2024-01-01T00:00:00.000Z';

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
  const created = o.createdAt ?? at;
  await executeSql(
    sql`INSERT INTO customers (tenant_id, id, created_at, updated_at, version, deleted_at, name, lat, lng, salesman_id, territory_id)
        VALUES (${t.tenantId}, ${id}, ${created}, ${created}, 1, ${o.deleted ? at : null},
                ${o.name ?? `Customer ${id.slice(-6)}`}, ${o.lat ?? null}, ${o.lng ?? null}, ${o.salesmanId ?? null},
                ${o.territoryId ?? null})`,
  );
  return id;
}

export async function addSalesman(t: TestTenant, name = 'Rep', userId: string | null = null): Promise<string> {
  const id = newId();
  await executeSql(
    sql`INSERT INTO salesmen (tenant_id, id, created_at, updated_at, version, deleted_at, name, user_id)
        VALUES (${t.tenantId}, ${id}, ${at}, ${at}, 1, NULL, ${name}, ${userId})`,
  );
  return id;
}

export async function addTerritory(t: TestTenant, name: string): Promise<string> {
  const id = newId();
  await executeSql(
    sql`INSERT INTO territories (tenant_id, id, created_at, updated_at, version, deleted_at, name)
        VALUES (${t.tenantId}, ${id}, ${at}, ${at}, 1, NULL, ${name})`,
  );
  return id;
}

/** Sets a territory's boundary (GeoJSON), which the API would validate against its customers. */
export async function setTerritoryBoundary(t: TestTenant, territoryId: string, boundary: unknown): Promise<void> {
  await executeSql(
    sql`UPDATE territories SET boundary = ${JSON.stringify(boundary)} WHERE tenant_id = ${t.tenantId} AND id = ${territoryId}`,
  );
}

export async function addProduct(
  t: TestTenant,
  o: { sku?: string; category?: string | null; priceMinor?: number; onHand?: number; active?: boolean } = {},
): Promise<string> {
  const id = newId();
  await executeSql(
    sql`INSERT INTO products (tenant_id, id, created_at, updated_at, version, deleted_at, sku, name, category, price_minor, currency, active)
        VALUES (${t.tenantId}, ${id}, ${at}, ${at}, 1, NULL, ${o.sku ?? `SKU-${id.slice(-8)}`},
                ${`Product ${o.sku ?? id.slice(-6)}`}, ${o.category ?? null}, ${o.priceMinor ?? 1000}, 'EUR',
                ${o.active !== false})`,
    sql`INSERT INTO inventory (tenant_id, product_id, on_hand, reserved, created_at, updated_at)
        VALUES (${t.tenantId}, ${id}, ${o.onHand ?? 100}, 0, ${at}, ${at})`,
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
  // The order, its lines and its refund in one unit (one round trip).
  await executeSql(
    sql`INSERT INTO orders (tenant_id, id, created_at, updated_at, version, deleted_at, customer_id, salesman_id, visit_id, status,
          currency, subtotal_minor, discount_minor, total_minor, paid_minor, ordered_at)
        VALUES (${t.tenantId}, ${id}, ${o.orderedAt}, ${o.orderedAt}, 1, NULL, ${o.customerId}, ${o.salesmanId ?? null},
                ${o.visitId ?? null}, ${o.status ?? 'fulfilled'}, 'EUR', ${total}, 0, ${total}, 0, ${o.orderedAt})`,
    ...lines.map(
      (l, i) =>
        sql`INSERT INTO order_lines (tenant_id, id, order_id, position, product_id, quantity, unit_price_minor, discount_bps,
              line_total_minor)
            VALUES (${t.tenantId}, ${newId()}, ${id}, ${i + 1}, ${l.productId}, ${l.quantity},
                    ${Math.round(l.lineTotalMinor / l.quantity)}, 0, ${l.lineTotalMinor})`,
    ),
    ...(o.refundedMinor
      ? [
          sql`INSERT INTO payments (tenant_id, id, created_at, updated_at, version, deleted_at, order_id, amount_minor, currency,
                method, status, received_at, refunded_at)
              VALUES (${t.tenantId}, ${newId()}, ${o.orderedAt}, ${o.orderedAt}, 1, NULL, ${id}, ${o.refundedMinor}, 'EUR',
                      'card', 'refunded', ${o.orderedAt}, ${o.orderedAt})`,
        ]
      : []),
  );
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
  await executeSql(
    sql`INSERT INTO visits (tenant_id, id, created_at, updated_at, version, deleted_at, customer_id, salesman_id, status,
          check_in_at, check_in_lat, check_in_lng, check_out_at)
        VALUES (${t.tenantId}, ${id}, ${o.checkInAt}, ${o.checkInAt}, 1, NULL, ${o.customerId}, ${o.salesmanId},
                ${o.status ?? 'completed'}, ${o.checkInAt}, ${o.lat ?? null}, ${o.lng ?? null}, ${out})`,
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
  await executeSql(
    sql`INSERT INTO targets (tenant_id, id, created_at, updated_at, version, deleted_at, salesman_id, period_type, period_start,
          period_end, revenue_goal_minor, visit_goal)
        VALUES (${t.tenantId}, ${newId()}, ${at}, ${at}, 1, NULL, ${o.salesmanId}, ${o.periodType}, ${o.periodStart},
                ${o.periodEnd}, ${o.revenueGoalMinor}, ${o.visitGoal})`,
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
