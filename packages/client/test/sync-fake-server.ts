import type {
  ConflictField,
  Mutation,
  MutationOutcome,
  Problem,
  PullChange,
  PullResponse,
  PushResponse,
} from '../src/sync/protocol.js';
import { SYNC_ENTITIES } from '../src/sync/protocol.js';
import type { FetchLike, Timers } from '../src/sync/transport.js';

/**
 * An in-memory server that speaks the sync protocol of docs/sync.md faithfully enough to test the
 * client against: per-client lastMutationId with exactly-once processing, duplicates answered with the
 * recorded outcome, gaps skipped, refusals recorded; pull with snapshot pages then incremental pages
 * from an event log, removals, reset on a changed working set, INVALID_CURSOR, lastMutationIds.
 * Faults are queued per request: a request lost on the way (nothing processed), a response lost on the
 * way back (processed), a 5xx, a hang until the client's timeout.
 */

export interface ServerRecord {
  entity: string;
  id: string;
  version: number;
  record: Record<string, unknown>;
}

export type Fault =
  | 'request-lost'
  | 'response-lost'
  | 'server-error'
  | 'hang'
  | 'hang-after-processing'
  | 'garbage-after-processing'
  | { status: number; code?: string; retryAfter?: number };

export interface SentRequest {
  path: string;
  token: string;
  body?: { clientId: string; mutations: Mutation[] };
  query?: URLSearchParams;
}

interface ClientBook {
  userId: string;
  tenant: string;
  last: number;
  outcomes: Map<number, MutationOutcome>;
}

class Refusal extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

const refuse = (code: string, status: number, detail: string) => new Refusal({ code, status, detail });
const key = (entity: string, id: string) => `${entity}/${id}`;
const ENTITY_ORDER = new Map<string, number>(SYNC_ENTITIES.map((e, i) => [e, i]));

export class FakeSyncServer {
  readonly records = new Map<string, ServerRecord>();
  readonly log: { seq: number; entity: string; id: string }[] = [];
  readonly clients = new Map<string, ClientBook>();
  /** Every mutation processed (applied or refused), in processing order. */
  readonly processed: { clientId: string; id: number; name: string; status: 'applied' | 'refused' }[] = [];
  readonly requests: SentRequest[] = [];
  /** token → user; users → tenant. */
  readonly tokens = new Map<string, string>([['token-1', 'user-1']]);
  readonly tenants = new Map<string, string>([['user-1', 'tenant-1']]);
  /** Bumped when the user's working set changes: older cursors start a new snapshot (reset). */
  workingSet = 1;
  /** Bumped on a key rotation that invalidates cursors: older cursors answer INVALID_CURSOR. */
  cursorKey = 1;
  /** Process at most this many mutations per push and skip the rest (a D1 per-invocation limit). */
  processPerPush = Number.POSITIVE_INFINITY;
  maxBodyBytes = 1_048_576;
  /** Whether a record is in the user's working set now (a territory move hides some, shows others). */
  visible: (record: ServerRecord) => boolean = () => true;
  /** Runs after a request is recorded and before it is answered (e.g. to mutate during a pull). */
  onRequest: ((request: SentRequest) => unknown) | null = null;
  private readonly faults: { fault: Fault; on: 'push' | 'pull' | 'any' }[] = [];

