import { eq } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import type { MutationOutcome, PushRequest, PushResult } from '../contracts/sync.schemas';
import { deferredFailureIn, deferUnitsOn } from '../db/deferred-units';
import type { LoggedEvent } from '../db/event-log';
import { RowsInHand } from '../db/rows-in-hand';
import { syncClients } from '../db/tables';
import { AppError, ErrorCode, forbidden, notFound } from '../lib/errors';
import { formatIssues } from '../lib/zod-issues';
import { deriveContext, type ServiceContext } from './context';
import { type PreparedMutation, type SyncMutation, syncMutationOf, type Written } from './sync-mutations';
import { duplicateOf, outcomeStatements, type Problem, recordedOutcomes, type Target } from './sync-outcomes';
import { heldTables, type Naming, readAhead } from './sync-read-ahead';
import { commit, commitUnit, enlist } from './write-pipeline';

/**
 * The push half of offline sync (docs/sync.md). Each mutation is processed in id order, once: its write
 * and the client's `last_mutation_id` advance (with the recorded outcome) commit in one unit, so however
 * often a push is retried, a mutation applies at most once, and a refused one is recorded and never
 * blocks the queue behind it.
 */

type PushedMutation = PushRequest['mutations'][number];

export async function pushMutations(ctx: ServiceContext, push: PushRequest): Promise<PushResult> {
  const client = await openClient(ctx, push.clientId);
  let last = client.lastMutationId;
  const replayed = push.mutations.filter((m) => m.id <= last).map((m) => m.id);
  const recorded = await recordedOutcomes(ctx, push.clientId, replayed);
  // The units' events go to the tenant hub in one hand-off when the push ends (in commit order), not
  // one per mutation: a push of 1,000 mutations would otherwise make 1,000 calls to the hub.
  const held: LoggedEvent[] = [];
  // On D1 a mutation's unit waits to ride the next call (src/db/deferred-units.ts). The records the
  // mutations name are read ahead, and what they write is kept, so their reads by id are answered in
  // hand (db/rows-in-hand.ts, sync-read-ahead.ts): the units ride together in batches of about 200
  // statements, about 20 D1 calls for 1,000 mutations of a phone's day.
  const queue = deferUnitsOn(ctx.db);
  const hand = new RowsInHand(heldTables());
  const pushCtx = deriveContext(ctx, {
    published: (events) => held.push(...events),
    memo: new Map(),
    held: hand,
    ...(queue ? { db: queue.db } : {}),
  });
  const { mutations } = push;
  const prepared = mutations.map((m) => (m.id > last ? prepareMutation(m) : undefined));
  /** Reads ahead the records named by the mutations from `from` on. */
  const refill = (from: number) => readAhead(pushCtx, namings(prepared.slice(from)));
  const outcomes: MutationOutcome[] = [];
  /** The client's last mutation id before each mutation was processed, to go back to. */
  const lastBefore: number[] = [];
  /** After a batch of waiting units failed, the mutations up to this one run unit by unit. */
  let oneByOneUntil = -1;
  /**
   * The records named from the next mutation on are read ahead (at the start, and again after the hand
   * was dropped: the mutation at this index then runs on the database's rows alone).
   */
  let refillAfter = -1;
  try {
    for (let i = 0; i <= mutations.length; ) {
      if (queue) {
        queue.mark = i;
        queue.enabled = i > oneByOneUntil;
      }
      try {
        if (i === refillAfter + 1) await refill(i);
        if (i === mutations.length) {
          await queue?.flush();
          break;
        }
        const m = mutations[i] as PushedMutation;
        lastBefore[i] = last;
        if (m.id <= last) outcomes[i] = duplicateOf(m.id, recorded.get(m.id));
        // After a gap nothing is processed: the client lost mutations in between, and applying later ones
        // would reorder its work. It resends from lastMutationId + 1 (or starts over with a new client id).
        else if (m.id !== last + 1) outcomes[i] = { id: m.id, status: 'skipped' };
        else {
          hand.served = false;
          outcomes[i] = await processMutation(pushCtx, push.clientId, m, prepared[i] ?? prepareMutation(m));
          last = m.id;
        }
        i++;
      } catch (err) {
        // A decision taken on a held row that someone else had changed: drop what is held and process
        // this mutation again on the database's rows (the rest read ahead afresh once it is done).
        if (err instanceof HeldRowStale) {
          hand.forget();
          refillAfter = i;
          continue;
        }
        // Nothing of the failed batch was written: back to its first mutation, and one unit at a time
        // up to here, so each mutation gets its own outcome (a refusal, or a failure of the push). What
        // the hand holds may not have been written: it is read afresh.
        const failed = deferredFailureIn(err);
        if (!failed) throw err;
        hand.forget();
        oneByOneUntil = i;
        i = failed.since;
        refillAfter = i - 1;
        last = lastBefore[i] ?? last;
        outcomes.length = i;
      }
    }
  } finally {
    ctx.published(held);
  }
  return { clientId: push.clientId, lastMutationId: last, mutations: outcomes };
}

/** A mutation with its arguments validated (a `SyncMutation` and what it prepared), or why it is refused. */
type Prepared = { mutation: SyncMutation; prepared: PreparedMutation & { ok: true } } | { refusal: AppError };

