import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { HubStorage, RING_MIN_AGE_MS, RING_MIN_EVENTS } from '../../src/durable/hub-storage';
import type { TenantHub } from '../../src/durable/tenant-hub';

const NOW = Date.now();
const OLD = NOW - RING_MIN_AGE_MS - 60_000;
const YOUNG = NOW - 60_000;

/**
 * Runs `fn` against a HubStorage over the SQLite of a throwaway hub (a fresh object per test), after
 * filling its ring with events 1..count whose created_at comes from `ageOf(seq)`.
 */
async function withRing<R>(count: number, ageOf: (seq: number) => number, fn: (store: HubStorage) => R): Promise<R> {
  const stub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(`ring-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_hub: TenantHub, state) => {
    const store = new HubStorage(state.storage.sql);
    // One statement per distinct age keeps 10k rows fast; ages are piecewise constant in these tests.
    let from = 1;
    for (let seq = 2; seq <= count + 1; seq++) {
      if (seq <= count && ageOf(seq) === ageOf(from)) continue;
      state.storage.sql.exec(
        `WITH RECURSIVE s(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM s WHERE n < ?)
         INSERT INTO event_log (seq, rooms, frame, created_at) SELECT n, '["tenant"]', '{}', ? FROM s`,
        from,
        seq - 1,
        ageOf(from),
      );
      from = seq;
    }
    store.setMeta('last_seq', String(count));
    return fn(store);
  });
}

const firstKept = (store: HubStorage) => store.eventsAfter(0)[0]?.seq;

describe('hub storage: the resume ring', () => {
  it('keeps everything while it holds fewer than RING_MIN_EVENTS, however old', async () => {
    const result = await withRing(
      500,
      () => OLD,
      (store) => {
        store.trimRing(NOW);
        return { trimmed: store.trimmedThrough, first: firstKept(store) };
      },
    );
    expect(result).toEqual({ trimmed: 0, first: 1 });
  });

  it('trims old events beyond the last RING_MIN_EVENTS and records how far', async () => {
    const count = RING_MIN_EVENTS + 50;
    const result = await withRing(
      count,
      () => OLD,
      (store) => {
        store.trimRing(NOW);
        return { trimmed: store.trimmedThrough, first: firstKept(store), kept: store.eventsAfter(0).length };
      },
    );
    expect(result).toEqual({ trimmed: 50, first: 51, kept: RING_MIN_EVENTS });
  });

  it('keeps every event younger than RING_MIN_AGE_MS even beyond RING_MIN_EVENTS', async () => {
    const count = RING_MIN_EVENTS + 50;
    const result = await withRing(
      count,
      (seq) => (seq <= 20 ? OLD : YOUNG),
      (store) => {
        store.trimRing(NOW);
        return { trimmed: store.trimmedThrough, first: firstKept(store) };
      },
    );
    expect(result).toEqual({ trimmed: 20, first: 21 });
  });

  it('trims a contiguous prefix only, so trimmed_through stays exact', async () => {
    const count = RING_MIN_EVENTS + 50;
    // Seq 10 is young (clock skew between writers): nothing from 10 on may go, even the old ones after it.
    const result = await withRing(
      count,
      (seq) => (seq === 10 ? YOUNG : OLD),
      (store) => {
        store.trimRing(NOW);
        return { trimmed: store.trimmedThrough, first: firstKept(store), has11: store.eventsAfter(10)[0]?.seq };
      },
    );
    expect(result).toEqual({ trimmed: 9, first: 10, has11: 11 });
  });

  it('never moves trimmed_through backwards', async () => {
    const count = RING_MIN_EVENTS + 50;
    const result = await withRing(
      count,
      () => OLD,
      (store) => {
        store.trimRing(NOW);
        store.setMeta('trimmed_through', '60');
        store.trimRing(NOW);
        return store.trimmedThrough;
      },
    );
    expect(result).toBe(60);
  });
});

describe('hub storage: latest locations', () => {
  const fix = (salesmanId: string, ts: number, extra: Record<string, number> = {}) => ({
    salesmanId,
    lat: 52.5 + ts / 1e6,
    lng: 13.4,
    accuracy: 8,
    ts,
    ...extra,
  });

  it('answers the latest fix from memory, from the buffer after an eviction, and from locations once flushed', async () => {
    const stub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(`latest-${crypto.randomUUID()}`));
    const result = await runInDurableObject(stub, (_hub: TenantHub, state) => {
      const received = new Date(NOW).toISOString();
      const first = new HubStorage(state.storage.sql);
      first.saveLocation(fix('s1', NOW - 3000), received);
      first.saveLocation(fix('s2', NOW - 2500, { speed: 3.5, heading: 90 }), received);
      first.saveLocation(fix('s1', NOW - 2000), received);
      const fromMemory = first.latestLocation('s1');
      // Gathered writes commit within WRITE_BEHIND_MS (a timer); a new instance over the same storage is
      // then what the hub sees after an eviction.
      first.flushWrites();
      const evicted = new HubStorage(state.storage.sql);
      const fromBuffer = [evicted.latestLocation('s1'), evicted.latestLocation('s2')];
      // The first two rows flushed: s2's newest is among them and moves to `locations`; s1's newest stays
      // buffered and still wins over his older flushed fix.
      const [r1, r2] = evicted.trailBatch(2);
      evicted.deleteTrailThrough(r2?.id ?? 0);
      const afterPartial = [evicted.latestLocation('s1'), evicted.latestLocation('s2')];
      const flushed = new HubStorage(state.storage.sql);
      flushed.deleteTrailThrough(Number.MAX_SAFE_INTEGER);
      const afterAll = [flushed.latestLocation('s1'), flushed.latestLocation('s2'), flushed.latestLocation('s3')];
      return { fromMemory, fromBuffer, afterPartial, afterAll, pending: flushed.trailPending, r1: r1?.salesmanId };
    });
    const s1 = fix('s1', NOW - 2000);
    const s2 = fix('s2', NOW - 2500, { speed: 3.5, heading: 90 });
    expect(result.r1).toBe('s1');
    expect(result.fromMemory).toEqual(s1);
    expect(result.fromBuffer).toEqual([s1, s2]);
    expect(result.afterPartial).toEqual([s1, s2]);
    expect(result.afterAll).toEqual([s1, s2, null]);
    expect(result.pending).toBe(0);
  });
});
