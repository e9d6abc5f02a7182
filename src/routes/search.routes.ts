import type { Context } from 'hono';
import { uuid } from '../contracts/common';
import { CustomerSchema } from '../contracts/customers.schemas';
import { ProductSchema } from '../contracts/products.schemas';
import type { AppEnv } from '../env';
import { meiliBackendFor, searchPortFor } from '../search/backend';
import { SEARCH_BACKENDS } from '../search/search-port';
import {
  customersNear,
  issueSearchKey,
  reindexSearch,
  searchRecords,
  suggestRecords,
} from '../services/search.service';
import {
  booleanQuery,
  createProtectedRouter,
  IdempotencyHeader,
  jsonResponse,
  protectedRoute,
  serviceContext,
  toApi,
  z,
} from './openapi';

const tags = ['Search'];

/** A declaration, not a const: `customersNearRoute` may run before this module finished loading. */
function portOf(c: Context<AppEnv>) {
  return searchPortFor(c.get('config'), c.get('db'));
}

const Price = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();

const SearchQuery = z
  .object({
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .openapi({ description: 'What was typed; the last word also matches as a prefix' }),
    type: z.enum(['products', 'customers']).default('products'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    sort: z
      .enum(['relevance', 'name', '-name', 'price', '-price'])
      .default('relevance')
      .openapi({ description: 'price only for products' }),
    category: z.string().max(120).optional().openapi({ description: 'products: exact category' }),
    minPrice: Price.openapi({ description: 'products: minimum priceMinor (inclusive)' }),
    maxPrice: Price.openapi({ description: 'products: maximum priceMinor (inclusive)' }),
    active: booleanQuery.openapi({ description: 'products: only active (true) or inactive (false)' }),
    territoryId: uuid().optional().openapi({ description: 'customers: only this territory' }),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'minPrice must not exceed maxPrice',
    path: ['minPrice'],
  });

const Highlights = z
  .record(z.string(), z.string())
  .openapi({ description: 'Matched fields, matches wrapped in <mark>…</mark>; the text is not HTML-escaped' });

const hitOf = <T extends z.ZodType>(entity: T, name: string) =>
  z.object({ id: z.string(), score: z.number(), highlights: Highlights, entity }).openapi(name);

// Lazy: customers.routes imports this module for /customers/near, so its schema is read at use time.
const CustomerEntity = z.lazy(() => CustomerSchema);

const SearchResults = z
  .object({
    type: z.enum(['products', 'customers']),
    backend: z.enum(SEARCH_BACKENDS),
    hits: z.array(z.union([hitOf(ProductSchema, 'ProductSearchHit'), hitOf(CustomerEntity, 'CustomerSearchHit')])),
    total: z.number().int(),
    took: z.number().openapi({ description: 'Milliseconds spent in the search backend' }),
    corrections: z
      .record(z.string(), z.array(z.string()))
      .openapi({ description: 'FTS5 and Postgres: words read as typos, with the terms searched as well' }),
  })
  .openapi('SearchResults');

const Suggestions = z
  .object({
    suggestions: z.array(
      z.object({
        type: z.enum(['product', 'customer']),
        id: z.string(),
        text: z.string(),
        highlight: z.string(),
        score: z.number(),
      }),
    ),
    took: z.number(),
  })
  .openapi('SearchSuggestions');

const SearchKey = z
  .object({
    host: z.string(),
    token: z.string().openapi({ description: 'Meilisearch tenant token (JWT), search only, this tenant only' }),
    expiresAt: z.string(),
    indexes: z.object({ products: z.string().optional(), customers: z.string().optional() }),
  })
  .openapi('SearchKey');

const ReindexReport = z
  .object({ backend: z.enum(SEARCH_BACKENDS), products: z.number(), customers: z.number(), took: z.number() })
  .openapi('SearchReindexReport');

export const searchRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'Search products or customers (typo-tolerant, prefix, filters, highlights)',
      request: { query: SearchQuery },
      responses: { 200: jsonResponse(SearchResults, 'Best matches first (or in the requested order)') },
    }),
    async (c) => {
      const { q, type, limit, sort, ...filters } = c.req.valid('query');
      const result = await searchRecords(serviceContext(c), portOf(c), { q, type, limit, sort, filters });
      const hits =
        result.type === 'products'
          ? result.hits.map((h) => ({ ...h, entity: toApi(h.entity) }))
          : result.hits.map((h) => ({ ...h, entity: toApi(h.entity) }));
      return c.json({ ...result, hits }, 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/suggest',
      tags,
      summary: 'Autocomplete: product names/SKUs and customer names the caller may read',
      request: {
        query: z.object({
          q: z.string().trim().min(1).max(100),
          limit: z.coerce.number().int().min(1).max(20).default(8),
        }),
      },
      responses: { 200: jsonResponse(Suggestions, 'Suggestions, best first') },
    }),
    async (c) => c.json(await suggestRecords(serviceContext(c), portOf(c), c.req.valid('query')), 200),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/key',
      tags,
      summary: 'A short-lived Meilisearch tenant token for client-side search (only when Meilisearch is configured)',
      responses: { 200: jsonResponse(SearchKey, 'Token restricted to the caller’s tenant and readable indexes') },
    }),
    async (c) => c.json(await issueSearchKey(serviceContext(c), meiliBackendFor(c.get('config'), c.get('db'))), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/reindex',
      tags,
      summary: 'Rebuild the search index of the caller’s tenant (owner/admin)',
      request: { headers: IdempotencyHeader },
      responses: { 200: jsonResponse(ReindexReport, 'Records indexed') },
    }),
    async (c) => c.json(await reindexSearch(serviceContext(c), portOf(c)), 200),
  );

/**
 * `GET /customers/near`, registered by the customers router before `/{id}`. A function declaration that
 * builds its schemas when called: the customers router calls it while this module may still be loading.
 */
export function customersNearRoute(
  router: ReturnType<typeof createProtectedRouter>,
  customerSchema: typeof CustomerSchema,
) {
  const NearQuery = z.object({
    lat: z.coerce.number().min(-90).max(90),
    lng: z.coerce.number().min(-180).max(180),
    radius: z.coerce.number().positive().max(100_000).openapi({ description: 'Metres (at most 100 km)' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  });
  const NearResults = z
    .object({
      hits: z.array(z.object({ id: z.string(), distanceM: z.number(), entity: customerSchema })),
      total: z.number().int(),
      took: z.number(),
    })
    .openapi('CustomersNear');
  router.openapi(
    protectedRoute({
      method: 'get',
      path: '/near',
      tags: ['Customers'],
      summary: 'Customers within a radius of a point, nearest first',
      request: { query: NearQuery },
      responses: { 200: jsonResponse(NearResults, 'Customers with their distance in metres') },
    }),
    async (c) => {
      const { lat, lng, radius, limit } = c.req.valid('query');
      const result = await customersNear(serviceContext(c), portOf(c), { lat, lng, radiusM: radius, limit });
      return c.json({ ...result, hits: result.hits.map((h) => ({ ...h, entity: toApi(h.entity) })) }, 200);
    },
  );
}
