import type { ConflictField, Mutation, Problem } from './protocol.js';
import type { SyncStorage } from './storage.js';
import type { FetchLike, SyncError, Timers } from './transport.js';
import type { LocalMutators } from './view.js';

/** The sync client's options and the state it reports (see {@link SyncClient}). */

export type SyncStatus = 'idle' | 'syncing' | 'offline' | 'blocked';

/**
 * Why syncing stopped until the app acts: `unauthenticated` (a 401 even after the refresh hook: sign in
 * again, then `sync()`), `forbidden`/`not-found` (the client id belongs to another user or tenant:
 * `startOver`, with the user's consent to drop the queue), `gap` (the server lost mutations this client
 * already dropped: `startOver({ keepOutbox: true })` resends the rest under a new id), `rejected` (the
 * server refused the request itself, e.g. a mutation over its body limit).
 */
export type BlockedReason = 'unauthenticated' | 'forbidden' | 'not-found' | 'gap' | 'rejected';

export interface SyncState {
  status: SyncStatus;
  /** Mutations the server has not processed yet. */
  pending: number;
  blocked: BlockedReason | null;
  /** The failure of the last sync, null after a successful one. */
  lastError: SyncError | null;
  /** When the last sync finished successfully, ms since the epoch. */
  lastSyncedAt: number | null;
  /** While `offline` and started: when the next attempt starts, ms since the epoch. */
  retryAt: number | null;
  /** Null until the storage is loaded. */
  clientId: string | null;
}

export interface SyncClientOptions {
  /** The API's origin (and path prefix, if any): `https://api.example.com`. */
  baseUrl: string;
  storage: SyncStorage;
  /** Called before every request. */
  getToken: () => string | Promise<string>;
  /** Called once when a request gets a 401 (refresh the token here); the request is then retried once. */
  onUnauthorized?: () => unknown;
  fetch?: FetchLike;
  /** Local effects per mutation name, merged over `DEFAULT_MUTATORS`. */
  mutators?: LocalMutators;
  /** A mutation the server refused: its effect is already undone; tell the user `problem.detail`. */
  onRefused?: (mutation: Mutation, problem: Problem) => void;
  /** An applied update whose fields were also changed on the server and merged there. */
  onConflicts?: (mutation: Mutation, conflicts: ConflictField[]) => void;
  /** A local mutator threw (the mutation is still sent). Default: console.error. */
  onMutatorError?: (mutation: Mutation, error: unknown) => void;
  now?: () => number;
  random?: () => number;
  timers?: Timers;
  /** Retry windows after failures in a row: full jitter below min(cap, base · 2^n). */
  backoff?: { baseMs?: number; capMs?: number };
  /** Default and maximum 1,000. */
  maxMutationsPerPush?: number;
  /** JSON bytes per push before splitting, default 900 KB (the server takes 1 MiB by default). */
  maxPushBytes?: number;
  /** Changes per pull page, default 500, at most 1,000. */
  pullLimit?: number;
  /**
   * Per request, body included; default 60 s. A push of 1,000 mutations has been measured at about 25 s
   * on local D1 (docs/sync.md): a push cut off by the timeout is answered `duplicate` when resent.
   */
  requestTimeoutMs?: number;
  /** Mints the client id; default UUIDv7. */
  mintClientId?: () => string;
}

export type ViewListener = (change: { entities: ReadonlySet<string> }) => void;
export type StateListener = (state: SyncState) => void;

/** The reason to block on a failure that retrying cannot cure; null for a transient one. */
export function blockedReason(err: SyncError): BlockedReason | null {
  if (err.kind === 'gap') return 'gap';
  if (err.transient) return null;
  if (err.status === 401) return 'unauthenticated';
  if (err.status === 403) return 'forbidden';
  if (err.status === 404) return 'not-found';
  return 'rejected';
}
