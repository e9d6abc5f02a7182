import { DEFAULT_BACKOFF, fullJitterDelay } from '../backoff.js';
import { nextBatch } from './batches.js';
import { DEFAULT_MUTATORS } from './mutators.js';
import {
  type ConflictField,
  DEFAULT_MAX_PUSH_BYTES,
  DEFAULT_PULL_LIMIT,
  MAX_MUTATIONS_PER_PUSH,
  MAX_PULL_LIMIT,
  type Mutation,
  type MutationArgsMap,
  type MutationName,
  type Problem,
  type PushResponse,
} from './protocol.js';
import { SingleFlight } from './single-flight.js';
import type { PulledPage, SyncStorage } from './storage.js';
import {
  type BlockedReason,
  blockedReason,
  type StateListener,
  type SyncClientOptions,
  type SyncState,
  type SyncStatus,
  type ViewListener,
} from './sync-state.js';
import { defaultTimers, SyncError, SyncTransport, type Timers } from './transport.js';
import { uuidv7 } from './uuid.js';
import { OptimisticView, type ViewRecord } from './view.js';

/**
 * The offline sync client (docs/sync.md): a durable outbox of mutations, push then pull, and an
 * optimistic view. Framework-free; runs in browsers, Node and workerd.
 *
 * - `mutate` persists the mutation (with its id) before it resolves, applies its local effect, and
 *   schedules a sync.
 * - A sync pushes the outbox from its head, then pulls every page. Runs never overlap: a call during a
 *   run gets one more run after it. A network or server failure keeps everything and retries with
 *   exponential backoff and full jitter; ids are never minted again.
 * - The view the app reads is the pulled records with the unconfirmed mutations replayed over them by
 *   local mutators; it is rebuilt after every pull and every outbox change.
 */

const clamp = (v: number | undefined, fallback: number, max: number) => Math.max(1, Math.min(max, v ?? fallback));

export class SyncClient {
  private readonly storage: SyncStorage;
  private readonly transport: SyncTransport;
  private readonly view: OptimisticView;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timers: Timers;
  private readonly backoff: { baseMs: number; capMs: number };
  private readonly maxCount: number;
  private readonly maxBytes: number;
  private readonly pullLimit: number;
  private readonly viewListeners = new Set<ViewListener>();
  private readonly stateListeners = new Set<StateListener>();

  private loading: Promise<void> | null = null;
  private clientId: string | null = null;
  /** Unprocessed mutations, mirroring the storage's outbox. */
  private outbox: Mutation[] = [];
  /** Applied by a push, not yet covered by a pull: still replayed, so the view does not flicker. */
  private settling: Mutation[] = [];
  private started = false;
  private readonly flight = new SingleFlight<SyncState>(
    () => this.run(),
    () => {
      this.emitState();
      return this.state;
    },
  );
  private abort: AbortController | null = null;
  private retryTimer: unknown = null;
  private retryAt: number | null = null;
  private failures = 0;
  private blocked: BlockedReason | null = null;
  private lastError: SyncError | null = null;
  private lastSyncedAt: number | null = null;
  private startOverRequest: { keepOutbox: boolean } | null = null;

  constructor(private readonly options: SyncClientOptions) {
    this.storage = options.storage;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? defaultTimers;
    this.backoff = {
      baseMs: options.backoff?.baseMs ?? DEFAULT_BACKOFF.baseMs,
      capMs: options.backoff?.capMs ?? DEFAULT_BACKOFF.capMs,
    };
    this.maxCount = clamp(options.maxMutationsPerPush, MAX_MUTATIONS_PER_PUSH, MAX_MUTATIONS_PER_PUSH);
    this.maxBytes = options.maxPushBytes ?? DEFAULT_MAX_PUSH_BYTES;
    this.pullLimit = clamp(options.pullLimit, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT);
    this.view = new OptimisticView(
      { ...DEFAULT_MUTATORS, ...options.mutators },
      options.onMutatorError ?? ((m, err) => console.error(`local mutator ${m.name} (#${m.id}) failed`, err)),
    );
    this.transport = new SyncTransport({
      baseUrl: options.baseUrl,
      getToken: options.getToken,
      onUnauthorized: options.onUnauthorized,
      fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
      timers: this.timers,
      timeoutMs: options.requestTimeoutMs ?? 60_000,
    });
  }

  // ------------------------------------------------------------------ reading

  get state(): SyncState {
    const status: SyncStatus = this.blocked
      ? 'blocked'
      : this.flight.busy
        ? 'syncing'
        : this.lastError
          ? 'offline'
          : 'idle';
    return {
      status,
      pending: this.outbox.length,
      blocked: this.blocked,
      lastError: this.lastError,
      lastSyncedAt: this.lastSyncedAt,
      retryAt: this.retryAt,
      clientId: this.clientId,
    };
  }

  /** The record as the app should show it; undefined until `ready()` resolved. */
  get(entity: string, id: string): ViewRecord | undefined {
    return this.view.get(entity, id);
  }

