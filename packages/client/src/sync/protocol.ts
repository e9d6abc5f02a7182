/**
 * The sync wire protocol (docs/sync.md) as plain types and constants: `POST /v1/sync/push` and
 * `GET /v1/sync/pull`. They mirror the Worker's zod contracts (src/contracts/sync.schemas.ts and the REST
 * bodies they extend) without importing them, so apps get the types without bundling zod.
 */

/** At most this many mutations per push (the server answers 400 above it). */
export const MAX_MUTATIONS_PER_PUSH = 1000;
/** Changes per pull page when none is asked for, and the most the server sends. */
export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;
/**
 * JSON bytes per push we aim to stay under: the server's body limit (`MAX_BODY_BYTES`) is 1 MiB by
 * default, and a push of 1,000 orders with many lines can exceed it.
 */
export const DEFAULT_MAX_PUSH_BYTES = 900_000;

/** Entity types in the order a snapshot sends them (references first). */
export const SYNC_ENTITIES = [
  'territory',
  'salesman',
  'product',
  'customer',
  'visit',
  'order',
  'payment',
  'target',
  'notification',
] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

export const MUTATION_NAMES = [
  'customer.create',
  'customer.update',
  'visit.create',
  'visit.update',
  'visit.cancel',
  'visit.checkIn',
  'visit.checkOut',
  'order.create',
  'order.update',
  'order.confirm',
  'payment.record',
  'notification.markRead',
] as const;
export type MutationName = (typeof MUTATION_NAMES)[number];

// ------------------------------------------------------------------ mutation arguments (REST bodies + id)

export type VisitOutcome = 'order_taken' | 'no_order' | 'follow_up' | 'customer_unavailable' | 'other';
export type PaymentMethod = 'cash' | 'card' | 'bank_transfer' | 'cheque' | 'mobile_money' | 'other';

/** An ISO-8601 instant with an offset, e.g. `2026-12-03T09:02:05+01:00` or `…Z`. */
export type Instant = string;

export interface CustomerFields {
  name: string;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  address?: string | null;
  city?: string | null;
  /** Both coordinates or neither. */
  lat?: number | null;
  lng?: number | null;
  territoryId?: string | null;
  salesmanId?: string | null;
  notes?: string | null;
}

export interface GpsFix {
  lat: number;
  lng: number;
  /** Metres. */
  accuracy: number;
  /** Device time of the fix: required offline. */
  at: Instant;
}

export interface OrderLineInput {
  productId: string;
  quantity: number;
  /** Percent off the line, 0–100, up to two decimals. */
  discount?: number;
}

/** The `args` of each mutation name: the REST twin's request body plus the id of the record acted on. */
export interface MutationArgsMap {
  'customer.create': CustomerFields & { id: string };
  'customer.update': Partial<CustomerFields> & { id: string; expectedVersion?: number };
  'visit.create': {
    id: string;
    customerId: string;
    salesmanId?: string;
    plannedAt?: Instant | null;
    notes?: string | null;
  };
  'visit.update': {
    id: string;
    customerId?: string;
    salesmanId?: string;
    plannedAt?: Instant | null;
    notes?: string | null;
    outcome?: VisitOutcome | null;
    status?: 'cancelled';
    expectedVersion?: number;
  };
  'visit.cancel': { id: string; expectedVersion?: number };
  'visit.checkIn': GpsFix & { id: string };
  'visit.checkOut': GpsFix & { id: string; outcome?: VisitOutcome | null; notes?: string | null };
  'order.create': {
    id: string;
    customerId: string;
    visitId?: string;
    salesmanId?: string;
    orderedAt?: Instant;
    notes?: string | null;
    lines: OrderLineInput[];
    /** The total the phone showed; a different server total is recorded as a conflict. */
    clientTotalMinor?: number;
  };
  'order.update': { id: string; notes?: string | null; lines?: OrderLineInput[]; expectedVersion?: number };
  'order.confirm': { id: string };
  'payment.record': {
    id: string;
    orderId: string;
    amountMinor: number;
    method: PaymentMethod;
    status?: 'received' | 'failed';
    reference?: string | null;
    receivedAt?: Instant;
    notes?: string | null;
  };
  'notification.markRead': { id: string };
}

// ------------------------------------------------------------------ push

export interface Mutation {
  /** 1 for a client's first mutation, one more for each next one, never reused. */
  id: number;
  name: string;
  args: unknown;
  /** The device's clock when the mutation was made. */
  clientTime: Instant;
}

export interface PushRequest {
  clientId: string;
  mutations: Mutation[];
}

export type MutationStatus = 'applied' | 'refused' | 'duplicate' | 'skipped';

/** Why the server refused a mutation (or a whole request): the REST API's problem, trimmed. */
export interface Problem {
  code: string;
  status: number;
  detail: string;
}

export interface ConflictField {
  field: string;
  client: unknown;
  server: unknown;
  winner: 'client' | 'server';
}

export interface MutationOutcome {
  id: number;
  status: MutationStatus;
  /** applied (or its duplicate): the record written, at its version right after. */
  result?: { entity: string; id: string; version: number };
  /** refused (or its duplicate). */
  problem?: Problem;
  /** applied: fields changed on both sides, merged by the server (docs/sync.md, Conflicts). */
  conflicts?: ConflictField[];
}

export interface PushResponse {
  clientId: string;
  /** Every mutation of this client up to this id is processed (applied or refused). */
  lastMutationId: number;
  mutations: MutationOutcome[];
}

// ------------------------------------------------------------------ pull

export interface PullQuery {
  cursor?: string;
  limit?: number;
}

export interface PullChange {
  entity: SyncEntity;
  op: 'upsert' | 'remove';
  id: string;
  /** upsert: the version of the record sent. */
  version?: number;
  /** upsert: the whole record as the REST API returns it. */
  record?: Record<string, unknown>;
}

export interface PullResponse {
  changes: PullChange[];
  /** The last mutation processed for each of this user's sync clients. */
  lastMutationIds: Record<string, number>;
  cursor: string;
  hasMore: boolean;
  /** Drop every record held before applying these changes (a snapshot begins). */
  reset: boolean;
}
