import { uuid } from '../contracts/common';
import { CreatePaymentBody } from '../contracts/payments.schemas';
import { PAYMENT_METHODS, PAYMENT_STATUSES } from '../db/tables';
import { createPayment, getPayment, listPayments, refundPayment } from '../services/payments.service';
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

export const PaymentSchema = z
  .object({
    ...entityFields,
    orderId: uuid(),
    amountMinor: z.number().int(),
    currency: z.string(),
    method: z.enum(PAYMENT_METHODS),
    status: z.enum(PAYMENT_STATUSES),
    reference: z.string().nullable(),
    receivedAt: z.string(),
    refundedAt: z.string().nullable(),
    notes: z.string().nullable(),
  })
  .openapi('Payment');

const ListQuery = listQuery(['receivedAt', 'amountMinor', 'createdAt', 'updatedAt'] as const).extend({
  orderId: uuid().optional(),
  status: z.enum(PAYMENT_STATUSES).optional(),
  method: z.enum(PAYMENT_METHODS).optional(),
});

export const paymentsRouter = listRoute(createProtectedRouter(), {
  tags: ['Payments'],
  summary: "List payments (a salesman sees only his own orders' payments)",
  query: ListQuery,
  schema: PaymentSchema,
  pageName: 'PaymentPage',
  description: 'A page of payments',
  list: listPayments,
})
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags: ['Payments'],
      summary: 'Record a payment on a confirmed or fulfilled order',
      request: { headers: IdempotencyHeader, ...jsonBody(CreatePaymentBody) },
      responses: { 201: jsonResponse(PaymentSchema, 'The recorded payment') },
    }),
    async (c) => c.json(toApi(await createPayment(serviceContext(c), c.req.valid('json'))), 201),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}',
      tags: ['Payments'],
      summary: 'Get a payment',
      request: { params: IdParams },
      responses: { 200: jsonResponse(PaymentSchema, 'The payment') },
    }),
    async (c) => c.json(toApi(await getPayment(serviceContext(c), c.req.valid('param').id)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/refund',
      tags: ['Payments'],
      summary: "Refund a received payment (the order's paid amount goes down)",
      request: { params: IdParams, headers: IdempotencyHeader },
      responses: { 200: jsonResponse(PaymentSchema, 'The refunded payment') },
    }),
    async (c) => c.json(toApi(await refundPayment(serviceContext(c), c.req.valid('param').id)), 200),
  );
