import { and, asc, eq, gt, inArray, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Permission } from '../auth/permissions';
import { ownSalesmanScope, type Principal } from '../auth/principal';
import { z } from '../contracts/common';
import { PULL_ENTITY_NAMES } from '../contracts/sync.schemas';
import { dialect } from '../db/sql';
import {
  customers,
  events,
  inventory,
  notifications,
  orders,
  payments,
  products,
  salesmen,
  syncClients,
  targets,
  territories,
  visits,
} from '../db/tables';
import { chunk } from '../lib/chunk';
import { AppError, ErrorCode, forbidden } from '../lib/errors';
import { signClaims, verifyClaims } from '../lib/signed-claims';
import type { ServiceContext } from './context';
import type { EntityTable } from './entity';
import { visibleTo } from './notifications.service';
import { getLinesByOrderIds, ofVisibleOrders } from './orders.service';
import { lastEventSeq } from './search-indexer.service';

/**
 * The pull half of offline sync (docs/sync.md): what changed for this caller since their cursor, as
 * upserts and removals of whole records, in pages.
 *
 * Without a cursor the caller gets a snapshot of their working set, entity type by entity type in id
 * order; the log position noted before the snapshot began is where the incremental part then starts, so
 * a write committed during the snapshot is replayed from the log rather than missed. Incrementally, the
 * tenant's event log (gap-free, in commit order) says which records changed; each is read as it is now
 * and, if the caller may see it, sent whole; if not (deleted, or handed to someone else), it is removed
 * from the caller's device, provided it could have been there.
 */

export const PULL_ENTITIES = PULL_ENTITY_NAMES;
export type PullEntity = (typeof PULL_ENTITIES)[number];

export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;
const IDS_PER_QUERY = 90;

/**
 * Where a pull stands, as the signed cursor carries it. `who` pins the cursor to the caller and to the
 * working set it was computed for: if the caller's role, salesman profile or territory has changed
 * since, the next pull starts over with a snapshot (and says `reset`).
 */
export interface PullPosition {
  v: 1;
  tenant: string;
  who: string;
  /** `snapshot`: `entity` and `after` say where the snapshot stands; `seq` is where the log part begins. */
  phase: 'snapshot' | 'log';
  seq: number;
  entity?: PullEntity | undefined;
  after?: string | undefined;
}

export type PullChange =
  | { entity: PullEntity; op: 'upsert'; id: string; version: number; record: Record<string, unknown> }
  | { entity: PullEntity; op: 'remove'; id: string };

export interface PullPage {
  changes: PullChange[];
  /** Every sync client of this user and the last mutation the server has processed for each. */
  lastMutationIds: Record<string, number>;
  position: PullPosition;
  hasMore: boolean;
  /** The client must drop everything it holds before applying this page (a snapshot starts). */
  reset: boolean;
}

/** Who is pulling, and the working set that follows from it. */
interface Viewer {
  principal: Principal;
  /** The salesman whose records a salesman user carries; null for the whole tenant. */
  salesmanId: string | null;
  /** That salesman's territory: its customers are in his working set. */
  territoryId: string | null;
}

/** How one entity type is read for sync. */
interface Source {
  entity: PullEntity;
  permission: Permission;
  table: EntityTable;
  /** The viewer's working set within the tenant's live rows; undefined: all of them. */
  workingSet(ctx: ServiceContext, viewer: Viewer): SQL | undefined;
  /**
   * For records a manager can hand from one salesman to another: whether an event payload of the record
   * (its state at some point) put it in this viewer's working set. A record not visible now is removed
   * from the device only if it once was. Entity types without it never change hands: a record not
   * visible now is removed only if it is the viewer's and deleted.
   */
  wasAssigned?(viewer: Viewer): SQL | undefined;
  /** The rows as the REST API returns them. */
  toRecords(ctx: ServiceContext, rows: Row[]): Promise<Record<string, unknown>[]>;
}

type Row = Record<string, unknown> & { tenantId: string; id: string; version: number };

const apiShape = ({ tenantId: _tenant, ...record }: Row): Record<string, unknown> => record;
const asRecords = async (_ctx: ServiceContext, rows: Row[]) => rows.map(apiShape);

/** `column = the viewer's salesman` for a salesman, nothing for the rest. */
const mine = (column: SQLiteColumn, viewer: Viewer): SQL | undefined =>
  viewer.salesmanId ? eq(column, viewer.salesmanId) : undefined;

/** A payload's member equal to the viewer's salesman (or territory). */
const payloadIs = (key: string, value: string | null): SQL | undefined =>
  value === null ? undefined : eq(dialect.jsonText(events.payload, key), value);