  fail(fault: Fault, on: 'push' | 'pull' | 'any' = 'any', times = 1): this {
    for (let i = 0; i < times; i++) this.faults.push({ fault, on });
    return this;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  get pushes(): SentRequest[] {
    return this.requests.filter((r) => r.path === '/v1/sync/push');
  }

  get pulls(): SentRequest[] {
    return this.requests.filter((r) => r.path === '/v1/sync/pull');
  }

  /** The office (or another device) writes a record: a new version and an event in the log. */
  write(entity: string, id: string, fields: Record<string, unknown>): ServerRecord {
    const current = this.records.get(key(entity, id));
    const next: ServerRecord = {
      entity,
      id,
      version: (current?.version ?? 0) + 1,
      record: { ...(current?.record ?? { id }), ...fields },
    };
    this.records.set(key(entity, id), next);
    this.log.push({ seq: this.log.length + 1, entity, id });
    return next;
  }

  delete(entity: string, id: string): void {
    this.records.delete(key(entity, id));
    this.log.push({ seq: this.log.length + 1, entity, id });
  }

  /** The working set, sorted like a snapshot: entity order, then id. */
  snapshot(): ServerRecord[] {
    return [...this.records.values()]
      .filter(this.visible)
      .sort(
        (a, b) =>
          (ENTITY_ORDER.get(a.entity) ?? 99) - (ENTITY_ORDER.get(b.entity) ?? 99) ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
  }

  fetch: FetchLike = async (url, init) => {
    const u = new URL(url);
    const token = String((init.headers as Record<string, string>).authorization ?? '').replace(/^Bearer /, '');
    const request: SentRequest = { path: u.pathname, token };
    if (u.pathname === '/v1/sync/push') request.body = JSON.parse(String(init.body));
    else request.query = u.searchParams;
    this.requests.push(request);
    await this.onRequest?.(request);
    const kind = u.pathname === '/v1/sync/push' ? 'push' : 'pull';
    const at = this.faults.findIndex((f) => f.on === 'any' || f.on === kind);
    const fault = at >= 0 ? this.faults.splice(at, 1)[0]?.fault : undefined;

    if (fault === 'request-lost') throw new TypeError('fetch failed (request lost)');
    if (fault === 'server-error') return problem(500, 'INTERNAL', 'The database is unreachable');
    if (fault === 'hang') return this.hang(init.signal);
    if (fault && typeof fault === 'object') {
      return problem(fault.status, fault.code ?? 'INTERNAL', 'injected', fault.retryAfter);
    }
    const response = this.handle(u, request, init);
    if (fault === 'response-lost') throw new TypeError('fetch failed (response lost)');
    if (fault === 'hang-after-processing') return this.hang(init.signal);
    if (fault === 'garbage-after-processing') return new Response('<html>captive portal</html>', { status: 200 });
    return response;
  };

  private handle(u: URL, request: SentRequest, init: RequestInit): Response {
    const userId = this.tokens.get(request.token);
    if (!userId) return problem(401, 'UNAUTHENTICATED', 'Bad token');
    if (u.pathname === '/v1/sync/push') {
      if (new TextEncoder().encode(String(init.body)).length > this.maxBodyBytes) {
        return problem(413, 'PAYLOAD_TOO_LARGE', 'Too large');
      }
      return this.push(userId, request.body as { clientId: string; mutations: Mutation[] });
    }
    if (u.pathname === '/v1/sync/pull') return this.pull(userId, u.searchParams);
    return problem(404, 'NOT_FOUND', 'No route');
  }

  private hang(signal: AbortSignal | null | undefined): Promise<Response> {
    return new Promise((_, reject) => {
      signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  }

  // ------------------------------------------------------------------ push

  private push(userId: string, body: { clientId: string; mutations: Mutation[] }): Response {
    if (body.mutations.length > 1000) return problem(400, 'VALIDATION_FAILED', 'More than 1,000 mutations');
    for (let i = 1; i < body.mutations.length; i++) {
      if ((body.mutations[i]?.id ?? 0) <= (body.mutations[i - 1]?.id ?? 0)) {
        return problem(400, 'VALIDATION_FAILED', 'mutation ids must increase');
      }
    }
    const tenant = this.tenants.get(userId) ?? 'tenant-1';
    let book = this.clients.get(body.clientId);
    if (!book) {
      book = { userId, tenant, last: 0, outcomes: new Map() };
      this.clients.set(body.clientId, book);
    }
    if (book.tenant !== tenant) return problem(404, 'NOT_FOUND', 'Unknown client');
    if (book.userId !== userId) return problem(403, 'FORBIDDEN', 'The client belongs to another user');

    const outcomes: MutationOutcome[] = [];
    let stopped = false;
    let processedNow = 0;
    for (const m of body.mutations) {
      if (!stopped && m.id <= book.last) {
        outcomes.push({ ...(book.outcomes.get(m.id) as MutationOutcome), status: 'duplicate' });
        continue;
      }
      if (stopped || m.id !== book.last + 1 || processedNow >= this.processPerPush) {
        stopped = true;
        outcomes.push({ id: m.id, status: 'skipped' });
        continue;
      }
      let outcome: MutationOutcome;
      try {
        const conflicts = this.conflictsOf(m);
        const r = this.apply(m);
        outcome = { id: m.id, status: 'applied', result: { entity: r.entity, id: r.id, version: r.version } };
        if (conflicts.length > 0) outcome.conflicts = conflicts;
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        outcome = { id: m.id, status: 'refused', problem: err.problem };
      }
      book.last = m.id;
      book.outcomes.set(m.id, outcome);
      this.processed.push({ clientId: body.clientId, id: m.id, name: m.name, status: outcome.status as 'applied' });
      processedNow += 1;
      outcomes.push(outcome);
      // A replay repeats the result, not the conflicts (docs/sync.md).
      const { conflicts: _c, ...recorded } = outcome;
      book.outcomes.set(m.id, recorded);
    }
    const res: PushResponse = { clientId: body.clientId, lastMutationId: book.last, mutations: outcomes };
    return json(res);
  }

  /** An update based on an older version: the device's fields win here, and the clash is named. */
  private conflictsOf(m: Mutation): ConflictField[] {
    const a = m.args as { id?: string; expectedVersion?: number } & Record<string, unknown>;
    const entity = m.name.split('.')[0] ?? '';
    const current = this.records.get(key(entity, a.id ?? ''));
    if (!m.name.endsWith('.update') || a.expectedVersion === undefined || !current) return [];
    if (a.expectedVersion >= current.version) return [];
    return Object.entries(a)
      .filter(([field, value]) => field !== 'id' && field !== 'expectedVersion' && current.record[field] !== value)
      .map(([field, value]) => ({ field, client: value, server: current.record[field], winner: 'client' as const }));
  }

  /** A small catalogue, with the REST rules that matter for refusals. */
  private apply(m: Mutation): ServerRecord {
    const a = m.args as Record<string, unknown> & { id: string };
    const { id, expectedVersion: _v, ...fields } = a;
    const held = (entity: string) => {
      const r = this.records.get(key(entity, id));
      if (!r) throw refuse('NOT_FOUND', 404, `No ${entity} ${id}`);
      return r;
    };
    switch (m.name) {
      case 'visit.create':
        if (this.records.has(key('visit', id))) throw refuse('CONFLICT', 409, `Visit ${id} exists`);
        return this.write('visit', id, { notes: null, plannedAt: null, ...fields, status: 'planned' });
      case 'visit.update': {
        if (held('visit').record.status === 'cancelled') throw refuse('INVALID_STATE', 409, 'The visit is cancelled');
        return this.write('visit', id, fields);
      }
      case 'visit.cancel':
        if (held('visit').record.status === 'cancelled') throw refuse('INVALID_STATE', 409, 'Already cancelled');
        return this.write('visit', id, { status: 'cancelled' });
      case 'customer.update':
        held('customer');
        return this.write('customer', id, fields);
      default:
        throw refuse('BAD_REQUEST', 400, `Unknown mutation ${m.name}`);
    }
  }

  // ------------------------------------------------------------------ pull

  private pull(userId: string, query: URLSearchParams): Response {
    const limit = Number(query.get('limit') ?? 500);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return problem(400, 'VALIDATION_FAILED', 'limit');
    const raw = query.get('cursor');
    let position: Position;
    let reset = false;
    if (raw === null) {
      position = { phase: 's', s: this.log.length, offset: 0 };
      reset = true;
    } else {
      const parsed = this.parseCursor(raw);
      if (!parsed) return problem(400, 'INVALID_CURSOR', 'Not a cursor of this deployment');
      if (parsed.workingSet !== this.workingSet) {
        position = { phase: 's', s: this.log.length, offset: 0 };
        reset = true;
      } else position = parsed.position;
    }

    const changes: PullChange[] = [];
    let hasMore: boolean;
    if (position.phase === 's') {
      const all = this.snapshot();
      for (const r of all.slice(position.offset, position.offset + limit)) changes.push(upsert(r));
      const offset = position.offset + limit;
      if (offset < all.length) {
        position = { phase: 's', s: position.s, offset };
        hasMore = true;
      } else {
        position = { phase: 'l', seq: position.s };
        hasMore = this.log.length > position.seq;
      }
    } else {
      const from = position.seq;
      const events = this.log.filter((e) => e.seq > from).slice(0, limit);
      const seen = new Set<string>();
      for (const e of events) {
        const k = key(e.entity, e.id);
        if (seen.has(k)) continue;
        seen.add(k);
        const r = this.records.get(k);
        changes.push(
          r && this.visible(r) ? upsert(r) : { entity: e.entity as PullChange['entity'], op: 'remove', id: e.id },
        );
      }
      const seq = events.at(-1)?.seq ?? from;
      position = { phase: 'l', seq };
      hasMore = this.log.length > seq;
    }
    const lastMutationIds: Record<string, number> = {};
    for (const [clientId, book] of this.clients) if (book.userId === userId) lastMutationIds[clientId] = book.last;
    const res: PullResponse = { changes, lastMutationIds, cursor: this.cursorOf(position), hasMore, reset };
    return json(res);
  }

  private cursorOf(p: Position): string {
    const at = p.phase === 's' ? `s.${p.s}.${p.offset}` : `l.${p.seq}`;
    return `fake.${this.cursorKey}.${this.workingSet}.${at}`;
  }

  private parseCursor(raw: string): { workingSet: number; position: Position } | null {
    const [tag, k, ws, phase, a, b] = raw.split('.');
    if (tag !== 'fake' || Number(k) !== this.cursorKey) return null;
    if (phase === 's') return { workingSet: Number(ws), position: { phase: 's', s: Number(a), offset: Number(b) } };
    if (phase === 'l') return { workingSet: Number(ws), position: { phase: 'l', seq: Number(a) } };
    return null;
  }
}

type Position = { phase: 's'; s: number; offset: number } | { phase: 'l'; seq: number };

const upsert = (r: ServerRecord): PullChange => ({
  entity: r.entity as PullChange['entity'],
  op: 'upsert',
  id: r.id,
  version: r.version,
  record: structuredClone(r.record),
});

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

function problem(status: number, code: string, detail: string, retryAfter?: number): Response {
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  return new Response(JSON.stringify({ status, code, detail, title: code }), { status, headers });
}

// ------------------------------------------------------------------ a clock for deterministic timers

/** Timers that fire only when the test advances the clock. */
export class FakeClock implements Timers {
  now = 1_800_000_000_000;
  private nextHandle = 1;
  private readonly scheduled = new Map<number, { at: number; fn: () => void }>();

  setTimeout = (fn: () => void, ms: number): unknown => {
    const handle = this.nextHandle++;
    this.scheduled.set(handle, { at: this.now + ms, fn });
    return handle;
  };

  clearTimeout = (handle: unknown): void => {
    this.scheduled.delete(handle as number);
  };

  /** Delays (from now) of the timers still to fire, soonest first. */
  get pending(): number[] {
    return [...this.scheduled.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  /** Moves time forward, firing due timers in order and letting their promises settle. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (;;) {
      await settle();
      const due = [...this.scheduled.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.scheduled.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = target;
    await settle();
  }
}

/** Lets pending promise chains (and fake-indexeddb's callbacks) run; real timers, not the fake clock. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
