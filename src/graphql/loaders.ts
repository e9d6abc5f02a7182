import { and, asc, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Permission } from '../auth/permissions';
import { ownSalesmanScope, requirePermission } from '../auth/principal';
import {
  customers,
  inventory,
  orderLines,
  orders,
  payments,
  products,
  salesmen,
  territories,
  users,
  visits,
} from '../db/schema';
import { inChunks } from '../lib/chunk';
import type { ServiceContext } from '../services/context';
import type { Customer } from '../services/customers.service';
import type { Order, OrderLine } from '../services/orders.service';
import type { Payment } from '../services/payments.service';
import type { Product } from '../services/products.service';
import type { Salesman } from '../services/salesmen.service';
import type { Territory } from '../services/territories.service';
import { type PublicUser, toPublicUser, type UserRow } from '../services/users.service';
import type { Visit } from '../services/visits.service';

/**
 * Batched reads behind the dataloaders: one query per type per request level instead of one per parent
 * (N+1). Each is the many-ids form of the services' single lookups, with the same rules: the permission
 * the service's `get` checks, the caller's tenant, live rows only (`findEntity`), and a salesman limited
 * to his own orders and visits (`findOrder`, `findVisit`). Missing or invisible ids simply yield nothing,
 * as another tenant's id does in REST (404).
 */
type Table = SQLiteTable & { tenantId: SQLiteColumn; id: SQLiteColumn; deletedAt: SQLiteColumn };

async function byIds<Row>(
  ctx: ServiceContext,
  table: Table,
  ids: readonly string[],
  permission: Permission,
  visible?: SQL,
): Promise<Row[]> {
  requirePermission(ctx.principal, permission);
  return inChunks([...new Set(ids)], (part) =>
    ctx.db
      .select()
      .from(table)
      .where(and(eq(table.tenantId, ctx.principal.tenantId), inArray(table.id, part), isNull(table.deletedAt), visible))
      .then((rows) => rows as Row[]),
  );
}

const ownRows = (ctx: ServiceContext, column: SQLiteColumn) => {
  const scope = ownSalesmanScope(ctx.principal);
  return scope ? eq(column, scope) : undefined;
};

export const customersByIds = (ctx: ServiceContext, ids: readonly string[]) =>
  byIds<Customer>(ctx, customers, ids, 'customers:read');
export const productsByIds = (ctx: ServiceContext, ids: readonly string[]) =>
  byIds<Product>(ctx, products, ids, 'products:read');
export const salesmenByIds = (ctx: ServiceContext, ids: readonly string[]) =>
  byIds<Salesman>(ctx, salesmen, ids, 'salesmen:read');
export const territoriesByIds = (ctx: ServiceContext, ids: readonly string[]) =>
  byIds<Territory>(ctx, territories, ids, 'territories:read');
export const usersByIds = async (ctx: ServiceContext, ids: readonly string[]): Promise<PublicUser[]> =>
  (await byIds<UserRow>(ctx, users, ids, 'users:read')).map(toPublicUser);
export const ordersByIds = (ctx: ServiceContext, ids: readonly string[]) =>
  byIds<Order>(ctx, orders, ids, 'orders:read', ownRows(ctx, orders.salesmanId));
export const visitsByIds = (ctx: ServiceContext, ids: readonly string[]) =>
  byIds<Visit>(ctx, visits, ids, 'visits:read', ownRows(ctx, visits.salesmanId));

/**
 * Lines of orders the caller already holds (the parent resolved through `getOrder`/`listOrders`, which
 * applied the order rules), in the order `loadLines` returns them.
 */
export async function linesByOrderIds(ctx: ServiceContext, orderIds: readonly string[]): Promise<OrderLine[][]> {
  requirePermission(ctx.principal, 'orders:read');
  const rows = await inChunks([...new Set(orderIds)], (part) =>
    ctx.db
      .select()
      .from(orderLines)
      .where(and(eq(orderLines.tenantId, ctx.principal.tenantId), inArray(orderLines.orderId, part)))
      .orderBy(asc(orderLines.orderId), asc(orderLines.position)),
  );
  return groupBy(orderIds, rows, (line) => line.orderId);
}

/** Payments of orders the caller already holds (a salesman's own orders only reach here). */
export async function paymentsByOrderIds(ctx: ServiceContext, orderIds: readonly string[]): Promise<Payment[][]> {
  requirePermission(ctx.principal, 'payments:read');
  const rows = await inChunks([...new Set(orderIds)], (part) =>
    ctx.db
      .select()
      .from(payments)
      .where(
        and(eq(payments.tenantId, ctx.principal.tenantId), inArray(payments.orderId, part), isNull(payments.deletedAt)),
      )
      .orderBy(asc(payments.receivedAt), asc(payments.id)),
  );
  return groupBy(orderIds, rows, (p) => p.orderId);
}

export interface InventoryLevel {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
  lowStockThreshold: number;
  version: number;
  updatedAt: string;
}

/** Stock levels of products the caller already holds (a product and its inventory row always exist together). */
export async function inventoryByProductIds(ctx: ServiceContext, productIds: readonly string[]) {
  requirePermission(ctx.principal, 'inventory:read');
  const rows = await inChunks([...new Set(productIds)], (part) =>
    ctx.db
      .select()
      .from(inventory)
      .where(and(eq(inventory.tenantId, ctx.principal.tenantId), inArray(inventory.productId, part))),
  );
  const byProduct = new Map(rows.map((r) => [r.productId, r]));
  return productIds.map((id): InventoryLevel | null => {
    const r = byProduct.get(id);
    return r
      ? {
          productId: r.productId,
          onHand: r.onHand,
          reserved: r.reserved,
          available: r.onHand - r.reserved,
          lowStockThreshold: r.lowStockThreshold,
          version: r.version,
          updatedAt: r.updatedAt,
        }
      : null;
  });
}

function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((k) => groups.get(k) ?? []);
}
