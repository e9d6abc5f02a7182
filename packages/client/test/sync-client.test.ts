import { describe, expect, it, vi } from 'vitest';
import { MemorySyncStorage } from '../src/sync/memory-storage.js';
import type { PushRequest } from '../src/sync/protocol.js';
import type { SyncStorage } from '../src/sync/storage.js';
import { setup, viewOf } from './sync-harness.js';
import { STORAGES } from './sync-storages.js';

const visit = (id: string, extra: Record<string, unknown> = {}) => ({ id, customerId: 'c1', ...extra });

describe('sync client: outbox, push, view', () => {
  it('persists a mutation before resolving, shows its effect at once, and ends in the server state', async () => {
    const { client, server, storage } = setup();
    const changes: string[][] = [];
    client.subscribe(({ entities }) => changes.push([...entities]));
    expect(await client.mutate('visit.create', visit('v1', { notes: 'first' }))).toBe(1);
    expect((await storage.outbox()).map((m) => [m.id, m.name])).toEqual([[1, 'visit.create']]);
    expect(client.get('visit', 'v1')).toMatchObject({
      version: null,
      pending: true,
      record: { id: 'v1', status: 'planned', notes: 'first' },
    });
    expect(client.state).toMatchObject({ status: 'idle', pending: 1 });
    expect(server.requests).toHaveLength(0); // not started: nothing is sent on its own

    const state = await client.sync();
    expect(state).toMatchObject({ status: 'idle', pending: 0, lastError: null, lastSyncedAt: expect.any(Number) });
    expect(client.get('visit', 'v1')).toMatchObject({ version: 1, pending: false });
    expect(viewOf(client)).toEqual(server.snapshot());
    expect(changes).toContainEqual(['visit']);
  });

  it('does not report a mutation the storage could not keep', async () => {
    const storage = new MemorySyncStorage();
    vi.spyOn(storage, 'enqueue').mockRejectedValueOnce(new Error('QuotaExceededError'));
    const { client } = setup({ storage });
    await expect(client.mutate('visit.create', visit('v1'))).rejects.toThrow('QuotaExceededError');
    expect(client.get('visit', 'v1')).toBeUndefined();
    expect(client.state.pending).toBe(0);
  });

  describe.each(STORAGES)('over $name', (harness) => {
    it('keeps the outbox and the client id across a restart, and the server applies each mutation once', async () => {
      const { make, server } = setup();
      let storage: SyncStorage = await harness.open();
      const first = make(storage);
      server.fail('request-lost', 'push');
      await first.mutate('visit.create', visit('v1'));
      await first.mutate('visit.update', { id: 'v1', notes: 'after the restart' });
      expect(await first.sync()).toMatchObject({ status: 'offline', pending: 2 });
      first.stop();

      storage = await harness.reopen(storage);
      const second = make(storage);
      await second.ready();
      expect(second.state).toMatchObject({ clientId: first.state.clientId, pending: 2 });
      expect(second.get('visit', 'v1')?.record).toMatchObject({ notes: 'after the restart' });
      expect(await second.sync()).toMatchObject({ status: 'idle', pending: 0 });
      expect(server.processed.map((p) => [p.id, p.name, p.status])).toEqual([
        [1, 'visit.create', 'applied'],
        [2, 'visit.update', 'applied'],
      ]);
      expect(second.get('visit', 'v1')).toMatchObject({
        version: 2,
        pending: false,
        record: { notes: 'after the restart' },
      });
      await storage.close();
    });
  });

  it('drops a refused mutation, undoes its effect by rebase and tells the app', async () => {
    const { client, server, refused } = setup();
    server.write('visit', 'v1', { customerId: 'c1', status: 'planned', notes: null });
    await client.sync();
    server.write('visit', 'v1', { status: 'cancelled' }); // the office cancels; the phone does not know yet
    await client.mutate('visit.update', { id: 'v1', notes: 'I was there' });
    await client.mutate('visit.create', visit('v2'));
    expect(client.get('visit', 'v1')?.record.notes).toBe('I was there');

    server.fail('server-error', 'pull'); // stop after the push, to see what the push alone did
    expect(await client.sync()).toMatchObject({ status: 'offline', pending: 0 });
    expect(refused).toEqual([
      [
        expect.objectContaining({ id: 1, name: 'visit.update' }),
        { code: 'INVALID_STATE', status: 409, detail: 'The visit is cancelled' },
      ],
    ]);
    expect(client.get('visit', 'v1')).toMatchObject({ pending: false, record: { notes: null, status: 'planned' } });
    // Applied but not pulled yet: still shown as the phone made it.
    expect(client.get('visit', 'v2')).toMatchObject({ pending: true, record: { status: 'planned' } });

    expect(await client.sync()).toMatchObject({ status: 'idle' });
    expect(client.get('visit', 'v1')).toMatchObject({ version: 2, record: { status: 'cancelled', notes: null } });
    expect(viewOf(client)).toEqual(server.snapshot());
    expect(refused).toHaveLength(1);
  });

  it('resends skipped mutations from lastMutationId + 1 until the outbox is empty', async () => {
    const { client, server } = setup();
    server.processPerPush = 2;
    for (let i = 1; i <= 5; i++) await client.mutate('visit.create', visit(`v${i}`));
    expect(await client.sync()).toMatchObject({ status: 'idle', pending: 0 });
    expect(server.pushes.map((r) => r.body?.mutations.map((m) => m.id))).toEqual([[1, 2, 3, 4, 5], [3, 4, 5], [5]]);
    expect(server.processed.map((p) => p.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('splits a large outbox into pushes of at most 1,000 mutations', async () => {
    const { client, server } = setup();
    for (let i = 1; i <= 2500; i++) await client.mutate('visit.create', visit(`v${i}`));
    expect(await client.sync()).toMatchObject({ status: 'idle', pending: 0 });
    expect(server.pushes.map((r) => r.body?.mutations.length)).toEqual([1000, 1000, 500]);
    expect(server.processed.map((p) => p.id)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
  });

  it('keeps each push under the byte budget, and halves it when the server still answers 413', async () => {
    const { client, server } = setup({ maxPushBytes: 5_000 });
    for (let i = 1; i <= 12; i++) await client.mutate('visit.create', visit(`v${i}`, { notes: 'x'.repeat(1000) }));
    await client.sync();
    const sizes = server.pushes.map((r) => JSON.stringify(r.body).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5_000);
    expect(server.pushes.length).toBeGreaterThanOrEqual(3);
    expect(server.processed.map((p) => p.id)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));

    const other = setup();
    other.server.maxBodyBytes = 3_000; // the deployment's limit is below the client's budget
    for (let i = 1; i <= 12; i++)
      await other.client.mutate('visit.create', visit(`v${i}`, { notes: 'x'.repeat(1000) }));
    expect(await other.client.sync()).toMatchObject({ status: 'idle', pending: 0 });
    expect(other.server.processed).toHaveLength(12);

    // One mutation alone over the limit cannot be split: the queue is blocked, not dropped.
    await other.client.mutate('visit.create', visit('huge', { notes: 'x'.repeat(5000) }));
    expect(await other.client.sync()).toMatchObject({ status: 'blocked', blocked: 'rejected', pending: 1 });
    expect(other.client.state.lastError).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('runs one sync at a time: calls during a run share one more run after it', async () => {
    const { client, server } = setup();
    let release: () => void = () => {};
    let inFlight = 0;
    let maxInFlight = 0;
    server.onRequest = async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (server.requests.length === 1) await new Promise<void>((r) => (release = r));
      inFlight -= 1;
    };
    await client.mutate('visit.create', visit('v1'));
    const a = client.sync();
    const b = client.sync();
    const c = client.sync();
    expect(b).toBe(c);
    expect(b).not.toBe(a);
    await client.mutate('visit.create', visit('v2')); // during the run: the run's push loop takes it
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    release();
    const states = await Promise.all([a, b, c]);
    expect(states.map((s) => s.status)).toEqual(['idle', 'idle', 'idle']);
    expect(maxInFlight).toBe(1);
    // The first run drained the outbox (v2 included) and pulled; the shared follow-up pulled again.
    expect(server.requests.map((r) => r.path.split('/').at(-1))).toEqual(['push', 'push', 'pull', 'pull']);
    expect(server.pushes.map((r) => (r.body as PushRequest).mutations.map((m) => m.id))).toEqual([[1], [2]]);
  });

  it('reports state changes: syncing, then idle with the time of the sync', async () => {
    const { client, clock } = setup();
    const seen: string[] = [];
    client.onState((s) => seen.push(`${s.status}:${s.pending}`));
    await client.mutate('visit.create', visit('v1'));
    await client.sync();
    const syncing = seen.indexOf('syncing:1');
    expect(seen.indexOf('idle:1')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('idle:1')).toBeLessThan(syncing);
    expect(seen.at(-1)).toBe('idle:0');
    expect(client.state.lastSyncedAt).toBe(clock.now);
  });

  it('sends mutations with their client time and the configured base URL, and one client id for life', async () => {
    const { client, server, clock } = setup();
    await client.mutate('visit.create', visit('v1'));
    await client.sync();
    const body = server.pushes[0]?.body as PushRequest;
    expect(body.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.mutations[0]?.clientTime).toBe(new Date(clock.now).toISOString());
    expect(server.pulls[0]?.query?.get('limit')).toBe('500');
    expect(client.state.clientId).toBe(body.clientId);
  });
});
