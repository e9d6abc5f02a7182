import { PERMISSIONS } from '../auth/permissions';
import type { PageRequest } from '../db/pagination';
import { secretShownOnce } from '../middleware/idempotency';
import { createApiKey, listApiKeys, revokeApiKey } from '../services/api-keys.service';
import type { ServiceContext } from '../services/context';
import { listRoute } from './crud';
import {
  createProtectedRouter,
  entityFields,
  IdempotencyHeader,
  IdParams,
  jsonBody,
  jsonResponse,
  listQuery,
  protectedRoute,
  serviceContext,
  z,
} from './openapi';

const ApiKeySchema = z
  .object({
    ...entityFields,
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.string()),
    createdBy: z.string().openapi({ description: 'The user, or the API key, that created this key' }),
    ownerId: z.string().nullable().openapi({
      description:
        'The user whose authority the key carries: it works only while this user is active, within their current role',
    }),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const CreateApiKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(PERMISSIONS)).min(1),
    expiresAt: z.iso
      .datetime()
      // A key born expired is a mistake (a wrong year, a date meant as local time), not a wish.
      .refine((at) => Date.parse(at) > Date.now(), 'expiresAt must be in the future')
      .optional()
      .openapi({ description: 'When the key stops working; must be in the future. Omit for a key that never expires' }),
  })
  .openapi('CreateApiKey');

const tags = ['API keys'];

export const apiKeysRouter = listRoute(
  createProtectedRouter({
    idempotency: secretShownOnce(
      'apiKey',
      (id) =>
        `The first request with this Idempotency-Key created API key ${id}; its secret is shown only once. Revoke it and create a new key if the secret was lost.`,
    ),
  }),
  {
    tags,
    summary: 'List API keys (secrets are never shown again)',
    query: listQuery(['createdAt', 'name'] as const),
    schema: ApiKeySchema,
    pageName: 'ApiKeyPage',
    description: 'A page of keys',
    // Keys take no filters; the annotations let the row type be inferred from listApiKeys.
    list: (ctx: ServiceContext, _noFilters: object, page: PageRequest) => listApiKeys(ctx, page),
  },
)
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Create an API key; the secret is returned once',
      request: { headers: IdempotencyHeader, ...jsonBody(CreateApiKeyBody) },
      responses: {
        201: jsonResponse(z.object({ apiKey: ApiKeySchema, secret: z.string() }).openapi('CreatedApiKey'), 'The key'),
      },
    }),
    async (c) => c.json(await createApiKey(serviceContext(c), c.req.valid('json')), 201),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/revoke',
      tags,
      summary: 'Revoke an API key',
      request: { params: IdParams, headers: IdempotencyHeader },
      responses: { 200: jsonResponse(ApiKeySchema, 'The revoked key') },
    }),
    async (c) => c.json(await revokeApiKey(serviceContext(c), c.req.valid('param').id), 200),
  );
