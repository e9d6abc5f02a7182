import { PresenceStatus } from '@fieldline/client/protocol';
import { LiveLocationSchema } from '../contracts/gps.schemas';
import { getTrail } from '../services/locations.service';
import { onlineSalesmen, salesmanStatus } from '../services/realtime.service';
import type { createProtectedRouter } from './openapi';
import { IdParams, jsonResponse, protectedRoute, serviceContext, toApi, z } from './openapi';

const Location = LiveLocationSchema;

const PresenceStatusSchema = z.enum(PresenceStatus);

const OnlineSchema = z
  .object({
    data: z.array(
      z.object({
        salesmanId: z.string(),
        status: PresenceStatusSchema,
        since: z.string().openapi({ description: 'When this status began' }),
        location: Location.nullable(),
      }),
    ),
  })
  .openapi('OnlineSalesmen');

const StatusSchema = z
  .object({
    salesmanId: z.string(),
    status: PresenceStatusSchema,
    since: z.string(),
    connections: z.number().int(),
    location: Location.nullable(),
    currentVisit: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('SalesmanStatus');

const TrailQuery = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

const TrailSchema = z
  .object({
    data: z.array(
      z.object({
        salesmanId: z.string(),
        recordedAt: z.string(),
        lat: z.number(),
        lng: z.number(),
        accuracyM: z.number(),
        speedMps: z.number().nullable(),
        headingDeg: z.number().nullable(),
        receivedAt: z.string(),
      }),
    ),
  })
  .openapi('LocationTrail');

const tags = ['Salesmen'];

/** Live views of the field team, served from the tenant hub; mounted on the salesmen router before `/{id}`. */
export function registerLiveRoutes(router: ReturnType<typeof createProtectedRouter>) {
  router.openapi(
    protectedRoute({
      method: 'get',
      path: '/online',
      tags,
      summary: 'Salesmen online, idle or on a visit, with their latest location',
      responses: { 200: jsonResponse(OnlineSchema, 'Who is in the field now') },
    }),
    async (c) => c.json({ data: await onlineSalesmen(serviceContext(c)) }, 200),
  );
  router.openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}/status',
      tags,
      summary: 'Presence, latest location and visit in progress of one salesman',
      request: { params: IdParams },
      responses: { 200: jsonResponse(StatusSchema, 'The salesman now') },
    }),
    async (c) => c.json(await salesmanStatus(serviceContext(c), c.req.valid('param').id), 200),
  );
  router.openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}/trail',
      tags,
      summary: 'GPS trail of one salesman between two instants (oldest first)',
      request: { params: IdParams, query: TrailQuery },
      responses: { 200: jsonResponse(TrailSchema, 'The trail') },
    }),
    async (c) => {
      const points = await getTrail(serviceContext(c), c.req.valid('param').id, c.req.valid('query'));
      return c.json({ data: points.map(toApi) }, 200);
    },
  );
}
