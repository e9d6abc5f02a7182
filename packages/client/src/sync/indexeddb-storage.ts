import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB } from 'idb';
import type { Mutation } from './protocol.js';
import type { NewMutation, PulledPage, StoredRecord, SyncStorage } from './storage.js';

/**
 * Sync storage in IndexedDB, for browsers and installed PWAs. Every atomic step of {@link SyncStorage} is
 * one IndexedDB transaction; the enqueue asks for `strict` durability, so a mutation the UI reported as
 * saved survives a power loss too (Chromium defaults to `relaxed`, which only survives a tab crash).
 *
 * Imported from `@fieldline/client/indexeddb`, so the main entry stays free of npm dependencies.
 */

interface SyncDb extends DBSchema {
  meta: { key: MetaKey; value: string | number | null };
  outbox: { key: number; value: Mutation };
  records: { key: [string, string]; value: StoredRecord };
}
type MetaKey = 'clientId' | 'nextMutationId' | 'cursor';

const VERSION = 1;

export interface IndexedDbSyncStorageOptions {
  /** Database name; use one per signed-in user (a new user on the phone is a new client). */
  name?: string;
}

export class IndexedDbSyncStorage implements SyncStorage {
  private constructor(
    private readonly db: IDBPDatabase<SyncDb>,
    /** The database name. */
    readonly name: string,
  ) {}

  static async open(options: IndexedDbSyncStorageOptions = {}): Promise<IndexedDbSyncStorage> {
    const name = options.name ?? 'fieldline-sync';
    const db = await openDB<SyncDb>(name, VERSION, {
      upgrade(database) {
        database.createObjectStore('meta');
        database.createObjectStore('outbox', { keyPath: 'id' });
        database.createObjectStore('records', { keyPath: ['entity', 'id'] });
      },
      // Another tab wants a newer schema: let it have the database rather than block it.
      blocking() {
        db.close();
      },
    });
    return new IndexedDbSyncStorage(db, name);
  }

  async loadClientId(mint: () => string): Promise<string> {
    const tx = this.db.transaction('meta', 'readwrite');
    let id = (await tx.store.get('clientId')) as string | undefined;
    if (id === undefined) {
      id = mint();
      await tx.store.put(id, 'clientId');
    }
    await tx.done;
    return id;
  }

  async enqueue(mutation: NewMutation): Promise<Mutation> {
    const tx = this.db.transaction(['meta', 'outbox'], 'readwrite', { durability: 'strict' });
    const meta = tx.objectStore('meta');
    const id = ((await meta.get('nextMutationId')) as number | undefined) ?? 1;
    const stored: Mutation = { ...mutation, id };
    await settle(tx, (requests) =>
      requests.push(tx.objectStore('outbox').add(stored), meta.put(id + 1, 'nextMutationId')),
    );
    return stored;
  }

  async outbox(): Promise<Mutation[]> {
    return this.db.getAll('outbox');
  }

  async nextMutationId(): Promise<number> {
    return ((await this.db.get('meta', 'nextMutationId')) as number | undefined) ?? 1;
  }

  async acknowledge(id: number): Promise<void> {
    await this.db.delete('outbox', IDBKeyRange.upperBound(id));
  }

  async cursor(): Promise<string | null> {
    return ((await this.db.get('meta', 'cursor')) as string | null | undefined) ?? null;
  }

  async applyPage(page: PulledPage): Promise<void> {
    const tx = this.db.transaction(['meta', 'outbox', 'records'], 'readwrite');
    const records = tx.objectStore('records');
    await settle(tx, (requests) => {
      // Requests of one transaction run in the order they are made: the clear goes before the upserts.
      if (page.reset) requests.push(records.clear());
      for (const c of page.changes) {
        requests.push(
          c.op === 'remove'
            ? records.delete([c.entity, c.id])
            : records.put({ entity: c.entity, id: c.id, version: c.version ?? 0, record: c.record ?? {} }),
        );
      }
      requests.push(tx.objectStore('meta').put(page.cursor, 'cursor'));
      if (page.acknowledge !== undefined) {
        requests.push(tx.objectStore('outbox').delete(IDBKeyRange.upperBound(page.acknowledge)));
      }
    });
  }

  async records(): Promise<StoredRecord[]> {
    // Keys are [entity, id]: the store's order is already entity, then id.
    return this.db.getAll('records');
  }

  async record(entity: string, id: string): Promise<StoredRecord | undefined> {
    return this.db.get('records', [entity, id]);
  }

  async replaceClient(clientId: string, keepOutbox: boolean): Promise<void> {
    const tx = this.db.transaction(['meta', 'outbox'], 'readwrite', { durability: 'strict' });
    const outbox = tx.objectStore('outbox');
    const kept = keepOutbox ? await outbox.getAll() : [];
    const meta = tx.objectStore('meta');
    await settle(tx, (requests) => {
      requests.push(outbox.clear());
      for (const [i, m] of kept.entries()) requests.push(outbox.add({ ...m, id: i + 1 }));
      requests.push(meta.put(clientId, 'clientId'), meta.put(kept.length + 1, 'nextMutationId'));
    });
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/**
 * Makes the requests and waits for the transaction to commit. A request that throws as it is made (a
 * value that cannot be cloned) aborts the transaction: the requests made before it must not commit.
 */
async function settle(
  tx: IDBPTransaction<SyncDb, any, 'readwrite'>,
  make: (requests: Promise<unknown>[]) => void,
): Promise<void> {
  const requests: Promise<unknown>[] = [];
  try {
    make(requests);
  } catch (err) {
    // The requests already made fail with AbortError; the caller gets the cause instead.
    for (const r of requests) r.catch(() => {});
    tx.abort();
    await tx.done.catch(() => {});
    throw err;
  }
  await Promise.all([...requests, tx.done]);
}
