import type { PresenceChange } from '@fieldline/client/protocol';
import {
  applyPresence,
  initialFacts,
  nextPresenceDeadline,
  type PresenceFacts,
  type PresenceInput,
  type PresenceView,
} from './presence';

export interface PresenceStore {
  loadPresence(): PresenceFacts[];
  savePresence(facts: PresenceFacts): void;
  /** Saves with the next gathered commit (a fix's activity). */
  savePresenceLater(facts: PresenceFacts): void;
}

export interface PresenceDeps {
  store: PresenceStore;
  /** Sends status changes to the dashboards. */
  announce: (changes: PresenceChange[]) => void;
  /** How many sockets of this salesman are open right now. */
  socketsOf: (salesmanId: string) => number;
  clock?: () => number;
}

/**
 * Presence of the tenant's salesmen: the pure rules of presence.ts over facts kept in the hub's SQLite
 * (cached in memory after the first read). Every change is saved and announced.
 */
export class PresenceTracker {
  private cache: Map<string, PresenceFacts> | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: PresenceDeps) {
    this.now = deps.clock ?? Date.now;
  }

  update(salesmanId: string, input: PresenceInput): void {
    const now = this.now();
    const facts = this.facts();
    const before = facts.get(salesmanId) ?? initialFacts(salesmanId, now);
    const { facts: after, change } = applyPresence(before, input, now);
    facts.set(salesmanId, after);
    // A fix's activity that changes no status waits for the gathered commit (hub-storage.ts); the rest
    // (connections, grace windows, status changes) is saved at once.
    if (input.kind === 'activity' && !change) this.deps.store.savePresenceLater(after);
    else this.deps.store.savePresence(after);
    if (change) this.deps.announce([change]);
  }

  /**
   * A restart that dropped sockets (deploy, crash) delivers no close events, so stored connection counts
   * can exceed what is open: the sockets that are gone count as an abrupt disconnect. Counts are set to
   * the sockets really open (here and on close), so a close event that follows cannot count twice.
   */
  reconcile(): void {
    for (const f of [...this.facts().values()]) {
      const remaining = this.deps.socketsOf(f.salesmanId);
      if (remaining < f.connections) this.update(f.salesmanId, { kind: 'disconnected', abrupt: true, remaining });
    }
  }

  /** Applies the passing of time to everyone (grace windows ending, going idle). */
  tick(): void {
    for (const id of [...this.facts().keys()]) this.update(id, { kind: 'tick' });
  }

  /** Check-ins and check-outs move a salesman's presence to and from on_visit. */
  followEvent(event: { type: string; entityId: string; payload: Record<string, unknown> }): void {
    const salesmanId = event.payload.salesmanId;
    if (typeof salesmanId !== 'string' || !event.type.startsWith('visit:')) return;
    if (event.type === 'visit:checked_in') this.update(salesmanId, { kind: 'visit_started', visitId: event.entityId });
    else if (event.payload.status !== 'in_progress') {
      this.update(salesmanId, { kind: 'visit_ended', visitId: event.entityId });
    }
  }

  /** Everyone the hub knows, as last announced (the `welcome` snapshot). */
  snapshot(): PresenceChange[] {
    return [...this.facts().values()].map((f) => ({ salesmanId: f.salesmanId, status: f.status, since: f.since }));
  }

  /** When some status changes by itself next (for the alarm). */
  deadlines(): number[] {
    const out: number[] = [];
    for (const f of this.facts().values()) {
      const deadline = nextPresenceDeadline(f);
      if (deadline !== null) out.push(deadline);
    }
    return out;
  }

  /** The status as of now (without announcing), for one salesman. */
  view(salesmanId: string): PresenceView {
    const f = this.facts().get(salesmanId) ?? initialFacts(salesmanId, 0);
    const { facts } = applyPresence(f, { kind: 'tick' }, this.now());
    return {
      salesmanId,
      status: facts.status,
      since: facts.since,
      connections: facts.connections,
      visitId: facts.visitId,
    };
  }

  /** Everyone not offline as of now. */
  present(): PresenceView[] {
    return [...this.facts().keys()].map((id) => this.view(id)).filter((v) => v.status !== 'offline');
  }

  private facts(): Map<string, PresenceFacts> {
    if (!this.cache) this.cache = new Map(this.deps.store.loadPresence().map((f) => [f.salesmanId, f]));
    return this.cache;
  }
}
