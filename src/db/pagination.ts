import { and, asc, desc, eq, gt, gte, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { fromBase64Url, toBase64Url } from '../lib/crypto';
import { AppError, ErrorCode } from '../lib/errors';
import { toUtcIso } from '../lib/time';
import type { Db } from './client';

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
  /** A sortable field name, `-` prefixed for descending. */
  sort?: string | undefined;
  /** ISO timestamp: only rows updated at or after it (sync pulls). */
  updatedSince?: string | undefined;
  /** Include soft-deleted rows (tombstones), for sync clients. */
  includeDeleted?: boolean | undefined;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Cursor {
  s: string;
  v: string | number;
  id: string;
}

type PageableTable = SQLiteTable & {
  id: SQLiteColumn;
  tenantId: SQLiteColumn;
  updatedAt: SQLiteColumn;
  deletedAt?: SQLiteColumn;
};

export const encodeCursor = (c: Cursor) => toBase64Url(new TextEncoder().encode(JSON.stringify(c)));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Decodes a cursor made by `encodeCursor` for the same sort; anything else is a 400. */
export function decodeCursor(raw: string, sort: string): Cursor {
  try {
    const c = JSON.parse(new TextDecoder().decode(fromBase64Url(raw))) as Cursor;
    // Ids are UUIDs (a Postgres uuid column refuses anything else, D1 would just match nothing).
    if (
      c.s === sort &&
      typeof c.id === 'string' &&
      UUID.test(c.id) &&
      (typeof c.v === 'string' || typeof c.v === 'number')
    ) {
      return c;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError(ErrorCode.BAD_REQUEST, 'Invalid cursor (it must come from a previous page with the same sort)');
}

/** Rows after `cursor` in (column, id) order, ascending or descending: the keyset condition of a next page. */
export function after(column: SQLiteColumn, id: SQLiteColumn, cursor: Cursor, descending: boolean): SQL | undefined {
  const cmp = descending ? lt : gt;
  return or(cmp(column, cursor.v), and(eq(column, cursor.v), cmp(id, cursor.id)));
}

/**
 * Keyset pagination over (sort column, id) for any tenant-owned table. Every query is scoped to the
 * tenant here, so a list can never leak another tenant's rows whatever filters a route adds.
 */
export async function listPage<T extends PageableTable>(
  db: Db,
  table: T,
  options: {
    tenantId: string;
    filters: (SQL | undefined)[];
    sortable: Record<string, SQLiteColumn>;
    defaultSort: string;
    page: PageRequest;
  },
): Promise<Page<T['$inferSelect']>> {
  const sort = options.page.sort ?? options.defaultSort;
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  const column = options.sortable[field];
  if (!column) throw new AppError(ErrorCode.BAD_REQUEST, `Cannot sort by ${field}`);

  const conditions: (SQL | undefined)[] = [eq(table.tenantId, options.tenantId), ...options.filters];
  if (table.deletedAt && !options.page.includeDeleted) conditions.push(isNull(table.deletedAt));
  if (options.page.updatedSince) {
    // Stored timestamps are UTC `toISOString()` strings; normalise offsets so text comparison is time order.
    conditions.push(gte(table.updatedAt, toUtcIso(options.page.updatedSince)));
  }
  if (options.page.cursor) {
    conditions.push(after(column, table.id, decodeCursor(options.page.cursor, sort), descending));
  }
  const order = descending ? desc : asc;
  const rows = (await db
    .select()
    .from(table as SQLiteTable)
    .where(and(...conditions))
    .orderBy(order(column), order(table.id))
    .limit(options.page.limit + 1)) as T['$inferSelect'][];

  const hasMore = rows.length > options.page.limit;
  const data = hasMore ? rows.slice(0, options.page.limit) : rows;
  const last = data.at(-1) as Record<string, unknown> | undefined;
  const nextCursor =
    hasMore && last
      ? encodeCursor({ s: sort, v: last[columnKey(table, column)] as string | number, id: last.id as string })
      : null;
  return { data, nextCursor };
}

/** The property name under which drizzle returns `column` for `table`. */
function columnKey(table: SQLiteTable, column: SQLiteColumn): string {
  for (const [key, value] of Object.entries(table)) if (value === column) return key;
  throw new Error(`column ${column.name} is not on this table`);
}
