import { and, asc, count, eq, gte, inArray, isNull, lt, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { ownSalesmanScope, requirePermission } from '../auth/principal';
import type { Statement } from '../db/batch';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { insertRows } from '../db/row-statements';
import { readTogether } from '../db/sql';
import { type OrderStatus, orderLines, orders, products, visits } from '../db/tables';
import { chunk, IDS_PER_QUERY, inChunks } from '../lib/chunk';
import { AppError, ErrorCode, forbidden, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { toUtcIso } from '../lib/time';
import type { ServiceContext } from './context';
import {
  findEntitiesByIds,
  findEntity,
  heldEntities,
  heldEntity,
  insertEntity,
  newEntity,
  ownRowsOnly,
  readableRows,
  updateEntity,
} from './entity';
import { orderTotals, percentToBps } from './order-totals';
import { assertCustomerExists, assertSalesmanExists } from './references';
import { deviceTimestamp, tenantSettings } from './tenant-settings';
import { visitVisibility } from './visits.service';

export type Order = typeof orders.$inferSelect;
export type OrderLine = typeof orderLines.$inferSelect;
export type OrderWithLines = Order & { lines: OrderLine[] };

export interface OrderLineInput {
  productId: string;
  quantity: number;
  /** Percent off the line, 0..100 with at most two decimals. */
  discount?: number | undefined;
}

export interface CreateOrderInput {
  id?: string | undefined;
  customerId: string;
  visitId?: string | undefined;
  salesmanId?: string | undefined;
  orderedAt?: string | undefined;
  notes?: string | null | undefined;
  lines: OrderLineInput[];
}

export interface OrderFilters {
  status?: OrderStatus | undefined;
  customerId?: string | undefined;
  salesmanId?: string | undefined;
  /** orderedAt >= from */
  from?: string | undefined;
  /** orderedAt < to */
  to?: string | undefined;
}

/** D1 binds at most 100 parameters per statement; an order line has 10 columns. */
const LINES_PER_INSERT = 10;

export async function listOrders(ctx: ServiceContext, filters: OrderFilters, page: PageRequest): Promise<Page<Order>> {
  requirePermission(ctx.principal, 'orders:read');
  return listPage(ctx.db, orders, {
    tenantId: ctx.principal.tenantId,
    filters: orderConditions(ctx, filters),
    sortable: {
      orderedAt: orders.orderedAt,
      totalMinor: orders.totalMinor,
      createdAt: orders.createdAt,
      updatedAt: orders.updatedAt,
    },
    defaultSort: '-orderedAt',
    page,
  });
}

/** How many live orders `listOrders` would page through for this caller with these filters. */
export async function countOrders(ctx: ServiceContext, filters: OrderFilters): Promise<number> {
  requirePermission(ctx.principal, 'orders:read');
  const [row] = await ctx.db
    .select({ n: count() })
    .from(orders)
    .where(
      and(eq(orders.tenantId, ctx.principal.tenantId), isNull(orders.deletedAt), ...orderConditions(ctx, filters)),
    );
  return row?.n ?? 0;
}

function orderConditions(ctx: ServiceContext, filters: OrderFilters) {
  return [
    orderVisibility(ctx),
    filters.status ? eq(orders.status, filters.status) : undefined,
    filters.customerId ? eq(orders.customerId, filters.customerId) : undefined,
    filters.salesmanId ? eq(orders.salesmanId, filters.salesmanId) : undefined,
    // Stored instants are UTC ISO strings; normalise so text comparison is chronological.
    filters.from ? gte(orders.orderedAt, toUtcIso(filters.from)) : undefined,
    filters.to ? lt(orders.orderedAt, toUtcIso(filters.to)) : undefined,
  ];
}

/** A salesman only sees his own orders; everyone else with orders:read sees the tenant's. */
export const orderVisibility = (ctx: ServiceContext): SQL | undefined => ownRowsOnly(ctx, orders.salesmanId);

/**
 * Rows that hang off an order (lines, payments) visible as their order is: for a salesman, those of
 * his own orders (`orderId` is the column naming the order).
 */
export function ofVisibleOrders(ctx: ServiceContext, orderId: SQLiteColumn): SQL | undefined {
  const own = orderVisibility(ctx);
  if (!own) return undefined;
  return inArray(
    orderId,
    ctx.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.tenantId, ctx.principal.tenantId), own)),
  );
}

