import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import { assertChanged } from '../db/batch';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { orders, type PAYMENT_METHODS, payments } from '../db/tables';
import { inChunks } from '../lib/chunk';
import { AppError, ErrorCode } from '../lib/errors';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { findEntity, newEntity, readableRows, updateEntity } from './entity';
import { findOrder, ofVisibleOrders } from './orders.service';
import { deviceTimestamp } from './tenant-settings';
import { appendEvent, commit } from './write-pipeline';

export type Payment = typeof payments.$inferSelect;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface PaymentInput {
  id?: string | undefined;
  orderId: string;
  amountMinor: number;
  method: PaymentMethod;
  /** A failed attempt is recorded for the history but does not count towards what was paid. */
  status?: 'received' | 'failed' | undefined;
  reference?: string | null | undefined;
  receivedAt?: string | undefined;
  notes?: string | null | undefined;
}

export interface PaymentFilters {
  orderId?: string | undefined;
  status?: Payment['status'] | undefined;
  method?: PaymentMethod | undefined;
}

const PAYABLE: readonly string[] = ['confirmed', 'fulfilled'];

export async function listPayments(
  ctx: ServiceContext,
  filters: PaymentFilters,
  page: PageRequest,
): Promise<Page<Payment>> {
  requirePermission(ctx.principal, 'payments:read');
  return listPage(ctx.db, payments, {
    tenantId: ctx.principal.tenantId,
    filters: [
      paymentVisibility(ctx),
      filters.orderId ? eq(payments.orderId, filters.orderId) : undefined,
      filters.status ? eq(payments.status, filters.status) : undefined,
      filters.method ? eq(payments.method, filters.method) : undefined,
    ],
    sortable: {
      receivedAt: payments.receivedAt,
      amountMinor: payments.amountMinor,
      createdAt: payments.createdAt,
      updatedAt: payments.updatedAt,
    },
    defaultSort: '-receivedAt',
    page,
  });
}

export async function getPayment(ctx: ServiceContext, id: string): Promise<Payment> {
  requirePermission(ctx.principal, 'payments:read');
  return findPayment(ctx, id);
}

/** Live payments of many orders, oldest first per order (what an order's `payments` field shows). */
export async function getPaymentsByOrderIds(ctx: ServiceContext, orderIds: readonly string[]): Promise<Payment[]> {
  requirePermission(ctx.principal, 'payments:read');
  return inChunks([...new Set(orderIds)], (part) =>
    ctx.db
      .select()
      .from(payments)
      .where(and(readableRows(ctx, payments, paymentVisibility(ctx)), inArray(payments.orderId, part)))
      .orderBy(asc(payments.receivedAt), asc(payments.id)),
  );
}

/** A salesman only sees payments of his own orders; others answer 404 like a missing id. */
const paymentVisibility = (ctx: ServiceContext) => ofVisibleOrders(ctx, payments.orderId);

/**
 * Records a payment against a confirmed or fulfilled order. A received payment raises the order's
 * paid amount in the same batch; that update only matches while the order is still payable and the
 * payment still fits the outstanding amount, so two racing payments can never overpay it.
 */
export async function createPayment(ctx: ServiceContext, input: PaymentInput): Promise<Payment> {
  requirePermission(ctx.principal, 'payments:write');
  const order = await findOrder(ctx, input.orderId);
  if (!PAYABLE.includes(order.status)) {
    throw new AppError(ErrorCode.INVALID_STATE, `A ${order.status} order cannot take payments`, {
      orderStatus: order.status,
    });
  }
  const status = input.status ?? 'received';
  const outstandingMinor = order.totalMinor - order.paidMinor;
  if (status === 'received' && input.amountMinor > outstandingMinor) {
    throw new AppError(
      ErrorCode.CONFLICT,
      `A payment of ${input.amountMinor} exceeds the outstanding amount of ${outstandingMinor}`,
      { outstandingMinor },
    );
  }
  const payment: Payment = {
    ...newEntity(ctx, input.id ?? newId()),
    orderId: order.id,
    amountMinor: input.amountMinor,
    currency: order.currency,
    method: input.method,
    status,
    reference: input.reference ?? null,
    receivedAt: deviceTimestamp(ctx, input.receivedAt, 'receivedAt'),
    refundedAt: null,
    notes: input.notes ?? null,
  };
  const tenantId = ctx.principal.tenantId;
  const applyToOrder = [
    ctx.db
      .update(orders)
      .set({
        paidMinor: sql`${orders.paidMinor} + ${payment.amountMinor}`,
        version: sql`${orders.version} + 1`,
        updatedAt: ctx.now,
      })
      .where(
        and(
          eq(orders.tenantId, tenantId),
          eq(orders.id, order.id),
          isNull(orders.deletedAt),
          inArray(orders.status, ['confirmed', 'fulfilled']),
          sql`${orders.paidMinor} + ${payment.amountMinor} <= ${orders.totalMinor}`,
        ),
      ),
    assertChanged(ctx.db),
  ];
  await commit(
    ctx,
    [
      ...(status === 'received' ? applyToOrder : []),
      ctx.db.insert(payments).values(payment),
      appendEvent(ctx, {
        type: `payment:${status}`,
        entityType: 'payment',
        entityId: payment.id,
        payload: publicPayment(payment),
      }),
    ],
    () => new AppError(ErrorCode.CONFLICT, 'The order changed meanwhile (status or amount paid); reload and retry'),
  );
  return payment;
}

/** received → refunded; the order's paid amount goes down by the payment in the same batch. */
export async function refundPayment(ctx: ServiceContext, id: string): Promise<Payment> {
  requirePermission(ctx.principal, 'payments:write');
  const payment = await findPayment(ctx, id);
  if (payment.status !== 'received') {
    throw new AppError(ErrorCode.INVALID_STATE, `A ${payment.status} payment cannot be refunded`, {
      paymentStatus: payment.status,
    });
  }
  const patch: Partial<Payment> = { status: 'refunded', refundedAt: ctx.now };
  const expected: Payment = { ...payment, ...patch, updatedAt: ctx.now, version: payment.version + 1 };
  return updateEntity(ctx, payments, payment, patch, {
    event: 'payment:refunded',
    entityType: 'payment',
    payload: publicPayment(expected),
    also: [
      ctx.db
        .update(orders)
        .set({
          paidMinor: sql`${orders.paidMinor} - ${payment.amountMinor}`,
          version: sql`${orders.version} + 1`,
          updatedAt: ctx.now,
        })
        .where(and(eq(orders.tenantId, ctx.principal.tenantId), eq(orders.id, payment.orderId))),
      assertChanged(ctx.db),
    ],
  });
}

const findPayment = (ctx: ServiceContext, id: string): Promise<Payment> =>
  findEntity(ctx, payments, id, 'Payment', paymentVisibility(ctx));

function publicPayment(payment: Payment): Record<string, unknown> {
  const { tenantId: _t, ...rest } = payment;
  return rest;
}
