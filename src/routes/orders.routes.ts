import { uuid } from '../contracts/common';
import { CancelOrderBody, CreateOrderBody, UpdateOrderBody } from '../contracts/orders.schemas';
import { ORDER_STATUSES } from '../db/tables';
import { cancelOrder, confirmOrder, fulfilOrder } from '../services/order-lifecycle.service';
import {
  createOrder,
  deleteOrder,
  getOrder,
  listOrders,
  type OrderWithLines,
  updateOrder,
} from '../services/orders.service';
import { listRoute } from './crud';
import {
  createProtectedRouter,
  entityFields,
  IdempotencyHeader,
  IdParams,
  jsonBody,
  jsonResponse,
  listQuery,
  protectedRoute,
  serviceContext,
  toApi,
  z,
} from './openapi';

const OrderLineSchema = z
  .object({
    id: uuid(),
    orderId: uuid(),
    position: z.number().int(),
    productId: uuid(),
    quantity: z.number().int(),
    unitPriceMinor: z.number().int().openapi({ description: "The product's price when the line was written" }),
    discountBps: z.number().int().openapi({ description: 'Discount in basis points (1250 = 12.5 %)' }),
    lineTotalMinor: z.number().int(),
  })
  .openapi('OrderLine');

export const OrderSchema = z
  .object({
    ...entityFields,
    customerId: uuid(),
    salesmanId: uuid().nullable(),
    visitId: uuid().nullable(),
    status: z.enum(ORDER_STATUSES),
    currency: z.string(),
    subtotalMinor: z.number().int(),
    discountMinor: z.number().int(),
    totalMinor: z.number().int(),
    paidMinor: z.number().int(),
    notes: z.string().nullable(),
    orderedAt: z.string(),
    confirmedAt: z.string().nullable(),
    fulfilledAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
  })
  .openapi('Order');

const OrderWithLinesSchema = OrderSchema.extend({ lines: z.array(OrderLineSchema) }).openapi('OrderWithLines');

const ListQuery = listQuery(['orderedAt', 'totalMinor', 'createdAt', 'updatedAt'] as const).extend({
  status: z.enum(ORDER_STATUSES).optional(),
  customerId: uuid().optional(),
  salesmanId: uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'orderedAt at or after this instant' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'orderedAt before this instant' }),
});

const DeleteQuery = z.object({ expectedVersion: z.coerce.number().int().min(1).optional() });

const orderToApi = (order: OrderWithLines) => ({ ...toApi(order), lines: order.lines.map(toApi) });

const transition = (path: string, summary: string) =>
  protectedRoute({
    method: 'post',
    path,
    tags: ['Orders'],
    summary,
    request: { params: IdParams, headers: IdempotencyHeader },
    responses: { 200: jsonResponse(OrderWithLinesSchema, 'The order after the transition') },
  });

export const ordersRouter = listRoute(createProtectedRouter(), {
  tags: ['Orders'],
  summary: 'List orders (a salesman sees only his own)',
  query: ListQuery,
  schema: OrderSchema,
  pageName: 'OrderPage',
  description: 'A page of orders, without lines',
  list: listOrders,
})
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags: ['Orders'],
      summary: 'Create a draft order (prices are copied from the products now)',
      request: { headers: IdempotencyHeader, ...jsonBody(CreateOrderBody) },
      responses: { 201: jsonResponse(OrderWithLinesSchema, 'The created draft order') },
    }),
    async (c) => c.json(orderToApi(await createOrder(serviceContext(c), c.req.valid('json'))), 201),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}',
      tags: ['Orders'],
      summary: 'Get an order with its lines',
      request: { params: IdParams },
      responses: { 200: jsonResponse(OrderWithLinesSchema, 'The order') },
    }),
    async (c) => c.json(orderToApi(await getOrder(serviceContext(c), c.req.valid('param').id)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'patch',
      path: '/{id}',
      tags: ['Orders'],
      summary: 'Update notes, or replace the lines of a draft',
      request: { params: IdParams, ...jsonBody(UpdateOrderBody) },
      responses: { 200: jsonResponse(OrderWithLinesSchema, 'The updated order') },
    }),
    async (c) => {
      const order = await updateOrder(serviceContext(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json(orderToApi(order), 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['Orders'],
      summary: 'Delete a draft order (soft delete)',
      request: { params: IdParams, query: DeleteQuery },
      responses: { 200: jsonResponse(OrderWithLinesSchema, 'The deleted order (tombstone)') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const order = await deleteOrder(serviceContext(c), id, c.req.valid('query').expectedVersion);
      return c.json(orderToApi(order), 200);
    },
  )
  .openapi(transition('/{id}/confirm', 'Confirm a draft, reserving stock for every line'), async (c) =>
    c.json(orderToApi(await confirmOrder(serviceContext(c), c.req.valid('param').id)), 200),
  )
  .openapi(transition('/{id}/fulfil', 'Fulfil a confirmed order, consuming its reserved stock'), async (c) =>
    c.json(orderToApi(await fulfilOrder(serviceContext(c), c.req.valid('param').id)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/cancel',
      tags: ['Orders'],
      summary: 'Cancel a draft or confirmed order (a confirmed one releases its reservations)',
      request: {
        params: IdParams,
        headers: IdempotencyHeader,
        body: { required: false, content: { 'application/json': { schema: CancelOrderBody } } },
      },
      responses: { 200: jsonResponse(OrderWithLinesSchema, 'The cancelled order') },
    }),
    async (c) => {
      const order = await cancelOrder(serviceContext(c), c.req.valid('param').id, c.req.valid('json').reason);
      return c.json(orderToApi(order), 200);
    },
  );
