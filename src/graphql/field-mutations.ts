import { adjustStock } from '../services/inventory.service';
import { fulfilOrder } from '../services/order-lifecycle.service';
import { refundPayment } from '../services/payments.service';
import { createTarget, deleteTarget, updateTarget } from '../services/targets.service';
import { createVisit, deleteVisit, updateVisit } from '../services/visits.service';
import { builder } from './builder';
import { localId } from './ids';
import { bodies, parseInput } from './inputs';
import { withIds } from './mutations';
import { InventoryRef, OrderRef, PaymentRef, TargetRef, VisitRef } from './refs';
import { PeriodTypeEnum } from './types/team';
import { VisitOutcomeEnum } from './types/visits';

/**
 * The rest of the writes a field or manager client needs, like src/graphql/mutations.ts: ids to UUIDs,
 * the REST body schema validates, the REST route's service acts.
 */

const ID_ARG = { required: true, description: 'Global id or UUID' } as const;
const expectedVersion = { description: 'Fail with CONFLICT (reason VERSION_MISMATCH) unless still at this version' };

const visitRefs = { customerId: 'Customer', salesmanId: 'Salesman' };

const CreateVisitInput = builder.inputType('CreateVisitInput', {
  fields: (t) => ({
    id: t.string({ description: 'Client-generated UUIDv7 (offline creation)' }),
    customerId: t.id({ required: true }),
    salesmanId: t.id({ description: 'Required for managers; a salesman may omit it (himself)' }),
    plannedAt: t.field({ type: 'DateTime' }),
    notes: t.string(),
  }),
});

const VisitChange = builder.enumType('VisitChange', {
  description: 'The one status change an update may make',
  values: { CANCELLED: { value: 'cancelled' } } as const,
});

const UpdateVisitInput = builder.inputType('UpdateVisitInput', {
  fields: (t) => ({
    customerId: t.id(),
    salesmanId: t.id(),
    plannedAt: t.field({ type: 'DateTime', description: 'null clears it' }),
    notes: t.string(),
    outcome: t.field({ type: VisitOutcomeEnum }),
    status: t.field({ type: VisitChange, description: 'CANCELLED cancels a planned visit' }),
    expectedVersion: t.int(expectedVersion),
  }),
});

const CreateTargetInput = builder.inputType('CreateTargetInput', {
  fields: (t) => ({
    id: t.string({ description: 'Client-generated UUIDv7' }),
    salesmanId: t.id({ required: true }),
    periodType: t.field({ type: PeriodTypeEnum, required: true }),
    periodStart: t.string({ required: true, description: 'YYYY-MM-DD, the first day of the month / quarter / year' }),
    revenueGoalMinor: t.field({ type: 'SafeInt' }),
    visitGoal: t.int(),
  }),
});

const UpdateTargetInput = builder.inputType('UpdateTargetInput', {
  fields: (t) => ({
    salesmanId: t.id(),
    periodType: t.field({ type: PeriodTypeEnum }),
    periodStart: t.string(),
    revenueGoalMinor: t.field({ type: 'SafeInt' }),
    visitGoal: t.int(),
    expectedVersion: t.int(expectedVersion),
  }),
});

const StockChange = builder.enumType('StockChange', {
  values: { ADJUSTMENT: { value: 'adjustment' }, RECEIPT: { value: 'receipt' } } as const,
});

const AdjustStockInput = builder.inputType('AdjustStockInput', {
  fields: (t) => ({
    delta: t.int({ required: true, description: 'Change to the quantity on hand; negative removes stock' }),
    reason: t.string({ required: true }),
    kind: t.field({ type: StockChange, description: 'ADJUSTMENT (default) or RECEIPT (adds stock)' }),
  }),
});

builder.mutationFields((t) => ({
  createVisit: t.field({
    type: VisitRef,
    nullable: true,
    description: 'Plans a visit (POST /v1/visits)',
    args: { input: t.arg({ type: CreateVisitInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createVisit(ctx.service, parseInput(bodies.createVisit, withIds(input, visitRefs))),
  }),
  updateVisit: t.field({
    type: VisitRef,
    nullable: true,
    description: 'Reschedules, reassigns, notes or cancels a visit (PATCH /v1/visits/{id})',
    args: { id: t.arg.id(ID_ARG), input: t.arg({ type: UpdateVisitInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      updateVisit(ctx.service, localId(id, 'Visit'), parseInput(bodies.updateVisit, withIds(input, visitRefs))),
  }),
  deleteVisit: t.field({
    type: VisitRef,
    nullable: true,
    description: 'Soft delete; returns the tombstone (a salesman: only his planned visits)',
    args: { id: t.arg.id(ID_ARG), expectedVersion: t.arg.int() },
    resolve: (_root, args, ctx) =>
      deleteVisit(ctx.service, localId(args.id, 'Visit'), args.expectedVersion ?? undefined),
  }),
  fulfilOrder: t.field({
    type: OrderRef,
    nullable: true,
    description: 'confirmed → fulfilled: the reserved stock leaves (POST /v1/orders/{id}/fulfil)',
    args: { id: t.arg.id(ID_ARG) },
    resolve: (_root, { id }, ctx) => fulfilOrder(ctx.service, localId(id, 'Order')),
  }),
  refundPayment: t.field({
    type: PaymentRef,
    nullable: true,
    description: 'received → refunded (POST /v1/payments/{id}/refund)',
    args: { id: t.arg.id({ required: true, description: 'The payment UUID' }) },
    resolve: (_root, { id }, ctx) => refundPayment(ctx.service, localId(id, 'Payment')),
  }),
  adjustStock: t.field({
    type: InventoryRef,
    nullable: true,
    description: 'Books a stock movement (POST /v1/inventory/{productId}/adjust)',
    args: {
      productId: t.arg.id({ required: true, description: 'Global id or UUID of the product' }),
      input: t.arg({ type: AdjustStockInput, required: true }),
    },
    resolve: (_root, { productId, input }, ctx) =>
      adjustStock(ctx.service, localId(productId, 'Product', 'productId'), parseInput(bodies.adjustStock, input)),
  }),
  createTarget: t.field({
    type: TargetRef,
    nullable: true,
    args: { input: t.arg({ type: CreateTargetInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createTarget(ctx.service, parseInput(bodies.createTarget, withIds(input, { salesmanId: 'Salesman' }))),
  }),
  updateTarget: t.field({
    type: TargetRef,
    nullable: true,
    args: { id: t.arg.id(ID_ARG), input: t.arg({ type: UpdateTargetInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      updateTarget(
        ctx.service,
        localId(id, 'Target'),
        parseInput(bodies.updateTarget, withIds(input, { salesmanId: 'Salesman' })),
      ),
  }),
  deleteTarget: t.field({
    type: TargetRef,
    nullable: true,
    description: 'Soft delete; returns the tombstone',
    args: { id: t.arg.id(ID_ARG), expectedVersion: t.arg.int() },
    resolve: (_root, args, ctx) =>
      deleteTarget(ctx.service, localId(args.id, 'Target'), args.expectedVersion ?? undefined),
  }),
}));
