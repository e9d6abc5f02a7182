import { and, asc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import { events, syncClients } from '../db/tables';
import { chunk } from '../lib/chunk';
import type { ServiceContext } from './context';
import { lastEventSeq } from './search-indexer.service';
import { invalidCursor, type PullPosition } from './sync-pull-cursor';
import {
  IDS_PER_QUERY,
  LOGGED_AS,
  PULL_ENTITIES,
  type PullEntity,
  type Row,
  type Source,
  sources,
  type Viewer,
  viewerOf,
  whoOf,
} from './sync-pull-sources';

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
 *
 * Who the caller is and what each entity type contributes to their working set is in sync-pull-sources.ts;
 * the signed cursor in sync-pull-cursor.ts.
 */

export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;

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
