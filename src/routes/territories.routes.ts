import { AreaGeometry } from '../lib/geojson';
import {
  createTerritory,
  deleteTerritory,
  getTerritory,
  listTerritories,
  updateTerritory,
} from '../services/territories.service';
import { crudRouter } from './crud';
import { createBodyOf, entityFields, listQuery, updateBodyOf, z } from './openapi';

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

const CreateTerritoryBody = createBodyOf(fields).openapi('CreateTerritory');

const UpdateTerritoryBody = updateBodyOf({ ...fields, name: fields.name.optional() }).openapi('UpdateTerritory');

const ListQuery = listQuery(['name', 'createdAt', 'updatedAt'] as const).extend({
  q: z.string().max(100).optional().openapi({ description: 'Substring of name or description' }),
});

export const territoriesRouter = crudRouter({
  tag: 'Territories',
  singular: 'territory',
  plural: 'territories',
  schema: TerritorySchema,
  createBody: CreateTerritoryBody,
  updateBody: UpdateTerritoryBody,
  listQuery: ListQuery,
  service: {
    list: listTerritories,
    create: createTerritory,
    get: getTerritory,
    update: updateTerritory,
    delete: deleteTerritory,
  },
  summaries: { create: 'Create a territory (name unique per tenant)' },
});
