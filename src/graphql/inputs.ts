import type { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { AppEnv } from '../env';
import { AppError, ErrorCode } from '../lib/errors';
import { CreateCustomerBody, UpdateCustomerBody } from '../routes/customers.routes';
import { notificationsRouter } from '../routes/notifications.routes';
import { ordersRouter } from '../routes/orders.routes';
import { paymentsRouter } from '../routes/payments.routes';
import { CreateProductBody, UpdateProductBody } from '../routes/products.routes';
import { visitsRouter } from '../routes/visits.routes';
import type { NotificationInput } from '../services/notifications.service';
import type { CreateOrderInput } from '../services/orders.service';
import type { PaymentInput } from '../services/payments.service';
import type { CheckOutInput, LocationFix } from '../services/visits.service';

/**
 * Mutation inputs are validated by the very zod schemas that validate the REST bodies, so a field's
 * rules (ranges, lengths, formats, unknown fields) are written once. Most are exported by their route
 * module; the rest are read from the router's OpenAPI registry (the route definitions themselves), and
 * a missing one fails when the module loads, not at request time.
 */
function routeBody<T>(router: OpenAPIHono<AppEnv>, method: string, path: string): z.ZodType<T> {
  for (const def of router.openAPIRegistry.definitions) {
    if (def.type !== 'route' || def.route.method !== method || def.route.path !== path) continue;
    const media = def.route.request?.body?.content?.['application/json'];
    if (media && 'schema' in media && media.schema) return media.schema as z.ZodType<T>;
  }
  throw new Error(`No JSON body schema for ${method.toUpperCase()} ${path}`);
}

// Routers are typed per resource; the registry lookup only needs the common base.
const asRouter = (router: unknown) => router as OpenAPIHono<AppEnv>;

export const bodies = {
  createCustomer: CreateCustomerBody,
  updateCustomer: UpdateCustomerBody,
  createProduct: CreateProductBody,
  updateProduct: UpdateProductBody,
  createOrder: routeBody<CreateOrderInput>(asRouter(ordersRouter), 'post', '/'),
  cancelOrder: routeBody<{ reason?: string | undefined }>(asRouter(ordersRouter), 'post', '/{id}/cancel'),
  recordPayment: routeBody<PaymentInput>(asRouter(paymentsRouter), 'post', '/'),
  checkIn: routeBody<LocationFix>(asRouter(visitsRouter), 'post', '/{id}/check-in'),
  checkOut: routeBody<CheckOutInput>(asRouter(visitsRouter), 'post', '/{id}/check-out'),
  sendNotification: routeBody<NotificationInput>(asRouter(notificationsRouter), 'post', '/'),
};

/**
 * Parses a mutation's input like REST parses a body: a failure is VALIDATION_FAILED (→ BAD_USER_INPUT)
 * with one `errors[]` entry per problem, paths starting at the argument (`input.lines.0.quantity`).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, argument = 'input'): z.output<S> {
  const result = schema.safeParse(withoutUndefined(value));
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    path: [argument, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  throw new AppError(ErrorCode.VALIDATION_FAILED, errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
    errors,
  });
}

/** GraphQL leaves omitted input fields out; resolvers that rebuild inputs may add `undefined` ones back. */
function withoutUndefined(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