/**
 * The sources in the order a snapshot sends them: references before what refers to them. Built per
 * call, since `../db/tables` binds the tables of the deployment's database when it opens.
 */
function sources(): Source[] {
  return [
    {
      entity: 'territory',
      permission: 'territories:read',
      table: territories,
      workingSet: () => undefined,
      toRecords: asRecords,
    },
    {
      entity: 'salesman',
      permission: 'salesmen:read',
      table: salesmen,
      // A salesman's phone carries his own profile; managers carry the team.
      workingSet: (_ctx, viewer) => mine(salesmen.id, viewer),
      toRecords: asRecords,
    },
    {
      entity: 'product',
      permission: 'products:read',
      table: products,
      workingSet: () => undefined,
      toRecords: withStock,
    },
    {
      entity: 'customer',
      permission: 'customers:read',
      table: customers,
      // His own customers and those of his territory.
      workingSet: (_ctx, viewer) =>
        viewer.salesmanId
          ? or(
              eq(customers.salesmanId, viewer.salesmanId),
              viewer.territoryId ? eq(customers.territoryId, viewer.territoryId) : undefined,
            )
          : undefined,
      wasAssigned: (viewer) =>
        viewer.salesmanId
          ? or(payloadIs('salesmanId', viewer.salesmanId), payloadIs('territoryId', viewer.territoryId))
          : undefined,
      toRecords: asRecords,
    },
    {
      entity: 'visit',
      permission: 'visits:read',
      table: visits,
      workingSet: (_ctx, viewer) => mine(visits.salesmanId, viewer),
      wasAssigned: (viewer) => payloadIs('salesmanId', viewer.salesmanId),
      toRecords: asRecords,
    },
    {
      entity: 'order',
      permission: 'orders:read',
      table: orders,
      workingSet: (_ctx, viewer) => mine(orders.salesmanId, viewer),
      toRecords: withLines,
    },
    {
      entity: 'payment',
      permission: 'payments:read',
      table: payments,
      workingSet: (ctx) => ofVisibleOrders(ctx, payments.orderId),
      toRecords: asRecords,
    },
    {
      entity: 'target',
      permission: 'targets:read',
      table: targets,
      workingSet: (_ctx, viewer) => mine(targets.salesmanId, viewer),
      wasAssigned: (viewer) => payloadIs('salesmanId', viewer.salesmanId),
      toRecords: asRecords,
    },
    {
      entity: 'notification',
      permission: 'salesmen:read',
      table: notifications,
      // A salesman: his own and the team-wide ones; others: the managers' messages and their own.
      workingSet: (_ctx, viewer) => visibleTo(viewer.principal),
      toRecords: asRecords,
    },
  ];
}

/** The log's entity types that are pulled as another one: stock travels inside its product. */
const LOGGED_AS: Record<string, PullEntity> = { inventory: 'product' };

/** Products as the catalogue a phone needs: with their stock (null where none is kept). */
async function withStock(ctx: ServiceContext, rows: Row[]) {
  const stock = new Map<string, { onHand: number; reserved: number; available: number; lowStockThreshold: number }>();
  for (const part of chunk(
    rows.map((r) => r.id),
    IDS_PER_QUERY,
  )) {
    const found = await ctx.db
      .select({
        productId: inventory.productId,
        onHand: inventory.onHand,
        reserved: inventory.reserved,
        lowStockThreshold: inventory.lowStockThreshold,
      })
      .from(inventory)
      .where(and(eq(inventory.tenantId, ctx.principal.tenantId), inArray(inventory.productId, part)));
    for (const { productId, ...s } of found) stock.set(productId, { ...s, available: s.onHand - s.reserved });
  }
  return rows.map((r) => ({ ...apiShape(r), stock: stock.get(r.id) ?? null }));
}

/** Orders as `GET /v1/orders/{id}` returns them: with their lines. */
async function withLines(ctx: ServiceContext, rows: Row[]) {
  const lines = await getLinesByOrderIds(
    ctx,
    rows.map((r) => r.id),
  );
  const byOrder = new Map<string, typeof lines>();
  for (const line of lines) byOrder.set(line.orderId, [...(byOrder.get(line.orderId) ?? []), line]);
  return rows.map((r) => ({
    ...apiShape(r),
    lines: (byOrder.get(r.id) ?? []).map((l) => apiShape(l as unknown as Row)),
  }));
}

/** The caller's identity and working set as a cursor pins it. */
const whoOf = (viewer: Viewer) =>
  [viewer.principal.kind, viewer.principal.id, viewer.principal.role, viewer.salesmanId, viewer.territoryId].join('|');

