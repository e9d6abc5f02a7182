import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { ORDER_STATUSES, PAYMENT_METHODS, PAYMENT_STATUSES } from '../../db/tables';
import { countOrders, getLinesByOrderIds, getOrder, listOrders } from '../../services/orders.service';
import { getPayment, getPaymentsByOrderIds, listPayments } from '../../services/payments.service';
import { builder } from '../builder';
import { connectionComplexity, pageRequest, toConnection } from '../connection';
import type { GraphQLContext } from '../context';
import { valueEnum } from '../enums';
import { localId, optionalLocalId } from '../ids';
import {
  CustomerRef,
  OrderConnection,
  OrderLineRef,
  OrderRef,
  PaymentConnection,
  PaymentRef,
  ProductRef,
  SalesmanRef,
  VisitRef,
} from '../refs';
import { OrderSort, PaymentSort } from '../sorts';
import { entityFields, orNull } from './common';

/** A loader of lists answers one list per order id, in the ids' order; an order without rows gets []. */
function perOrder<T extends { orderId: string }>(orderIds: readonly string[], rows: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.orderId);
    if (group) group.push(row);
    else groups.set(row.orderId, [row]);
  }
  return orderIds.map((id) => groups.get(id) ?? []);
}

/** Lines of many orders in one query per request level (the N+1 a list of orders would otherwise cost). */
const linesLoader = createContextCache(
  (ctx: GraphQLContext) =>
    new DataLoader(async (orderIds: readonly string[]) =>
      perOrder(orderIds, await getLinesByOrderIds(ctx.service, orderIds)),
    ),
);

export const OrderStatusEnum = valueEnum('OrderStatus', ORDER_STATUSES);
export const PaymentMethodEnum = valueEnum('PaymentMethod', PAYMENT_METHODS);
const PaymentStatusEnum = valueEnum('PaymentStatus', PAYMENT_STATUSES);

OrderRef.implement({
  description: 'An order taken from a customer. Totals are in minor units of `currency`; salesmen see their own.',
  fields: (t) => ({
    ...entityFields(t),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (o) => o.customerId }),
    salesman: t.field({ type: SalesmanRef, nullable: true, resolve: (o) => o.salesmanId }),
    visit: t.field({ type: VisitRef, nullable: true, resolve: (o) => o.visitId }),
    status: t.expose('status', { type: OrderStatusEnum }),
    currency: t.exposeString('currency'),
    subtotalMinor: t.field({ type: 'SafeInt', resolve: (o) => o.subtotalMinor }),
    discountMinor: t.field({ type: 'SafeInt', resolve: (o) => o.discountMinor }),
    totalMinor: t.field({ type: 'SafeInt', resolve: (o) => o.totalMinor }),
    paidMinor: t.field({ type: 'SafeInt', resolve: (o) => o.paidMinor }),
    notes: t.exposeString('notes', { nullable: true }),
    orderedAt: t.field({ type: 'DateTime', resolve: (o) => o.orderedAt }),
    confirmedAt: t.field({ type: 'DateTime', nullable: true, resolve: (o) => o.confirmedAt }),
    fulfilledAt: t.field({ type: 'DateTime', nullable: true, resolve: (o) => o.fulfilledAt }),
    cancelledAt: t.field({ type: 'DateTime', nullable: true, resolve: (o) => o.cancelledAt }),
    cancelReason: t.exposeString('cancelReason', { nullable: true }),
    lines: t.field({
      type: [OrderLineRef],
      description: 'The lines in position order',
      // An order that arrives with its lines (getOrder, mutations, events) does not load them again.
      resolve: (o, _args, ctx) => o.lines ?? linesLoader(ctx).load(o.id),
    }),
    payments: t.loadableList({
      type: PaymentRef,
      description: 'Payments recorded against the order (needs payments:read)',
      load: async (ids: string[], ctx) => perOrder(ids, await getPaymentsByOrderIds(ctx.service, ids)),
      resolve: (o) => o.id,
    }),
  }),
});

