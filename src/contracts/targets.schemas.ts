import { TARGET_PERIODS } from '../db/tables';
import { createBodyOf, updateBodyOf, uuid, z } from './common';

/** Targets: what the API accepts (REST, GraphQL inputs, tests). */

const fields = {
  salesmanId: uuid(),
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

export const CreateTargetBody = createBodyOf({
  ...fields,
}).openapi('CreateTarget', {
  example: {
    salesmanId: '0190f1c2-7a3e-7c3d-9a51-2f7f5e3b1a10',
    periodType: 'month',
    periodStart: '2026-12-01',
    revenueGoalMinor: 2_500_000,
    visitGoal: 60,
  },
});

export const UpdateTargetBody = updateBodyOf({
  salesmanId: fields.salesmanId.optional(),
  periodType: fields.periodType.optional(),
  periodStart: fields.periodStart.optional(),
  revenueGoalMinor: fields.revenueGoalMinor,
  visitGoal: fields.visitGoal,
}).openapi('UpdateTarget', { example: { revenueGoalMinor: 3_000_000, expectedVersion: 1 } });
