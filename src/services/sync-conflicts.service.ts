import { and, desc, eq, sql } from 'drizzle-orm';
import type { Permission } from '../auth/permissions';
import { requirePermission } from '../auth/principal';
import type { Statement } from '../db/batch';
import { after, decodeCursor, encodeCursor, type Page } from '../db/pagination';
import { dialect } from '../db/sql';
import { events, orders, type SyncConflictField, syncConflicts } from '../db/tables';
import { newId } from '../lib/ids';
import { toUtcIso } from '../lib/time';
import type { ServiceContext } from './context';
import { getCustomer } from './customers.service';
import { getOrder } from './orders.service';
import { getVisit } from './visits.service';

/**
 * Conflicts of offline edits (docs/sync.md, Conflicts). A pushed update names the version its edit was
 * based on; when the record has moved on since, the edit is merged field by field instead of refused:
 *
 * - a field only the device changed since its base takes the device's value;
 * - a field only the server changed keeps the server's value (the device merely sent what it had);
 * - a field both changed, to different values, is a conflict: the entity's rule below names the winner,
 *   and the conflict is recorded (both values, the winner) in the same unit as the mutation.
 *
 * The base is the record as the event log holds it at the base version (every write logs the whole
 * record). Where the log has no such state (a record older than its events), every field whose value
 * differs from the server's is treated as changed on both sides.
 */

export type MergeableEntity = 'customer' | 'visit' | 'order';

type Values = Record<string, unknown>;
type Current = Values & { id: string; version: number };

interface MergeRule {
  /** What the update itself requires (checked even when the merge leaves nothing to write). */
  permission: Permission;
  /** The record as the caller may read it now (throws 404 as REST would). */
  read(ctx: ServiceContext, id: string): Promise<Current>;
  /** Fields the server keeps when both sides changed them; every other field goes to the device. */
  serverWins: ReadonlySet<string>;
  /** Turns a field's value, as the device sends it or the record holds it, into comparable form. */
  comparable?(field: string, value: unknown): unknown;
}

const RULES: Record<MergeableEntity, MergeRule> = {
  // The office owns the assignment; the salesman's contact details and notes are what he saw on site.
  customer: { permission: 'customers:write', read: getCustomer, serverWins: new Set(['salesmanId', 'territoryId']) },
  // The office owns the schedule (who, whom, when); notes and outcome are the salesman's.
  visit: {
    permission: 'visits:write',
    read: getVisit,
    serverWins: new Set(['customerId', 'salesmanId', 'plannedAt']),
    comparable: (field, value) => (field === 'plannedAt' && typeof value === 'string' ? toUtcIso(value) : value),
  },
  // The salesman took the order: his lines and notes win (the state rules still refuse a non-draft).
  order: {
    permission: 'orders:write',
    read: getOrder,
    serverWins: new Set(),
    comparable: (field, value) => (field === 'lines' && Array.isArray(value) ? value.map(lineKey) : value),
  },
};

/** An order line as the device sends it (discount in percent) or as stored (in basis points). */
const lineKey = (line: { productId: string; quantity: number; discount?: number; discountBps?: number }) => ({
  productId: line.productId,
  quantity: line.quantity,
  discountBps: line.discountBps ?? Math.round((line.discount ?? 0) * 100),
});

export interface ConflictDraft {
  entityType: MergeableEntity;
  entityId: string;
  baseVersion: number;
  serverVersion: number;
  fields: SyncConflictField[];
}

export interface Merged<P> {
  /** The patch to apply, based on the current version; `null` when nothing is left to write. */
  patch: P | null;
  /** The record as it is, for a merge with nothing left to write. */
  current: Current | null;
  conflict: ConflictDraft | null;
}

/**
 * Merges an update based on `patch.expectedVersion` onto the record as it is now. An update without a
 * base, or based on the current version, passes unchanged (a base ahead of the server, too: the service
 * refuses it as a version mismatch).
 */
export async function mergeStaleUpdate<P extends Values & { expectedVersion?: number | undefined }>(
  ctx: ServiceContext,
  entity: MergeableEntity,
  id: string,
  patch: P,
): Promise<Merged<P>> {
  const base = patch.expectedVersion;
  const pass = { patch, current: null, conflict: null };
  if (base === undefined) return pass;
  const rule = RULES[entity];
  requirePermission(ctx.principal, rule.permission);
  const current = await rule.read(ctx, id);
  if (current.version <= base) return pass;
  const baseState = await loggedState(ctx, entity, id, base);
  const comparable = (field: string, value: unknown) => JSON.stringify(rule.comparable?.(field, value) ?? value);

  const merged: Values = {};
  const fields: SyncConflictField[] = [];
  for (const [field, value] of Object.entries(patch)) {
    if (field === 'expectedVersion' || value === undefined) continue;
    const mine = comparable(field, value);
    const theirs = comparable(field, current[field]);
    if (mine === theirs) continue;
    const was = baseState && Object.hasOwn(baseState, field) ? comparable(field, baseState[field]) : undefined;
    if (was === mine) continue; // the device did not change it: the server's change stands
    if (was === theirs) {
      merged[field] = value; // only the device changed it
      continue;
    }
    const winner = rule.serverWins.has(field) ? 'server' : 'client';
    fields.push({ field, client: value, server: current[field] ?? null, winner });
    if (winner === 'client') merged[field] = value;
  }
  const conflict = fields.length
    ? { entityType: entity, entityId: id, baseVersion: base, serverVersion: current.version, fields }
    : null;
  if (Object.keys(merged).length === 0) return { patch: null, current, conflict };
  return { patch: { ...merged, expectedVersion: current.version } as P, current, conflict };
}

