import {
  createSalesman,
  deleteSalesman,
  getSalesman,
  listSalesmen,
  updateSalesman,
} from '../services/salesmen.service';
import {
  booleanQuery,
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

export const SalesmanSchema = z
  .object({
    ...entityFields,
    userId: z.string().nullable(),
    territoryId: z.string().nullable(),
    name: z.string(),
    phone: z.string().nullable(),
    employeeCode: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('Salesman');

const fields = {
  userId: z.uuid().nullable().optional().openapi({
    description: 'The user (role salesman) who signs in as this salesman; one profile per user',
  }),
  territoryId: z.uuid().nullable().optional(),
  name: z.string().trim().min(1).max(200),
  phone: z.string().max(40).nullable().optional(),
  employeeCode: z.string().trim().min(1).max(64).nullable().optional().openapi({
    description: 'Unique per tenant',
  }),
  active: z.boolean().optional(),
};

const CreateSalesmanBody = z
  .strictObject({
    id: z.uuid().optional().openapi({ description: 'Client-generated UUIDv7 (offline creation)' }),
    ...fields,
  })
  .openapi('CreateSalesman');

const UpdateSalesmanBody = z
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
  .openapi('UpdateSalesman');

const ListQuery = listQuery(['name', 'createdAt', 'updatedAt'] as const).extend({
  territoryId: z.uuid().optional(),
  active: booleanQuery,
  q: z.string().max(100).optional().openapi({ description: 'Substring of name, employee code or phone' }),
});

const DeleteQuery = z.object({ expectedVersion: z.coerce.number().int().min(1).optional() });

const tags = ['Salesmen'];

export const salesmenRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'List salesmen',
      request: { query: ListQuery },
      responses: { 200: jsonResponse(pageOf(SalesmanSchema, 'SalesmanPage'), 'A page of salesmen') },
    }),
    async (c) => {
      const { territoryId, active, q, ...page } = c.req.valid('query');
      const result = await listSalesmen(serviceContext(c), { territoryId, active, q }, page);
      return c.json({ data: result.data.map(toApi), nextCursor: result.nextCursor }, 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Create a salesman profile',
      request: { headers: IdempotencyHeader, ...jsonBody(CreateSalesmanBody) },
      responses: { 201: jsonResponse(SalesmanSchema, 'The created salesman') },
    }),
    async (c) => c.json(toApi(await createSalesman(serviceContext(c), c.req.valid('json'))), 201),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'Get a salesman',
      request: { params: IdParams },
      responses: { 200: jsonResponse(SalesmanSchema, 'The salesman') },
    }),
    async (c) => c.json(toApi(await getSalesman(serviceContext(c), c.req.valid('param').id)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'patch',
      path: '/{id}',
      tags,
      summary: 'Update a salesman (a changed user link reaches that user’s token at their next sign-in)',
      request: { params: IdParams, ...jsonBody(UpdateSalesmanBody) },
      responses: { 200: jsonResponse(SalesmanSchema, 'The updated salesman') },
    }),
    async (c) => {
      const salesman = await updateSalesman(serviceContext(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json(toApi(salesman), 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'delete',
      path: '/{id}',
      tags,
      summary: 'Delete a salesman (soft delete; the tombstone stays visible to sync)',
      request: { params: IdParams, query: DeleteQuery },
      responses: { 200: jsonResponse(SalesmanSchema, 'The deleted salesman (tombstone)') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const salesman = await deleteSalesman(serviceContext(c), id, c.req.valid('query').expectedVersion);
      return c.json(toApi(salesman), 200);
    },
  );
