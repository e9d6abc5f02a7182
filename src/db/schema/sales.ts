import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { products } from './catalog';
import { entityColumns } from './columns';
import { ORDER_STATUSES, PAYMENT_METHODS, PAYMENT_STATUSES } from './enums';
import { customers, salesmen, visits } from './field';

export const orders = sqliteTable(
  'orders',
  {
    ...entityColumns(),
    customerId: text('customer_id').notNull(),
    salesmanId: text('salesman_id'),
    visitId: text('visit_id'),
    status: text('status', { enum: ORDER_STATUSES }).notNull().default('draft'),
    currency: text('currency').notNull(),
    subtotalMinor: integer('subtotal_minor').notNull(),
    discountMinor: integer('discount_minor').notNull(),
    totalMinor: integer('total_minor').notNull(),
    paidMinor: integer('paid_minor').notNull().default(0),
    notes: text('notes'),
    /** When the order was taken (the device's clock for offline orders); analytics buckets by it. */
    orderedAt: text('ordered_at').notNull(),
    confirmedAt: text('confirmed_at'),
    fulfilledAt: text('fulfilled_at'),
    cancelledAt: text('cancelled_at'),
    cancelReason: text('cancel_reason'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('orders_tenant_customer_idx').on(t.tenantId, t.customerId, t.orderedAt),
    index('orders_tenant_salesman_idx').on(t.tenantId, t.salesmanId, t.orderedAt),
    index('orders_tenant_status_idx').on(t.tenantId, t.status, t.orderedAt),
    index('orders_tenant_ordered_idx').on(t.tenantId, t.orderedAt, t.id),
    index('orders_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }),
    foreignKey({
      columns: [t.tenantId, t.salesmanId],
      foreignColumns: [salesmen.tenantId, salesmen.id],
    }),
    foreignKey({ columns: [t.tenantId, t.visitId], foreignColumns: [visits.tenantId, visits.id] }),
    check('orders_paid_within_total', sql`paid_minor >= 0`),
  ],
);

export const orderLines = sqliteTable(
  'order_lines',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    orderId: text('order_id').notNull(),
    position: integer('position').notNull(),
    productId: text('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    /** Price copied from the product when the line was written; later price changes do not alter it. */
    unitPriceMinor: integer('unit_price_minor').notNull(),
    /** Discount in basis points (1000 = 10 %). */
    discountBps: integer('discount_bps').notNull().default(0),
    lineTotalMinor: integer('line_total_minor').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('order_lines_order_idx').on(t.tenantId, t.orderId, t.position),
    index('order_lines_product_idx').on(t.tenantId, t.productId),
    foreignKey({ columns: [t.tenantId, t.orderId], foreignColumns: [orders.tenantId, orders.id] }),
    foreignKey({
      columns: [t.tenantId, t.productId],
      foreignColumns: [products.tenantId, products.id],
    }),
    check('order_lines_quantity_positive', sql`quantity > 0`),
    check('order_lines_discount_range', sql`discount_bps >= 0 AND discount_bps <= 10000`),
  ],
);

export const payments = sqliteTable(
  'payments',
  {
    ...entityColumns(),
    orderId: text('order_id').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    method: text('method', { enum: PAYMENT_METHODS }).notNull(),
    status: text('status', { enum: PAYMENT_STATUSES }).notNull(),
    reference: text('reference'),
    receivedAt: text('received_at').notNull(),
    refundedAt: text('refunded_at'),
    notes: text('notes'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('payments_tenant_order_idx').on(t.tenantId, t.orderId),
    index('payments_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({ columns: [t.tenantId, t.orderId], foreignColumns: [orders.tenantId, orders.id] }),
    check('payments_amount_positive', sql`amount_minor > 0`),
  ],
);
