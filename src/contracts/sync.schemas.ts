import {
  type MutationArgsMap as ClientMutationArgs,
  type MutationName as ClientMutationName,
  type PullResponse as ClientPullResponse,
  type PushRequest as ClientPushRequest,
  type PushResponse as ClientPushResponse,
  SYNC_ENTITIES,
} from '@fieldline/client/sync-protocol';
import { ErrorCode } from '../lib/errors';
import { uuid, z } from './common';
import { CreateCustomerBody, UpdateCustomerBody } from './customers.schemas';
import { CreateOrderBody, UpdateOrderBody } from './orders.schemas';
import { CreatePaymentBody } from './payments.schemas';
import { CheckInBody, CheckOutBody, CreateVisitBody, UpdateVisitBody } from './visits.schemas';

/**
 * Offline sync (docs/sync.md): the push envelope and the arguments of each mutation. The arguments are
 * the REST request bodies of the same operations, plus the id of the record the mutation acts on; a
 * create must carry the id the client minted, since later mutations in its queue refer to it.
 */

export const MAX_MUTATIONS_PER_PUSH = 1000;

const Instant = z.iso.datetime({ offset: true });
const RecordId = uuid();
const onRecord = { id: RecordId };

/** A create body with the client-minted id made mandatory. */
const minted = <T extends { id?: string | undefined }>(body: z.ZodType<T>) =>
  body.refine((b) => b.id !== undefined, { message: 'the client mints the id of what it creates', path: ['id'] });

/** The arguments of each mutation name, validated as its REST twin validates its request. */
export const MUTATION_ARGS = {
  'customer.create': minted(CreateCustomerBody),
  'customer.update': UpdateCustomerBody.safeExtend(onRecord),
  'visit.create': minted(CreateVisitBody),
  'visit.update': UpdateVisitBody.safeExtend(onRecord),
  'visit.cancel': z.strictObject({ ...onRecord, expectedVersion: z.number().int().min(1).optional() }),
  // Offline, the device time of the fix is what the verdict and the record go by: required here.
  'visit.checkIn': CheckInBody.safeExtend({ ...onRecord, at: Instant }),
  'visit.checkOut': CheckOutBody.safeExtend({ ...onRecord, at: Instant }),
  // Sync only: the total the device showed; a different server total is recorded as a conflict.
  'order.create': minted(
    CreateOrderBody.safeExtend({
      clientTotalMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    }),
  ),
  'order.update': UpdateOrderBody.safeExtend(onRecord),
  'order.confirm': z.strictObject(onRecord),
  'payment.record': minted(CreatePaymentBody),
  'notification.markRead': z.strictObject(onRecord),
} as const;

export type MutationName = keyof typeof MUTATION_ARGS;
export type MutationArgs<N extends MutationName> = z.output<(typeof MUTATION_ARGS)[N]>;
export const MUTATION_NAMES = Object.keys(MUTATION_ARGS) as MutationName[];

export const PushMutation = z
  .strictObject({
    id: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1)
      .openapi({ description: 'Increases by one per mutation of this client, from 1' }),
    name: z
      .string()
      .min(1)
      .max(100)
      .openapi({
        description: `One of ${MUTATION_NAMES.join(', ')}; another name is refused as that mutation's outcome`,
      }),
    args: z.unknown().openapi({ description: 'The arguments of the named mutation (docs/sync.md)' }),
    clientTime: Instant.openapi({ description: "The device's clock when the mutation was made" }),
  })
  .openapi('SyncMutation');

export const PushBody = z
  .strictObject({
    clientId: uuid().openapi({ description: 'The client (app install) minted once; it belongs to one user' }),
    mutations: z.array(PushMutation).max(MAX_MUTATIONS_PER_PUSH),
  })
  .superRefine((body, ctx) => {
    body.mutations.forEach((m, i) => {
      const previous = body.mutations[i - 1];
      if (previous && m.id <= previous.id) {
        ctx.addIssue({ code: 'custom', path: ['mutations', i, 'id'], message: 'mutation ids must increase' });
      }
    });
  })
  .openapi('SyncPush');

export const MUTATION_STATUSES = ['applied', 'refused', 'duplicate', 'skipped'] as const;

export const ConflictField = z
  .object({
    field: z.string(),
    client: z.unknown().openapi({ description: 'The value the device sent' }),
    server: z.unknown().openapi({ description: 'The value the server had when the mutation arrived' }),
    winner: z.enum(['client', 'server']).openapi({ description: 'Which value the record kept' }),
  })
  .openapi('SyncConflictField');

