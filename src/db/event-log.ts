import type { EventFrame } from '@fieldline/client/protocol';
import { type SQL, sql } from 'drizzle-orm';
import type { Db, Statement } from './client';

/**
 * An event as it stands in the tenant's log once committed (what consumers receive): its seq and the body
 * the realtime protocol carries in an `event` frame.
 */
export type LoggedEvent = { seq: number } & EventFrame['event'];

export interface EventAppend {
  tenantId: string;
  actorId: string;
  at: string;
  type: string;
  entityType: string;
  entityId: string;
  payload: Record<string, unknown>;
  /** Append only if this SQL, evaluated at that point of the unit, holds (e.g. "stock just crossed"). */
  onlyIf?: SQL | undefined;
  /** Compute the payload with SQL at that point of the unit instead of `payload`. */
  payloadSql?: SQL | undefined;
}

/**
 * Statements that append to the log, so the unit that runs them can find what they appended. A WeakSet
 * keeps the tag off the statement objects drizzle owns.
 */
const appends = new WeakSet<object>();

/**
 * The statement appending one event with the next per-tenant sequence number. It belongs in the same
 * atomic unit as the write it describes; D1 runs a batch as one serialized transaction, so `MAX(seq) + 1`
 * cannot race. RETURNING hands the committed row back, so nobody has to read the log to learn it.
 */
export function appendEventStatement(db: Db, event: EventAppend): Statement {
  const payload = event.payloadSql ?? sql`${JSON.stringify(event.payload)}`;
  const statement = db.run(sql`
    INSERT INTO events (tenant_id, seq, type, entity_type, entity_id, actor_id, payload, created_at)
    SELECT ${event.tenantId}, next_seq, ${event.type}, ${event.entityType}, ${event.entityId}, ${event.actorId},
           ${payload}, ${event.at}
    FROM (SELECT COALESCE(MAX(seq), 0) + 1 AS next_seq FROM events WHERE tenant_id = ${event.tenantId})
    WHERE ${event.onlyIf ?? sql`1`}
    RETURNING seq, type, entity_type, entity_id, actor_id, payload, created_at`);
  appends.add(statement);
  return statement;
}

export const isEventAppend = (statement: Statement): boolean => appends.has(statement);

interface AppendedRow {
  seq: number;
  type: string;
  entity_type: string;
  entity_id: string;
  actor_id: string | null;
  payload: string;
  created_at: string;
}

/** The events a committed unit appended, in sequence order, from the results of its statements. */
export function appendedEvents(statements: Statement[], results: readonly D1Result[]): LoggedEvent[] {
  const out: LoggedEvent[] = [];
  statements.forEach((statement, i) => {
    if (!appends.has(statement)) return;
    for (const row of (results[i]?.results ?? []) as AppendedRow[]) {
      out.push({
        seq: row.seq,
        type: row.type,
        entityType: row.entity_type,
        entityId: row.entity_id,
        actorId: row.actor_id,
        payload: JSON.parse(row.payload) as Record<string, unknown>,
        createdAt: row.created_at,
      });
    }
  });
  return out.sort((a, b) => a.seq - b.seq);
}
