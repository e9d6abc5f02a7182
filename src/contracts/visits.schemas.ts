import { VISIT_OUTCOMES } from '../db/tables';
import { createBodyOf, updateBodyOf, uuid, z } from './common';
import { gpsPosition } from './gps.schemas';

/** Visits: what the API accepts (REST, GraphQL inputs, sync mutations, tests). */

const Instant = z.iso.datetime({ offset: true });
const Notes = z.string().max(4000).nullable().optional();

export const CreateVisitBody = createBodyOf({
  customerId: uuid(),
  salesmanId: uuid().optional().openapi({
    description: 'Required for managers; a salesman may omit it (defaults to himself) but name nobody else',
  }),
  plannedAt: Instant.nullable().optional(),
  notes: Notes,
}).openapi('CreateVisit');

export const UpdateVisitBody = updateBodyOf({
  customerId: uuid().optional(),
  salesmanId: uuid().optional(),
  plannedAt: Instant.nullable().optional(),
  notes: Notes,
  outcome: z.enum(VISIT_OUTCOMES).nullable().optional(),
  status: z.literal('cancelled').optional().openapi({ description: 'Cancel a planned visit' }),
}).openapi('UpdateVisit');

const fix = {
  ...gpsPosition,
  at: Instant.optional().openapi({
    description:
      'Device time of the fix (default: now); more than 5 minutes in the future or 7 days in the past is refused; more than a minute old marks the fix as captured offline',
  }),
};

export const CheckInBody = z.strictObject(fix).openapi('VisitCheckIn');

export const CheckOutBody = z
  .strictObject({ ...fix, outcome: z.enum(VISIT_OUTCOMES).nullable().optional(), notes: Notes })
  .openapi('VisitCheckOut');