export const MutationOutcome = z
  .object({
    id: z.number().int(),
    status: z.enum(MUTATION_STATUSES).openapi({
      description:
        'applied: committed now; refused: processed without effect (see problem); duplicate: processed ' +
        'by an earlier push (its outcome repeated); skipped: after a gap in the ids, not processed',
    }),
    result: z
      .object({ entity: z.string(), id: uuid(), version: z.number().int() })
      .optional()
      .openapi({ description: 'The record the mutation wrote, at its version right after the mutation' }),
    problem: z
      .object({
        code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
        status: z.number().int(),
        detail: z.string(),
      })
      .optional()
      .openapi({ description: 'Why the server refused the mutation' }),
    conflicts: z
      .array(ConflictField)
      .optional()
      .openapi({
        description:
          'applied: the update was based on an older version, and these fields were changed on both sides ' +
          '(see docs/sync.md, Conflicts); the record pulled next shows the merge',
      }),
  })
  .openapi('SyncMutationOutcome');

export const PushResponse = z
  .object({
    clientId: uuid(),
    lastMutationId: z.number().int().openapi({ description: 'Every mutation up to this id is processed' }),
    mutations: z.array(MutationOutcome),
  })
  .openapi('SyncPushResult');

export type PushRequest = z.output<typeof PushBody>;
export type PushResult = z.output<typeof PushResponse>;
export type MutationOutcome = z.output<typeof MutationOutcome>;

// ------------------------------------------------------------------ pull

/** Entity types in the order a snapshot sends them (references first); shared with the sync client. */
export const PULL_ENTITY_NAMES = SYNC_ENTITIES;

export const PullQuery = z.strictObject({
  cursor: z
    .string()
    .max(2048)
    .optional()
    .openapi({ description: 'The cursor of the previous page; omit it for a snapshot of your working set' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(500)
    .openapi({ description: 'At most this many changes (and, after the snapshot, this many log events) per page' }),
});

export const PullChange = z
  .object({
    entity: z.enum(PULL_ENTITY_NAMES),
    op: z.enum(['upsert', 'remove']),
    id: uuid(),
    version: z.number().int().optional().openapi({ description: 'upsert: the version of the record sent' }),
    record: z.record(z.string(), z.unknown()).optional().openapi({
      description:
        'upsert: the whole record as the REST API returns it (an order with its lines, a product with its stock)',
    }),
  })
  .openapi('SyncChange');

export const PullResponse = z
  .object({
    changes: z.array(PullChange),
    lastMutationIds: z
      .record(z.string(), z.number().int())
      .openapi({ description: "The last mutation processed for each of this user's sync clients" }),
    cursor: z.string().openapi({ description: 'Pass it to the next pull' }),
    hasMore: z.boolean().openapi({ description: 'Pull again at once: more changes are waiting' }),
    reset: z.boolean().openapi({
      description: 'Drop every record you hold before applying these changes (a snapshot begins)',
    }),
  })
  .openapi('SyncPullPage');

export type PullResult = z.output<typeof PullResponse>;

// ------------------------------------------------------------------ conflicts

export const SyncConflictSchema = z
  .object({
    id: uuid(),
    clientId: uuid(),
    mutationId: z.number().int(),
    userId: uuid().openapi({ description: 'Whose device pushed the mutation' }),
    entityType: z.string(),
    entityId: uuid(),
    baseVersion: z.number().int().openapi({ description: "The version the device's edit was based on" }),
    serverVersion: z.number().int().openapi({ description: 'The version the server had when the edit arrived' }),
    fields: z.array(ConflictField),
    createdAt: z.string(),
  })
  .openapi('SyncConflict');

export const ConflictListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  entityType: z.enum(['customer', 'visit', 'order']).optional(),
  entityId: uuid().optional(),
});

// ------------------------------------------------------------------ the client's wire types, at compile time

type Assert<T extends true> = T;
type Assignable<A, B> = [A] extends [B] ? true : false;
type ServerArgs = { [N in MutationName]: z.input<(typeof MUTATION_ARGS)[N]> };
type ClientArgs = { [N in MutationName]: ClientMutationArgs[N] };

// Never used: typechecking it is the proof. What the sync client (packages/client) may send, the server
// accepts; what the server answers, the client's types describe. A drift fails `npm run typecheck`.
type _ClientWireChecks = [
  Assert<Assignable<ClientArgs, ServerArgs>>,
  Assert<Assignable<(typeof MUTATION_NAMES)[number], ClientMutationName>>,
  Assert<Assignable<ClientMutationName, MutationName>>,
  Assert<Assignable<z.output<typeof PushBody>, ClientPushRequest>>,
  Assert<Assignable<PushResult, ClientPushResponse>>,
  Assert<Assignable<PullResult, ClientPullResponse>>,
];
