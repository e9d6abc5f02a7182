import { and, eq, sql } from 'drizzle-orm';
import { assertChanged, type Statement } from '../db/batch';
import { dialect, rawStatement } from '../db/sql';
import { inventory, type MovementKind } from '../db/tables';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { appendEvent } from './write-pipeline';

/**
 * Batch statements that change one product's stock. Each change updates the inventory row, appends a
 * ledger row with the resulting levels, an `inventory:updated` event, and a `stock:low` event when the
 * available quantity (on hand − reserved) has just fallen to or below the low-stock threshold.
 * The inventory CHECK constraints refuse overselling, aborting the whole batch (→ 409 INSUFFICIENT_STOCK),
 * so callers may combine several changes with other writes and stay atomic.
 */
export interface StockChange {
  productId: string;
  kind: MovementKind;
  /** Change to the physical quantity on hand. */
  onHandDelta: number;
  /** Change to the quantity held by confirmed orders. */
  reservedDelta: number;
  reason?: string | null | undefined;
  orderId?: string | null | undefined;
}

/** Reserving stock for a confirmed order line. */
export const reservation = (productId: string, quantity: number, orderId: string): StockChange => ({
  productId,
  kind: 'reservation',
  onHandDelta: 0,
  reservedDelta: quantity,
  orderId,
});

/** Giving a reservation back (a confirmed order was cancelled). */
export const release = (productId: string, quantity: number, orderId: string): StockChange => ({
  productId,
  kind: 'release',
  onHandDelta: 0,
  reservedDelta: -quantity,
  orderId,
});

/** Goods leave the warehouse: the reservation is consumed together with the stock. */
export const fulfilment = (productId: string, quantity: number, orderId: string): StockChange => ({
  productId,
  kind: 'fulfilment',
  onHandDelta: -quantity,
  reservedDelta: -quantity,
  orderId,
});

export function stockChangeStatements(ctx: ServiceContext, change: StockChange): Statement[] {
  const { db } = ctx;
  const tenantId = ctx.principal.tenantId;
  const row = and(eq(inventory.tenantId, tenantId), eq(inventory.productId, change.productId));
  const where = sql`tenant_id = ${tenantId} AND product_id = ${change.productId}`;
  const availableDelta = change.onHandDelta - change.reservedDelta;
  return [
    db
      .update(inventory)
      .set({
        onHand: sql`${inventory.onHand} + ${change.onHandDelta}`,
        reserved: sql`${inventory.reserved} + ${change.reservedDelta}`,
        updatedAt: ctx.now,
        version: sql`${inventory.version} + 1`,
      })
      .where(row),
    // No inventory row means the product does not exist in this tenant: abort.
    assertChanged(db),
    rawStatement(
      db,
      sql`
      INSERT INTO stock_movements (tenant_id, id, product_id, kind, on_hand_delta, reserved_delta,
                                   on_hand_after, reserved_after, reason, order_id, actor_id, created_at)
      SELECT tenant_id, ${newId()}, product_id, ${change.kind}, ${change.onHandDelta}, ${change.reservedDelta},
             on_hand, reserved, ${change.reason ?? null}, ${change.orderId ?? null}, ${ctx.principal.id}, ${ctx.now}
      FROM inventory WHERE ${where}`,
    ),
    appendEvent(
      ctx,
      { type: 'inventory:updated', entityType: 'inventory', entityId: change.productId, payload: {} },
      { payloadSql: sql`(SELECT ${inventoryJson()} FROM inventory WHERE ${where})` },
    ),
    appendEvent(
      ctx,
      { type: 'stock:low', entityType: 'inventory', entityId: change.productId, payload: {} },
      {
        payloadSql: sql`(SELECT ${inventoryJson()} FROM inventory WHERE ${where})`,
        onlyIf: sql`EXISTS (SELECT 1 FROM inventory WHERE ${where}
                      AND on_hand - reserved <= low_stock_threshold
                      AND on_hand - reserved - ${availableDelta} > low_stock_threshold)`,
      },
    ),
  ];
}

/** The inventory row as the events carry it (the same shape as the REST resource). */
const inventoryJson = () =>
  dialect.jsonObject(
    {
      productId: sql.raw('product_id'),
      onHand: sql.raw('on_hand'),
      reserved: sql.raw('reserved'),
      available: sql.raw('on_hand - reserved'),
      lowStockThreshold: sql.raw('low_stock_threshold'),
      version: sql.raw('version'),
      updatedAt: sql.raw('updated_at'),
    },
    ['updatedAt'],
  );
