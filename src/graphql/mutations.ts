import { createCustomer, deleteCustomer, updateCustomer } from '../services/customers.service';
import { sendNotification } from '../services/notifications.service';
import { cancelOrder, confirmOrder } from '../services/order-lifecycle.service';
import { createOrder } from '../services/orders.service';
import { createPayment } from '../services/payments.service';
import { createProduct, deleteProduct, updateProduct } from '../services/products.service';
import { checkIn, checkOut } from '../services/visits.service';
import { builder } from './builder';
import { valueEnum } from './enums';
import { localId, optionalLocalId } from './ids';
import { bodies, parseInput } from './inputs';
import { CustomerRef, NotificationRef, OrderRef, PaymentRef, ProductRef, VisitRef } from './refs';
import { PaymentMethodEnum } from './types/sales';
import { VisitOutcomeEnum } from './types/visits';

/**
 * Mutations mirror the REST writes one to one: each resolver turns ids into UUIDs, validates its input
 * with the REST body schema, and calls the one service function the REST route calls. Idempotency-Key
 * (HTTP header) is handled around the whole request (src/graphql/route.ts); each service's commit hands its
 * events to the realtime hub itself.
 */

const clientId = { description: 'Client-generated UUIDv7 (offline creation)' };
const expectedVersion = { description: 'Fail with CONFLICT (reason VERSION_MISMATCH) unless still at this version' };

const productFields = (t: PothosSchemaTypes.InputFieldBuilder<any, 'InputObject'>, create: boolean) => ({
  sku: t.string({ required: create }),
  name: t.string({ required: create }),
  description: t.string(),
  category: t.string(),
  priceMinor: t.field({ type: 'SafeInt', required: create, description: 'Unit price in minor units' }),
  currency: t.string({ description: "ISO 4217; defaults to the tenant's currency" }),
  active: t.boolean(),
});

const CreateProductInput = builder.inputType('CreateProductInput', {
  fields: (t) => ({
    id: t.string(clientId),
    ...productFields(t, true),
    initialStock: t.int({ description: 'Stock on hand, booked as a receipt' }),
    lowStockThreshold: t.int({ description: '`stockLow` fires when available falls to it' }),
  }),
});
const UpdateProductInput = builder.inputType('UpdateProductInput', {
  fields: (t) => ({ ...productFields(t, false), expectedVersion: t.int(expectedVersion) }),
});

const customerFields = (t: PothosSchemaTypes.InputFieldBuilder<any, 'InputObject'>, create: boolean) => ({
  name: t.string({ required: create }),
  email: t.string(),
  phone: t.string(),
  company: t.string(),
  address: t.string(),
  city: t.string(),
  lat: t.float({ description: 'With lng; -90..90' }),
  lng: t.float({ description: 'With lat; -180..180' }),
  territoryId: t.id(),
  salesmanId: t.id(),
  notes: t.string(),
  externalId: t.string({ description: "Your own system's id; unique among live customers" }),
});

const CreateCustomerInput = builder.inputType('CreateCustomerInput', {
  fields: (t) => ({ id: t.string(clientId), ...customerFields(t, true) }),
});
const UpdateCustomerInput = builder.inputType('UpdateCustomerInput', {
  fields: (t) => ({ ...customerFields(t, false), expectedVersion: t.int(expectedVersion) }),
});

const fixFields = (t: PothosSchemaTypes.InputFieldBuilder<any, 'InputObject'>) => ({
  lat: t.float({ required: true }),
  lng: t.float({ required: true }),
  accuracy: t.float({ required: true, description: 'Reported horizontal accuracy, metres' }),
  at: t.field({ type: 'DateTime', description: 'Device time of the fix (default: now)' }),
});
const CheckInInput = builder.inputType('CheckInInput', { fields: (t) => fixFields(t) });
const CheckOutInput = builder.inputType('CheckOutInput', {
  fields: (t) => ({ ...fixFields(t), outcome: t.field({ type: VisitOutcomeEnum }), notes: t.string() }),
});

const OrderLineInput = builder.inputType('OrderLineInput', {
  fields: (t) => ({
    productId: t.id({ required: true }),
    quantity: t.int({ required: true }),
    discount: t.float({ description: 'Percent off the line, 0–100 with at most two decimals' }),
  }),
});
const CreateOrderInput = builder.inputType('CreateOrderInput', {
  fields: (t) => ({
    id: t.string(clientId),
    customerId: t.id({ required: true }),
    visitId: t.id(),
    salesmanId: t.id({ description: "Defaults to the caller's own salesman profile" }),
    orderedAt: t.field({ type: 'DateTime', description: 'When the order was taken (device clock)' }),
    notes: t.string(),
    lines: t.field({ type: [OrderLineInput], required: true }),
  }),
});

const PaymentOutcome = valueEnum(
  'PaymentOutcome',
  ['received', 'failed'],
  'A failed attempt is kept for the record but does not count as paid',
);
const RecordPaymentInput = builder.inputType('RecordPaymentInput', {
  fields: (t) => ({
    id: t.string(clientId),
    orderId: t.id({ required: true }),
    amountMinor: t.field({ type: 'SafeInt', required: true }),
    method: t.field({ type: PaymentMethodEnum, required: true }),
    status: t.field({ type: PaymentOutcome }),
    reference: t.string(),
    receivedAt: t.field({ type: 'DateTime' }),
    notes: t.string(),
  }),
});

const SendNotificationInput = builder.inputType('SendNotificationInput', {
  fields: (t) => ({
    id: t.string(clientId),
    salesmanId: t.id({ description: 'One salesman; omit or null for everyone' }),
    title: t.string({ required: true }),
    body: t.string({ required: true }),
    data: t.field({ type: 'JSON' }),
  }),
});