  list(entity: string): ViewRecord[] {
    return this.view.list(entity);
  }

  /** The unprocessed mutations, in id order. */
  get pendingMutations(): readonly Mutation[] {
    return [...this.outbox];
  }

  /** Called after the view changed, with the entity types that may have changed. Returns an unsubscribe. */
  subscribe(listener: ViewListener): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Loads the client id, the outbox and the records from storage (every other method waits for it). */
  ready(): Promise<void> {
    this.loading ??= this.load().catch((err) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }

  // ------------------------------------------------------------------ writing

  /**
   * Queues a mutation: resolves with its id once it is persisted, after its local effect is visible.
   * Catalogue names are type-checked against their arguments.
   */
  async mutate<N extends string>(
    name: N,
    args: N extends MutationName ? MutationArgsMap[N] : unknown,
  ): Promise<number> {
    await this.ready();
    const m = await this.storage.enqueue({ name, args, clientTime: new Date(this.now()).toISOString() });
    const last = this.outbox.at(-1);
    if (!last || last.id < m.id) {
      this.outbox.push(m);
      this.emitView(this.view.push(m));
    } else {
      this.outbox = [...this.outbox, m].sort((a, b) => a.id - b.id);
      this.rebase(new Set());
    }
    this.emitState();
    // While backing off, the timer's run takes it; a run in progress gets a follow-up.
    if (this.started && !this.blocked && this.retryTimer === null) void this.sync();
    return m.id;
  }

  // ------------------------------------------------------------------ triggers

  /** Syncs now and keeps syncing on triggers (mutations, pokes, backoff timers). */
  start(): Promise<SyncState> {
    this.started = true;
    return this.sync();
  }

  /** Stops the timers and aborts a request in flight (a push cut off is answered `duplicate` next time). */
  stop(): void {
    this.started = false;
    this.clearRetry();
    this.abort?.abort();
    this.flight.dropQueued();
    this.emitState();
  }

  /** Something changed on the server (a `sync:poke` frame, a reconnect): sync unless stopped or blocked. */
  poke(): void {
    if (this.started && !this.blocked) void this.sync();
  }

  /**
   * Push then pull. Never rejects: failures are in the resolved state. A call during a run resolves
   * after one more run that starts when the current one ends (calls during a run share it).
   */
  sync(): Promise<SyncState> {
    return this.flight.run();
  }

  /**
   * Continues as a new client id (see {@link BlockedReason}). `keepOutbox: true` renumbers the pending
   * mutations from 1 and resends them; only safe when the old client never processed them (`gap`).
   */
  startOver(options: { keepOutbox: boolean }): Promise<SyncState> {
    this.startOverRequest = options;
    this.blocked = null;
    return this.sync();
  }

  // ------------------------------------------------------------------ one run

  private async run(): Promise<void> {
    this.clearRetry();
    const abort = new AbortController();
    this.abort = abort;
    this.emitState();
    try {
      await this.ready();
      if (this.startOverRequest) await this.replaceClient(this.startOverRequest.keepOutbox);
      await this.pushAll(abort.signal);
      await this.pullAll(abort.signal);
      this.failures = 0;
      this.lastError = null;
      this.blocked = null;
      this.lastSyncedAt = this.now();
    } catch (e) {
      // Anything else is the storage failing (quota, a closed database): retried like the network.
      const err =
        e instanceof SyncError ? e : new SyncError('storage', e instanceof Error ? e.message : String(e), { cause: e });
      // Stopped by the app: not a failure to show or to retry.
      if (err.kind === 'aborted') return;
      this.lastError = err;
      const reason = blockedReason(err);
      if (reason) this.blocked = reason;
      else if (this.started) this.scheduleRetry(err);
    } finally {
      this.abort = null;
    }
  }

  private async pushAll(signal: AbortSignal): Promise<void> {
    const clientId = this.requireClientId();
    let maxBytes = this.maxBytes;
    while (this.outbox.length > 0) {
      const batch = nextBatch(this.outbox, clientId, this.maxCount, maxBytes);
      const head = batch.mutations[0] as Mutation;
      let res: PushResponse;
      try {
        res = await this.transport.push({ clientId, mutations: batch.mutations }, signal);
        stopped(signal);
      } catch (err) {
        // The server's body limit is below our budget: halve the batch (one mutation alone is final).
        if (err instanceof SyncError && err.status === 413 && batch.mutations.length > 1) {
          maxBytes = Math.floor(batch.bytes / 2);
          continue;
        }
        throw err;
      }
      await this.settle(batch.mutations, res);
      if (res.lastMutationId < head.id) {
        if (res.lastMutationId + 1 < head.id) {
          throw new SyncError(
            'gap',
            `The server has processed up to #${res.lastMutationId}, the outbox starts at #${head.id}`,
          );
        }
        throw new SyncError('http', 'The server processed none of the pushed mutations', { status: 503 });
      }
    }
  }

  /** Drops what the server processed, undoes refusals (by rebase) and reports them. */
  private async settle(sent: Mutation[], res: PushResponse): Promise<void> {
    const last = res.lastMutationId;
    const processed = this.outbox.filter((m) => m.id <= last);
    if (processed.length === 0) return;
    const byId = new Map(sent.map((m) => [m.id, m]));
    const refused: [Mutation, Problem][] = [];
    const merged: [Mutation, ConflictField[]][] = [];
    for (const o of res.mutations) {
      const m = byId.get(o.id);
      if (!m || o.id > last) continue;
      if (o.problem) refused.push([m, o.problem]);
      else if (o.conflicts?.length) merged.push([m, o.conflicts]);
    }
    await this.storage.acknowledge(last);
    const refusedIds = new Set(refused.map(([m]) => m.id));
    this.outbox = this.outbox.filter((m) => m.id > last);
    this.settling.push(...processed.filter((m) => !refusedIds.has(m.id)));
    if (refused.length > 0) this.rebase(new Set());
    this.emitState();
    for (const [m, problem] of refused) this.report(() => this.options.onRefused?.(m, problem));
    for (const [m, conflicts] of merged) this.report(() => this.options.onConflicts?.(m, conflicts));
  }

  private async pullAll(signal: AbortSignal): Promise<void> {
    const clientId = this.requireClientId();
    let cursor = await this.storage.cursor();
    let restarts = 0;
    let replay = false;
    const touched = new Set<string>();
    try {
      for (;;) {
        let page: Awaited<ReturnType<SyncTransport['pull']>>;
        try {
          page = await this.transport.pull({ ...(cursor !== null ? { cursor } : {}), limit: this.pullLimit }, signal);
          stopped(signal);
        } catch (err) {
          // A cursor the server no longer accepts: pull a new snapshot (it comes with reset: true).
          if (err instanceof SyncError && err.code === 'INVALID_CURSOR' && cursor !== null && restarts < 2) {
            cursor = null;
            restarts += 1;
            continue;
          }
          throw err;
        }
        const acknowledged = page.lastMutationIds[clientId];
        const applied: PulledPage = {
          reset: page.reset,
          changes: page.changes,
          cursor: page.cursor,
          ...(acknowledged !== undefined ? { acknowledge: acknowledged } : {}),
        };
        await this.storage.applyPage(applied);
        for (const e of this.view.applyPage(applied)) touched.add(e);
        if (acknowledged !== undefined) this.outbox = this.outbox.filter((m) => m.id > acknowledged);
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      // The pull ran after the push: whatever the push applied is in the records now (or left the
      // working set), so it is replayed no more.
      if (this.settling.length > 0) {
        this.settling = [];
        replay = true;
      }
    } finally {
      // The rebase reports the entities whose replayed effects changed, besides those pulled.
      if (replay || touched.size > 0) this.rebase(touched);
    }
  }

  private async replaceClient(keepOutbox: boolean): Promise<void> {
    const id = this.mintClientId();
    await this.storage.replaceClient(id, keepOutbox);
    this.startOverRequest = null;
    this.clientId = id;
    this.outbox = await this.storage.outbox();
    this.settling = [];
    this.rebase(new Set());
  }

  // ------------------------------------------------------------------ helpers

  private async load(): Promise<void> {
    this.clientId = await this.storage.loadClientId(() => this.mintClientId());
    const [outbox, records] = await Promise.all([this.storage.outbox(), this.storage.records()]);
    this.outbox = outbox;
    this.view.load(records);
    this.rebase(new Set(records.map((r) => r.entity)));
    this.emitState();
  }

  private mintClientId(): string {
    return this.options.mintClientId?.() ?? uuidv7(this.now());
  }

  private requireClientId(): string {
    if (this.clientId === null) throw new SyncError('storage', 'The storage is not loaded');
    return this.clientId;
  }

  private scheduleRetry(err: SyncError): void {
    const delay = Math.max(
      fullJitterDelay(this.failures, this.backoff.baseMs, this.backoff.capMs, this.random),
      err.retryAfterMs ?? 0,
    );
    this.failures += 1;
    this.retryAt = this.now() + delay;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.retryAt = null;
      void this.sync();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAt = null;
  }

  private rebase(touched: Set<string>): void {
    const changed = this.view.rebase([...this.settling, ...this.outbox]);
    for (const e of touched) changed.add(e);
    this.emitView(changed);
  }

  private emitView(entities: Set<string>): void {
    if (entities.size === 0) return;
    for (const listener of this.viewListeners) this.report(() => listener({ entities }));
  }

  private emitState(): void {
    if (this.stateListeners.size === 0) return;
    const state = this.state;
    for (const listener of this.stateListeners) this.report(() => listener(state));
  }

  /** One failing app callback must not break the sync or the other listeners. */
  private report(call: () => void): void {
    try {
      call();
    } catch (err) {
      console.error(err);
    }
  }
}

/** After stop(), an answer that arrived anyway is not acted on: the next start resumes from storage. */
function stopped(signal: AbortSignal): void {
  if (signal.aborted) throw new SyncError('aborted', 'The sync client was stopped');
}
