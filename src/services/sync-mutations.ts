import type { z } from '@hono/zod-openapi';
import { MUTATION_ARGS, type MutationName } from '../contracts/sync.schemas';
import type { IssueLike } from '../lib/zod-issues';
import type { ServiceContext } from './context';
import { createCustomer, updateCustomer } from './customers.service';
import { markNotificationRead } from './notifications.service';
import { confirmOrder } from './order-lifecycle.service';
import { createOrder, updateOrder } from './orders.service';
import { createPayment } from './payments.service';
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

export type PreparedMutation =
  | { ok: true; targetId: string | undefined; run(ctx: ServiceContext): Promise<Versioned> }
  | { ok: false; issues: readonly IssueLike[] };

export interface SyncMutation {
  entity: SyncEntity;
  prepare(args: unknown): PreparedMutation;
}

function mutation<A extends { id?: string | undefined }>(
  args: z.ZodType<A>,
  entity: SyncEntity,
  run: (ctx: ServiceContext, args: A) => Promise<Versioned>,
): SyncMutation {
  return {
    entity,
    prepare(raw) {
      const parsed = args.safeParse(raw);
      if (!parsed.success) return { ok: false, issues: parsed.error.issues };
      return { ok: true, targetId: parsed.data.id, run: (ctx) => run(ctx, parsed.data) };
    },
  };
}

const A = MUTATION_ARGS;

export const SYNC_MUTATIONS: Record<MutationName, SyncMutation> = {
  'customer.create': mutation(A['customer.create'], 'customer', createCustomer),
  'customer.update': mutation(A['customer.update'], 'customer', (ctx, { id, ...patch }) =>
    updateCustomer(ctx, id, patch),
  ),
  'visit.create': mutation(A['visit.create'], 'visit', createVisit),
  'visit.update': mutation(A['visit.update'], 'visit', (ctx, { id, ...patch }) => updateVisit(ctx, id, patch)),
  'visit.cancel': mutation(A['visit.cancel'], 'visit', (ctx, { id, expectedVersion }) =>
    updateVisit(ctx, id, { status: 'cancelled', expectedVersion }),
  ),
  'visit.checkIn': mutation(A['visit.checkIn'], 'visit', (ctx, { id, ...fix }) => checkIn(ctx, id, fix)),
  'visit.checkOut': mutation(A['visit.checkOut'], 'visit', (ctx, { id, ...input }) => checkOut(ctx, id, input)),
  'order.create': mutation(A['order.create'], 'order', createOrder),
  'order.update': mutation(A['order.update'], 'order', (ctx, { id, ...patch }) => updateOrder(ctx, id, patch)),
  'order.confirm': mutation(A['order.confirm'], 'order', (ctx, { id }) => confirmOrder(ctx, id)),
  'payment.record': mutation(A['payment.record'], 'payment', createPayment),
  'notification.markRead': mutation(A['notification.markRead'], 'notification', (ctx, { id }) =>
    markNotificationRead(ctx, id),
  ),
};

export const syncMutationOf = (name: string): SyncMutation | undefined =>
  Object.hasOwn(SYNC_MUTATIONS, name) ? SYNC_MUTATIONS[name as MutationName] : undefined;