/** A live order of the tenant that the caller may see: another salesman's order answers 404. */
export async function findOrder(ctx: ServiceContext, id: string): Promise<Order> {
  return findEntity(ctx, orders, id, 'Order', orderVisibility(ctx));
}

export async function getOrder(ctx: ServiceContext, id: string): Promise<OrderWithLines> {
  requirePermission(ctx.principal, 'orders:read');
  const order = await findOrder(ctx, id);
  return { ...order, lines: await loadLines(ctx, id) };
}

/** The many-ids form of `getOrder`, without lines (`getLinesByOrderIds` batches those). */
export async function getOrdersByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Order[]> {
  requirePermission(ctx.principal, 'orders:read');
  return findEntitiesByIds(ctx, orders, ids, orderVisibility(ctx));
}

/** Lines of many orders the caller may see, by order and then position (as `loadLines` returns them). */
export async function getLinesByOrderIds(ctx: ServiceContext, orderIds: readonly string[]): Promise<OrderLine[]> {
  requirePermission(ctx.principal, 'orders:read');
  return inChunks([...new Set(orderIds)], (part) =>
    selectLines(ctx, inArray(orderLines.orderId, part), ofVisibleOrders(ctx, orderLines.orderId)),
  );
}

export async function createOrder(ctx: ServiceContext, input: CreateOrderInput): Promise<OrderWithLines> {
  requirePermission(ctx.principal, 'orders:write');
  let salesmanId = await resolveSalesman(ctx, input.salesmanId);
  await assertCustomerExists(ctx, input.customerId);
  const { currency } = await tenantSettings(ctx);
  const id = input.id ?? newId();
  const [visit, prices] = await visitAndPrices(ctx, input.visitId, uniqueProductIds(input.lines));
  // The visit is judged first, as it always was.
  if (input.visitId) salesmanId = checkVisit(visit, input.visitId, input.customerId, salesmanId);
  const { totals, lines } = priceLinesWith(ctx, prices, id, currency, input.lines);
  const order: Order = {
    ...newEntity(ctx, id),
    customerId: input.customerId,
    salesmanId,
    visitId: input.visitId ?? null,
    status: 'draft',
    currency,
    subtotalMinor: totals.subtotalMinor,
    discountMinor: totals.discountMinor,
    totalMinor: totals.totalMinor,
    paidMinor: 0,
    notes: input.notes ?? null,
    orderedAt: deviceTimestamp(ctx, input.orderedAt, 'orderedAt'),
    confirmedAt: null,
    fulfilledAt: null,
    cancelledAt: null,
    cancelReason: null,
  };
  await insertEntity(ctx, orders, order, {
    event: 'order:created',
    entityType: 'order',
    also: insertLines(ctx, lines),
    payload: orderPayload(order, lines),
  });
  return { ...order, lines };
}

export async function updateOrder(
  ctx: ServiceContext,
  id: string,
  input: {
    notes?: string | null | undefined;
    lines?: OrderLineInput[] | undefined;
    expectedVersion?: number | undefined;
  },
): Promise<OrderWithLines> {
  requirePermission(ctx.principal, 'orders:write');
  const existing = await findOrder(ctx, id);
  const patch: Partial<Order> = input.notes === undefined ? {} : { notes: input.notes };
  if (!input.lines) return writeOrder(ctx, existing, patch, await loadLines(ctx, id), [], input.expectedVersion);
  // Prices and quantities are frozen once stock is reserved; only a draft can be re-priced.
  assertStatus(existing, ['draft'], 'have its lines changed');
  const { totals, lines } = await priceLines(ctx, id, existing.currency, input.lines);
  const { lineTotalsMinor: _l, ...money } = totals;
  const replaceLines = [
    ctx.db.delete(orderLines).where(and(eq(orderLines.tenantId, ctx.principal.tenantId), eq(orderLines.orderId, id))),
    ...insertLines(ctx, lines),
  ];
  return writeOrder(ctx, existing, { ...patch, ...money }, lines, replaceLines, input.expectedVersion);
}

