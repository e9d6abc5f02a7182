import { and, eq, inArray } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import type { Statement } from '../db/batch';
import { inventory } from '../db/tables';
import { inChunks } from '../lib/chunk';
import { AppError, ErrorCode } from '../lib/errors';
import type { ServiceContext } from './context';
import {
  assertStatus,
  findOrder,
  loadLines,
  type Order,
  type OrderLine,
  type OrderWithLines,
  writeOrder,
} from './orders.service';
import { fulfilment, release, reservation, type StockChange, stockChangeStatements } from './stock';

/** Order status transitions and the stock movements that go with them, each in one atomic batch. */

/**
 * draft → confirmed, reserving stock for every line in the same batch as the (version-guarded) status
 * change. The pre-read gives a helpful 409 listing the shortages; the inventory CHECK constraints are
 * what actually prevents overselling when confirmations race.
 */
export async function confirmOrder(ctx: ServiceContext, id: string): Promise<OrderWithLines> {
  requirePermission(ctx.principal, 'orders:write');
  const order = await findOrder(ctx, id);
  assertStatus(order, ['draft'], 'be confirmed');
  const lines = await loadLines(ctx, id);
  const needed = quantitiesByProduct(lines);
  await assertStockAvailable(ctx, needed);
  const reserve = stockStatements(ctx, needed, id, reservation);
  return writeOrder(ctx, order, { status: 'confirmed', confirmedAt: ctx.now }, lines, reserve);
}

/** confirmed → fulfilled: the reserved goods leave the warehouse. */
export async function fulfilOrder(ctx: ServiceContext, id: string): Promise<OrderWithLines> {
  requirePermission(ctx.principal, 'orders:write');
  const order = await findOrder(ctx, id);
  assertStatus(order, ['confirmed'], 'be fulfilled');
  const lines = await loadLines(ctx, id);
  const consume = stockStatements(ctx, quantitiesByProduct(lines), id, fulfilment);
  return writeOrder(ctx, order, { status: 'fulfilled', fulfilledAt: ctx.now }, lines, consume);
}

/** draft|confirmed → cancelled; a confirmed order gives its reservations back. */
export async function cancelOrder(
  ctx: ServiceContext,
  id: string,
  reason?: string | undefined,
): Promise<OrderWithLines> {
  requirePermission(ctx.principal, 'orders:write');
  const order = await findOrder(ctx, id);
  assertStatus(order, ['draft', 'confirmed'], 'be cancelled');
  // Payments bump the order's version, so this check cannot be overtaken by a concurrent payment.
  if (order.paidMinor > 0) {
    throw new AppError(ErrorCode.INVALID_STATE, 'The order has received payments; refund them before cancelling', {
      paidMinor: order.paidMinor,
    });
  }
  const lines = await loadLines(ctx, id);
  const giveBack = order.status === 'confirmed' ? stockStatements(ctx, quantitiesByProduct(lines), id, release) : [];
  const patch: Partial<Order> = { status: 'cancelled', cancelledAt: ctx.now, cancelReason: reason ?? null };
  return writeOrder(ctx, order, patch, lines, giveBack);
}

/** One stock change per product, however many lines name it. */
function quantitiesByProduct(lines: OrderLine[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  return totals;
}

const stockStatements = (
  ctx: ServiceContext,
  quantities: Map<string, number>,
  orderId: string,
  change: (productId: string, quantity: number, orderId: string) => StockChange,
): Statement[] =>
  [...quantities].flatMap(([productId, quantity]) => stockChangeStatements(ctx, change(productId, quantity, orderId)));

async function assertStockAvailable(ctx: ServiceContext, needed: Map<string, number>) {
  const ids = [...needed.keys()];
  const rows = await inChunks(ids, (part) =>
    ctx.db
      .select({ productId: inventory.productId, onHand: inventory.onHand, reserved: inventory.reserved })
      .from(inventory)
      .where(and(eq(inventory.tenantId, ctx.principal.tenantId), inArray(inventory.productId, part))),
  );
  const available = new Map(rows.map((r) => [r.productId, r.onHand - r.reserved]));
  const shortages = ids
    .map((productId) => ({
      productId,
      requested: needed.get(productId) ?? 0,
      available: available.get(productId) ?? 0,
    }))
    .filter((s) => s.requested > s.available);
  if (shortages.length > 0) {
    throw new AppError(
      ErrorCode.INSUFFICIENT_STOCK,
      `Not enough stock for ${shortages.map((s) => `${s.productId} (${s.requested} > ${s.available})`).join(', ')}`,
      { shortages },
    );
  }
}
