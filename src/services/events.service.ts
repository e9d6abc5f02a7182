import { and, asc, eq, gt } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import { events } from '../db/tables';
import type { ServiceContext } from './context';

/**
 * An event as the log's readers see it: where the request came from is the audit log's (owners and
 * admins). A function: `events` is bound to the deployment's database when it opens (db/tables.ts).
 */
const eventColumns = () => ({
  tenantId: events.tenantId,
  seq: events.seq,
  type: events.type,
  entityType: events.entityType,
  entityId: events.entityId,
  actorId: events.actorId,
  payload: events.payload,
  createdAt: events.createdAt,
});

export interface EventPage {
  data: { [K in keyof ReturnType<typeof eventColumns>]: (typeof events.$inferSelect)[K] }[];
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
    .select(eventColumns())
    .from(events)
    .where(and(...conditions))
    .orderBy(asc(events.seq))
    .limit(query.limit + 1);
  const hasMore = rows.length > query.limit;
  const data = hasMore ? rows.slice(0, query.limit) : rows;
  return { data, nextCursor: hasMore ? String(data.at(-1)?.seq) : null };
}
