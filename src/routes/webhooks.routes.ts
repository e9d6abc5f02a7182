import { uuid } from '../contracts/common';
import type { PageRequest } from '../db/pagination';
import { WEBHOOK_DELIVERY_STATUSES } from '../db/tables';
import { loadConfig } from '../env';
import type { OutboundMessage } from '../jobs/outbound';
import { secretShownOnce } from '../middleware/idempotency';
import { EVENT_TYPE_PATTERN } from '../outbound/event-filter';
import type { ServiceContext } from '../services/context';
import { webhookSettings } from '../services/webhook-delivery.service';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  MAX_REPLAY,
  replayWebhookDeliveries,
  rotateWebhookSecret,
  testWebhookEndpoint,
  updateWebhookEndpoint,
} from '../services/webhooks.service';
import { listRoute } from './crud';
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
  z,
} from './openapi';

const tags = ['Webhooks'];

export const WebhookEndpointSchema = z
  .object({
    ...entityFields,
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .openapi({ description: '`failing` when Fieldline disabled it after failing every attempt for too long' }),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .openapi({ description: 'After a rotation: until when the previous secret still signs (a second signature)' }),
    startSeq: z.number().int().openapi({ description: 'Events after this seq of the tenant log are delivered' }),
    failingSince: z
      .string()
      .nullable()
      .openapi({ description: 'Since when every attempt has failed; null when healthy' }),
    createdBy: z.string(),
  })
  .openapi('WebhookEndpoint');

