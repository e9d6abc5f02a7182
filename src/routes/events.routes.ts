import { listEvents } from '../services/events.service';
import { createProtectedRouter, jsonResponse, protectedRoute, serviceContext, z } from './openapi';

const EventSchema = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    actorId: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .openapi('DomainEvent');

const Query = z.object({
  since: z.coerce.number().int().min(0).default(0).openapi({ description: 'Return events with seq > since' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  type: z.string().max(64).optional(),
});

export const eventsRouter = createProtectedRouter().openapi(
  protectedRoute({
    method: 'get',
    path: '/',
    tags: ['Events'],
    summary: "Read the tenant's domain event log in order",
    request: { query: Query },
    responses: {
      200: jsonResponse(z.object({ data: z.array(EventSchema), nextCursor: z.string().nullable() }), 'Events'),
    },
  }),
  async (c) => {
    const page = await listEvents(serviceContext(c), c.req.valid('query'));
    return c.json({ data: page.data.map(({ tenantId: _t, ...e }) => e), nextCursor: page.nextCursor }, 200);
  },
);
