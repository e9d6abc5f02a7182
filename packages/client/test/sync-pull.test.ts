import { describe, expect, it, vi } from 'vitest';
import { setup, viewOf } from './sync-harness.js';

describe('sync client: pull, reset and rebase', () => {
  it('pages through a snapshot, then follows the log: upserts replace records, removes delete them', async () => {
    const { client, server, storage } = setup({ pullLimit: 2 });
    for (let i = 1; i <= 5; i++) server.write('customer', `c${i}`, { name: `Customer ${i}` });
    await client.sync();
    // No cursor (a snapshot), then the cursor of each page while hasMore.
    expect(server.pulls.map((r) => r.query?.get('cursor') ?? null)).toEqual([
      null,
      expect.any(String),
      expect.any(String),
    ]);
    expect(server.pulls[0]?.query?.get('limit')).toBe('2');
    expect(client.list('customer').map((r) => r.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);

    server.write('customer', 'c2', { name: 'Renamed', city: 'Bonn' });
    server.delete('customer', 'c4');
    await client.sync();
    expect(client.get('customer', 'c2')).toMatchObject({ version: 2, record: { name: 'Renamed', city: 'Bonn' } });
    expect(client.get('customer', 'c4')).toBeUndefined();
    expect(viewOf(client)).toEqual(server.snapshot());
    expect((await storage.records()).map((r) => r.id)).toEqual(['c1', 'c2', 'c3', 'c5']);
  });

  it('rebases pending mutations on top of the pulled state', async () => {
    const { client, server } = setup();
    server.write('customer', 'c1', { name: 'Acme', city: 'Berlin', notes: null });
    await client.sync();
    // The phone edits the notes while the office, unknown to it, moves the customer to another city.
    server.onRequest = async (r) => {
      if (r.path.endsWith('/pull')) {
        server.onRequest = null;
        await client.mutate('customer.update', { id: 'c1', notes: 'ring twice', expectedVersion: 1 });
      }
    };
    server.write('customer', 'c1', { city: 'Hamburg' });
    await client.sync();
    expect(client.state.pending).toBe(1);
    expect(client.get('customer', 'c1')).toMatchObject({
      version: 2,
      pending: true,
      record: { name: 'Acme', city: 'Hamburg', notes: 'ring twice' },
    });
    await client.sync();
    expect(client.get('customer', 'c1')).toMatchObject({ version: 3, pending: false });
    expect(viewOf(client)).toEqual(server.snapshot());
  });

  it('on reset drops every record it holds but keeps the outbox, and replays it on the new state', async () => {
    const { client, server, storage } = setup();
    server.write('customer', 'c1', { name: 'Acme' });
    server.write('customer', 'c2', { name: 'Gone after the move' });
    await client.sync();
    // A manager moves the salesman to another territory: a new working set.
    server.delete('customer', 'c2');
    server.write('customer', 'c3', { name: 'New territory' });
    server.workingSet += 1;
    server.onRequest = async (r) => {
      if (r.path.endsWith('/pull')) {
        server.onRequest = null;
        await client.mutate('customer.update', { id: 'c1', notes: 'pending across the reset' });
      }
    };
    await client.sync();
    expect((await storage.records()).map((r) => r.id)).toEqual(['c1', 'c3']);
    expect((await storage.outbox()).map((m) => m.name)).toEqual(['customer.update']);
    expect(client.list('customer').map((r) => [r.id, r.pending])).toEqual([
      ['c1', true],
      ['c3', false],
    ]);
    expect(client.get('customer', 'c1')?.record.notes).toBe('pending across the reset');
    await client.sync();
    expect(viewOf(client)).toEqual(server.snapshot());
  });

  it('pulls a new snapshot after INVALID_CURSOR', async () => {
    const { client, server, storage } = setup();
    server.write('customer', 'c1', { name: 'Acme' });
    await client.sync();
    const old = await storage.cursor();
    server.cursorKey += 1; // the deployment no longer accepts the cursor
    server.write('customer', 'c2', { name: 'Beta' });
    expect(await client.sync()).toMatchObject({ status: 'idle', lastError: null });
    expect(server.pulls.slice(1).map((r) => r.query?.get('cursor') ?? null)).toEqual([old, null]);
    expect(await storage.cursor()).not.toBe(old);
    expect(viewOf(client)).toEqual(server.snapshot());
  });

  it("acknowledges with each page the lastMutationId the pull reports for this client (others' are ignored)", async () => {
    const { client, server, storage } = setup();
    const applyPage = vi.spyOn(storage, 'applyPage');
    server.clients.set('other-phone', { userId: 'user-1', tenant: 'tenant-1', last: 7, outcomes: new Map() });
    await client.mutate('visit.create', { id: 'v1', customerId: 'c1' });
    await client.mutate('visit.create', { id: 'v2', customerId: 'c1' });
    // A mutation made while the pull is on its way is not covered by it.
    server.onRequest = async (r) => {
      if (r.path.endsWith('/pull')) {
        server.onRequest = null;
        await client.mutate('visit.cancel', { id: 'v1' });
      }
    };
    await client.sync();
    expect(applyPage).toHaveBeenCalledTimes(1);
    expect(applyPage.mock.calls[0]?.[0]).toMatchObject({ reset: true, acknowledge: 2 });
    expect((await storage.outbox()).map((m) => m.id)).toEqual([3]);
    expect(client.pendingMutations.map((m) => m.id)).toEqual([3]);
  });

  it('forgets an applied mutation whose record the pull does not bring (it left the working set)', async () => {
    const { client, server } = setup();
    server.visible = (r) => r.id !== 'v1'; // e.g. a visit planned for a colleague's customer
    await client.mutate('visit.create', { id: 'v1', customerId: 'c9' });
    expect(client.get('visit', 'v1')?.pending).toBe(true);
    expect(await client.sync()).toMatchObject({ status: 'idle', pending: 0 });
    expect(client.get('visit', 'v1')).toBeUndefined();
    expect(viewOf(client)).toEqual(server.snapshot());
  });

  it('tells the app about an update the server merged with a concurrent change (once, not on replay)', async () => {
    const conflicts: [number, unknown][] = [];
    const { client, server } = setup({ onConflicts: (m, fields) => conflicts.push([m.id, fields]) });
    server.write('customer', 'c1', { name: 'Acme', notes: 'old' });
    await client.sync();
    const base = client.get('customer', 'c1')?.version;
    server.write('customer', 'c1', { notes: 'office' });
    await client.mutate('customer.update', { id: 'c1', notes: 'phone', ...(base ? { expectedVersion: base } : {}) });
    server.fail('response-lost', 'push');
    await client.sync();
    expect(conflicts).toEqual([]); // the answer was lost
    await client.sync();
    expect(conflicts).toEqual([]); // a duplicate repeats the result only
    await client.mutate('customer.update', { id: 'c1', city: 'Bonn', expectedVersion: 1 });
    await client.sync();
    expect(conflicts).toEqual([[2, [{ field: 'city', client: 'Bonn', server: undefined, winner: 'client' }]]]);
    expect(viewOf(client)).toEqual(server.snapshot());
  });
});
