import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import { assertChanged } from '../db/batch';
import { after, decodeCursor, encodeCursor, type Page } from '../db/pagination';
import { inventory, products, stockMovements } from '../db/tables';
import { inChunks } from '../lib/chunk';
import { AppError, ErrorCode, notFound } from '../lib/errors';
import { toUtcIso } from '../lib/time';
import type { ServiceContext } from './context';
import { stockChangeStatements } from './stock';
import { appendEvent, commit } from './write-pipeline';

export type StockMovement = typeof stockMovements.$inferSelect;

export interface InventoryItem {
  productId: string;
  sku: string;
  name: string;
  onHand: number;
  reserved: number;
  available: number;
  lowStockThreshold: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The stock levels alone, as `inventory:updated` and `stock:low` events carry them. */
export type InventoryLevel = Omit<InventoryItem, 'sku' | 'name' | 'createdAt'>;

export interface InventoryFilters {
  /** true: only items whose available quantity is at or below their threshold; false: only the others. */
  lowStock?: boolean | undefined;
  productId?: string | undefined;
}

export interface InventoryPageRequest {
  limit: number;
  cursor?: string | undefined;
  sort?: string | undefined;
  updatedSince?: string | undefined;
}

export interface StockAdjustment {
  delta: number;
  reason: string;
  kind?: 'adjustment' | 'receipt' | undefined;
}

// Built per query, not once per module: the tables are the deployment's (src/db/tables.ts), chosen when
// the database is opened.
const available = () => sql<number>`(${inventory.onHand} - ${inventory.reserved})`.mapWith(inventory.onHand);

const itemColumns = () => ({
  productId: inventory.productId,
  sku: products.sku,
  name: products.name,
  onHand: inventory.onHand,
  reserved: inventory.reserved,
  available: available(),
  lowStockThreshold: inventory.lowStockThreshold,
  version: inventory.version,
  createdAt: inventory.createdAt,
  updatedAt: inventory.updatedAt,
});

/** Keys are both the `sort` values and the item properties the cursor value is read from. */
const sortable = (): Record<string, SQL> => ({
  sku: sql`${products.sku}`,
  name: sql`${products.name}`,
  available: available(),
  updatedAt: sql`${inventory.updatedAt}`,
});

/** Inventory of live products only: a soft-deleted product's stock is as invisible as the product. */
const selectItems = (ctx: ServiceContext, ...conditions: (SQL | undefined)[]) =>
  ctx.db
    .select(itemColumns())
    .from(inventory)
    .innerJoin(products, and(eq(products.tenantId, inventory.tenantId), eq(products.id, inventory.productId)))
    .where(and(eq(inventory.tenantId, ctx.principal.tenantId), isNull(products.deletedAt), ...conditions));

/**
 * Keyset pagination like db/pagination's listPage, which cannot serve here: it reads one table and
 * needs an `id` column, while inventory is keyed by product and shows the product's sku and name.
 */
export async function listInventory(
  ctx: ServiceContext,
  filters: InventoryFilters,
  page: InventoryPageRequest,
): Promise<Page<InventoryItem>> {
  requirePermission(ctx.principal, 'inventory:read');
  const sort = page.sort ?? 'sku';
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  const key = sortable()[field];
  if (!key) throw new AppError(ErrorCode.BAD_REQUEST, `Cannot sort by ${field}`);
  const cmp = descending ? lt : gt;
  const order = descending ? desc : asc;
  const cursor = page.cursor ? decodeCursor(page.cursor, sort) : undefined;

  const rows = await selectItems(
    ctx,
    filters.productId ? eq(inventory.productId, filters.productId) : undefined,
    filters.lowStock === undefined
      ? undefined
      : filters.lowStock
        ? lte(available(), inventory.lowStockThreshold)
        : gt(available(), inventory.lowStockThreshold),
    page.updatedSince ? gte(inventory.updatedAt, toUtcIso(page.updatedSince)) : undefined,
    cursor ? or(cmp(key, cursor.v), and(eq(key, cursor.v), cmp(inventory.productId, cursor.id))) : undefined,
  )
    .orderBy(order(key), order(inventory.productId))
    .limit(page.limit + 1);

  const hasMore = rows.length > page.limit;
  const data = hasMore ? rows.slice(0, page.limit) : rows;
  const last = data.at(-1);
  const nextCursor =
    hasMore && last ? encodeCursor({ s: sort, v: last[field as keyof InventoryItem], id: last.productId }) : null;
  return { data, nextCursor };
}

export async function getInventory(ctx: ServiceContext, productId: string): Promise<InventoryItem> {
  requirePermission(ctx.principal, 'inventory:read');
  return findItem(ctx, productId);
}

/** The many-ids form of `getInventory`: a missing or deleted product simply yields no item. */
export async function getInventoryByProductIds(
  ctx: ServiceContext,
  productIds: readonly string[],
): Promise<InventoryItem[]> {
  requirePermission(ctx.principal, 'inventory:read');
  return inChunks([...new Set(productIds)], (part) => selectItems(ctx, inArray(inventory.productId, part)));
}

/**
 * A manual stock correction or a goods receipt. The inventory CHECK constraints refuse a result below
 * zero or below what confirmed orders hold, aborting the batch with nothing written (409 INSUFFICIENT_STOCK).
 */
export async function adjustStock(
  ctx: ServiceContext,
  productId: string,
  input: StockAdjustment,
): Promise<InventoryItem> {
  requirePermission(ctx.principal, 'inventory:write');
  const kind = input.kind ?? 'adjustment';
  if (!Number.isInteger(input.delta) || input.delta === 0) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'delta must be a non-zero integer');
  }
  if (kind === 'receipt' && input.delta < 0) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'A receipt adds stock; use an adjustment to remove it');
  }
  await findItem(ctx, productId);
  await commit(
    ctx,
    stockChangeStatements(ctx, { productId, kind, onHandDelta: input.delta, reservedDelta: 0, reason: input.reason }),
    () => notFound('Product'),
  );
  return findItem(ctx, productId);
}

