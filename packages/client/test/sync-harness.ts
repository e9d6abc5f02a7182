import { vi } from 'vitest';
import { MemorySyncStorage } from '../src/sync/memory-storage.js';
import type { Mutation, Problem } from '../src/sync/protocol.js';
import type { SyncStorage } from '../src/sync/storage.js';
import { SyncClient } from '../src/sync/sync-client.js';
import type { SyncClientOptions } from '../src/sync/sync-state.js';
import { FakeClock, FakeSyncServer } from './sync-fake-server.js';

/** A sync client over a fake server, a fake clock and (by default) memory storage. */
export function setup(overrides: Partial<SyncClientOptions> = {}, server = new FakeSyncServer()) {
  const clock = new FakeClock();
  const refused: [Mutation, Problem][] = [];
  const auth = { token: 'token-1' };
  const make = (storage: SyncStorage, extra: Partial<SyncClientOptions> = {}) =>
    new SyncClient({
      baseUrl: 'https://api.fieldline.test/',
      getToken: () => auth.token,
      fetch: server.fetch,
      timers: clock,
      now: () => clock.now,
      random: () => 0.5,
      backoff: { baseMs: 100, capMs: 1000 },
      onRefused: (m, p) => refused.push([m, p]),
      ...overrides,
      ...extra,
      storage,
    });
  const storage = overrides.storage ?? new MemorySyncStorage();
  const client = make(storage);
  return { client, server, clock, storage, refused, auth, make };
}

/** The client's view, in the server snapshot's shape, for the entity types the fake server writes. */
export function viewOf(client: SyncClient, entities = ['customer', 'visit']) {
  return entities.flatMap((e) =>
    client.list(e).map((r) => ({ entity: r.entity, id: r.id, version: r.version, record: r.record })),
  );
}

export const until = (check: () => void) => vi.waitFor(check, { timeout: 2000, interval: 1 });
