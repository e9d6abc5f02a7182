import { uuid } from '../contracts/common';
import { CheckInBody, CheckOutBody, CreateVisitBody, UpdateVisitBody } from '../contracts/visits.schemas';
import { VISIT_OUTCOMES, VISIT_STATUSES, VISIT_VERDICTS } from '../db/tables';
import {
  checkIn,
  checkOut,
  createVisit,
  deleteVisit,
  getVisit,
  listVisits,
  updateVisit,
} from '../services/visits.service';
import { crudRouter } from './crud';
import {
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

export const VisitSchema = z
  .object({
    ...entityFields,
    customerId: z.string(),
    salesmanId: z.string(),
    status: z.enum(VISIT_STATUSES),
    plannedAt: z.string().nullable(),
    checkInAt: z.string().nullable(),
    checkInLat: z.number().nullable(),
    checkInLng: z.number().nullable(),
    checkInAccuracyM: z.number().nullable(),
    checkInDistanceM: z.number().nullable().openapi({ description: 'Metres from the fix to the customer' }),
    verdict: z.enum(VISIT_VERDICTS).nullable(),
    checkInOffline: z.boolean().openapi({
      description:
        'The check-in fix was captured offline: it reached the server more than a minute after its device time',
    }),
    checkOutAt: z.string().nullable(),
    checkOutLat: z.number().nullable(),
    checkOutLng: z.number().nullable(),
    checkOutAccuracyM: z.number().nullable(),
    checkOutOffline: z.boolean().openapi({ description: 'The check-out fix was captured offline' }),
    outcome: z.enum(VISIT_OUTCOMES).nullable(),
    notes: z.string().nullable(),
  })
  .openapi('Visit');

const Instant = z.iso.datetime({ offset: true });

const ListQuery = listQuery(['createdAt', 'updatedAt'] as const).extend({
  salesmanId: uuid().optional(),
  customerId: uuid().optional(),
  status: z.enum(VISIT_STATUSES).optional(),
  from: Instant.optional().openapi({ description: 'plannedAt at or after this instant' }),
  to: Instant.optional().openapi({ description: 'plannedAt strictly before this instant' }),
});

const tag = 'Visits';

export const visitsRouter = crudRouter({
  tag,
  singular: 'visit',
  plural: 'visits',
  schema: VisitSchema,
  createBody: CreateVisitBody,
  updateBody: UpdateVisitBody,
  listQuery: ListQuery,
  service: {
    list: listVisits,
    create: createVisit,
    get: getVisit,
    update: updateVisit,
    delete: deleteVisit,
  },
  summaries: {
    list: 'List visits (a salesman sees only his own)',
    create: 'Plan a visit',
    update: 'Reschedule, annotate or cancel a visit',
  },
})
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/check-in',
      tags: [tag],
      summary: 'Check in to a planned visit; the fix is compared with the customer location',
      description:
        'verified when the distance to the customer is at most radius + min(accuracy, radius) (the tenant ' +
        'check-in radius); out_of_range otherwise; unverified when the customer has no coordinates.',
      request: { params: IdParams, headers: IdempotencyHeader, ...jsonBody(CheckInBody) },
      responses: { 200: jsonResponse(VisitSchema, 'The visit, now in progress') },
    }),
    async (c) => c.json(toApi(await checkIn(serviceContext(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/check-out',
      tags: [tag],
      summary: 'Check out of a visit in progress, optionally recording the outcome',
      request: { params: IdParams, headers: IdempotencyHeader, ...jsonBody(CheckOutBody) },
      responses: { 200: jsonResponse(VisitSchema, 'The completed visit') },
    }),
    async (c) => c.json(toApi(await checkOut(serviceContext(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