export async function deleteOrder(ctx: ServiceContext, id: string, expectedVersion?: number): Promise<OrderWithLines> {
  requirePermission(ctx.principal, 'orders:write');
  const existing = await findOrder(ctx, id);
  assertStatus(existing, ['draft'], 'be deleted (cancel it instead)');
  const lines = await loadLines(ctx, id);
  return writeOrder(ctx, existing, { deletedAt: ctx.now }, lines, [], expectedVersion, 'order:deleted');
}

/** Every order event carries the order as GET /v1/orders/{id} returns it. */
function orderPayload(order: Order, lines: OrderLine[]): Record<string, unknown> {
  const { tenantId: _t, ...rest } = order;
  return { ...rest, lines: lines.map(({ tenantId: _lt, ...line }) => line) };
}

export async function writeOrder(
  ctx: ServiceContext,
  existing: Order,
  patch: Partial<Order>,
  lines: OrderLine[],
  also: Statement[],
  expectedVersion?: number,
  event = 'order:updated',
): Promise<OrderWithLines> {
  const expected: Order = { ...existing, ...patch, updatedAt: ctx.now, version: existing.version + 1 };
  const updated = await updateEntity(ctx, orders, existing, patch, {
    event,
    entityType: 'order',
    also,
    expectedVersion,
    payload: orderPayload(expected, lines),
  });
  return { ...updated, lines };
}

export function assertStatus(order: Order, allowed: OrderStatus[], action: string) {
  if (!allowed.includes(order.status)) {
    throw new AppError(ErrorCode.INVALID_STATE, `A ${order.status} order cannot ${action}`, {
      orderStatus: order.status,
    });
  }
}

/** Lines of an order the caller already holds (found through `findOrder`), in position order. */
export const loadLines = (ctx: ServiceContext, orderId: string): Promise<OrderLine[]> =>
  selectLines(ctx, eq(orderLines.orderId, orderId));

const selectLines = (ctx: ServiceContext, ...conditions: (SQL | undefined)[]) =>
  ctx.db
    .select()
    .from(orderLines)
    .where(and(eq(orderLines.tenantId, ctx.principal.tenantId), ...conditions))
    .orderBy(asc(orderLines.orderId), asc(orderLines.position));

/** A salesman takes orders for himself only; managers may name any salesman of the tenant, or none. */
async function resolveSalesman(ctx: ServiceContext, requested: string | undefined): Promise<string | null> {
  const scope = ownSalesmanScope(ctx.principal);
  if (scope) {
    if (!ctx.principal.salesmanId) throw forbidden('Your user has no salesman profile, so it cannot take orders');
    if (requested && requested !== scope) throw forbidden('A salesman can only create orders for himself');
    return scope;
  }
  if (requested) await assertSalesmanExists(ctx, requested);
  return requested ?? null;
}

/**
 * The order's visit (when it names one) and its products' prices, in one round trip (a sync push creates
 * hundreds of orders, and answers both from the rows it holds when it holds them).
 */
async function visitAndPrices(ctx: ServiceContext, visitId: string | undefined, productIds: string[]) {
  const heldVisit = visitId === undefined ? null : heldEntity(ctx, visits, visitId, visitVisibility(ctx));
  const heldPrices = heldEntities(ctx, products, productIds);
  if (heldVisit !== undefined && heldPrices) return [heldVisit ?? undefined, heldPrices] as const;
  if (!visitId) return [undefined, await pricesOf(ctx, productIds)] as const;
  if (productIds.length > IDS_PER_QUERY)
    return [(await visitRead(ctx, visitId))[0], await pricesOf(ctx, productIds)] as const;
  const [visit, prices] = await readTogether(ctx.db, [visitRead(ctx, visitId), productsRead(ctx, productIds)] as const);
  return [visit[0], prices] as const;
}

