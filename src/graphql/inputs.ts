import type { z } from 'zod';
import { CreateCustomerBody, UpdateCustomerBody } from '../contracts/customers.schemas';
import { AdjustStockBody } from '../contracts/inventory.schemas';
import { PreferencesBody } from '../contracts/notification-centre.schemas';
import { SendNotificationBody } from '../contracts/notifications.schemas';
import { CancelOrderBody, CreateOrderBody } from '../contracts/orders.schemas';
import { CreatePaymentBody } from '../contracts/payments.schemas';
import { CreateProductBody, UpdateProductBody } from '../contracts/products.schemas';
import { CreateTargetBody, UpdateTargetBody } from '../contracts/targets.schemas';
import { UpdateTenantBody } from '../contracts/tenant.schemas';
import { CheckInBody, CheckOutBody, CreateVisitBody, UpdateVisitBody } from '../contracts/visits.schemas';
import { AppError, ErrorCode } from '../lib/errors';
import { formatIssues } from '../lib/zod-issues';

/**
 * Mutation inputs are validated by the very zod schemas that validate the REST bodies, so a field's
 * rules (ranges, lengths, formats, unknown fields) are written once, in src/contracts.
 */
export const bodies = {
  createCustomer: CreateCustomerBody,
  updateCustomer: UpdateCustomerBody,
  createProduct: CreateProductBody,
  updateProduct: UpdateProductBody,
  createOrder: CreateOrderBody,
  cancelOrder: CancelOrderBody,
  recordPayment: CreatePaymentBody,
  checkIn: CheckInBody,
  checkOut: CheckOutBody,
  sendNotification: SendNotificationBody,
  updateNotificationPreferences: PreferencesBody,
  updateTenant: UpdateTenantBody,
  createVisit: CreateVisitBody,
  updateVisit: UpdateVisitBody,
  createTarget: CreateTargetBody,
  updateTarget: UpdateTargetBody,
  adjustStock: AdjustStockBody,
};

/**
 * Parses a mutation's input like REST parses a body: a failure is VALIDATION_FAILED (→ BAD_USER_INPUT)
 * with one `errors[]` entry per problem, paths starting at the argument (`input.lines.0.quantity`).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, argument = 'input'): z.output<S> {
  const result = schema.safeParse(withoutUndefined(value));
  if (result.success) return result.data;
  const { errors, detail } = formatIssues(result.error.issues, argument);
  throw new AppError(ErrorCode.VALIDATION_FAILED, detail, { errors });
}

/** GraphQL leaves omitted input fields out; resolvers that rebuild inputs may add `undefined` ones back. */
function withoutUndefined(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
