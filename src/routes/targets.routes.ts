import { TARGET_PERIODS } from '../db/schema';
import { createTarget, deleteTarget, getTarget, listTargets, updateTarget } from '../services/targets.service';
import {
  createProtectedRouter,
  entityFields,
  IdempotencyHeader,
  IdParams,
  jsonBody,
  jsonResponse,
  listQuery,
  pageOf,
  protectedRoute,
  serviceContext,
  toApi,
  z,
} from './openapi';

export const TargetSchema = z
  .object({
    ...entityFields,
    salesmanId: z.string(),
    periodType: z.enum(TARGET_PERIODS),
    periodStart: z.string(),
    periodEnd: z.string().openapi({ description: 'Last day of the period (inclusive), computed by the server' }),
    revenueGoalMinor: z.number().int(),
    visitGoal: z.number().int(),
  })
  .openapi('Target');

const fields = {
  salesmanId: z.uuid(),
  periodType: z.enum(TARGET_PERIODS),
  periodStart: z.iso.date().openapi({
    description: 'YYYY-MM-DD, the first day of the month / quarter / year',
    example: '2025-04-01',
  }),
  revenueGoalMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().openapi({
    description: 'Revenue goal in minor units of the tenant currency',
  }),
  visitGoal: z.number().int().min(0).max(1_000_000).optional(),
};

const CreateTargetBody = z
  .strictObject({
    id: z.uuid().optional().openapi({ description: 'Client-generated UUIDv7 (offline creation)' }),
    ...fields,
  })
  .openapi('CreateTarget');

const UpdateTargetBody = z
  .strictObject({
    salesmanId: fields.salesmanId.optional(),
    periodType: fields.periodType.optional(),
    periodStart: fields.periodStart.optional(),
    revenueGoalMinor: fields.revenueGoalMinor,
    visitGoal: fields.visitGoal,
    expectedVersion: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: 'Fail with 409 unless the record is still at this version' }),
  })
  .openapi('UpdateTarget');

const ListQuery = listQuery(['periodStart', 'createdAt', 'updatedAt'] as const).extend({
  salesmanId: z.uuid().optional(),
  periodType: z.enum(TARGET_PERIODS).optional(),
  activeOn: z.iso.date().optional().openapi({ description: 'Only targets whose period contains this day' }),
});

const DeleteQuery = z.object({ expectedVersion: z.coerce.number().int().min(1).optional() });

const tags = ['Targets'];

export const targetsRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'List targets (a salesman sees only his own)',
      request: { query: ListQuery },
      responses: { 200: jsonResponse(pageOf(TargetSchema, 'TargetPage'), 'A page of targets') },
    }),
    async (c) => {
      const { salesmanId, periodType, activeOn, ...page } = c.req.valid('query');
      const result = await listTargets(serviceContext(c), { salesmanId, periodType, activeOn }, page);
      return c.json({ data: result.data.map(toApi), nextCursor: result.nextCursor }, 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Set a target for a salesman and period (one per salesman, period type and start)',
      request: { headers: IdempotencyHeader, ...jsonBody(CreateTargetBody) },
      responses: { 201: jsonResponse(TargetSchema, 'The created target') },
    }),
    async (c) => c.json(toApi(await createTarget(serviceContext(c), c.req.valid('json'))), 201),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'Get a target',
      request: { params: IdParams },
      responses: { 200: jsonResponse(TargetSchema, 'The target') },
    }),
    async (c) => c.json(toApi(await getTarget(serviceContext(c), c.req.valid('param').id)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'patch',
      path: '/{id}',
      tags,
      summary: 'Update a target (periodEnd is recomputed when the period changes)',
      request: { params: IdParams, ...jsonBody(UpdateTargetBody) },
      responses: { 200: jsonResponse(TargetSchema, 'The updated target') },
    }),
    async (c) =>
      c.json(toApi(await updateTarget(serviceContext(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  )
  .openapi(
    protectedRoute({
      method: 'delete',
      path: '/{id}',
      tags,
      summary: 'Delete a target (soft delete; the tombstone stays visible to sync)',
      request: { params: IdParams, query: DeleteQuery },
      responses: { 200: jsonResponse(TargetSchema, 'The deleted target (tombstone)') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(toApi(await deleteTarget(serviceContext(c), id, c.req.valid('query').expectedVersion)), 200);
    },
  );
