import type { SQL } from 'drizzle-orm';
import { executeBatch, type Statement, type StatementResult } from '../db/batch';
import { appendEventStatement, appendedEvents } from '../db/event-log';
import type { AppError } from '../lib/errors';
import type { ServiceContext } from './context';

/**
 * The write pipeline. A service builds one atomic unit (the write, its guards, its events), commits it
 * here, and the events the unit appended go to the context's sink right after the commit: the adapters
 * (REST, GraphQL, the hub, jobs) never hand anything on themselves.
 */
export async function commit(
  ctx: ServiceContext,
  statements: Statement[],
  onGuard?: () => AppError,
): Promise<StatementResult[]> {
  const results = await executeBatch(ctx.db, statements, onGuard);
  ctx.published(appendedEvents(statements, results));
  return results;
}

export interface DomainEvent {
  /** `entity:verb`, e.g. `order:created`, `stock:low`. */
  type: string;
  entityType: string;
  entityId: string;
  payload: Record<string, unknown>;
}

/**
 * The statement appending `event` to the caller's tenant log, by the caller, at the context's time. It
 * belongs in the unit of the write it describes. `onlyIf` makes the append conditional on SQL evaluated
 * at that point of the unit (e.g. "stock just crossed its threshold"); `payloadSql` computes the payload
 * there as well.
 */
export const appendEvent = (
  ctx: ServiceContext,
  event: DomainEvent,
  options: { onlyIf?: SQL; payloadSql?: SQL } = {},
): Statement =>
  appendEventStatement(ctx.db, {
    ...event,
    tenantId: ctx.principal.tenantId,
    actorId: ctx.principal.id,
    at: ctx.now,
    onlyIf: options.onlyIf,
    payloadSql: options.payloadSql,
  });
