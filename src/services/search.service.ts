import type { Permission } from '../auth/permissions';
import { requirePermission } from '../auth/principal';
import { AppError, ErrorCode } from '../lib/errors';
import type { MeiliBackend } from '../search/meili-backend';
import type {
  NearQuery,
  NearResult,
  ReindexReport,
  SearchPort,
  SearchQuery,
  SearchResult,
  SearchType,
  Suggestion,
} from '../search/search-port';
import type { ServiceContext } from './context';
import { lastEventSeq, markIndexedUpTo } from './search-indexer.service';

/**
 * Search over the caller's tenant. Permissions are the REST ones: products:read for the catalogue,
 * customers:read for customers (salesmen have both, like on /v1/products and /v1/customers). The port
 * receives the tenant from the principal only.
 */

const READ_PERMISSION: Record<SearchType, Permission> = { products: 'products:read', customers: 'customers:read' };
const PRODUCT_ONLY_FILTERS = ['category', 'minPrice', 'maxPrice', 'active'] as const;

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;

export async function searchRecords(
  ctx: ServiceContext,
  port: SearchPort,
  query: SearchQuery,
): Promise<SearchResult & { took: number; backend: SearchPort['backend'] }> {
  requirePermission(ctx.principal, READ_PERMISSION[query.type]);
  if (query.type === 'customers') {
    const misplaced = PRODUCT_ONLY_FILTERS.filter((f) => query.filters[f] !== undefined);
    if (misplaced.length) throw badRequest(`${misplaced.join(', ')} only apply to type=products`);
    if (query.sort === 'price' || query.sort === '-price') throw badRequest('sort=price only applies to type=products');
  } else if (query.filters.territoryId !== undefined) {
    throw badRequest('territoryId only applies to type=customers');
  }
  const started = performance.now();
  const result = await port.search(ctx.principal.tenantId, query);
  return { ...result, took: elapsed(started), backend: port.backend };
}

/** Autocomplete over what the caller may read: product names/skus and customer names/companies. */
export async function suggestRecords(
  ctx: ServiceContext,
  port: SearchPort,
  query: { q: string; limit: number },
): Promise<{ suggestions: Suggestion[]; took: number }> {
  const types = readableTypes(ctx);
  if (types.length === 0) requirePermission(ctx.principal, 'products:read');
  const started = performance.now();
  const suggestions = await port.suggest(ctx.principal.tenantId, { ...query, types });
  return { suggestions, took: elapsed(started) };
}

export async function customersNear(
  ctx: ServiceContext,
  port: SearchPort,
  query: NearQuery,
): Promise<NearResult & { took: number }> {
  requirePermission(ctx.principal, 'customers:read');
  const started = performance.now();
  const result = await port.near(ctx.principal.tenantId, query);
  return { ...result, took: elapsed(started) };
}

/** Rebuilds the caller's tenant index (owners and admins: it is maintenance, not a business action). */
export async function reindexSearch(
  ctx: ServiceContext,
  port: SearchPort,
): Promise<ReindexReport & { backend: SearchPort['backend']; took: number }> {
  requirePermission(ctx.principal, 'tenant:write');
  const tenantId = ctx.principal.tenantId;
  const started = performance.now();
  // An index fed from the log restarts from the last event before the rebuild: later events are replayed
  // (pushes are idempotent), earlier ones are covered by the rebuild.
  const seq = port.feed ? await lastEventSeq(ctx.db, tenantId) : 0;
  const report = await port.reindex(tenantId);
  if (port.feed) await markIndexedUpTo(ctx.db, tenantId, port.backend, seq);
  return { ...report, backend: port.backend, took: elapsed(started) };
}

/** Token lifetime: long enough for a search session, short enough that a leaked token soon stops working. */
export const SEARCH_KEY_TTL_SECONDS = 900;

/**
 * A Meilisearch tenant token for client-side search, limited to the indexes the caller may read and,
 * inside them, to the caller's tenant. Only exists when Meilisearch is configured.
 */
export async function issueSearchKey(ctx: ServiceContext, meili: MeiliBackend | null) {
  const types = readableTypes(ctx);
  if (types.length === 0) requirePermission(ctx.principal, 'products:read');
  if (!meili) {
    throw new AppError(ErrorCode.NOT_FOUND, 'Client-side search keys exist only when Meilisearch is configured');
  }
  return meili.tenantToken(ctx.principal.tenantId, types, SEARCH_KEY_TTL_SECONDS);
}

const readableTypes = (ctx: ServiceContext): SearchType[] =>
  (['products', 'customers'] as const).filter((t) => ctx.principal.permissions.has(READ_PERMISSION[t]));

const badRequest = (detail: string) => new AppError(ErrorCode.BAD_REQUEST, detail);