function prepareMutation(m: PushedMutation): Prepared {
  const mutation = syncMutationOf(m.name);
  if (!mutation) return { refusal: new AppError(ErrorCode.BAD_REQUEST, `Unknown mutation ${m.name}`) };
  const prepared = mutation.prepare(m.args);
  if (prepared.ok) return { mutation, prepared };
  return { refusal: new AppError(ErrorCode.VALIDATION_FAILED, formatIssues(prepared.issues, 'args').detail) };
}

/** What reading ahead needs of the prepared mutations (replays and refusals name nothing). */
const namings = (prepared: (Prepared | undefined)[]): Naming[] =>
  prepared.flatMap((p) =>
    p && 'mutation' in p ? [{ entity: p.mutation.entity, targetId: p.prepared.targetId, args: p.prepared.args }] : [],
  );

/** The hand answered a decision that a write then found stale (its row had been changed meanwhile). */
class HeldRowStale extends Error {}

async function processMutation(
  ctx: ServiceContext,
  clientId: string,
  m: PushedMutation,
  preparation: Prepared,
): Promise<MutationOutcome> {
  if ('refusal' in preparation) return refuse(ctx, clientId, m, null, preparation.refusal);
  const { mutation, prepared } = preparation;
  const target = prepared.targetId ? { entity: mutation.entity, id: prepared.targetId } : null;
  let written: Written;
  try {
    const plan = await prepared.plan(ctx);
    const bookkeeping = outcomeStatements(ctx, clientId, m, { status: 'applied', target });
    if (plan.record) bookkeeping.push(plan.record(ctx, { clientId, mutationId: m.id, userId: ctx.principal.id }));
    const { ctx: unitCtx, enlistment } = enlist(ctx, bookkeeping);
    written = await plan.run(unitCtx);
    // The service had nothing to write (e.g. a notification already read): the advance commits alone.
    if (enlistment.pending) await commitUnit(unitCtx, []);
    // Every service a mutation maps to commits one unit; one that commits more would not apply
    // atomically (its later units ride without the advance), so say so loudly rather than silently.
    if (enlistment.units > 1) {
      console.warn(JSON.stringify({ level: 'warn', where: 'sync push', mutation: m.name, units: enlistment.units }));
    }
  } catch (err) {
    // Only what the server decided is recorded; anything else (the database unreachable, a rate limit,
    // a bug) fails the push, leaves this mutation unprocessed, and the client retries it.
    if (!isRefusal(err)) throw err;
    // The record had changed since the push read it (version guard or expected version): whether the
    // push or the device is behind is decided again on the database's row.
    if (err.code === ErrorCode.VERSION_MISMATCH && ctx.held?.served) throw new HeldRowStale();
    return refuse(ctx, clientId, m, target, err);
  }
  const outcome: MutationOutcome = {
    id: m.id,
    status: 'applied',
    result: { entity: mutation.entity, id: written.id, version: written.version },
  };
  if (written.conflicts) outcome.conflicts = written.conflicts;
  return outcome;
}

/** A decision about the mutation itself (4xx), as opposed to a failure worth retrying. */
const isRefusal = (err: unknown): err is AppError =>
  err instanceof AppError && err.status >= 400 && err.status < 500 && err.code !== ErrorCode.RATE_LIMITED;

/** Records a refusal in its own unit, with the advance; a concurrent push that got there first wins. */
async function refuse(
  ctx: ServiceContext,
  clientId: string,
  m: PushedMutation,
  target: Target | null,
  err: AppError,
): Promise<MutationOutcome> {
  const problem: Problem = { code: err.code, status: err.status, detail: err.message };
  try {
    await commitUnit(ctx, outcomeStatements(ctx, clientId, m, { status: 'refused', target, problem }));
  } catch (failure) {
    const earlier = (await recordedOutcomes(ctx, clientId, [m.id])).get(m.id);
    if (earlier) return duplicateOf(m.id, earlier);
    throw failure;
  }
  return { id: m.id, status: 'refused', problem };
}

/** The user a sync client belongs to: the signed-in user (an API key or the platform has no device queue). */
function syncUser(principal: Principal): string {
  if (principal.kind !== 'user') throw forbidden('Sync clients belong to signed-in users');
  return principal.id;
}

/**
 * The caller's client, registered on its first push. Client ids are unique across tenants: one minted
 * by another user answers 403, one of another tenant 404 (as every cross-tenant id does).
 */
async function openClient(ctx: ServiceContext, clientId: string) {
  const userId = syncUser(ctx.principal);
  let row = await findClient(ctx, clientId);
  if (!row) {
    await commit(ctx, [
      ctx.db
        .insert(syncClients)
        .values({
          tenantId: ctx.principal.tenantId,
          clientId,
          userId,
          lastMutationId: 0,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        })
        .onConflictDoNothing(),
    ]);
    row = await findClient(ctx, clientId);
  }
  if (!row || row.tenantId !== ctx.principal.tenantId) throw notFound('Sync client');
  if (row.userId !== userId) throw forbidden('This sync client belongs to another user; mint a new client id');
  return row;
}

/** Read by client id alone, across tenants, only to tell "another tenant's" from "new". */
const findClient = async (ctx: ServiceContext, clientId: string) =>
  (
    await ctx.db
      .select({
        tenantId: syncClients.tenantId,
        userId: syncClients.userId,
        lastMutationId: syncClients.lastMutationId,
      })
      .from(syncClients)
      .where(eq(syncClients.clientId, clientId))
      .limit(1)
  )[0];