const visitRead = (ctx: ServiceContext, visitId: string) =>
  ctx.db
    .select()
    .from(visits)
    .where(and(readableRows(ctx, visits, visitVisibility(ctx)), eq(visits.id, visitId)))
    .limit(1);

/** The visit must exist, be at the order's customer and by the order's salesman; returns that salesman. */
function checkVisit(
  visit: typeof visits.$inferSelect | undefined,
  visitId: string,
  customerId: string,
  salesmanId: string | null,
) {
  if (!visit) throw notFound(`Visit ${visitId}`);
  const mismatch =
    visit.customerId !== customerId
      ? `Visit ${visitId} was made at another customer`
      : salesmanId && visit.salesmanId !== salesmanId
        ? `Visit ${visitId} was made by another salesman`
        : null;
  if (mismatch) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, mismatch, {
      errors: [{ path: 'json.visitId', message: mismatch }],
    });
  }
  return visit.salesmanId;
}

const uniqueProductIds = (input: OrderLineInput[]) => [...new Set(input.map((l) => l.productId))];

/** The products an order's lines name, with what pricing them needs (at most IDS_PER_QUERY ids). */
const productsRead = (ctx: ServiceContext, ids: string[]) =>
  ctx.db
    .select({
      id: products.id,
      sku: products.sku,
      priceMinor: products.priceMinor,
      currency: products.currency,
      active: products.active,
    })
    .from(products)
    .where(and(eq(products.tenantId, ctx.principal.tenantId), inArray(products.id, ids), isNull(products.deletedAt)));

/** Snapshots each product's current price onto the lines and computes the order's totals. */
async function priceLines(ctx: ServiceContext, orderId: string, currency: string, input: OrderLineInput[]) {
  return priceLinesWith(ctx, await pricesOf(ctx, uniqueProductIds(input)), orderId, currency, input);
}

const pricesOf = (ctx: ServiceContext, ids: string[]) => inChunks(ids, (part) => productsRead(ctx, part));

function priceLinesWith(
  ctx: ServiceContext,
  rows: Awaited<ReturnType<typeof productsRead>>,
  orderId: string,
  currency: string,
  input: OrderLineInput[],
) {
  const tenantId = ctx.principal.tenantId;
  const byId = new Map(rows.map((p) => [p.id, p]));
  const priced = input.map((line) => {
    const product = byId.get(line.productId);
    if (!product) throw new AppError(ErrorCode.NOT_FOUND, `Product ${line.productId} not found`);
    const label = `Product ${product.id} (${product.sku})`;
    if (!product.active) {
      throw new AppError(ErrorCode.INVALID_STATE, `${label} is inactive and cannot be ordered`, {
        productId: product.id,
      });
    }
    if (product.currency !== currency) {
      throw new AppError(
        ErrorCode.INVALID_STATE,
        `${label} is priced in ${product.currency}; orders are in ${currency}`,
        {
          productId: product.id,
        },
      );
    }
    return {
      productId: product.id,
      quantity: line.quantity,
      unitPriceMinor: product.priceMinor,
      discountBps: percentToBps(line.discount ?? 0),
    };
  });
  const totals = orderTotals(priced);
  const lines: OrderLine[] = priced.map((line, i) => ({
    tenantId,
    id: newId(),
    orderId,
    position: i + 1,
    ...line,
    lineTotalMinor: totals.lineTotalsMinor[i] ?? 0,
  }));
  return { totals, lines };
}

const insertLines = (ctx: ServiceContext, lines: OrderLine[]): Statement[] =>
  chunk(lines, LINES_PER_INSERT).map((part) => insertRows(ctx.db, orderLines, part));
