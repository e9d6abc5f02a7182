import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { MOVEMENT_KINDS } from '../../schema/enums';
import { entityColumns, isoTimestamp } from './columns';
import { tenants } from './tenancy';

export const products = pgTable(
  'products',
  {
    ...entityColumns(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    category: text('category'),
    priceMinor: bigint('price_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    active: boolean('active').notNull().default(true),
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
 * The CHECK constraints are what makes a reservation atomic: a write that would oversell fails whole (the
 * code recognises them by name). Quantities are bigint: one adjustment may move up to 10^9 units.
 */
export const inventory = pgTable(
  'inventory',
  {
    tenantId: uuid('tenant_id').notNull(),
    productId: uuid('product_id').notNull(),
    onHand: bigint('on_hand', { mode: 'number' }).notNull().default(0),
    reserved: bigint('reserved', { mode: 'number' }).notNull().default(0),
    lowStockThreshold: integer('low_stock_threshold').notNull().default(0),
    createdAt: isoTimestamp('created_at').notNull(),
    updatedAt: isoTimestamp('updated_at').notNull(),
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

/** Append-only ledger: every change to inventory writes one row here in the same transaction. */
export const stockMovements = pgTable(
  'stock_movements',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    productId: uuid('product_id').notNull(),
    kind: text('kind', { enum: MOVEMENT_KINDS }).notNull(),
    onHandDelta: bigint('on_hand_delta', { mode: 'number' }).notNull(),
    reservedDelta: bigint('reserved_delta', { mode: 'number' }).notNull(),
    onHandAfter: bigint('on_hand_after', { mode: 'number' }).notNull(),
    reservedAfter: bigint('reserved_after', { mode: 'number' }).notNull(),
    reason: text('reason'),
    orderId: uuid('order_id'),
    /** The acting principal's id (a user, an API key, or `system:<component>`). */
    actorId: text('actor_id'),
    createdAt: isoTimestamp('created_at').notNull(),
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
