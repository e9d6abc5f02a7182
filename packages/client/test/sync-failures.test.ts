import { describe, expect, it, vi } from 'vitest';
import type { PushResponse } from '../src/sync/protocol.js';
import type { FetchLike } from '../src/sync/transport.js';
import { FakeSyncServer } from './sync-fake-server.js';
import { setup, until, viewOf } from './sync-harness.js';

const visit = (id: string, extra: Record<string, unknown> = {}) => ({ id, customerId: 'c1', ...extra });

/** The fake server's fetch, keeping every push answer the client received. */
function recordingServer() {
  const server = new FakeSyncServer();
  const answers: PushResponse[] = [];
  const inner = server.fetch;
  const fetch: FetchLike = async (url, init) => {
    const res = await inner(url, init);
    if (url.includes('/push') && res.ok) answers.push(await res.clone().json());
    return res;
  };
  server.fetch = fetch;
  return { server, answers };
}

describe('sync client: network and server failures', () => {
  it('never mints new ids for a retry', async () => {
    const { client, server } = setup();
    server.fail('request-lost', 'push', 3);
    await client.mutate('visit.create', visit('v1'));
    await client.mutate('visit.update', { id: 'v1', notes: 'n' });
    for (let i = 0; i < 3; i++) expect(await client.sync()).toMatchObject({ status: 'offline', pending: 2 });
    expect(await client.sync()).toMatchObject({ status: 'idle', pending: 0 });
    const bodies = server.pushes.map((r) => r.body);
    expect(bodies).toHaveLength(4);
    for (const b of bodies) expect(b).toEqual(bodies[0]); // same client id, ids and client times
    expect(bodies[0]?.mutations.map((m) => m.id)).toEqual([1, 2]);
    expect(server.processed.map((p) => p.id)).toEqual([1, 2]);
    expect(await client.mutate('visit.cancel', { id: 'v1' })).toBe(3);
  });

  it('a lost request is simply sent again; a lost response ends in duplicate, not a second write', async () => {
    const { server, answers } = recordingServer();
    const { client } = setup({}, server);
    server.fail('request-lost', 'push');
    await client.mutate('visit.create', visit('v1'));
    expect(await client.sync()).toMatchObject({ status: 'offline', lastError: { kind: 'network' } });
    expect(server.processed).toHaveLength(0);

    server.fail('response-lost', 'push');
    await client.mutate('visit.update', { id: 'v1', notes: 'n' });
    expect(await client.sync()).toMatchObject({ status: 'offline', pending: 2 });
    expect(server.processed.map((p) => p.id)).toEqual([1, 2]); // committed, but the phone never heard

    expect(await client.sync()).toMatchObject({ status: 'idle', pending: 0 });
    expect(answers.at(-1)?.mutations.map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
    expect(server.processed.map((p) => p.id)).toEqual([1, 2]);
    expect(client.get('visit', 'v1')).toMatchObject({ version: 2, record: { notes: 'n' } });
  });

  it('reports a refusal whose answer was lost once, from the duplicate', async () => {
    const { client, server, refused } = setup();
    server.fail('response-lost', 'push');
    await client.mutate('visit.cancel', { id: 'unknown' });
    await client.sync();
    expect(refused).toHaveLength(0);
    await client.sync();
    expect(refused).toEqual([[expect.objectContaining({ id: 1 }), expect.objectContaining({ code: 'NOT_FOUND' })]]);
    expect(server.processed).toHaveLength(1);
  });

  it('times out a request that hangs, and the retry finds the mutation processed', async () => {
    const { client, server, clock } = setup({ requestTimeoutMs: 5_000 });
    server.fail('hang-after-processing', 'push');
    await client.mutate('visit.create', visit('v1'));
    const run = client.sync();
    await until(() => expect(clock.pending).toContain(5_000));
    await clock.advance(5_000);
    expect(await run).toMatchObject({ status: 'offline', lastError: { kind: 'timeout' }, pending: 1 });
    expect(await client.sync()).toMatchObject({ status: 'idle', pending: 0 });
    expect(server.processed).toHaveLength(1);
  });

  it('treats an answer that is not the API (a captive portal) as a network failure', async () => {
    const { client, server } = setup();
    server.fail('garbage-after-processing', 'push');
    await client.mutate('visit.create', visit('v1'));
    expect(await client.sync()).toMatchObject({ status: 'offline', lastError: { kind: 'protocol' } });
    expect(await client.sync()).toMatchObject({ status: 'idle', pending: 0 });
    expect(server.processed).toHaveLength(1);
  });

  it('backs off on 5xx with exponential windows and full jitter, on the injected clock', async () => {
    const { client, server, clock } = setup(); // random 0.5, base 100 ms, cap 1 s
    server.fail('server-error', 'push', 5);
    await client.mutate('visit.create', visit('v1'));
    expect(await client.start()).toMatchObject({ status: 'offline', retryAt: clock.now + 50, pending: 1 });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [delay = -1] = clock.pending;
      delays.push(delay);
      await clock.advance(delay);
      await until(() => expect(client.state.status).not.toBe('syncing'));
    }
    expect(delays).toEqual([50, 100, 200, 400, 500]); // 0.5 · min(1000, 100 · 2^n)
    expect(client.state).toMatchObject({ status: 'idle', pending: 0, retryAt: null, lastError: null });
    expect(clock.pending).toEqual([]);
    expect(server.pushes).toHaveLength(6);
    expect(server.processed).toHaveLength(1);
    client.stop();
  });

  it('waits at least Retry-After, syncs at once on a poke while backing off, and stop() cancels the timer', async () => {
    const { client, server, clock } = setup();
    server.fail({ status: 503, code: 'UNAVAILABLE', retryAfter: 7 }, 'push');
    await client.mutate('visit.create', visit('v1'));
    expect(await client.start()).toMatchObject({ status: 'offline', lastError: { status: 503 } });
    expect(clock.pending).toEqual([7_000]);

    // Mutations while backing off wait for the timer rather than hammering the server.
    await client.mutate('visit.create', visit('v2'));
    expect(server.pushes).toHaveLength(1);

    client.poke(); // the socket says the server is there
    await until(() => expect(client.state).toMatchObject({ status: 'idle', pending: 0 }));
    expect(clock.pending).toEqual([]);

    server.fail('server-error', 'push');
    await client.mutate('visit.create', visit('v3'));
    await until(() => expect(client.state.status).toBe('offline'));
    expect(clock.pending).toHaveLength(1);
    client.stop();
    expect(clock.pending).toEqual([]);
    const pushes = server.pushes.length;
    client.poke();
    await client.mutate('visit.create', visit('v4'));
    expect(server.pushes).toHaveLength(pushes); // stopped: nothing goes out on its own
    expect(client.state.pending).toBe(2);
  });

  it('refreshes the token once on 401 and retries the request', async () => {
    const onUnauthorized = vi.fn();
    const { client, server, auth } = setup({ onUnauthorized: () => onUnauthorized() });
    auth.token = 'expired';
    onUnauthorized.mockImplementation(() => {
      auth.token = 'token-1';
    });
    await client.mutate('visit.create', visit('v1'));
    expect(await client.sync()).toMatchObject({ status: 'idle', pending: 0 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(server.requests.map((r) => `${r.path.split('/').at(-1)}:${r.token}`)).toEqual([
      'push:expired',
      'push:token-1',
      'pull:token-1',
    ]);
  });

  it('blocks on a 401 the refresh does not cure, keeps the queue, and resumes after a sign-in', async () => {
    const onUnauthorized = vi.fn();
    const { client, server, auth } = setup({ onUnauthorized });
    auth.token = 'revoked';
    await client.mutate('visit.create', visit('v1'));
    expect(await client.start()).toMatchObject({ status: 'blocked', blocked: 'unauthenticated', pending: 1 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(server.pushes).toHaveLength(2);
    client.poke();
    expect(server.pushes).toHaveLength(2);
    auth.token = 'token-1';
    expect(await client.sync()).toMatchObject({ status: 'idle', blocked: null, pending: 0 });
    client.stop();
  });

  it.each([
    ['another user', 'user-2', 'tenant-1', 403, 'forbidden'],
    ['another tenant', 'user-9', 'tenant-2', 404, 'not-found'],
  ] as const)(
    'blocks when the client id belongs to %s (%i), keeping the queue until the app starts over',
    async (_, userId, tenant, status, reason) => {
      const { client, server, clock } = setup();
      await client.ready();
      const clientId = client.state.clientId as string;
      server.clients.set(clientId, { userId, tenant, last: 0, outcomes: new Map() });
      await client.mutate('visit.create', visit('v1'));
      expect(await client.start()).toMatchObject({
        status: 'blocked',
        blocked: reason,
        pending: 1,
        lastError: { status },
      });
      expect(clock.pending).toEqual([]);
      client.poke();
      await client.mutate('visit.create', visit('v2'));
      expect(server.requests).toHaveLength(1);
      expect(client.state.pending).toBe(2);

      // With the user's consent, the queue of the other account is dropped and this install starts afresh.
      expect(await client.startOver({ keepOutbox: false })).toMatchObject({ status: 'idle', pending: 0 });
      expect(client.state.clientId).not.toBe(clientId);
      expect(server.processed).toHaveLength(0);
      client.stop();
    },
  );

  it('detects a gap (the server lost processed mutations) and resends the rest under a new client id', async () => {
    const { client, server } = setup();
    for (let i = 1; i <= 3; i++) await client.mutate('visit.create', visit(`v${i}`));
    await client.sync();
    const oldId = client.state.clientId as string;
    const book = server.clients.get(oldId);
    if (book) book.last = 1; // restored from a backup taken after mutation 1
    await client.mutate('visit.update', { id: 'v3', notes: 'after the restore' });
    expect(await client.sync()).toMatchObject({ status: 'blocked', blocked: 'gap', pending: 1 });
    expect(client.get('visit', 'v3')?.record.notes).toBe('after the restore');

    expect(await client.startOver({ keepOutbox: true })).toMatchObject({ status: 'idle', pending: 0 });
    const newId = client.state.clientId;
    expect(newId).not.toBe(oldId);
    expect(server.processed.at(-1)).toMatchObject({ clientId: newId, id: 1, name: 'visit.update', status: 'applied' });
    expect(viewOf(client)).toEqual(server.snapshot());
  });
});
