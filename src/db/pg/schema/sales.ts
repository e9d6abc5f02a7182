import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { ORDER_STATUSES, PAYMENT_METHODS, PAYMENT_STATUSES } from '../../schema/enums';
import { products } from './catalog';
import { entityColumns, isoTimestamp } from './columns';
import { customers, salesmen, visits } from './field';

export const orders = pgTable(
  'orders',
  {
    ...entityColumns(),
    customerId: uuid('customer_id').notNull(),
    salesmanId: uuid('salesman_id'),
    visitId: uuid('visit_id'),
    status: text('status', { enum: ORDER_STATUSES }).notNull().default('draft'),
    currency: text('currency').notNull(),
    subtotalMinor: bigint('subtotal_minor', { mode: 'number' }).notNull(),
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    paidMinor: bigint('paid_minor', { mode: 'number' }).notNull().default(0),
    notes: text('notes'),
    /** When the order was taken (the device's clock for offline orders); analytics buckets by it. */
    orderedAt: isoTimestamp('ordered_at').notNull(),
    confirmedAt: isoTimestamp('confirmed_at'),
    fulfilledAt: isoTimestamp('fulfilled_at'),
    cancelledAt: isoTimestamp('cancelled_at'),
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

export const orderLines = pgTable(
  'order_lines',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    orderId: uuid('order_id').notNull(),
    position: integer('position').notNull(),
    productId: uuid('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    /** Price copied from the product when the line was written; later price changes do not alter it. */
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    /** Discount in basis points (1000 = 10 %). */
    discountBps: integer('discount_bps').notNull().default(0),
    lineTotalMinor: bigint('line_total_minor', { mode: 'number' }).notNull(),
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

export const payments = pgTable(
  'payments',
  {
    ...entityColumns(),
    orderId: uuid('order_id').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    method: text('method', { enum: PAYMENT_METHODS }).notNull(),
    status: text('status', { enum: PAYMENT_STATUSES }).notNull(),
    reference: text('reference'),
    receivedAt: isoTimestamp('received_at').notNull(),
    refundedAt: isoTimestamp('refunded_at'),
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
