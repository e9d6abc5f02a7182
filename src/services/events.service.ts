import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import type { Statement } from '../db/batch';
import type { Db } from '../db/client';
import { events } from '../db/schema';
import type { ServiceContext } from './context';

export interface DomainEvent {
  /** `entity:verb`, e.g. `order:created`, `stock:low`. */
  type: string;
  entityType: string;
  entityId: string;
  payload: Record<string, unknown>;
}

/**
 * The statement appending `event` to the tenant's log with the next sequence number. It belongs in the
 * same batch as the write it describes: the batch is one transaction, so either both land or neither.
 * `onlyIf` makes the append conditional on SQL evaluated at that point of the batch (e.g. "stock just
 * crossed its threshold"); `payloadSql` lets the payload be computed by SQL at that point as well.
 */
export function appendEvent(
  db: Db,
  ctx: ServiceContext,
  event: DomainEvent,
  options: { onlyIf?: SQL; payloadSql?: SQL } = {},
): Statement {
  const tenantId = ctx.principal.tenantId;
  const payload = options.payloadSql ?? sql`${JSON.stringify(event.payload)}`;
  const condition = options.onlyIf ?? sql`1`;
  return db.run(sql`
    INSERT INTO events (tenant_id, seq, type, entity_type, entity_id, actor_id, payload, created_at)
    SELECT ${tenantId}, next_seq, ${event.type}, ${event.entityType}, ${event.entityId}, ${ctx.principal.id},
           ${payload}, ${ctx.now}
    FROM (SELECT COALESCE(MAX(seq), 0) + 1 AS next_seq FROM events WHERE tenant_id = ${tenantId})
    WHERE ${condition}`);
}

export interface EventPage {
  data: (typeof events.$inferSelect)[];
  nextCursor: string | null;
}

/** Reads the tenant's log after `since` (exclusive), oldest first. Consumers resume from the last seq. */
export async function listEvents(
  ctx: ServiceContext,
  query: { since: number; limit: number; type?: string },
): Promise<EventPage> {
  requirePermission(ctx.principal, 'events:read');
  const conditions = [eq(events.tenantId, ctx.principal.tenantId), gt(events.seq, query.since)];
  if (query.type) conditions.push(eq(events.type, query.type));
  const rows = await ctx.db
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(asc(events.seq))
    .limit(query.limit + 1);
  const hasMore = rows.length > query.limit;
  const data = hasMore ? rows.slice(0, query.limit) : rows;
  return { data, nextCursor: hasMore ? String(data.at(-1)?.seq) : null };
}
