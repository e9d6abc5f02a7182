import type { Context } from 'hono';
import type { Page, PageRequest } from '../db/pagination';
import type { ServiceContext } from '../services/context';
import {
  createProtectedRouter,
  IdempotencyHeader,
  IdParams,
  jsonBody,
  jsonResponse,
  pageOf,
  protectedRoute,
  serviceContext,
  toApi,
  z,
} from './openapi';

/**
 * What the route's validator produced for `target`. Hono infers it from the route's schema, which these
 * generic routes only know as a type parameter; the schema that validated it is the one `T` comes from.
 */
function validated<T>(c: Context, target: 'json' | 'query' | 'param'): T {
  return (c.req as unknown as { valid(target: string): T }).valid(target);
}

/** Query keys `listQuery` contributes; every other list query parameter is a resource filter. */
type PageKey = keyof PageRequest;

type Operation = 'list' | 'create' | 'get' | 'update' | 'delete';

/**
 * The five service functions behind a resource; each route calls exactly one. Property (not method)
 * signatures, so parameters are checked strictly: a body schema must produce what the service accepts.
 */
export interface CrudService<Row, Filters, CreateInput, UpdateInput> {
  list: (ctx: ServiceContext, filters: Filters, page: PageRequest) => Promise<Page<Row>>;
  create: (ctx: ServiceContext, input: CreateInput) => Promise<Row>;
  get: (ctx: ServiceContext, id: string) => Promise<Row>;
  update: (ctx: ServiceContext, id: string, input: UpdateInput) => Promise<Row>;
  delete: (ctx: ServiceContext, id: string, expectedVersion?: number) => Promise<Row>;
}

/**
 * `toApi` is only a valid default when stripping `tenantId` already yields the response shape;
 * otherwise the resource must say how a row becomes a response.
 */
type SerializerOption<Row, S extends z.ZodType> =
  Omit<Row, 'tenantId'> extends z.input<S>
    ? { serialize?: (row: Row) => z.input<S> }
    : { serialize: (row: Row) => z.input<S> };

export type CrudConfig<
  Row extends { tenantId: string },
  S extends z.ZodType,
  Q extends z.ZodObject,
  C extends z.ZodType,
  U extends z.ZodType,
> = {
  /** OpenAPI tag, e.g. `Customers`. */
  tag: string;
  /** Lower-case labels for generated summaries and response descriptions. */
  singular: string;
  plural: string;
  /** The response schema (registered under a name); its list page registers as `<Singular>Page`. */
  schema: S;
  createBody: C;
  updateBody: U;
  /** `listQuery(sortFields).extend({...filters})`; the non-paging keys are handed to `service.list` as filters. */
  listQuery: Q;
  service: CrudService<Row, Omit<z.output<Q>, PageKey>, z.output<C>, z.output<U>>;
  /** Summaries that say more than the generated `List customers` / `Create a customer` / ... */
  summaries?: Partial<Record<Operation, string>>;
  /**
   * Registers routes with fixed paths (e.g. `/online`) before `/{id}`, which would otherwise claim them
   * (Hono runs handlers in registration order, and `{id}` would answer 400 for a non-uuid).
   */
  staticRoutes?: (router: ReturnType<typeof createProtectedRouter>) => void;
} & SerializerOption<Row, S>;

type ProtectedRouter = ReturnType<typeof createProtectedRouter>;

export type ListRouteConfig<Row, S extends z.ZodType, Q extends z.ZodObject> = {
  tags: string[];
  summary: string;
  /** `listQuery(sortFields).extend({...filters})`; the non-paging keys are handed to `list` as filters. */
  query: Q;
  /** The item schema; the page of them registers under `pageName`. */
  schema: S;
  pageName: string;
  /** Of the 200 response. */
  description: string;
  list: (ctx: ServiceContext, filters: Omit<z.output<Q>, PageKey>, page: PageRequest) => Promise<Page<Row>>;
} & SerializerOption<Row, S>;

/**
 * `GET /` of a resource (the CRUD registrar's, and the hand-written routers'): one page of `list`, each
 * row through `serialize` (`toApi` unless given). Returns `router` so route chains go on.
 */
