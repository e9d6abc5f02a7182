import 'fake-indexeddb/auto';
import { IndexedDbSyncStorage } from '../src/sync/indexeddb-storage.js';
import { MemorySyncStorage } from '../src/sync/memory-storage.js';
import type { SyncStorage } from '../src/sync/storage.js';

/**
 * The storages under test, each with a way to "restart the app" over the same data: the memory storage
 * is handed over as is, the IndexedDB one is closed and opened again by name (fake-indexeddb in Node).
 */
export interface StorageHarness {
  name: string;
  open(): Promise<SyncStorage>;
  reopen(storage: SyncStorage): Promise<SyncStorage>;
}

let databases = 0;

export const STORAGES: StorageHarness[] = [
  {
    name: 'MemorySyncStorage',
    open: async () => new MemorySyncStorage(),
    reopen: async (storage) => storage,
  },
  {
    name: 'IndexedDbSyncStorage',
    open: () => IndexedDbSyncStorage.open({ name: `fieldline-sync-test-${++databases}` }),
    reopen: async (storage) => {
      await storage.close();
      return IndexedDbSyncStorage.open({ name: (storage as IndexedDbSyncStorage).name });
    },
  },
];
