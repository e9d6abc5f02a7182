import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SyncClient } from '../src/sync/sync-client.js';
import { FakeSyncServer, type Fault } from './sync-fake-server.js';
import { setup, until, viewOf } from './sync-harness.js';
import { STORAGES, type StorageHarness } from './sync-storages.js';

/**
 * Random interleavings of mutations, lost requests and responses, server errors, a server that stops
 * early, office writes, working-set resets, invalid cursors, app restarts and syncs. Whatever happened, once the network is good again one sync must leave: every
 * mutation processed exactly once by the server, in id order; each refusal reported to the app once;
 * the outbox empty; and the app's view equal to the server's records.
 */

const VISITS = ['v0', 'v1', 'v2', 'v3'];
const FAULTS: Fault[] = ['request-lost', 'response-lost', 'server-error', 'garbage-after-processing'];

type Action =
  | { kind: 'create' | 'cancel'; visit: string }
  | { kind: 'update'; visit: string; notes: string }
  | { kind: 'office'; visit: string; op: 'cancel' | 'delete' | 'note' }
  | { kind: 'fail'; fault: Fault; on: 'push' | 'pull' | 'any' }
  | { kind: 'limit'; perPush: number }
  | { kind: 'server'; op: 'new-working-set' | 'rotate-cursor-key' }
  | { kind: 'restart' }
  | { kind: 'sync' }
  | { kind: 'tick' };

const visit = fc.constantFrom(...VISITS);
const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom('create' as const, 'cancel' as const), visit }), weight: 3 },
  {
    arbitrary: fc.record({ kind: fc.constant('update' as const), visit, notes: fc.string({ maxLength: 8 }) }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('office' as const),
      visit,
      op: fc.constantFrom('cancel', 'delete', 'note'),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('fail' as const),
      fault: fc.constantFrom(...FAULTS),
      on: fc.constantFrom('push', 'pull', 'any'),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('server' as const),
      op: fc.constantFrom('new-working-set', 'rotate-cursor-key'),
    }),
    weight: 1,
  },
  // The server stops early and answers the rest `skipped` (0: no limit).
  { arbitrary: fc.record({ kind: fc.constant('limit' as const), perPush: fc.integer({ min: 0, max: 3 }) }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'restart' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'sync' as const }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'tick' as const }), weight: 1 },
);

/**
 * `started`: false, the test runs every sync itself (fully sequential); true, the client also syncs on
 * its own after each mutation and on backoff timers (`tick` advances the clock), so syncs overlap the
 * other actions.
 */
async function scenario(actions: Action[], harness: StorageHarness, started: boolean): Promise<void> {
  const server = new FakeSyncServer();
  // The working set changes with a territory move: v3 is someone else's in every other one.
  server.visible = (r) => r.id !== 'v3' || server.workingSet % 2 === 1;
  let storage = await harness.open();
  const { client: first, make, refused, clock } = setup({ storage }, server);
  let client: SyncClient = first;
  let minted = 0;
  if (started) void client.start();
  try {
    for (const a of actions) {
      switch (a.kind) {
        case 'create':
          await client.mutate('visit.create', { id: a.visit, customerId: 'c1' });
          minted += 1;
          break;
        case 'update':
          await client.mutate('visit.update', { id: a.visit, notes: a.notes });
          minted += 1;
          break;
        case 'cancel':
          await client.mutate('visit.cancel', { id: a.visit });
          minted += 1;
          break;
        case 'office':
          if (!server.records.has(`visit/${a.visit}`)) break;
          if (a.op === 'delete') server.delete('visit', a.visit);
          else server.write('visit', a.visit, a.op === 'cancel' ? { status: 'cancelled' } : { notes: 'office' });
          break;
        case 'fail':
          server.fail(a.fault, a.on);
          break;
        case 'server':
          // A new working set makes the next pull a snapshot with reset; a rotated key, INVALID_CURSOR.
          if (a.op === 'new-working-set') server.workingSet += 1;
          else server.cursorKey += 1;
          break;
        case 'limit':
          server.processPerPush = a.perPush === 0 ? Number.POSITIVE_INFINITY : a.perPush;
          break;
        case 'restart': {
          // The app dies: whatever was in flight is cut off, only the storage survives.
          client.stop();
          const dying = client;
          await until(() => expect(dying.state.status).not.toBe('syncing'));
          storage = await harness.reopen(storage);
          client = make(storage);
          if (started) void client.start();
          break;
        }
        case 'sync': {
          const state = await client.sync();
          // Nothing else runs in between: a clean sync leaves exactly the server's records.
          if (!started && state.status === 'idle') {
            expect(state.pending).toBe(0);
            expect(viewOf(client)).toEqual(server.snapshot());
          }
          break;
        }
        case 'tick':
          await clock.advance(1000);
          break;
      }
    }

    server.clearFaults();
    const state = await client.sync();
    expect(state).toMatchObject({ status: 'idle', pending: 0, blocked: null });
    const clientId = state.clientId;
    const processed = server.processed.filter((p) => p.clientId === clientId);
    expect(server.processed).toHaveLength(processed.length); // one client id for life
    expect(processed.map((p) => p.id)).toEqual(Array.from({ length: minted }, (_, i) => i + 1));
    const refusedOnServer = processed.filter((p) => p.status === 'refused').map((p) => p.id);
    expect(refused.map(([m]) => m.id)).toEqual(refusedOnServer);
    expect(await storage.outbox()).toEqual([]);
    expect(viewOf(client)).toEqual(server.snapshot());
  } finally {
    client.stop();
    await storage.close();
  }
}

const SEEDS = [20261203, 41, 7];

describe('sync client property: exactly once, in order, converging', () => {
  for (const harness of STORAGES) {
    const runs = harness.name === 'MemorySyncStorage' ? 60 : 15;
    for (const started of [false, true]) {
      for (const seed of SEEDS) {
        it(`${harness.name}, ${started ? 'syncing on its own' : 'explicit syncs'}, seed ${seed}`, async () => {
          // On failure fast-check prints the seed, the path and the shrunk action list to replay.
          await fc.assert(
            fc.asyncProperty(fc.array(action, { maxLength: 30 }), (actions) => scenario(actions, harness, started)),
            { seed, numRuns: runs },
          );
        }, 60_000);
      }
    }
  }
});
