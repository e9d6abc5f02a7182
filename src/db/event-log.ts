import type { EventFrame } from '@fieldline/client/protocol';
import { type SQL, sql } from 'drizzle-orm';
import type { Db, Statement } from './client';
import { isPostgres, rawStatement } from './sql';
import type { StatementResult } from './unit-result';

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
  /** The request that wrote it (the audit log shows it); null for jobs. */
  origin?: { requestId: string | null; clientIp: string | null; userAgent: string | null } | null | undefined;
}

/**
 * Statements that append to the log, so the unit that runs them can find what they appended. A WeakSet
 * keeps the tag off the statement objects drizzle owns.
 */
const appends = new WeakSet<object>();

/**
 * The statement appending one event with the next per-tenant sequence number. It belongs in the same
 * atomic unit as the write it describes, and RETURNING hands the committed row back, so nobody has to
 * read the log to learn it.
 *
 * The sequence must be gap-free and in commit order, or a reader following `seq` could skip an event
 * that commits after a later-numbered one. D1 runs a batch as one serialized transaction, so
 * `MAX(seq) + 1` cannot race there. On Postgres two transactions can, so the number comes from the
 * tenant's row in `event_counters`, incremented in the same transaction: the row lock holds the next
 * writer of that tenant until this one commits, which makes numbering order and commit order the same.
 */
export function appendEventStatement(db: Db, event: EventAppend): Statement {
  const statement = isPostgres(db) ? postgresAppend(db, event) : sqliteAppend(db, event);
  appends.add(statement);
  return statement;
}

const RETURNED = sql.raw('RETURNING seq, type, entity_type, entity_id, actor_id, payload, created_at');

const sqliteAppend = (db: Db, event: EventAppend): Statement =>
  rawStatement(
    db,
    sql`
    INSERT INTO events (tenant_id, seq, type, entity_type, entity_id, actor_id, payload, created_at,
                        request_id, client_ip, user_agent)
    SELECT ${event.tenantId}, next_seq, ${event.type}, ${event.entityType}, ${event.entityId}, ${event.actorId},
           ${event.payloadSql ?? JSON.stringify(event.payload)}, ${event.at},
           ${event.origin?.requestId ?? null}, ${event.origin?.clientIp ?? null}, ${event.origin?.userAgent ?? null}
    FROM (SELECT COALESCE(MAX(seq), 0) + 1 AS next_seq FROM events WHERE tenant_id = ${event.tenantId})
    WHERE ${event.onlyIf ?? sql`1`}
    ${RETURNED}`,
  );

const postgresAppend = (db: Db, event: EventAppend): Statement =>
  rawStatement(
    db,
    sql`
    WITH next AS (
      INSERT INTO event_counters (tenant_id, last_seq)
      SELECT ${event.tenantId}::uuid, 1 WHERE ${event.onlyIf ?? sql`true`}
      ON CONFLICT (tenant_id) DO UPDATE SET last_seq = event_counters.last_seq + 1
      RETURNING last_seq
    )
    INSERT INTO events (tenant_id, seq, type, entity_type, entity_id, actor_id, payload, created_at,
                        request_id, client_ip, user_agent)
    SELECT ${event.tenantId}::uuid, next.last_seq, ${event.type}, ${event.entityType}, ${event.entityId},
           ${event.actorId}, (${event.payloadSql ?? sql`${JSON.stringify(event.payload)}`})::jsonb, ${event.at}::timestamptz,
           ${event.origin?.requestId ?? null}, ${event.origin?.clientIp ?? null}, ${event.origin?.userAgent ?? null}
    FROM next
    ${RETURNED}`,
  );

export const isEventAppend = (statement: Statement): boolean => appends.has(statement);

interface AppendedRow {
  seq: number;
  type: string;
  entity_type: string;
  entity_id: string;
  actor_id: string | null;
  /** JSON text on D1, already parsed on Postgres (jsonb). */
  payload: string | Record<string, unknown>;
  created_at: string;
}

/** The events a committed unit appended, in sequence order, from the results of its statements. */
export function appendedEvents(statements: Statement[], results: readonly StatementResult[]): LoggedEvent[] {
  const out: LoggedEvent[] = [];
  statements.forEach((statement, i) => {
    if (!appends.has(statement)) return;
    for (const row of (results[i]?.results ?? []) as unknown as AppendedRow[]) {
      out.push({
        seq: Number(row.seq),
        type: row.type,
        entityType: row.entity_type,
        entityId: row.entity_id,
        actorId: row.actor_id,
        payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
        createdAt: row.created_at,
      });
    }
  });
  return out.sort((a, b) => a.seq - b.seq);
}
