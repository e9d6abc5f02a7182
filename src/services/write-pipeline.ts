import type { SQL } from 'drizzle-orm';
import { executeBatch, type Statement, type StatementResult } from '../db/batch';
import { deferredUnitsOf } from '../db/deferred-units';
import { appendEventStatement, appendedEvents } from '../db/event-log';
import type { AppError } from '../lib/errors';
import { deriveContext, type Enlistment, type ServiceContext } from './context';

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
  const unit = [...statements, ...(ctx.enlisted?.take() ?? [])];
  const results = await executeBatch(ctx.db, unit, onGuard);
  ctx.published(appendedEvents(unit, results));
  return results.slice(0, statements.length);
}

/**
 * Commits a unit whose statement results the caller does not need. When the context's database defers
 * units (a sync push on D1, src/db/deferred-units.ts), the unit waits to ride the database's next call,
 * and its events are handed on once it is in; a failure then surfaces at that call as
 * `DeferredUnitFailed`, for the push to run the work again unit by unit. Otherwise it is `commit`.
 */
export async function commitUnit(
  ctx: ServiceContext,
  statements: Statement[],
  onGuard?: () => AppError,
): Promise<void> {
  const queue = deferredUnitsOf(ctx.db);
  if (queue?.full) await queue.flush();
  if (!queue?.enabled) {
    await commit(ctx, statements, onGuard);
    return;
  }
  const unit = [...statements, ...(ctx.enlisted?.take() ?? [])];
  queue.defer(unit, (results) => ctx.published(appendedEvents(unit, results)));
}

/**
 * A context whose next committed unit also carries `statements`, after the service's own (which keep
 * their order, so a service's guards still check the statement before them). They join one unit only:
 * a service that committed twice would carry them in its first. When the service commits nothing (a
 * no-op such as marking a read notification read), `pending` stays true and the caller commits them itself.
 */
export function enlist(ctx: ServiceContext, statements: Statement[]): { ctx: ServiceContext; enlistment: Enlistment } {
  let waiting: Statement[] | null = statements;
  let units = 0;
  const enlistment: Enlistment = {
    take() {
      units++;
      const taken = waiting ?? [];
      waiting = null;
      return taken;
    },
    get pending() {
      return waiting !== null;
    },
    get units() {
      return units;
    },
  };
  return { ctx: deriveContext(ctx, { enlisted: enlistment }), enlistment };
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
    origin: ctx.origin,
    onlyIf: options.onlyIf,
    payloadSql: options.payloadSql,
  });
