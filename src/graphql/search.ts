import { fromBase64Url, toBase64Url } from '../lib/crypto';
import { searchPortFor } from '../search/backend';
import type { CustomerRecord, ProductRecord, SearchFilters, SearchSort } from '../search/search-port';
import { searchRecords } from '../services/search.service';
import { type ConnectionArgs, type ConnectionResult, pageSize } from './connection';
import type { GraphQLContext } from './context';
import { badInput } from './errors';
import { LIMITS } from './limits';

/**
 * `search:` on the product and customer connections runs the search service (FTS5, Postgres or Meilisearch, with
 * typo tolerance and relevance), not the lists' substring filter. Results are ranked, so a page is an
 * offset into the ranking; only the best LIMITS.searchWindow matches can be paged through, like
 * GET /v1/search.
 */
const SEARCH_SORTS: Record<string, SearchSort> = {
  relevance: 'relevance',
  name: 'name',
  '-name': '-name',
  priceMinor: 'price',
  '-priceMinor': '-price',
};

const encodeOffset = (offset: number) => toBase64Url(new TextEncoder().encode(`search:${offset}`));

function decodeOffset(cursor: string): number {
  let text = '';
  try {
    text = new TextDecoder().decode(fromBase64Url(cursor));
  } catch {
    text = '';
  }
  const match = /^search:(\d{1,4})$/.exec(text);
  if (!match) throw badInput('Invalid cursor (it must come from a previous page of the same search)');
  return Number(match[1]);
}

export async function searchConnection<T extends 'products' | 'customers'>(
  ctx: GraphQLContext,
  type: T,
  text: string,
  args: ConnectionArgs & { sort?: string | null | undefined },
  filters: SearchFilters,
): Promise<ConnectionResult<T extends 'products' ? ProductRecord : CustomerRecord>> {
  if (args.last != null || args.before != null) throw badInput('Connections page forwards only: use first and after');
  const q = text.trim();
  if (q.length < 1 || q.length > 200) throw badInput('search must be 1 to 200 characters');
  const sort = SEARCH_SORTS[args.sort ?? 'relevance'];
  if (!sort || (type === 'customers' && sort.includes('price'))) {
    throw badInput(`sort ${args.sort} cannot be combined with search`);
  }
  const offset = args.after ? decodeOffset(args.after) : 0;
  const first = pageSize(args, LIMITS.searchWindow);
  const limit = Math.min(offset + first, LIMITS.searchWindow);
  if (offset >= LIMITS.searchWindow) throw badInput(`Search pages stop after the best ${LIMITS.searchWindow} matches`);
  const port = searchPortFor(ctx.config, ctx.service.db);
  const result = await searchRecords(ctx.service, port, { type, q, limit, sort, filters });
  const hits = (result.hits as unknown as { entity: T extends 'products' ? ProductRecord : CustomerRecord }[]).slice(
    offset,
  );
  const edges = hits.map((hit, i) => ({ node: hit.entity, cursor: encodeOffset(offset + i + 1) }));
  const end = offset + edges.length;
  return {
    edges,
    pageInfo: {
      hasNextPage: end < Math.min(result.total, LIMITS.searchWindow),
      hasPreviousPage: offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: async () => result.total,
  };
}