async function viewerOf(ctx: ServiceContext): Promise<Viewer> {
  const { principal } = ctx;
  if (principal.kind === 'system') throw forbidden('Sync is for users and API keys');
  const salesmanId = ownSalesmanScope(principal);
  let territoryId: string | null = null;
  if (salesmanId) {
    const [row] = await ctx.db
      .select({ territoryId: salesmen.territoryId })
      .from(salesmen)
      .where(and(eq(salesmen.tenantId, principal.tenantId), eq(salesmen.id, salesmanId), isNull(salesmen.deletedAt)))
      .limit(1);
    territoryId = row?.territoryId ?? null;
  }
  return { principal, salesmanId, territoryId };
}

export const invalidCursor = (detail: string) => new AppError(ErrorCode.INVALID_CURSOR, detail);

// ------------------------------------------------------------------ cursors

const CURSOR_PURPOSE = 'sync pull cursor v1';

const Position = z.strictObject({
  v: z.literal(1),
  tenant: z.string(),
  who: z.string(),
  phase: z.enum(['snapshot', 'log']),
  seq: z.number().int().min(-1),
  entity: z.enum(PULL_ENTITY_NAMES).optional(),
  after: z.string().optional(),
});

/** The cursor a client passes back: the position, signed with a key of this deployment. */
export const encodeCursor = (secrets: readonly string[], position: PullPosition) =>
  signClaims(secrets, CURSOR_PURPOSE, position);

/** The position in a cursor this deployment signed; anything else is refused with INVALID_CURSOR. */
export async function decodeCursor(secrets: readonly string[], cursor: string): Promise<PullPosition> {
  const parsed = Position.safeParse(await verifyClaims(secrets, CURSOR_PURPOSE, cursor));
  if (!parsed.success) throw invalidCursor('This cursor was not issued by this server; pull again without one');
  return parsed.data;
}

/**
 * One page of changes after `from` (null: from the start, a snapshot). `from` has been verified as a
 * cursor this server signed; here it is checked to be the caller's.
 */
export async function pullChanges(
  ctx: ServiceContext,
  from: PullPosition | null,
  limit = DEFAULT_PULL_LIMIT,
): Promise<PullPage> {
  const viewer = await viewerOf(ctx);
  const readable = sources().filter((s) => viewer.principal.permissions.has(s.permission));
  if (from && from.tenant !== ctx.principal.tenantId) throw invalidCursor('This cursor belongs to another tenant');
  if (from && from.who.split('|')[1] !== viewer.principal.id) {
    throw invalidCursor('This cursor belongs to another user');
  }
  // A changed role, profile or territory changes the working set: start over.
  const reset = !from || from.who !== whoOf(viewer);
  let position: PullPosition =
    from && !reset ? from : { v: 1, tenant: ctx.principal.tenantId, who: whoOf(viewer), phase: 'snapshot', seq: -1 };
  if (position.phase === 'snapshot' && position.seq < 0) {
    position = { ...position, seq: await lastEventSeq(ctx.db, ctx.principal.tenantId) };
  }

  const changes: PullChange[] = [];
  let hasMore = true;
  if (position.phase === 'snapshot') {
    position = await snapshotPage(ctx, viewer, readable, position, limit, changes);
  }
  if (position.phase === 'log' && changes.length < limit) {
    const page = await logPage(ctx, viewer, readable, position, limit - changes.length, changes);
    position = page.position;
    hasMore = page.hasMore;
  }
  return { changes, lastMutationIds: await lastMutationIds(ctx), position, hasMore, reset };
}

/** Fills `changes` with the working set from where the snapshot stands; moves to the log when done. */
async function snapshotPage(
  ctx: ServiceContext,
  viewer: Viewer,
  readable: Source[],
  position: PullPosition,
  limit: number,
  changes: PullChange[],
): Promise<PullPosition> {
  let index = position.entity ? readable.findIndex((s) => s.entity === position.entity) : 0;
  if (index < 0) throw invalidCursor('This cursor names an entity type this caller does not sync');
  let after = position.after;
  while (index < readable.length) {
    const source = readable[index] as Source;
    const room = limit - changes.length;
    if (room === 0) return { ...position, entity: source.entity, after };
    const rows = (await ctx.db
      .select()
      .from(source.table)
      .where(
        and(
          eq(source.table.tenantId, ctx.principal.tenantId),
          isNull(source.table.deletedAt),
          source.workingSet(ctx, viewer),
          after ? gt(source.table.id, after) : undefined,
        ),
      )
      .orderBy(asc(source.table.id))
      .limit(room)) as Row[];
    changes.push(...(await upserts(ctx, source, rows)));
    if (rows.length === room) {
      after = rows.at(-1)?.id;
    } else {
      index += 1;
      after = undefined;
    }
  }
  return { v: 1, tenant: position.tenant, who: position.who, phase: 'log', seq: position.seq };
}

