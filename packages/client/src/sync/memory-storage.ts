import type { Mutation } from './protocol.js';
import {
  byEntityThenId,
  type NewMutation,
  type PulledPage,
  recordKey,
  type StoredRecord,
  type SyncStorage,
} from './storage.js';

/**
 * Sync storage in memory: for tests, Node scripts and apps that accept losing their outbox on exit.
 * Values are copied in and out (structured clone, as IndexedDB does), so callers never share objects
 * with the store and a "restart" over the same instance behaves like one over a database.
 */
export class MemorySyncStorage implements SyncStorage {
  private clientId: string | null = null;
  private nextId = 1;
  private pending: Mutation[] = [];
  private pullCursor: string | null = null;
  private readonly held = new Map<string, StoredRecord>();

  async loadClientId(mint: () => string): Promise<string> {
    this.clientId ??= mint();
    return this.clientId;
  }

  async enqueue(mutation: NewMutation): Promise<Mutation> {
    const stored = structuredClone({ ...mutation, id: this.nextId });
    this.pending.push(stored);
    this.nextId += 1;
    return structuredClone(stored);
  }

  async outbox(): Promise<Mutation[]> {
    return structuredClone(this.pending);
  }

  async nextMutationId(): Promise<number> {
    return this.nextId;
  }

  async acknowledge(id: number): Promise<void> {
    this.pending = this.pending.filter((m) => m.id > id);
  }

  async cursor(): Promise<string | null> {
    return this.pullCursor;
  }

  async applyPage(page: PulledPage): Promise<void> {
    // Copy first: a change that cannot be cloned must fail the page before anything is written.
    const changes = structuredClone(page.changes);
    if (page.reset) this.held.clear();
    for (const c of changes) {
      const key = recordKey(c.entity, c.id);
      if (c.op === 'remove') this.held.delete(key);
      else this.held.set(key, { entity: c.entity, id: c.id, version: c.version ?? 0, record: c.record ?? {} });
    }
    this.pullCursor = page.cursor;
    if (page.acknowledge !== undefined) await this.acknowledge(page.acknowledge);
  }

  async records(): Promise<StoredRecord[]> {
    return structuredClone([...this.held.values()].sort(byEntityThenId));
  }

  async record(entity: string, id: string): Promise<StoredRecord | undefined> {
    const r = this.held.get(recordKey(entity, id));
    return r && structuredClone(r);
  }

  async replaceClient(clientId: string, keepOutbox: boolean): Promise<void> {
    this.clientId = clientId;
    this.pending = keepOutbox ? this.pending.map((m, i) => ({ ...m, id: i + 1 })) : [];
    this.nextId = this.pending.length + 1;
  }

  async close(): Promise<void> {}
}