export function listRoute<Row, S extends z.ZodType, Q extends z.ZodObject>(
  router: ProtectedRouter,
  config: ListRouteConfig<Row, S, Q>,
): ProtectedRouter {
  // As in crudRouter: `serialize` may only be omitted when `toApi` already yields the response shape.
  const serialize = (config.serialize ?? toApi) as (row: Row) => z.input<S>;
  return router.openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags: config.tags,
      summary: config.summary,
      request: { query: config.query },
      responses: { 200: jsonResponse(pageOf(config.schema, config.pageName), config.description) },
    }),
    async (c) => {
      // Generic in Q, so read back under the schema it was validated against (see crudRouter).
      const query = validated<z.output<Q>>(c, 'query');
      const { limit, cursor, sort, updatedSince, includeDeleted, ...filters } = query;
      // `listQuery` defines these five keys; only Q's genericity hides their types here.
      const page = { limit, cursor, sort, updatedSince, includeDeleted } as PageRequest;
      const result = await config.list(serviceContext(c), filters, page);
      return c.json({ data: result.data.map(serialize), nextCursor: result.nextCursor }, 200);
    },
  );
}

const DeleteQuery = z.object({ expectedVersion: z.coerce.number().int().min(1).optional() });

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A protected router with list / create / get / patch / soft-delete for one resource. Chain the resource's
 * extra routes onto the result.
 */
export function crudRouter<
  Row extends { tenantId: string },
  S extends z.ZodType,
  Q extends z.ZodObject,
  C extends z.ZodType,
  U extends z.ZodType,
>(config: CrudConfig<Row, S, Q, C, U>) {
  const { tag, singular, plural, schema, service } = config;
  const tags = [tag];
  const summary = (op: Operation, generated: string) => config.summaries?.[op] ?? generated;
  // SerializerOption only lets `serialize` be omitted when `toApi` already yields the response shape.
  const serialize = (config.serialize ?? toApi) as (row: Row) => z.input<S>;

  /*
   * The route configs below are generic in the resource's schemas, so zod-openapi cannot resolve the
   * handlers' `c.req.valid(...)` types inside this function. Each value is read back
   * under the schema it was validated against (the cast restates what the validator guarantees), and
   * the typed surface lives in `CrudConfig`, where each resource file is fully checked.
   */
  const router = createProtectedRouter();
  config.staticRoutes?.(router);
  return listRoute(router, {
    tags,
    summary: summary('list', `List ${plural}`),
    query: config.listQuery,
    schema,
    pageName: `${capitalize(singular)}Page`,
    description: `A page of ${plural}`,
    list: service.list,
    serialize,
  })
    .openapi(
      protectedRoute({
        method: 'post',
        path: '/',
        tags,
        summary: summary('create', `Create a ${singular}`),
        request: { headers: IdempotencyHeader, ...jsonBody(config.createBody) },
        responses: { 201: jsonResponse(schema, `The created ${singular}`) },
      }),
      async (c) => {
        const input = validated<z.output<C>>(c, 'json');
        return c.json(serialize(await service.create(serviceContext(c), input)), 201);
      },
    )
    .openapi(
      protectedRoute({
        method: 'get',
        path: '/{id}',
        tags,
        summary: summary('get', `Get a ${singular}`),
        request: { params: IdParams },
        responses: { 200: jsonResponse(schema, `The ${singular}`) },
      }),
      async (c) => c.json(serialize(await service.get(serviceContext(c), c.req.valid('param').id)), 200),
    )
    .openapi(
      protectedRoute({
        method: 'patch',
        path: '/{id}',
        tags,
        summary: summary('update', `Update a ${singular}`),
        request: { params: IdParams, ...jsonBody(config.updateBody) },
        responses: { 200: jsonResponse(schema, `The updated ${singular}`) },
      }),
      async (c) => {
        const { id } = validated<z.output<typeof IdParams>>(c, 'param');
        const input = validated<z.output<U>>(c, 'json');
        return c.json(serialize(await service.update(serviceContext(c), id, input)), 200);
      },
    )
    .openapi(
      protectedRoute({
        method: 'delete',
        path: '/{id}',
        tags,
        summary: summary('delete', `Delete a ${singular} (soft delete; the tombstone stays visible to sync)`),
        request: { params: IdParams, query: DeleteQuery },
        responses: { 200: jsonResponse(schema, `The deleted ${singular} (tombstone)`) },
      }),
      async (c) => {
        const { expectedVersion } = c.req.valid('query');
        return c.json(
          serialize(await service.delete(serviceContext(c), c.req.valid('param').id, expectedVersion)),
          200,
        );
      },
    );
}