const CreatedEndpoint = z
  .object({
    endpoint: WebhookEndpointSchema,
    secret: z.string().openapi({
      description: 'The signing secret (Standard Webhooks `whsec_…`): shown only in this answer',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
  })
  .openapi('CreatedWebhookEndpoint');

const eventTypes = z
  .array(
    z
      .string()
      .max(100)
      .regex(EVENT_TYPE_PATTERN, 'an event type (order:created), a family (order:*) or * for everything'),
  )
  .min(1)
  .max(50)
  .openapi({ description: 'Event types to receive: exact, `family:*`, or `*` (default)', example: ['order:*'] });

const fields = {
  url: z
    .string()
    .max(2048)
    .openapi({ description: 'An https URL on a public host', example: 'https://erp.example.com/hooks/fieldline' }),
  description: z.string().trim().max(500).optional(),
  eventTypes: eventTypes.optional(),
  enabled: z.boolean().optional(),
};

const CreateBody = z
  .strictObject({ id: uuid().optional().openapi({ description: 'Client-generated UUIDv7' }), ...fields })
  .openapi('CreateWebhookEndpoint', {
    example: { url: 'https://erp.example.com/hooks/fieldline', description: 'ERP orders', eventTypes: ['order:*'] },
  });

const UpdateBody = z
  .strictObject({
    url: fields.url.optional(),
    description: fields.description,
    eventTypes: fields.eventTypes,
    enabled: fields.enabled,
    expectedVersion: z.number().int().min(1).optional(),
  })
  .openapi('UpdateWebhookEndpoint', { example: { enabled: true, eventTypes: ['order:*', 'payment:*'] } });

const DeliverySchema = z
  .object({
    id: z.string().openapi({ description: 'The `webhook-id` header of every attempt (also of a replay)' }),
    endpointId: z.string(),
    seq: z.number().int(),
    eventType: z.string(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    responseStatus: z.number().int().nullable(),
    responseMs: z.number().int().nullable().openapi({ description: 'Latency of the last attempt' }),
    responseExcerpt: z.string().nullable().openapi({ description: 'The first 256 characters of the last answer' }),
    error: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .openapi('WebhookDelivery');

const DeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
});

const ReplayBody = z
  .strictObject({
    fromSeq: z.number().int().min(1).optional(),
    toSeq: z.number().int().min(1).optional(),
    since: z.iso.datetime().optional(),
    until: z.iso.datetime().optional(),
  })
  .refine((r) => r.fromSeq !== undefined || r.since !== undefined, 'fromSeq or since is required')
  .openapi('ReplayWebhookDeliveries', {
    description: `Events of the tenant log to send again, by seq and/or time; at most ${MAX_REPLAY} events`,
    example: { since: '2026-12-03T00:00:00Z', until: '2026-12-04T00:00:00Z' },
  });

const ReplayResult = z
  .object({
    queued: z.number().int(),
    fromSeq: z.number().int().nullable(),
    toSeq: z.number().int().nullable(),
  })
  .openapi('WebhookReplay');

const TestResult = z
  .object({
    webhookId: z.string(),
    ok: z.boolean(),
    status: z.number().int().nullable(),
    latencyMs: z.number(),
    excerpt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('WebhookTestResult');

const settingsOf = (c: { env: Env }) => webhookSettings(loadConfig(c.env));

const shownOnce = secretShownOnce(
  'endpoint',
  (id) =>
    `The first request with this Idempotency-Key created webhook endpoint ${id}; its secret is shown only once. Rotate its secret if it was lost.`,
);

export const webhooksRouter = listRoute(createProtectedRouter({ idempotency: shownOnce }), {
  tags,
  summary: 'List webhook endpoints (owners and admins)',
  query: listQuery(['createdAt', 'updatedAt'] as const),
  schema: WebhookEndpointSchema,
  pageName: 'WebhookEndpointPage',
  description: 'A page of endpoints',
  list: (ctx: ServiceContext, _noFilters: object, page: PageRequest) => listWebhookEndpoints(ctx, page),
  serialize: (row) => row,
})
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Create a webhook endpoint; its signing secret is returned once',
      request: { headers: IdempotencyHeader, ...jsonBody(CreateBody) },
      responses: { 201: jsonResponse(CreatedEndpoint, 'The endpoint and its secret') },
    }),
    async (c) => {
      const { secret, ...endpoint } = await createWebhookEndpoint(
        serviceContext(c),
        c.req.valid('json'),
        settingsOf(c),
      );
      return c.json({ endpoint, secret }, 201);
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'Get a webhook endpoint',
      request: { params: IdParams },
      responses: { 200: jsonResponse(WebhookEndpointSchema, 'The endpoint') },
    }),
    async (c) => c.json(await getWebhookEndpoint(serviceContext(c), c.req.valid('param').id), 200),
  )
  .openapi(
    protectedRoute({
      method: 'patch',
      path: '/{id}',
      tags,
      summary: 'Update a webhook endpoint (enabling one again clears its failure state)',
      request: { params: IdParams, ...jsonBody(UpdateBody) },
      responses: { 200: jsonResponse(WebhookEndpointSchema, 'The endpoint') },
    }),
    async (c) =>
      c.json(
        await updateWebhookEndpoint(serviceContext(c), c.req.valid('param').id, c.req.valid('json'), settingsOf(c)),
        200,
      ),
  )
  .openapi(
    protectedRoute({
      method: 'delete',
      path: '/{id}',
      tags,
      summary: 'Delete a webhook endpoint (nothing more is sent to it)',
      request: {
        params: IdParams,
        query: z.object({ expectedVersion: z.coerce.number().int().min(1).optional() }),
      },
      responses: { 200: jsonResponse(WebhookEndpointSchema, 'The deleted endpoint') },
    }),
    async (c) =>
      c.json(
        await deleteWebhookEndpoint(serviceContext(c), c.req.valid('param').id, c.req.valid('query').expectedVersion),
        200,
      ),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/rotate-secret',
      tags,
      summary: 'Rotate the signing secret; the previous one keeps signing for 24 hours',
      request: { params: IdParams, headers: IdempotencyHeader },
      responses: { 201: jsonResponse(CreatedEndpoint, 'The endpoint and its new secret') },
    }),
    async (c) => {
      const { secret, ...endpoint } = await rotateWebhookSecret(serviceContext(c), c.req.valid('param').id);
      return c.json({ endpoint, secret }, 201);
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}/deliveries',
      tags,
      summary: 'The delivery log of an endpoint, newest event first',
      request: { params: IdParams, query: DeliveriesQuery },
      responses: { 200: jsonResponse(pageOf(DeliverySchema, 'WebhookDeliveryPage'), 'A page of deliveries') },
    }),
    async (c) => {
      const { limit, cursor, status } = c.req.valid('query');
      return c.json(
        await listWebhookDeliveries(serviceContext(c), c.req.valid('param').id, { status }, { limit, cursor }),
        200,
      );
    },
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/replay',
      tags,
      summary: 'Send the events of a seq or time range again (same webhook-id as before)',
      request: { params: IdParams, headers: IdempotencyHeader, ...jsonBody(ReplayBody) },
      responses: { 202: jsonResponse(ReplayResult, 'Queued: the deliveries are due now') },
    }),
    async (c) => {
      const ctx = serviceContext(c);
      const id = c.req.valid('param').id;
      const result = await replayWebhookDeliveries(ctx, id, c.req.valid('json'));
      if (result.queued > 0) {
        await c.env.OUTBOUND.send(
          { job: 'webhook-send', tenantId: ctx.principal.tenantId, endpointId: id } satisfies OutboundMessage,
          { contentType: 'json' },
        );
      }
      return c.json(result, 202);
    },
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/test',
      tags,
      summary: 'Send a signed `webhook:test` message now and answer what the receiver said',
      request: { params: IdParams },
      responses: { 200: jsonResponse(TestResult, 'What happened (not retried, not in the delivery log)') },
    }),
    async (c) =>
      c.json(await testWebhookEndpoint(serviceContext(c), c.req.valid('param').id, { settings: settingsOf(c) }), 200),
  );
