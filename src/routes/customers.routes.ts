import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../services/customers.service';
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

const Lat = z.number().min(-90).max(90);
const Lng = z.number().min(-180).max(180);

export const CustomerSchema = z
  .object({
    ...entityFields,
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    company: z.string().nullable(),
    address: z.string().nullable(),
    city: z.string().nullable(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    territoryId: z.string().nullable(),
    salesmanId: z.string().nullable(),
    notes: z.string().nullable(),
  })
  .openapi('Customer');

const fields = {
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254).nullable().optional(),
  phone: z.string().max(40).nullable().optional(),
  company: z.string().max(200).nullable().optional(),
  address: z.string().max(500).nullable().optional(),
  city: z.string().max(120).nullable().optional(),
  lat: Lat.nullable().optional(),
  lng: Lng.nullable().optional(),
  territoryId: z.uuid().nullable().optional(),
  salesmanId: z.uuid().nullable().optional(),
  notes: z.string().max(4000).nullable().optional(),
};

export const CreateCustomerBody = z
  .strictObject({
    id: z.uuid().optional().openapi({ description: 'Client-generated UUIDv7 (offline creation)' }),
    ...fields,
  })
  .refine((b) => (b.lat == null) === (b.lng == null), { message: 'lat and lng go together', path: ['lat'] })
  .openapi('CreateCustomer');

export const UpdateCustomerBody = z
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
  .openapi('UpdateCustomer');

const ListQuery = listQuery(['name', 'createdAt', 'updatedAt'] as const).extend({
  territoryId: z.uuid().optional(),
  salesmanId: z.uuid().optional(),
  city: z.string().max(120).optional(),
  q: z.string().max(100).optional().openapi({ description: 'Substring of name, company or email' }),
});

const DeleteQuery = z.object({ expectedVersion: z.coerce.number().int().min(1).optional() });

export const customersRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags: ['Customers'],
      summary: 'List customers',
      request: { query: ListQuery },
      responses: { 200: jsonResponse(pageOf(CustomerSchema, 'CustomerPage'), 'A page of customers') },
    }),
    async (c) => {
      const { territoryId, salesmanId, city, q, ...page } = c.req.valid('query');
      const result = await listCustomers(serviceContext(c), { territoryId, salesmanId, city, q }, page);
      return c.json({ data: result.data.map(toApi), nextCursor: result.nextCursor }, 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags: ['Customers'],
      summary: 'Create a customer',
      request: { headers: IdempotencyHeader, ...jsonBody(CreateCustomerBody) },
      responses: { 201: jsonResponse(CustomerSchema, 'The created customer') },
    }),
    async (c) => {
      const customer = await createCustomer(serviceContext(c), c.req.valid('json'));
      return c.json(toApi(customer), 201);
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}',
      tags: ['Customers'],
      summary: 'Get a customer',
      request: { params: IdParams },
      responses: { 200: jsonResponse(CustomerSchema, 'The customer') },
    }),
    async (c) => c.json(toApi(await getCustomer(serviceContext(c), c.req.valid('param').id)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'patch',
      path: '/{id}',
      tags: ['Customers'],
      summary: 'Update a customer',
      request: { params: IdParams, ...jsonBody(UpdateCustomerBody) },
      responses: { 200: jsonResponse(CustomerSchema, 'The updated customer') },
    }),
    async (c) => {
      const customer = await updateCustomer(serviceContext(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json(toApi(customer), 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['Customers'],
      summary: 'Delete a customer (soft delete; the tombstone stays visible to sync)',
      request: { params: IdParams, query: DeleteQuery },
      responses: { 200: jsonResponse(CustomerSchema, 'The deleted customer (tombstone)') },
    }),
    async (c) => {
      const customer = await deleteCustomer(
        serviceContext(c),
        c.req.valid('param').id,
        c.req.valid('query').expectedVersion,
      );
      return c.json(toApi(customer), 200);
    },
  );
