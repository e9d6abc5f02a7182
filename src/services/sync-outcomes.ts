import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { MutationOutcome, PushRequest } from '../contracts/sync.schemas';
import { assertChanged, type Statement } from '../db/batch';
import type { Db } from '../db/client';
import { sharedAdvance } from '../db/deferred-units';
import { placeholderFor, templated } from '../db/row-statements';
import { customers, notifications, orders, payments, syncClients, syncMutations, visits } from '../db/tables';
import { chunk } from '../lib/chunk';
import type { ErrorCode } from '../lib/errors';
import { toUtcIso } from '../lib/time';
import type { ServiceContext } from './context';
import type { EntityTable } from './entity';
import type { SyncEntity } from './sync-mutations';

/**
 * The record of each mutation a push processed (docs/sync.md): the client's guarded advance and the
 * outcome, written in the mutation's own unit; read back to answer a replay with the first answer;
 * forgotten by the nightly cron once no client can ask.
 */

type PushedMutation = PushRequest['mutations'][number];
export type Problem = NonNullable<MutationOutcome['problem']>;
export interface Target {
  entity: SyncEntity;
  id: string;
}

export type Outcome =
  | { status: 'applied'; target: Target | null }
  | { status: 'refused'; target: Target | null; problem: Problem };

const VERSIONED: Record<SyncEntity, EntityTable> = {
  customer: customers,
  visit: visits,
  order: orders,
  payment: payments,
  notification: notifications,
};

/**
 * The client's advance from `m.id - 1` to `m.id` (guarded: a concurrent push that processed it first makes
 * the unit fail) and the outcome's record. For an applied mutation the record reads the entity's version
 * inside the unit, right after the service's write.
 */
export function outcomeStatements(
  ctx: ServiceContext,
  clientId: string,
  m: PushedMutation,
  outcome: Outcome,
): Statement[] {
  const tenantId = ctx.principal.tenantId;
  const { target } = outcome;
  const table = outcome.status === 'applied' && target ? VERSIONED[target.entity] : null;
  const problem = outcome.status === 'refused' ? outcome.problem : null;
  const $ = sql.placeholder;
  // Built once per shape (src/db/row-statements.ts): a push writes these for every mutation. Units
  // waiting in one D1 batch share one advance (src/db/deferred-units.ts).
  const advance = sharedAdvance({
    counter: `sync:${tenantId}:${clientId}`,
    from: m.id - 1,
    to: m.id,
    statements: (from, to) => [advanceStatement(ctx, clientId, from, to), assertChanged(ctx.db)],
  });
  const record = templated(
    syncMutations,
    `outcome ${target?.entity ?? '-'} ${table ? 'versioned' : 'plain'}`,
    () =>
      ctx.db.insert(syncMutations).values({
        tenantId: $('tenantId'),
        clientId: $('clientId'),
        mutationId: $('id'),
        name: $('name'),
        status: $('status'),
        entityType: $('entityType'),
        entityId: $('entityId'),
        entityVersion: table
          ? sql<number>`(SELECT ${table.version} FROM ${table} WHERE ${table.tenantId} = ${$('tenantId')} AND ${table.id} = ${$('entityId')})`
          : $('entityVersion'),
        problemCode: $('problemCode'),
        problemStatus: $('problemStatus'),
        problemDetail: $('problemDetail'),
        clientTime: $('clientTime'),
        processedAt: $('now'),
      }),
    {
      tenantId,
      clientId,
      id: m.id,
      name: m.name,
      status: outcome.status,
      entityType: target?.entity ?? null,
      entityId: target?.id ?? null,
      entityVersion: null,
      problemCode: problem?.code ?? null,
      problemStatus: problem?.status ?? null,
      problemDetail: problem?.detail ?? null,
      clientTime: toUtcIso(m.clientTime),
      now: ctx.now,
    },
  );
  return [...advance, record];
}

/** The client's advance from `from` to `to`, only if it stands at `from` (its guard makes that a failure). */
function advanceStatement(ctx: ServiceContext, clientId: string, from: number, to: number): Statement {
  const $ = sql.placeholder;
  return templated(
    syncClients,
    'advance',
    () =>
      ctx.db
        .update(syncClients)
        .set({
          lastMutationId: placeholderFor(syncClients, 'lastMutationId', 'id'),
          updatedAt: placeholderFor(syncClients, 'updatedAt', 'now'),
        })
        .where(
          and(
            eq(syncClients.tenantId, $('tenantId')),
            eq(syncClients.clientId, $('clientId')),
            eq(syncClients.lastMutationId, $('previous')),
          ),
        ),
    { id: to, now: ctx.now, tenantId: ctx.principal.tenantId, clientId, previous: from },
  );
}

type RecordedOutcome = typeof syncMutations.$inferSelect;

export async function recordedOutcomes(ctx: ServiceContext, clientId: string, ids: number[]) {
  const rows: RecordedOutcome[] = [];
  for (const part of chunk(ids, 90)) {
    rows.push(
      ...(await ctx.db
        .select()
        .from(syncMutations)
        .where(
          and(
            eq(syncMutations.tenantId, ctx.principal.tenantId),
            eq(syncMutations.clientId, clientId),
            inArray(syncMutations.mutationId, part),
          ),
        )),
    );
  }
  return new Map(rows.map((r) => [r.mutationId, r]));
}

/** A mutation processed by an earlier push: its recorded outcome, as that push answered it. */
export function duplicateOf(id: number, row: RecordedOutcome | undefined): MutationOutcome {
  const outcome: MutationOutcome = { id, status: 'duplicate' };
  if (row?.status === 'applied' && row.entityType && row.entityId && row.entityVersion !== null) {
    outcome.result = { entity: row.entityType, id: row.entityId, version: row.entityVersion };
  }
  if (row?.status === 'refused' && row.problemCode && row.problemStatus !== null) {
    outcome.problem = {
      code: row.problemCode as ErrorCode,
      status: row.problemStatus,
      detail: row.problemDetail ?? '',
    };
  }
  return outcome;
}

/** Outcome records a client can no longer ask about: older than this, and this far below its last id. */
export const SYNC_OUTCOMES_KEPT = { days: 30, mutations: 1000 } as const;

/**
 * Forgets the outcome records of mutations processed more than 30 days ago that lie more than 1,000 ids
 * below their client's `lastMutationId`: a client only resends its unacknowledged tail (at most one push
 * of 1,000), so nobody replays those. A replay of a forgotten one still answers `duplicate`, without
 * the recorded result. All tenants in one statement, from the nightly cron.
 */
export async function forgetOldSyncOutcomes(db: Db, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - SYNC_OUTCOMES_KEPT.days * 86_400_000).toISOString();
  const clientLast = db
    .select({ last: syncClients.lastMutationId })
    .from(syncClients)
    .where(and(eq(syncClients.tenantId, syncMutations.tenantId), eq(syncClients.clientId, syncMutations.clientId)));
  const forgotten = await db
    .delete(syncMutations)
    .where(
      and(
        lt(syncMutations.processedAt, cutoff),
        sql`${syncMutations.mutationId} <= (${clientLast}) - ${SYNC_OUTCOMES_KEPT.mutations}`,
      ),
    )
    .returning({ id: syncMutations.mutationId });
  return forgotten.length;
}