OrderLineRef.implement({
  description: "One product on an order, priced when the line was written (later price changes don't alter it).",
  fields: (t) => ({
    uuid: t.exposeString('id'),
    position: t.exposeInt('position'),
    product: t.field({ type: ProductRef, nullable: true, resolve: (l) => l.productId }),
    quantity: t.exposeInt('quantity'),
    unitPriceMinor: t.field({ type: 'SafeInt', resolve: (l) => l.unitPriceMinor }),
    discountBps: t.exposeInt('discountBps', { description: 'Discount in basis points (1250 = 12.5 %)' }),
    lineTotalMinor: t.field({ type: 'SafeInt', resolve: (l) => l.lineTotalMinor }),
  }),
});

builder.node(PaymentRef, {
  description: 'Money received (or a failed attempt) against a confirmed or fulfilled order.',
  id: { resolve: (p) => p.id },
  loadOne: (id, ctx) => orNull(getPayment(ctx.service, id)),
  fields: (t) => ({
    ...entityFields(t),
    order: t.field({ type: OrderRef, nullable: true, resolve: (p) => p.orderId }),
    amountMinor: t.field({ type: 'SafeInt', resolve: (p) => p.amountMinor }),
    currency: t.exposeString('currency'),
    method: t.expose('method', { type: PaymentMethodEnum }),
    status: t.expose('status', { type: PaymentStatusEnum }),
    reference: t.exposeString('reference', { nullable: true }),
    receivedAt: t.field({ type: 'DateTime', resolve: (p) => p.receivedAt }),
    refundedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.refundedAt }),
    notes: t.exposeString('notes', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  orders: t.connection(
    {
      type: OrderRef,
      nullable: true,
      description: 'Orders; a salesman sees only his own',
      args: {
        status: t.arg({ type: OrderStatusEnum }),
        customerId: t.arg.id(),
        salesmanId: t.arg.id(),
        from: t.arg({ type: 'DateTime', description: 'orderedAt at or after this instant' }),
        to: t.arg({ type: 'DateTime', description: 'orderedAt strictly before this instant' }),
        sort: t.arg({ type: OrderSort, required: true, defaultValue: '-orderedAt' }),
      },
      complexity: connectionComplexity,
      resolve: async (_root, args, ctx) => {
        const filters = {
          status: args.status ?? undefined,
          customerId: optionalLocalId(args.customerId, 'Customer', 'customerId') ?? undefined,
          salesmanId: optionalLocalId(args.salesmanId, 'Salesman', 'salesmanId') ?? undefined,
          from: args.from ?? undefined,
          to: args.to ?? undefined,
        };
        const page = await listOrders(ctx.service, filters, pageRequest(args, args.sort));
        return toConnection(page, args.sort, () => countOrders(ctx.service, filters));
      },
    },
    OrderConnection,
  ),
  order: t.field({
    type: OrderRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'Global id or UUID' }) },
    resolve: (_root, args, ctx) => getOrder(ctx.service, localId(args.id, 'Order')),
  }),
  payments: t.connection(
    {
      type: PaymentRef,
      nullable: true,
      description: 'Payments; a salesman sees those of his own orders',
      args: {
        orderId: t.arg.id(),
        status: t.arg({ type: PaymentStatusEnum }),
        method: t.arg({ type: PaymentMethodEnum }),
        sort: t.arg({ type: PaymentSort, required: true, defaultValue: '-receivedAt' }),
      },
      complexity: connectionComplexity,
      resolve: async (_root, args, ctx) => {
        const filters = {
          orderId: optionalLocalId(args.orderId, 'Order', 'orderId') ?? undefined,
          status: args.status ?? undefined,
          method: args.method ?? undefined,
        };
        return toConnection(await listPayments(ctx.service, filters, pageRequest(args, args.sort)), args.sort);
      },
    },
    PaymentConnection,
  ),
  payment: t.field({
    type: PaymentRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'Global id or UUID' }) },
    resolve: (_root, args, ctx) => getPayment(ctx.service, localId(args.id, 'Payment')),
  }),
}));
