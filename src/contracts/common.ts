import { z } from '@hono/zod-openapi';
import { CSV_DELIMITERS } from '../lib/csv';

/**
 * Building blocks of the request and response schemas (src/contracts/*.schemas.ts), shared by REST
 * (which also derives the OpenAPI document from them), GraphQL inputs and the tests.
 */

/**
 * An id as the API accepts it: a UUID in any case, handed on in lower case. Postgres stores ids as `uuid`
 * (case-insensitive, printed lower case) and D1 as text (compared exactly), so without this the same
 * upper-case id would find a row on one database and not on the other.
 */
export const uuid = () => z.uuid().overwrite((value) => value.toLowerCase());

/** A create body: the resource's fields, after the `id` a client may choose itself (offline creation). */
export function createBodyOf<F extends z.ZodRawShape>(fields: F) {
  return z.strictObject({
    id: uuid().optional().openapi({ description: 'Client-generated UUIDv7 (offline creation)' }),
    ...fields,
  });
}

/** An update body: the resource's fields (pass them optional), then `expectedVersion` for optimistic concurrency. */
export function updateBodyOf<F extends z.ZodRawShape>(fields: F) {
  return z.strictObject({
    ...fields,
    expectedVersion: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: 'Fail with 409 unless the record is still at this version' }),
  });
}

export const booleanQuery = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

/** Query parameters shared by every list: paging, sort, and the sync filters. */
export function listQuery<const S extends readonly [string, ...string[]]>(sortFields: S) {
  const sortValues = sortFields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];
  return z.object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(512).optional(),
    sort: z.enum(sortValues).optional().openapi({ description: 'Field to sort by; prefix with - for descending' }),
    updatedSince: z.iso.datetime({ offset: true }).optional().openapi({
      description: 'Only records updated at or after this instant (for sync)',
    }),
    includeDeleted: booleanQuery.openapi({ description: 'Include soft-deleted records (tombstones)' }),
  });
}

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

/** Columns every entity exposes. */
export const entityFields = {
  id: uuid(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  deletedAt: z.string().nullable(),
};

/** `?delimiter=` of every CSV download; without it the organisation's locale decides (docs/api.md, CSV). */
export const CsvDelimiterQuery = {
  delimiter: z.enum(CSV_DELIMITERS).optional().openapi({
    description:
      "CSV only: `comma` (decimals with a point) or `semicolon` (decimals as the organisation's locale writes them). Default: `semicolon` where the locale writes decimals with a comma (de-DE, fr-FR…), else `comma`",
  }),
};

export { z };

/** A password a user chooses (signup, an accepted invitation); the policy's other rules are the service's. */
export const Password = z.string().min(10, 'Password must be at least 10 characters').max(256).openapi({
  description:
    'At least 10 characters (400 VALIDATION_FAILED below); a common password, one character or a short run repeated or in sequence, or the email, name or organisation name refused with 400 WEAK_PASSWORD',
});
