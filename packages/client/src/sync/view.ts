import type { Mutation } from './protocol.js';
import type { PulledPage, StoredRecord } from './storage.js';

/**
 * What the app reads: the server's records (as last pulled) with the pending mutations replayed on top
 * by local mutators, in id order. The two layers are kept apart, so a rebase is a replay of the outbox
 * over the new server state: a refused mutation disappears from the replay and its effect with it.
 */

export type RecordData = Readonly<Record<string, unknown>>;

/** A record of the view. */
export interface ViewRecord {
  entity: string;
  id: string;
  /** The server's version of the record (the base of an edit: `expectedVersion`); null if never pulled. */
  version: number | null;
  record: RecordData;
  /** A pending mutation changed it: the server has not confirmed what you see. */
  pending: boolean;
}

/** What a local mutator may do: read the view as it is so far, and write whole records. */
export interface ViewTx {
  get(entity: string, id: string): RecordData | undefined;
  put(entity: string, id: string, record: RecordData): void;
  delete(entity: string, id: string): void;
}

export interface MutatorContext {
  mutationId: number;
  clientTime: string;
}

/**
 * The optimistic effect of one mutation name. Must be deterministic (it is replayed after every pull)
 * and must not change the records it reads: write a new object with `put`. A mutator that throws has
 * no effect (the mutation is still sent; the server decides).
 */
export type LocalMutator = (tx: ViewTx, args: any, context: MutatorContext) => void;
export type LocalMutators = Readonly<Record<string, LocalMutator>>;

type Layer = Map<string, Map<string, RecordData | null>>;

export class OptimisticView {
  private readonly base = new Map<string, Map<string, StoredRecord>>();
  private overlay: Layer = new Map();

  constructor(
    private readonly mutators: LocalMutators,
    private readonly onMutatorError: (mutation: Mutation, error: unknown) => void = () => {},
  ) {}

  /** Loads the server state (at start). */
  load(records: StoredRecord[]): void {
    this.base.clear();
    for (const r of records) entityMap(this.base, r.entity).set(r.id, r);
  }

  /** Mirrors a page the storage applied; returns the entities it touched. */
  applyPage(page: PulledPage): Set<string> {
    const touched = new Set<string>(page.reset ? this.base.keys() : []);
    if (page.reset) this.base.clear();
    for (const c of page.changes) {
      touched.add(c.entity);
      if (c.op === 'remove') this.base.get(c.entity)?.delete(c.id);
      else
        entityMap(this.base, c.entity).set(c.id, {
          entity: c.entity,
          id: c.id,
          version: c.version ?? 0,
          record: c.record ?? {},
        });
    }
    return touched;
  }

  /** Replays `mutations` (id order) over the server state; returns the entities whose overlay changed. */
  rebase(mutations: readonly Mutation[]): Set<string> {
    const before = this.overlay;
    this.overlay = new Map();
    for (const m of mutations) this.replay(m);
    return new Set([...before.keys(), ...this.overlay.keys()]);
  }

  /** Applies one new mutation on top of the current view; returns the entities it changed. */
  push(mutation: Mutation): Set<string> {
    return this.replay(mutation);
  }

  get(entity: string, id: string): ViewRecord | undefined {
    const base = this.base.get(entity)?.get(id);
    const over = this.overlay.get(entity);
    if (over?.has(id)) {
      const record = over.get(id);
      return record ? { entity, id, version: base?.version ?? null, record, pending: true } : undefined;
    }
    return base && { entity, id, version: base.version, record: base.record, pending: false };
  }

  /** The records of one entity type, ordered by id. */
  list(entity: string): ViewRecord[] {
    const ids = new Set([...(this.base.get(entity)?.keys() ?? []), ...(this.overlay.get(entity)?.keys() ?? [])]);
    const out: ViewRecord[] = [];
    for (const id of [...ids].sort()) {
      const r = this.get(entity, id);
      if (r) out.push(r);
    }
    return out;
  }

  private replay(m: Mutation): Set<string> {
    const mutator = this.mutators[m.name];
    if (!mutator) return new Set();
    // Writes go to a scratch layer first, so a mutator that throws halfway leaves nothing behind.
    const scratch: Layer = new Map();
    const read = (entity: string, id: string): RecordData | undefined => {
      for (const layer of [scratch, this.overlay]) {
        const e = layer.get(entity);
        if (e?.has(id)) return e.get(id) ?? undefined;
      }
      return this.base.get(entity)?.get(id)?.record;
    };
    const tx: ViewTx = {
      get: read,
      put: (entity, id, record) => void entityMap(scratch, entity).set(id, record),
      delete: (entity, id) => void entityMap(scratch, entity).set(id, null),
    };
    try {
      mutator(tx, m.args, { mutationId: m.id, clientTime: m.clientTime });
    } catch (err) {
      this.onMutatorError(m, err);
      return new Set();
    }
    for (const [entity, writes] of scratch) {
      const target = entityMap(this.overlay, entity);
      for (const [id, record] of writes) target.set(id, record);
    }
    return new Set(scratch.keys());
  }
}

function entityMap<V>(layer: Map<string, Map<string, V>>, entity: string): Map<string, V> {
  let m = layer.get(entity);
  if (!m) {
    m = new Map();
    layer.set(entity, m);
  }
  return m;
}
