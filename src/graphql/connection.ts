import { encodeCursor, type Page, type PageRequest } from '../db/pagination';
import type { ServiceContext } from '../services/context';
import { builder } from './builder';
import type { GraphQLContext } from './context';
import { badInput } from './errors';
import { LIMITS } from './limits';

export interface ConnectionArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

/** What connection resolvers return; `totalCount` runs only when the client selects it. */
export interface ConnectionResult<T> {
  edges: { node: T; cursor: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount?: (() => Promise<number>) | undefined;
}

/**
 * Relay connection arguments → the services' keyset page. Paging is forward only (`first`/`after`),
 * like REST's `limit`/`cursor`; the cursors are the REST cursors, so they are opaque and tied to the sort.
 */
export function pageRequest(args: ConnectionArgs, sort: string): PageRequest {
  if (args.last != null || args.before != null) throw badInput('Connections page forwards only: use first and after');
  return { limit: pageSize(args), cursor: args.after ?? undefined, sort };
}

export function pageSize(args: ConnectionArgs, max: number = LIMITS.pageSize): number {
  const first = args.first ?? LIMITS.defaultPageSize;
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput(`first must be between 1 and ${max}`);
  return first;
}

/**
 * A service page as a connection. Each edge's cursor is what `listPage` would have returned as
 * `nextCursor` had the page ended at that row, so `after: edge.cursor` resumes right after it.
 */
export function toConnection<T>(
  page: Page<T>,
  sort: string,
  totalCount?: () => Promise<number>,
  idOf: (row: T) => string = (row) => (row as { id: string }).id,
): ConnectionResult<T> {
  const field = sort.startsWith('-') ? sort.slice(1) : sort;
  const edges = page.data.map((node) => ({
    node,
    cursor: encodeCursor({
      s: sort,
      v: (node as Record<string, string | number>)[field] as string | number,
      id: idOf(node),
    }),
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.nextCursor !== null,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/**
 * A connection field's usual resolver: one page of a service list under `args.sort`; with `count`,
 * `totalCount` counts the same filters (only when selected).
 */
export async function listConnection<F, T>(
  ctx: GraphQLContext,
  args: ConnectionArgs & { sort: string },
  list: (service: ServiceContext, filters: F, page: PageRequest) => Promise<Page<T>>,
  filters: F,
  count?: (service: ServiceContext, filters: F) => Promise<number>,
): Promise<ConnectionResult<T>> {
  const page = await list(ctx.service, filters, pageRequest(args, args.sort));
  return toConnection(page, args.sort, count && (() => count(ctx.service, filters)));
}

/** Cost of a connection field: its own 1, and what each node selects times the page size asked for. */
export const connectionComplexity = (args: ConnectionArgs) => ({
  field: 1,
  multiplier: Math.min(Math.max(args.first ?? LIMITS.defaultPageSize, 1), LIMITS.pageSize),
});

/**
 * `NAME_ASC`/`NAME_DESC`... for the fields a service can sort by; the values are the service's sort
 * strings (`name`, `-name`).
 */
export function sortEnum<const F extends string>(
  name: string,
  fields: readonly F[],
  extra: Record<string, { value: string; description: string }> = {},
) {
  const values: Record<string, { value: string; description?: string }> = { ...extra };
  for (const field of fields) {
    const constant = field.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
    values[`${constant}_ASC`] = { value: field };
    values[`${constant}_DESC`] = { value: `-${field}` };
  }
  return builder.enumType(name, { values });
}
