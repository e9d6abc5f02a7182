import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { entityColumns } from './columns';
import { MOVEMENT_KINDS } from './enums';
import { tenants } from './tenancy';

export const products = sqliteTable(
  'products',
  {
    ...entityColumns(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    category: text('category'),
    priceMinor: integer('price_minor').notNull(),
    currency: text('currency').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('products_tenant_sku_uq').on(t.tenantId, t.sku).where(sql`deleted_at IS NULL`),
    index('products_tenant_name_idx').on(t.tenantId, t.name, t.id),
    index('products_tenant_category_idx').on(t.tenantId, t.category),
    index('products_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    check('products_price_non_negative', sql`price_minor >= 0`),
  ],
);

/**
 * Stock per product. `reserved` is held by confirmed orders not yet fulfilled; available = on_hand - reserved.
 * The CHECK constraints are what makes a reservation atomic: a batch that would oversell fails whole.
 */
export const inventory = sqliteTable(
  'inventory',
  {
    tenantId: text('tenant_id').notNull(),
    productId: text('product_id').notNull(),
    onHand: integer('on_hand').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    lowStockThreshold: integer('low_stock_threshold').notNull().default(0),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.productId] }),
    index('inventory_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.productId),
    foreignKey({
      columns: [t.tenantId, t.productId],
      foreignColumns: [products.tenantId, products.id],
    }),
    check('inventory_on_hand_non_negative', sql`on_hand >= 0`),
    check('inventory_reserved_within_stock', sql`reserved >= 0 AND reserved <= on_hand`),
  ],
);

/** Append-only ledger: every change to inventory writes one row here in the same batch. */
export const stockMovements = sqliteTable(
  'stock_movements',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    productId: text('product_id').notNull(),
    kind: text('kind', { enum: MOVEMENT_KINDS }).notNull(),
    onHandDelta: integer('on_hand_delta').notNull(),
    reservedDelta: integer('reserved_delta').notNull(),
    onHandAfter: integer('on_hand_after').notNull(),
    reservedAfter: integer('reserved_after').notNull(),
    reason: text('reason'),
    orderId: text('order_id'),
    actorId: text('actor_id'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('stock_movements_product_idx').on(t.tenantId, t.productId, t.createdAt),
    foreignKey({
      columns: [t.tenantId, t.productId],
      foreignColumns: [products.tenantId, products.id],
    }),
  ],
);
