import { uuid } from '../contracts/common';
import {
  createSalesman,
  deleteSalesman,
  getSalesman,
  listSalesmen,
  updateSalesman,
} from '../services/salesmen.service';
import { crudRouter } from './crud';
import { booleanQuery, createBodyOf, entityFields, listQuery, updateBodyOf, z } from './openapi';
import { registerLiveRoutes } from './salesmen-live.routes';

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
  userId: uuid().nullable().optional().openapi({
    description: 'The user (role salesman) who signs in as this salesman; one profile per user',
  }),
  territoryId: uuid().nullable().optional(),
  name: z.string().trim().min(1).max(200),
  phone: z.string().max(40).nullable().optional(),
  employeeCode: z.string().trim().min(1).max(64).nullable().optional().openapi({
    description: 'Unique per tenant',
  }),
  active: z.boolean().optional(),
};

const CreateSalesmanBody = createBodyOf(fields).openapi('CreateSalesman');

const UpdateSalesmanBody = updateBodyOf({ ...fields, name: fields.name.optional() }).openapi('UpdateSalesman');

const ListQuery = listQuery(['name', 'createdAt', 'updatedAt'] as const).extend({
  territoryId: uuid().optional(),
  active: booleanQuery,
  q: z.string().max(100).optional().openapi({ description: 'Substring of name, employee code or phone' }),
});

export const salesmenRouter = crudRouter({
  tag: 'Salesmen',
  singular: 'salesman',
  plural: 'salesmen',
  schema: SalesmanSchema,
  createBody: CreateSalesmanBody,
  updateBody: UpdateSalesmanBody,
  listQuery: ListQuery,
  service: {
    list: listSalesmen,
    create: createSalesman,
    get: getSalesman,
    update: updateSalesman,
    delete: deleteSalesman,
  },
  staticRoutes: registerLiveRoutes,
  summaries: {
    create: 'Create a salesman profile',
    update: 'Update a salesman (a changed user link reaches that user’s token at their next sign-in)',
  },
});
