import { and, eq, isNull } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { assertChanged, runBatch, type Statement } from '../db/batch';
import { AppError, ErrorCode, notFound } from '../lib/errors';
import type { ServiceContext } from './context';
import { appendEvent } from './events.service';

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

/** Reads one live row of the caller's tenant; another tenant's id is indistinguishable from a missing one. */
export async function findEntity<T extends EntityTable>(
  ctx: ServiceContext,
  table: T,
  id: string,
  label: string,
): Promise<T['$inferSelect']> {
  const rows = await ctx.db
    .select()
    .from(table as SQLiteTable)
    .where(and(eq(table.tenantId, ctx.principal.tenantId), eq(table.id, id), isNull(table.deletedAt)))
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound(label);
  return row as T['$inferSelect'];
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
  await runBatch(ctx.db, [
    ctx.db.insert(table).values(row as never),
    appendEvent(ctx.db, ctx, {
      type: options.event,
      entityType: options.entityType,
      entityId: row.id,
      payload: options.payload ?? publicPayload(row),
    }),
    ...(options.also ?? []),
  ]);
  return row;
}

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
  const updated: R = { ...existing, ...patch, updatedAt: ctx.now, version: existing.version + 1 };
  const { tenantId: _t, id: _i, createdAt: _c, ...columns } = updated;
  await runBatch(
    ctx.db,
    [
      ctx.db
        .update(table)
        .set(columns as never)
        .where(
          // Scoped by the caller's tenant, not the row's: a write never reaches beyond the credential's tenant.
          and(
            eq(table.tenantId, ctx.principal.tenantId),
            eq(table.id, existing.id),
            eq(table.version, existing.version),
          ),
        ),
      assertChanged(ctx.db),
      appendEvent(ctx.db, ctx, {
        type: options.event,
        entityType: options.entityType,
        entityId: existing.id,
        payload: options.payload ?? publicPayload(updated),
      }),
      ...(options.also ?? []),
    ],
    () => new AppError(ErrorCode.VERSION_MISMATCH, 'The record was changed by someone else; reload and retry'),
  );
  return updated;
}

/** Soft delete: the row becomes a tombstone (`deletedAt`) that sync clients still receive. */
export const softDeleteEntity = <T extends EntityTable, R extends EntityRow>(
  ctx: ServiceContext,
  table: T,
  existing: R,
  options: WriteOptions & { expectedVersion?: number | undefined },
) => updateEntity(ctx, table, existing, { deletedAt: ctx.now } as Partial<R>, options);

function publicPayload(row: EntityRow): Record<string, unknown> {
  const { tenantId: _t, ...rest } = row as EntityRow & Record<string, unknown>;
  return rest;
}
