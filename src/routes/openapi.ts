import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import type { AppEnv } from '../env';
import { ErrorCode, problem, problemResponse } from '../lib/errors';
import { nowIso } from '../lib/time';
import { authenticate } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { publishEvents } from '../middleware/publish';
import type { ServiceContext } from '../services/context';

/** Every validation failure, in any router, answers the same 400 problem shape. */
export function validationProblem(error: ZodError, c: Context<AppEnv>, target: string) {
  const errors = error.issues.map((i) => ({
    path: [target, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  return problemResponse(problem(ErrorCode.VALIDATION_FAILED, detail, c.get('requestId'), { errors }));
}

export const createRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationProblem(result.error, c as Context<AppEnv>, result.target);
    },
  });

/**
 * A router whose every route requires a verified credential, honours Idempotency-Key on POST, and hands
 * the events of a successful write to the tenant's realtime hub.
 */
export function createProtectedRouter() {
  const router = createRouter();
  router.use('*', authenticate, idempotency, publishEvents);
  return router;
}

export const serviceContext = (c: Context<AppEnv>): ServiceContext => ({
  db: c.get('db'),
  principal: c.get('principal'),
  now: nowIso(),
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
const errorResponse = (description: string) => ({ description, content: problemContent });

export const ERROR_RESPONSES = {
  400: errorResponse('Invalid request (validation failed, malformed JSON)'),
  401: errorResponse('Missing, invalid or expired credential'),
  403: errorResponse('The credential lacks the permission'),
  404: errorResponse('Not found (including ids that belong to another tenant)'),
  409: errorResponse('Conflict with the current state'),
  413: errorResponse('Body too large'),
  422: errorResponse('Idempotency-Key reused with a different request'),
} as const;

export const SECURITY = [{ bearerAuth: [] }];

/** `createRoute` for authenticated routes: adds security and the shared error responses. */
export function protectedRoute<R extends RouteConfig>(config: R) {
  return createRoute({
    ...config,
    security: SECURITY,
    responses: { ...ERROR_RESPONSES, ...config.responses },
  } as R);
}

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  body: { required: true, content: { 'application/json': { schema } }, ...(description ? { description } : {}) },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const IdParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, example: '0190f1c2-7a3e-7c3d-9a51-2f7f5e3b1a10' }),
});

export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description: 'Makes a POST safe to retry: the same key and body replay the first response for 24 h.',
    }),
});

/** A create body: the resource's fields, after the `id` a client may choose itself (offline creation). */
export function createBodyOf<F extends z.ZodRawShape>(fields: F) {
  return z.strictObject({
    id: z.uuid().optional().openapi({ description: 'Client-generated UUIDv7 (offline creation)' }),
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

const booleanQuery = z
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
  id: z.uuid(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  deletedAt: z.string().nullable(),
};

/** Drops columns that never leave the server. */
export function toApi<T extends { tenantId: string }>(row: T): Omit<T, 'tenantId'> {
  const { tenantId: _tenant, ...rest } = row;
  return rest;
}

export { booleanQuery, z };
