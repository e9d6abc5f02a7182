import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { uuid, z } from '../contracts/common';
import type { AppEnv } from '../env';
import { ErrorCode, problem, problemResponse } from '../lib/errors';
import { formatIssues } from '../lib/zod-issues';
import { authenticate } from '../middleware/auth';
import { type IdempotencyOptions, idempotency, idempotencyWith } from '../middleware/idempotency';
import { restRateLimit } from '../middleware/rate-limit';
import type { ServiceContext } from '../services/context';

/** Every validation failure, in any router, answers the same 400 problem shape. */
export function validationProblem(error: ZodError, c: Context<AppEnv>, target: string) {
  const { errors, detail } = formatIssues(error.issues, target);
  return problemResponse(problem(ErrorCode.VALIDATION_FAILED, detail, c.get('requestId'), { errors }));
}

export const createRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationProblem(result.error, c as Context<AppEnv>, result.target);
    },
  });

/**
 * A router whose every route requires a verified credential and honours Idempotency-Key on POST;
 * `idempotency` changes what its routes' stored answers keep and how a retry is answered.
 */
export function createProtectedRouter(options: { idempotency?: IdempotencyOptions } = {}) {
  const router = createRouter();
  router.use(
    '*',
    authenticate,
    restRateLimit,
    options.idempotency ? idempotencyWith(options.idempotency) : idempotency,
  );
  return router;
}

/** The verified caller's context (built by the one factory, services/context.ts). */
export const serviceContext = (c: Context<AppEnv>): ServiceContext => c.get('platform').as(c.get('principal'));

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
  id: uuid().openapi({ param: { name: 'id', in: 'path' }, example: '0190f1c2-7a3e-7c3d-9a51-2f7f5e3b1a10' }),
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

/** Drops columns that never leave the server. */
export function toApi<T extends { tenantId: string }>(row: T): Omit<T, 'tenantId'> {
  const { tenantId: _tenant, ...rest } = row;
  return rest;
}

export { booleanQuery, createBodyOf, entityFields, listQuery, pageOf, updateBodyOf, z } from '../contracts/common';