/** The record as the event log wrote it at `version`, or null when the log does not hold that state. */
async function loggedState(ctx: ServiceContext, entity: MergeableEntity, id: string, version: number) {
  const rows = await ctx.db
    .select({ payload: events.payload })
    .from(events)
    .where(and(eq(events.tenantId, ctx.principal.tenantId), eq(events.entityType, entity), eq(events.entityId, id)))
    .orderBy(desc(events.seq))
    .limit(500);
  return rows.find((r) => r.payload.version === version)?.payload ?? null;
}

/** Where a conflict comes from: the mutation of a client of a user. */
export interface ConflictOrigin {
  clientId: string;
  mutationId: number;
  userId: string;
}

/** The statement recording `conflict`, for the unit of the mutation that caused it. */
export function conflictStatement(ctx: ServiceContext, origin: ConflictOrigin, conflict: ConflictDraft): Statement {
  return ctx.db.insert(syncConflicts).values({
    tenantId: ctx.principal.tenantId,
    id: newId(),
    ...origin,
    ...conflict,
    createdAt: ctx.now,
  });
}

/** An order's total as the device showed it, against the server's pricing (which the order keeps). */
export const repriced = (shown: number, priced: number): SyncConflictField => ({
  field: 'totalMinor',
  client: shown,
  server: priced,
  winner: 'server',
});

/**
 * The statement recording a re-priced order, for the unit that creates it: it reads the total the
 * unit has just written and records a conflict only when it differs from the one the device showed.
 */
export function repricedStatement(
  ctx: ServiceContext,
  origin: ConflictOrigin,
  orderId: string,
  shown: number,
): Statement {
  const tenantId = ctx.principal.tenantId;
  const field = dialect.jsonObject({
    field: sql`'totalMinor'`,
    client: dialect.typed(shown, 'bigint'),
    server: sql`${orders.totalMinor}`,
    winner: sql`'server'`,
  });
  const id = (value: string) => dialect.typed(value, 'uuid');
  return ctx.db.insert(syncConflicts).select(
    sql`SELECT ${id(tenantId)}, ${id(newId())}, ${id(origin.clientId)}, ${dialect.typed(origin.mutationId, 'integer')},
        ${id(origin.userId)}, 'order', ${id(orderId)}, 0, ${orders.version}, ${dialect.jsonArray([field])},
        ${dialect.typed(ctx.now, 'timestamptz')}
      FROM ${orders}
      WHERE ${orders.tenantId} = ${tenantId} AND ${orders.id} = ${orderId}
        AND ${orders.totalMinor} <> ${dialect.typed(shown, 'bigint')}`,
  );
}

export type SyncConflict = Omit<typeof syncConflicts.$inferSelect, 'tenantId'>;

/** The tenant's recorded conflicts, newest first, for the managers who review offline edits. */
export async function listConflicts(
  ctx: ServiceContext,
  query: { limit: number; cursor?: string | undefined; entityType?: string | undefined; entityId?: string | undefined },
): Promise<Page<SyncConflict>> {
  requirePermission(ctx.principal, 'salesmen:write');
  const cursor = query.cursor ? decodeCursor(query.cursor, 'conflicts') : undefined;
  const rows = await ctx.db
    .select()
    .from(syncConflicts)
    .where(
      and(
        eq(syncConflicts.tenantId, ctx.principal.tenantId),
        query.entityType ? eq(syncConflicts.entityType, query.entityType) : undefined,
        query.entityId ? eq(syncConflicts.entityId, query.entityId) : undefined,
        cursor ? after(syncConflicts.createdAt, syncConflicts.id, cursor, true) : undefined,
      ),
    )
    .orderBy(desc(syncConflicts.createdAt), desc(syncConflicts.id))
    .limit(query.limit + 1);
  const hasMore = rows.length > query.limit;
  const data = (hasMore ? rows.slice(0, query.limit) : rows).map(({ tenantId: _t, ...row }) => row);
  const last = data.at(-1);
  return {
    data,
    nextCursor: hasMore && last ? encodeCursor({ s: 'conflicts', v: last.createdAt, id: last.id }) : null,
  };
}
