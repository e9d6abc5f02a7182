import type { z } from '@hono/zod-openapi';
import { MUTATION_ARGS, type MutationName } from '../contracts/sync.schemas';
import type { Statement } from '../db/batch';
import type { SyncConflictField } from '../db/tables';
import type { IssueLike } from '../lib/zod-issues';
import type { ServiceContext } from './context';
import { createCustomer, updateCustomer } from './customers.service';
import { markNotificationRead } from './notifications.service';
import { confirmOrder } from './order-lifecycle.service';
import { createOrder, updateOrder } from './orders.service';
import { createPayment } from './payments.service';
import {
  type ConflictOrigin,
  conflictStatement,
  type MergeableEntity,
  mergeStaleUpdate,
  repriced,
  repricedStatement,
} from './sync-conflicts.service';
import { checkIn, checkOut, createVisit, updateVisit } from './visits.service';

/**
 * What each sync mutation does: it validates its arguments with the REST twin's schema and calls the
 * REST twin's service function. No rule lives here; a mutation is refused or applied exactly as the
 * REST call would be, by the same code.
 */

export type SyncEntity = 'customer' | 'visit' | 'order' | 'payment' | 'notification';

/** What every service below returns: the record as written. */
interface Versioned {
  id: string;
  version: number;
}

/** What a mutation wrote, and the fields where the server and the device disagreed (see `record`). */
export interface Written extends Versioned {
  conflicts?: SyncConflictField[] | undefined;
}

/** What a mutation will do, decided against the record as it is (an update based on an older version is merged). */
export interface MutationPlan {
  run(ctx: ServiceContext): Promise<Written>;
  /** The statement recording the mutation's conflict, for its unit (none when there cannot be one). */
  record?: ((ctx: ServiceContext, origin: ConflictOrigin) => Statement) | undefined;
}

export type PreparedMutation =
  | {
      ok: true;
      targetId: string | undefined;
      /** The validated arguments (what the records they name are read ahead from, sync-read-ahead.ts). */
      args: object;
      plan(ctx: ServiceContext): Promise<MutationPlan>;
    }
  | { ok: false; issues: readonly IssueLike[] };

export interface SyncMutation {
  entity: SyncEntity;
  prepare(args: unknown): PreparedMutation;
}

/** The arguments validated by `args`, handed to `prepare`; invalid ones become the refusal's issues. */
function parsed<A extends object>(
  args: z.ZodType<A>,
  raw: unknown,
  prepare: (data: A) => Omit<PreparedMutation & { ok: true }, 'args'>,
): PreparedMutation {
  const result = args.safeParse(raw);
  return result.success ? { ...prepare(result.data), args: result.data } : { ok: false, issues: result.error.issues };
}

function mutation<A extends { id?: string | undefined }>(
  args: z.ZodType<A>,
  entity: SyncEntity,
  run: (ctx: ServiceContext, args: A) => Promise<Versioned>,
): SyncMutation {
  return {
    entity,
    prepare: (raw) =>
      parsed(args, raw, (data) => ({
        ok: true,
        targetId: data.id,
        plan: async () => ({ run: (ctx) => run(ctx, data) }),
      })),
  };
}

/**
 * An update whose `expectedVersion` may be behind the server's: merged field by field onto the record
 * as it is (sync-conflicts.service.ts) rather than refused as the REST call would be.
 */
function update<A extends { id: string; expectedVersion?: number | undefined }>(
  args: z.ZodType<A>,
  entity: MergeableEntity,
  run: (ctx: ServiceContext, id: string, patch: Omit<A, 'id'>) => Promise<Versioned>,
): SyncMutation {
  return {
    entity,
    prepare: (raw) =>
      parsed(args, raw, ({ id, ...patch }) => ({
        ok: true,
        targetId: id,
        async plan(ctx) {
          const merged = await mergeStaleUpdate(ctx, entity, id, patch);
          const { current, conflict } = merged;
          const record = conflict
            ? (c: ServiceContext, origin: ConflictOrigin) => conflictStatement(c, origin, conflict)
            : undefined;
          const conflicts = conflict?.fields;
          if (merged.patch) {
            const mergedPatch = merged.patch;
            return { run: async (c) => ({ ...(await run(c, id, mergedPatch)), conflicts }), record };
          }
          // Everything the device sent is already there or lost to the server's values: nothing to write.
          return { run: async () => ({ id, version: current?.version ?? 0, conflicts }), record };
        },
      })),
  };
}

const A = MUTATION_ARGS;

export const SYNC_MUTATIONS: Record<MutationName, SyncMutation> = {
  'customer.create': mutation(A['customer.create'], 'customer', createCustomer),
  'customer.update': update(A['customer.update'], 'customer', updateCustomer),
  'visit.create': mutation(A['visit.create'], 'visit', createVisit),
  'visit.update': update(A['visit.update'], 'visit', updateVisit),
  'visit.cancel': update(
    A['visit.cancel'].transform((a) => ({ ...a, status: 'cancelled' as const })),
    'visit',
    updateVisit,
  ),
  'visit.checkIn': mutation(A['visit.checkIn'], 'visit', (ctx, { id, ...fix }) => checkIn(ctx, id, fix)),
  'visit.checkOut': mutation(A['visit.checkOut'], 'visit', (ctx, { id, ...input }) => checkOut(ctx, id, input)),
  'order.create': {
    entity: 'order',
    // Prices are the server's: an order is priced when it arrives. When the device says what total it
    // showed the customer and the server's differs, the difference is recorded as a conflict.
    prepare: (raw) =>
      parsed(A['order.create'], raw, ({ clientTotalMinor: shown, ...input }) => ({
        ok: true,
        targetId: input.id,
        plan: async () => ({
          async run(ctx) {
            const order = await createOrder(ctx, input);
            if (shown === undefined || shown === order.totalMinor) return order;
            return { ...order, conflicts: [repriced(shown, order.totalMinor)] };
          },
          record:
            shown === undefined || input.id === undefined
              ? undefined
              : (ctx, origin) => repricedStatement(ctx, origin, input.id as string, shown),
        }),
      })),
  },
  'order.update': update(A['order.update'], 'order', updateOrder),
  'order.confirm': mutation(A['order.confirm'], 'order', (ctx, { id }) => confirmOrder(ctx, id)),
  'payment.record': mutation(A['payment.record'], 'payment', createPayment),
  'notification.markRead': mutation(A['notification.markRead'], 'notification', (ctx, { id }) =>
    markNotificationRead(ctx, id),
  ),
};

export const syncMutationOf = (name: string): SyncMutation | undefined =>
  Object.hasOwn(SYNC_MUTATIONS, name) ? SYNC_MUTATIONS[name as MutationName] : undefined;
