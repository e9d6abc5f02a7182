import type { Mutation, PullChange } from './protocol.js';

/**
 * Where a sync client keeps what must outlive the app: its client id, the outbox of pending mutations
 * with the id counter, the pull cursor and the records pulled from the server. Each method is one atomic
 * step, so a crash between two calls leaves a state the client can resume from: an enqueued mutation
 * has its id and is persisted together, and a pulled page (with its cursor) is applied whole or not at all.
 */
export interface SyncStorage {
  /** The client id; on the first call ever, keeps `mint()` as the id (get-or-create in one step). */
  loadClientId(mint: () => string): Promise<string>;
  /** Assigns the next mutation id and appends the mutation to the outbox, in one step. */
  enqueue(mutation: NewMutation): Promise<Mutation>;
  /** The pending mutations, in id order. */
  outbox(): Promise<Mutation[]>;
  /** The id the next `enqueue` assigns (1 on a new client). */
  nextMutationId(): Promise<number>;
  /** Drops every pending mutation with an id at or below `id` (the server processed them). */
  acknowledge(id: number): Promise<void>;
  /** The cursor of the last page applied, or null before the first pull. */
  cursor(): Promise<string | null>;
  /** Applies a pulled page in one step (see {@link PulledPage}). */
  applyPage(page: PulledPage): Promise<void>;
  /** The pulled records, ordered by entity then id. */
  records(): Promise<StoredRecord[]>;
  record(entity: string, id: string): Promise<StoredRecord | undefined>;
  /**
   * Starts over as a new client, in one step: `clientId` replaces the id, and the outbox is either
   * renumbered from 1 in its order (`keepOutbox`) or dropped; the counter follows. Records and cursor stay.
   */
  replaceClient(clientId: string, keepOutbox: boolean): Promise<void>;
  /** Releases the backing store (a database connection); the object is unusable afterwards. */
  close(): Promise<void>;
}

/** A mutation before the outbox gives it an id. */
export type NewMutation = Omit<Mutation, 'id'>;

/** A record as the server sent it: whole, at a version. */
export interface StoredRecord {
  entity: string;
  id: string;
  version: number;
  record: Record<string, unknown>;
}

export interface PulledPage {
  /** Drop every record first (the outbox stays). */
  reset: boolean;
  /** Applied in order: an upsert replaces the whole record, a remove deletes it (unknown ones are ignored). */
  changes: PullChange[];
  /** Kept for the next pull. */
  cursor: string;
  /** When set, also drops the pending mutations up to this id (the server's lastMutationId for us). */
  acknowledge?: number;
}

export const recordKey = (entity: string, id: string): string => `${entity}\u0000${id}`;

/** Orders records as the storages return them: entity, then id. */
export const byEntityThenId = (a: StoredRecord, b: StoredRecord): number =>
  a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
