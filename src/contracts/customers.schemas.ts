import { createBodyOf, entityFields, listQuery, updateBodyOf, uuid, z } from './common';
import { Latitude, Longitude } from './gps.schemas';

/** Customers: what the API returns and accepts (REST, GraphQL inputs, tests). */

const Lat = Latitude;
const Lng = Longitude;

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
    externalId: z.string().nullable().openapi({
      description:
        "The customer's id in your own system (ERP, CRM); unique among live customers, the CSV import's upsert key",
    }),
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
  territoryId: uuid().nullable().optional(),
  salesmanId: uuid().nullable().optional(),
  notes: z.string().max(4000).nullable().optional(),
  externalId: z.string().trim().min(1).max(100).nullable().optional(),
};

export const CreateCustomerBody = createBodyOf(fields)
  .refine((b) => (b.lat == null) === (b.lng == null), { message: 'lat and lng go together', path: ['lat'] })
  .openapi('CreateCustomer');

/** A position is both coordinates or neither, on update as on create: a PATCH cannot move half a point. */
export const UpdateCustomerBody = updateBodyOf({ ...fields, name: fields.name.optional() })
  .refine((b) => (b.lat === undefined) === (b.lng === undefined) && (b.lat === null) === (b.lng === null), {
    message: 'lat and lng go together',
    path: ['lat'],
  })
  .openapi('UpdateCustomer');

export const CustomerListQuery = listQuery(['name', 'createdAt', 'updatedAt'] as const).extend({
  territoryId: uuid().optional(),
  salesmanId: uuid().optional(),
  city: z.string().max(120).optional(),
  q: z.string().max(100).optional().openapi({ description: 'Substring of name, company or email' }),
});
