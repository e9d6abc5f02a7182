import { uuid } from '../contracts/common';
import { CreateTargetBody, UpdateTargetBody } from '../contracts/targets.schemas';
import { TARGET_PERIODS } from '../db/tables';
import {
  createTarget,
  deleteTarget,
  getTargetWithAttainment,
  listTargets,
  updateTarget,
} from '../services/targets.service';
import { crudRouter } from './crud';
import { entityFields, listQuery, z } from './openapi';

const AttainmentSchema = z
  .object({
    asOf: z.string().nullable().openapi({
      description: 'The last local day counted: today, or the last day of a period that is over; null before it starts',
    }),
    revenueMinor: z.number().int().openapi({
      description:
        'Net revenue so far (confirmed and fulfilled orders less refunds), as the sales performance report counts it',
    }),
    visits: z.number().int().openapi({ description: 'Completed visits checked in so far' }),
    revenuePct: z
      .number()
      .nullable()
      .openapi({ description: 'Percent of the revenue goal; null without a revenue goal' }),
    visitPct: z.number().nullable().openapi({ description: 'Percent of the visit goal; null without a visit goal' }),
    elapsedPct: z.number().openapi({ description: "Percent of the period's days gone, today included" }),
  })
  .openapi('TargetAttainment', {
    example: {
      asOf: '2025-04-18',
      revenueMinor: 912_000,
      visits: 41,
      revenuePct: 91.2,
      visitPct: 68.3,
      elapsedPct: 60,
    },
  });

export const TargetSchema = z
  .object({
    ...entityFields,
    salesmanId: z.string(),
    periodType: z.enum(TARGET_PERIODS),
    periodStart: z.string(),
    periodEnd: z.string().openapi({ description: 'Last day of the period (inclusive), computed by the server' }),
    revenueGoalMinor: z.number().int(),
    visitGoal: z.number().int(),
    attainment: AttainmentSchema.optional().openapi({
      description: 'How far the salesman has come; in the answer of GET /v1/targets/{id} only',
    }),
  })
  .openapi('Target');

const ListQuery = listQuery(['periodStart', 'createdAt', 'updatedAt'] as const).extend({
  salesmanId: uuid().optional(),
  periodType: z.enum(TARGET_PERIODS).optional(),
  activeOn: z.iso.date().optional().openapi({ description: 'Only targets whose period contains this day' }),
});

export const targetsRouter = crudRouter({
  tag: 'Targets',
  singular: 'target',
  plural: 'targets',
  schema: TargetSchema,
  createBody: CreateTargetBody,
  updateBody: UpdateTargetBody,
  listQuery: ListQuery,
  service: {
    list: listTargets,
    create: createTarget,
    get: getTargetWithAttainment,
    update: updateTarget,
    delete: deleteTarget,
  },
  summaries: {
    list: 'List targets (a salesman sees only his own)',
    create: 'Set a target for a salesman and period (one per salesman, period type and start)',
    update: 'Update a target (periodEnd is recomputed when the period changes)',
    get: 'Get a target with its attainment so far',
  },
});