async function upserts(ctx: ServiceContext, source: Source, rows: Row[]): Promise<PullChange[]> {
  if (rows.length === 0) return [];
  const records = await source.toRecords(ctx, rows);
  return rows.map((row, i) => ({
    entity: source.entity,
    op: 'upsert' as const,
    id: row.id,
    version: row.version,
    record: records[i] as Record<string, unknown>,
  }));
}

/**
 * The records the events after `position.seq` touched, each once at its current state, for up to
 * `limit` events. Several events on one record collapse to one change.
 */
async function logPage(
  ctx: ServiceContext,
  viewer: Viewer,
  readable: Source[],
  position: PullPosition,
  limit: number,
  changes: PullChange[],
): Promise<{ position: PullPosition; hasMore: boolean }> {
  const logged = await ctx.db
    .select({ seq: events.seq, entityType: events.entityType, entityId: events.entityId })
    .from(events)
    .where(and(eq(events.tenantId, ctx.principal.tenantId), gt(events.seq, position.seq)))
    .orderBy(asc(events.seq))
    .limit(limit);
  const last = logged.at(-1);
  if (!last) return { position, hasMore: false };
  const touched = new Map<PullEntity, Set<string>>();
  for (const e of logged) {
    const entity = LOGGED_AS[e.entityType] ?? (e.entityType as PullEntity);
    if (!PULL_ENTITIES.includes(entity)) continue;
    const ids = touched.get(entity) ?? new Set<string>();
    touched.set(entity, ids.add(e.entityId));
  }
  for (const source of readable) {
    const ids = [...(touched.get(source.entity) ?? [])];
    if (ids.length === 0) continue;
    changes.push(...(await changesOf(ctx, viewer, source, ids, last.seq)));
  }
  return { position: { ...position, seq: last.seq }, hasMore: logged.length === limit };
}

/** Upserts of the records among `ids` the viewer sees now, removals of those that left the working set. */
async function changesOf(
  ctx: ServiceContext,
  viewer: Viewer,
  source: Source,
  ids: string[],
  upToSeq: number,
): Promise<PullChange[]> {
  const { table } = source;
  const tenant = eq(table.tenantId, ctx.principal.tenantId);
  const visible: Row[] = [];
  for (const part of chunk(ids, IDS_PER_QUERY)) {
    visible.push(
      ...((await ctx.db
        .select()
        .from(table)
        .where(and(tenant, isNull(table.deletedAt), source.workingSet(ctx, viewer), inArray(table.id, part)))
        .orderBy(asc(table.id))) as Row[]),
    );
  }
  const seen = new Set(visible.map((r) => r.id));
  const gone = ids.filter((id) => !seen.has(id));
  const removed: string[] = [];
  for (const part of chunk(gone, IDS_PER_QUERY)) {
    const assigned = source.wasAssigned?.(viewer);
    const rows = source.wasAssigned
      ? // Handed on or deleted: removed if some state of it was in this working set.
        await ctx.db
          .selectDistinct({ id: events.entityId })
          .from(events)
          .where(
            and(
              eq(events.tenantId, ctx.principal.tenantId),
              eq(events.entityType, source.entity),
              inArray(events.entityId, part),
              lte(events.seq, upToSeq),
              assigned ?? sql`true`,
            ),
          )
      : // Deleted: removed if it was this viewer's.
        await ctx.db
          .select({ id: table.id })
          .from(table)
          .where(and(tenant, source.workingSet(ctx, viewer), inArray(table.id, part)));
    removed.push(...rows.map((r) => String(r.id)));
  }
  return [
    ...(await upserts(ctx, source, visible)),
    ...removed.sort().map((id) => ({ entity: source.entity, op: 'remove' as const, id })),
  ];
}

async function lastMutationIds(ctx: ServiceContext): Promise<Record<string, number>> {
  if (ctx.principal.kind !== 'user') return {};
  const rows = await ctx.db
    .select({ clientId: syncClients.clientId, lastMutationId: syncClients.lastMutationId })
    .from(syncClients)
    .where(and(eq(syncClients.tenantId, ctx.principal.tenantId), eq(syncClients.userId, ctx.principal.id)));
  return Object.fromEntries(rows.map((r) => [r.clientId, r.lastMutationId]));
}
