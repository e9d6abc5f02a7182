import { AreaGeometry } from '../lib/geojson';
import {
  createTerritory,
  deleteTerritory,
  getTerritory,
  listTerritories,
  updateTerritory,
} from '../services/territories.service';
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

export const TerritorySchema = z
  .object({
    ...entityFields,
    name: z.string(),
    description: z.string().nullable(),
    boundary: AreaGeometry.nullable(),
  })
  .openapi('Territory');

const fields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  boundary: AreaGeometry.nullable().optional(),
};

const CreateTerritoryBody = z
  .strictObject({
    id: z.uuid().optional().openapi({ description: 'Client-generated UUIDv7 (offline creation)' }),
    ...fields,
  })
  .openapi('CreateTerritory');

const UpdateTerritoryBody = z
  .strictObject({
    ...fields,
    name: fields.name.optional(),
    expectedVersion: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: 'Fail with 409 unless the record is still at this version' }),
  })
  .openapi('UpdateTerritory');

const ListQuery = listQuery(['name', 'createdAt', 'updatedAt'] as const).extend({
  q: z.string().max(100).optional().openapi({ description: 'Substring of name or description' }),
});

const DeleteQuery = z.object({ expectedVersion: z.coerce.number().int().min(1).optional() });

const tags = ['Territories'];

export const territoriesRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'List territories',
      request: { query: ListQuery },
      responses: { 200: jsonResponse(pageOf(TerritorySchema, 'TerritoryPage'), 'A page of territories') },
    }),
    async (c) => {
      const { q, ...page } = c.req.valid('query');
      const result = await listTerritories(serviceContext(c), { q }, page);
      return c.json({ data: result.data.map(toApi), nextCursor: result.nextCursor }, 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Create a territory (name unique per tenant)',
      request: { headers: IdempotencyHeader, ...jsonBody(CreateTerritoryBody) },
      responses: { 201: jsonResponse(TerritorySchema, 'The created territory') },
    }),
    async (c) => c.json(toApi(await createTerritory(serviceContext(c), c.req.valid('json'))), 201),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'Get a territory',
      request: { params: IdParams },
      responses: { 200: jsonResponse(TerritorySchema, 'The territory') },
    }),
    async (c) => c.json(toApi(await getTerritory(serviceContext(c), c.req.valid('param').id)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'patch',
      path: '/{id}',
      tags,
      summary: 'Update a territory',
      request: { params: IdParams, ...jsonBody(UpdateTerritoryBody) },
      responses: { 200: jsonResponse(TerritorySchema, 'The updated territory') },
    }),
    async (c) => {
      const territory = await updateTerritory(serviceContext(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json(toApi(territory), 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'delete',
      path: '/{id}',
      tags,
      summary: 'Delete a territory (soft delete; the tombstone stays visible to sync)',
      request: { params: IdParams, query: DeleteQuery },
      responses: { 200: jsonResponse(TerritorySchema, 'The deleted territory (tombstone)') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const territory = await deleteTerritory(serviceContext(c), id, c.req.valid('query').expectedVersion);
      return c.json(toApi(territory), 200);
    },
  );