const ID_ARG = { required: true, description: 'Global id or UUID' } as const;

/** Replaces reference fields (global ids or UUIDs) by UUIDs, leaving absent and null ones as they are. */
export function withIds<T extends Record<string, unknown>>(input: T, refs: Record<string, string>): T {
  const out: Record<string, unknown> = { ...input };
  for (const [field, typename] of Object.entries(refs)) {
    if (field in out) out[field] = optionalLocalId(out[field] as string | null, typename, `input.${field}`);
  }
  return out as T;
}

const customerRefs = { territoryId: 'Territory', salesmanId: 'Salesman' };

builder.mutationFields((t) => ({
  createProduct: t.field({
    type: ProductRef,
    nullable: true,
    args: { input: t.arg({ type: CreateProductInput, required: true }) },
    resolve: (_root, { input }, ctx) => createProduct(ctx.service, parseInput(bodies.createProduct, input)),
  }),
  updateProduct: t.field({
    type: ProductRef,
    nullable: true,
    args: { id: t.arg.id(ID_ARG), input: t.arg({ type: UpdateProductInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      updateProduct(ctx.service, localId(id, 'Product'), parseInput(bodies.updateProduct, input)),
  }),
  deleteProduct: t.field({
    type: ProductRef,
    nullable: true,
    description: 'Soft delete; returns the tombstone',
    args: { id: t.arg.id(ID_ARG), expectedVersion: t.arg.int() },
    resolve: (_root, args, ctx) =>
      deleteProduct(ctx.service, localId(args.id, 'Product'), args.expectedVersion ?? undefined),
  }),
  createCustomer: t.field({
    type: CustomerRef,
    nullable: true,
    args: { input: t.arg({ type: CreateCustomerInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createCustomer(ctx.service, parseInput(bodies.createCustomer, withIds(input, customerRefs))),
  }),
  updateCustomer: t.field({
    type: CustomerRef,
    nullable: true,
    args: { id: t.arg.id(ID_ARG), input: t.arg({ type: UpdateCustomerInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      updateCustomer(
        ctx.service,
        localId(id, 'Customer'),
        parseInput(bodies.updateCustomer, withIds(input, customerRefs)),
      ),
  }),
  deleteCustomer: t.field({
    type: CustomerRef,
    nullable: true,
    description: 'Soft delete; returns the tombstone',
    args: { id: t.arg.id(ID_ARG), expectedVersion: t.arg.int() },
    resolve: (_root, args, ctx) =>
      deleteCustomer(ctx.service, localId(args.id, 'Customer'), args.expectedVersion ?? undefined),
  }),
  checkIn: t.field({
    type: VisitRef,
    nullable: true,
    description: 'planned → in_progress, with the verdict of the location fix',
    args: { visitId: t.arg.id(ID_ARG), input: t.arg({ type: CheckInInput, required: true }) },
    resolve: (_root, { visitId, input }, ctx) =>
      checkIn(ctx.service, localId(visitId, 'Visit', 'visitId'), parseInput(bodies.checkIn, input)),
  }),
  checkOut: t.field({
    type: VisitRef,
    nullable: true,
    description: 'in_progress → completed',
    args: { visitId: t.arg.id(ID_ARG), input: t.arg({ type: CheckOutInput, required: true }) },
    resolve: (_root, { visitId, input }, ctx) =>
      checkOut(ctx.service, localId(visitId, 'Visit', 'visitId'), parseInput(bodies.checkOut, input)),
  }),
  createOrder: t.field({
    type: OrderRef,
    nullable: true,
    description: 'A draft order, priced from the current catalogue',
    args: { input: t.arg({ type: CreateOrderInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const withRefs = withIds(input, { customerId: 'Customer', visitId: 'Visit', salesmanId: 'Salesman' });
      const lines = input.lines.map((line, i) => ({
        ...line,
        productId: localId(line.productId, 'Product', `input.lines.${i}.productId`),
      }));
      return createOrder(ctx.service, parseInput(bodies.createOrder, { ...withRefs, lines }));
    },
  }),
  confirmOrder: t.field({
    type: OrderRef,
    nullable: true,
    description: 'draft → confirmed, reserving stock for every line',
    args: { id: t.arg.id(ID_ARG) },
    resolve: (_root, { id }, ctx) => confirmOrder(ctx.service, localId(id, 'Order')),
  }),
  cancelOrder: t.field({
    type: OrderRef,
    nullable: true,
    description: 'draft|confirmed → cancelled; a confirmed order gives its reservations back',
    args: { id: t.arg.id(ID_ARG), reason: t.arg.string() },
    resolve: (_root, { id, reason }, ctx) => {
      const body = parseInput(bodies.cancelOrder, reason == null ? {} : { reason }, 'reason');
      return cancelOrder(ctx.service, localId(id, 'Order'), body.reason);
    },
  }),
  recordPayment: t.field({
    type: PaymentRef,
    nullable: true,
    args: { input: t.arg({ type: RecordPaymentInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createPayment(ctx.service, parseInput(bodies.recordPayment, withIds(input, { orderId: 'Order' }))),
  }),
  sendNotification: t.field({
    type: NotificationRef,
    nullable: true,
    description: 'To one salesman, or to everyone when salesmanId is null or absent (needs salesmen:write)',
    args: { input: t.arg({ type: SendNotificationInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      sendNotification(ctx.service, parseInput(bodies.sendNotification, withIds(input, { salesmanId: 'Salesman' }))),
  }),
}));
