import { and, eq, getTableName, inArray, isNull, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { ownSalesmanScope } from '../auth/principal';
import { assertChanged, type Statement } from '../db/batch';
import type { Db } from '../db/client';
import { insertRows, updateVersionedRow } from '../db/row-statements';
import { checkableEquality, satisfies } from '../db/rows-in-hand';
import { prepareRead } from '../db/sql';
import { inChunks } from '../lib/chunk';
import { AppError, ErrorCode, notFound } from '../lib/errors';
import type { ServiceContext } from './context';
import { appendEvent, commitUnit } from './write-pipeline';

/**
 * The write path shared by every tenant-owned entity: read scoped by tenant, write + event in one batch,
 * optimistic concurrency on `version`. Services build on these so the rules live in one place.
 */
export type EntityTable = SQLiteTable & {
  tenantId: SQLiteColumn;
  id: SQLiteColumn;
  version: SQLiteColumn;
  updatedAt: SQLiteColumn;
  deletedAt: SQLiteColumn;
};

export interface EntityRow {
  tenantId: string;
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

const liveRowsOf = (
  tenant: string | Placeholder,
  table: Pick<EntityTable, 'tenantId' | 'deletedAt'>,
  visible?: SQL,
): SQL | undefined => and(eq(table.tenantId, tenant), isNull(table.deletedAt), visible);

/**
 * The rows of `table` the caller may read: his tenant's, live ones, narrowed by `visible` where the
 * service limits who sees what (a salesman's own orders). Single and many-ids reads share it.
 */
export const readableRows = (
  ctx: ServiceContext,
  table: Pick<EntityTable, 'tenantId' | 'deletedAt'>,
  visible?: SQL,
): SQL | undefined => liveRowsOf(ctx.principal.tenantId, table, visible);

/** Limits a salesman to rows of his own (`column` names their salesman); undefined for managers and up. */
export function ownRowsOnly(ctx: ServiceContext, column: SQLiteColumn): SQL | undefined {
  const scope = ownSalesmanScope(ctx.principal);
  // Checkable on held rows too (`heldEntity`), so the rule is written here only.
  return scope ? checkableEquality(eq(column, scope), column, scope) : undefined;
}

/** Reads one live row of the caller's tenant; another tenant's id is indistinguishable from a missing one. */
export async function findEntity<T extends EntityTable>(
  ctx: ServiceContext,
  table: T,
  id: string,
  label: string,
  visible?: SQL,
): Promise<T['$inferSelect']> {
  const held = heldEntity(ctx, table, id, visible);
  if (held !== undefined) {
    if (held === null) throw notFound(label);
    return held;
  }
  const rows = visible
    ? await ctx.db
        .select()
        .from(table as SQLiteTable)
        .where(and(readableRows(ctx, table, visible), eq(table.id, id)))
        .limit(1)
    : await byIdQuery(ctx.db, table)({ tenantId: ctx.principal.tenantId, id });
  const row = rows[0];
  if (!row) throw notFound(label);
  return row as T['$inferSelect'];
}

/**
 * `findEntity`'s answer from the rows the context holds (a sync push's, db/rows-in-hand.ts): the row,
 * null where `findEntity` would answer 404, or undefined when the hand cannot tell (the table or id is
 * not held, or `visible` is not a rule it can check) and the database must be asked.
 */
export function heldEntity<T extends EntityTable>(
  ctx: ServiceContext,
  table: T,
  id: string,
  visible?: SQL,
): T['$inferSelect'] | null | undefined {
  const hand = ctx.held;
  const row = hand?.get(table, id);
  if (!hand || row === undefined) return undefined;
  const live = row !== null && row.tenantId === ctx.principal.tenantId && row.deletedAt === null;
  const may = live ? satisfies(table, row, visible) : false;
  if (may === undefined) return undefined;
  hand.served = true;
  return may ? ({ ...row } as T['$inferSelect']) : null;
}

/**
 * `heldEntity` for many ids: the live rows among them (missing ones left out, as the database would),
 * or undefined when any of them cannot be told in hand.
 */
export function heldEntities<T extends EntityTable>(
  ctx: ServiceContext,
  table: T,
  ids: readonly string[],
): T['$inferSelect'][] | undefined {
  const rows: T['$inferSelect'][] = [];
  for (const id of ids) {
    const row = heldEntity(ctx, table, id);
    if (row === undefined) return undefined;
    if (row !== null) rows.push(row);
  }
  return rows;
}

/** Records a row the context just wrote among those it holds (when it holds rows of `table`). */
const holdWritten = (ctx: ServiceContext, table: EntityTable, row: EntityRow) => ctx.held?.wrote(table, row);

/**
 * The plain by-id read (no visibility rule), built once per database and table: drizzle otherwise
 * rebuilds the same SQL on every request, a tenth of a simple read's CPU.
 */
const byIdQueries = new WeakMap<Db, Map<EntityTable, ReturnType<typeof prepareById>>>();

const prepareById = (db: Db, table: EntityTable) =>
  prepareRead<EntityRow>(
    db
      .select()
      .from(table as SQLiteTable)
      .where(and(liveRowsOf(sql.placeholder('tenantId'), table), eq(table.id, sql.placeholder('id'))))
      .limit(1),
    `by_id_${getTableName(table)}`,
  );

function byIdQuery(db: Db, table: EntityTable) {
  let perTable = byIdQueries.get(db);
  if (!perTable) {
    perTable = new Map();
    byIdQueries.set(db, perTable);
  }
  let query = perTable.get(table);
  if (!query) {
    query = prepareById(db, table);
    perTable.set(table, query);
  }
  return query;
}

/**
 * The many-ids form of `findEntity` (behind GraphQL's batched loads), under the same rule. Missing or
 * invisible ids simply yield no row, in no particular order.
 */
export async function findEntitiesByIds<T extends EntityTable>(
  ctx: ServiceContext,
  table: T,
  ids: readonly string[],
  visible?: SQL,
): Promise<T['$inferSelect'][]> {
  return inChunks([...new Set(ids)], (part) =>
    ctx.db
      .select()
      .from(table as SQLiteTable)
      .where(and(readableRows(ctx, table, visible), inArray(table.id, part)))
      .then((rows) => rows as T['$inferSelect'][]),
  );
}

/** Fills in the columns every entity has: client-supplied id or a fresh one, timestamps, version 1. */
export const newEntity = (ctx: ServiceContext, id: string) => ({
  tenantId: ctx.principal.tenantId,
  id,
  createdAt: ctx.now,
  updatedAt: ctx.now,
  version: 1,
  deletedAt: null,
});

export interface WriteOptions {
  /** Event type, e.g. `customer:created`. */
  event: string;
  entityType: string;
  /** Extra statements for the same batch, run after the entity write and its event. */
  also?: Statement[];
  /** What the event should carry; defaults to the entity itself. */
  payload?: Record<string, unknown>;
}

export async function insertEntity<T extends EntityTable, R extends EntityRow>(
  ctx: ServiceContext,
  table: T,
  row: R,
  options: WriteOptions,
): Promise<R> {
  await commitUnit(ctx, insertEntityStatements(ctx, table, row, options));
  holdWritten(ctx, table, row);
  return row;
}

/** The statements of `insertEntity` (the row, its event, `also`), for a unit that writes several rows. */
export const insertEntityStatements = <T extends EntityTable, R extends EntityRow>(
  ctx: ServiceContext,
  table: T,
  row: R,
  options: WriteOptions,
): Statement[] => [
  insertRows(ctx.db, table, [row]),
  appendEvent(ctx, {
    type: options.event,
    entityType: options.entityType,
    entityId: row.id,
    payload: options.payload ?? publicPayload(row),
  }),
  ...(options.also ?? []),
];

/**
 * Applies `patch` to `existing` if nobody changed it since it was read (and, when the client sent one,
 * if its `expectedVersion` still matches). Returns the row as stored.
 */
export async function updateEntity<T extends EntityTable, R extends EntityRow>(
  ctx: ServiceContext,
  table: T,
  existing: R,
  patch: Partial<R>,
  options: WriteOptions & { expectedVersion?: number | undefined },
): Promise<R> {
  if (options.expectedVersion !== undefined && options.expectedVersion !== existing.version) {
    throw new AppError(
      ErrorCode.VERSION_MISMATCH,
      `The record is at version ${existing.version}, not ${options.expectedVersion}`,
      { currentVersion: existing.version },
    );
  }
  const { updated, statements } = updateEntityStatements(ctx, table, existing, patch, options);
  await commitUnit(
    ctx,
    statements,
    () => new AppError(ErrorCode.VERSION_MISMATCH, 'The record was changed by someone else; reload and retry'),
  );
  holdWritten(ctx, table, updated);
  return updated;
}

/**
 * The statements of `updateEntity` without its checks: the guarded update (unchanged since `existing`
 * was read), its event and `also`. A unit that carries several must map a guard failure itself.
 */
export function updateEntityStatements<T extends EntityTable, R extends EntityRow>(
  ctx: ServiceContext,
  table: T,
  existing: R,
  patch: Partial<R>,
  options: WriteOptions,
): { updated: R; statements: Statement[] } {
  const changed = { ...patch, updatedAt: ctx.now, version: existing.version + 1 };
  const updated: R = { ...existing, ...changed };
  // Only the changed columns are set: the guard on `version` holds the rest as they were read.
  const { tenantId: _t, id: _i, createdAt: _c, ...columns } = changed;
  return {
    updated,
    statements: [
      // Scoped by the caller's tenant, not the row's: a write never reaches beyond the credential's tenant.
      updateVersionedRow(
        ctx.db,
        table,
        { tenantId: ctx.principal.tenantId, id: existing.id, version: existing.version },
        columns,
      ),
      assertChanged(ctx.db),
      appendEvent(ctx, {
        type: options.event,
        entityType: options.entityType,
        entityId: existing.id,
        payload: options.payload ?? { ...publicPayload(updated), ...handedOver(existing, updated) },
      }),
      ...(options.also ?? []),
    ],
  };
}

/** Soft delete: the row becomes a tombstone (`deletedAt`) that sync clients still receive. */
export const softDeleteEntity = <T extends EntityTable, R extends EntityRow>(
  ctx: ServiceContext,
  table: T,
  existing: R,
  options: WriteOptions & { expectedVersion?: number | undefined },
) => updateEntity(ctx, table, existing, { deletedAt: ctx.now } as Partial<R>, options);

/** Assignment columns: a change of one hands the record from one salesman's working set to another's. */
const ASSIGNMENT = ['salesmanId', 'territoryId'] as const;

/**
 * `{previous: {salesmanId, territoryId}}` with the assignment an update changed (nothing when it changed
 * none), so that whoever followed the record before learns that it left them (docs/realtime.md).
 */
function handedOver(existing: EntityRow, updated: EntityRow): { previous?: Record<string, unknown> } {
  const before = existing as EntityRow & Record<string, unknown>;
  const after = updated as EntityRow & Record<string, unknown>;
  const changed = ASSIGNMENT.filter((key) => key in before && before[key] !== after[key]);
  return changed.length ? { previous: Object.fromEntries(changed.map((key) => [key, before[key] ?? null])) } : {};
}

function publicPayload(row: EntityRow): Record<string, unknown> {
  const { tenantId: _t, ...rest } = row as EntityRow & Record<string, unknown>;
  return rest;
}