/**
 * Changing the threshold can make an item low without any stock moving, so it raises `stock:low` itself
 * when available stock was above the old threshold and is at or below the new one (a crossing, as in
 * stock.ts). The version guard makes the levels read here the ones the update applies to.
 */
export async function updateInventory(
  ctx: ServiceContext,
  productId: string,
  input: { lowStockThreshold: number; expectedVersion?: number | undefined },
): Promise<InventoryItem> {
  requirePermission(ctx.principal, 'inventory:write');
  const existing = await findItem(ctx, productId);
  if (input.expectedVersion !== undefined && input.expectedVersion !== existing.version) {
    throw new AppError(
      ErrorCode.VERSION_MISMATCH,
      `The inventory is at version ${existing.version}, not ${input.expectedVersion}`,
      { currentVersion: existing.version },
    );
  }
  const updated: InventoryItem = {
    ...existing,
    lowStockThreshold: input.lowStockThreshold,
    version: existing.version + 1,
    updatedAt: ctx.now,
  };
  const { sku: _s, name: _n, createdAt: _c, ...payload } = updated;
  const becameLow = updated.available <= updated.lowStockThreshold && existing.available > existing.lowStockThreshold;
  const event = (type: string) => appendEvent(ctx, { type, entityType: 'inventory', entityId: productId, payload });
  await commit(
    ctx,
    [
      ctx.db
        .update(inventory)
        .set({ lowStockThreshold: updated.lowStockThreshold, updatedAt: ctx.now, version: updated.version })
        .where(
          and(
            eq(inventory.tenantId, ctx.principal.tenantId),
            eq(inventory.productId, productId),
            eq(inventory.version, existing.version),
          ),
        ),
      assertChanged(ctx.db),
      event('inventory:updated'),
      ...(becameLow ? [event('stock:low')] : []),
    ],
    () => new AppError(ErrorCode.VERSION_MISMATCH, 'The inventory was changed by someone else; reload and retry'),
  );
  return updated;
}

/** The product's stock ledger, newest first (created_at, then the time-ordered UUIDv7 id). */
export async function listMovements(
  ctx: ServiceContext,
  productId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<StockMovement>> {
  requirePermission(ctx.principal, 'inventory:read');
  await findItem(ctx, productId);
  const cursor = page.cursor ? decodeCursor(page.cursor, 'movements') : undefined;
  const rows = await ctx.db
    .select()
    .from(stockMovements)
    .where(
      and(
        eq(stockMovements.tenantId, ctx.principal.tenantId),
        eq(stockMovements.productId, productId),
        cursor ? after(stockMovements.createdAt, stockMovements.id, cursor, true) : undefined,
      ),
    )
    .orderBy(desc(stockMovements.createdAt), desc(stockMovements.id))
    .limit(page.limit + 1);
  const hasMore = rows.length > page.limit;
  const data = hasMore ? rows.slice(0, page.limit) : rows;
  const last = data.at(-1);
  return {
    data,
    nextCursor: hasMore && last ? encodeCursor({ s: 'movements', v: last.createdAt, id: last.id }) : null,
  };
}

async function findItem(ctx: ServiceContext, productId: string): Promise<InventoryItem> {
  const rows = await selectItems(ctx, eq(inventory.productId, productId)).limit(1);
  const row = rows[0];
  if (!row) throw notFound('Product');
  return row;
}
