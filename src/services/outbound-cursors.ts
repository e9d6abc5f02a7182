import { and, eq, sql } from 'drizzle-orm';
import type { Db, Statement } from '../db/client';
import { outboundCursors } from '../db/tables';

/**
 * How far an outbound consumer (webhooks, the notification engine) has read a tenant's event log. A
 * consumer moves its cursor in the same unit as what it derived from the events it read.
 */
export async function outboundCursor(db: Db, tenantId: string, consumer: string): Promise<number | null> {
  const [cursor] = await db
    .select({ lastSeq: outboundCursors.lastSeq })
    .from(outboundCursors)
    .where(and(eq(outboundCursors.tenantId, tenantId), eq(outboundCursors.consumer, consumer)));
  return cursor?.lastSeq ?? null;
}

/** The cursor never moves back: two runs side by side leave it at the larger of their ends. */
export const moveOutboundCursor = (db: Db, tenantId: string, consumer: string, seq: number, now: string): Statement =>
  db
    .insert(outboundCursors)
    .values({ tenantId, consumer, lastSeq: seq, updatedAt: now })
    .onConflictDoUpdate({
      target: [outboundCursors.tenantId, outboundCursors.consumer],
      set: { lastSeq: seq, updatedAt: now },
      setWhere: sql`${outboundCursors.lastSeq} < ${seq}`,
    });
