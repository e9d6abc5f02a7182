import { describe, expect, it, vi } from 'vitest';
import { nextBatch } from '../src/sync/batches.js';
import { DEFAULT_MUTATORS } from '../src/sync/mutators.js';
import { MUTATION_NAMES, type Mutation } from '../src/sync/protocol.js';
import { SingleFlight } from '../src/sync/single-flight.js';
import { SyncError } from '../src/sync/transport.js';
import { uuidv7 } from '../src/sync/uuid.js';
import { OptimisticView } from '../src/sync/view.js';

const m = (id: number, name: string, args: unknown): Mutation => ({
  id,
  name,
  args,
  clientTime: '2026-12-03T09:00:00Z',
});

describe('sync building blocks', () => {
  it('mints RFC 9562 version 7 ids that sort by time', () => {
    const zeros = (b: Uint8Array) => b.fill(0);
    expect(uuidv7(0x0193a5c21f00, zeros)).toBe('0193a5c2-1f00-7000-8000-000000000000');
    expect(uuidv7(0x0193a5c21f00, (b) => b.fill(0xff))).toBe('0193a5c2-1f00-7fff-bfff-ffffffffffff');
    const a = uuidv7(1_800_000_000_000);
    const b = uuidv7(1_800_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(uuidv7()).not.toBe(uuidv7());
  });

  it('cuts batches by count and by JSON bytes, always sending at least the head', () => {
    const outbox = Array.from({ length: 10 }, (_, i) => m(i + 1, 'visit.create', { notes: 'x'.repeat(100) }));
    expect(nextBatch(outbox, 'c', 4, 1_000_000).mutations.map((x) => x.id)).toEqual([1, 2, 3, 4]);
    const one = JSON.stringify(outbox[0]).length;
    const batch = nextBatch(outbox, 'c', 1000, 3 * one + 40);
    expect(batch.mutations).toHaveLength(3);
    expect(batch.bytes).toBe(JSON.stringify({ clientId: 'c', mutations: batch.mutations }).length);
    expect(nextBatch(outbox, 'c', 1000, 10).mutations).toHaveLength(1);
    // Multi-byte characters count as the bytes they take on the wire.
    const wide = [m(1, 'n', { t: 'é'.repeat(50) })];
    expect(nextBatch(wide, 'c', 1000, 1).bytes).toBe(
      new TextEncoder().encode(JSON.stringify({ clientId: 'c', mutations: wide })).length,
    );
  });

  it('classifies failures: network, timeouts, 5xx, 408, 429 and INVALID_CURSOR are transient', () => {
    expect(new SyncError('network', '').transient).toBe(true);
    expect(new SyncError('timeout', '').transient).toBe(true);
    expect(new SyncError('http', '', { status: 502 }).transient).toBe(true);
    expect(new SyncError('http', '', { status: 429 }).transient).toBe(true);
    expect(new SyncError('http', '', { status: 400, code: 'INVALID_CURSOR' }).transient).toBe(true);
    for (const status of [400, 401, 403, 404, 413]) expect(new SyncError('http', '', { status }).transient).toBe(false);
    expect(new SyncError('gap', '').transient).toBe(false);
  });

  it('replays mutations over the server state; a mutator that throws leaves nothing behind', () => {
    const onError = vi.fn();
    const view = new OptimisticView(
      {
        ...DEFAULT_MUTATORS,
        'test.half': (tx) => {
          tx.put('visit', 'half', { written: true });
          throw new Error('bug');
        },
      },
      onError,
    );
    view.load([{ entity: 'visit', id: 'v1', version: 3, record: { id: 'v1', status: 'planned', notes: null } }]);
    view.rebase([
      m(1, 'visit.update', { id: 'v1', notes: 'a', expectedVersion: 3 }),
      m(2, 'test.half', {}),
      m(3, 'visit.create', { id: 'v2', customerId: 'c1' }),
      m(4, 'visit.update', { id: 'nope', notes: 'ignored' }),
      m(5, 'unknown.name', {}),
    ]);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(view.get('visit', 'half')).toBeUndefined();
    expect(view.get('visit', 'nope')).toBeUndefined();
    expect(view.get('visit', 'v1')).toMatchObject({
      version: 3,
      pending: true,
      record: { notes: 'a', status: 'planned' },
    });
    expect(view.get('visit', 'v1')?.record).not.toHaveProperty('expectedVersion');
    expect(view.list('visit').map((r) => [r.id, r.version, r.pending])).toEqual([
      ['v1', 3, true],
      ['v2', null, true],
    ]);
    // A new server state: the same replay on top of it.
    view.applyPage({
      reset: true,
      changes: [{ entity: 'visit', op: 'upsert', id: 'v1', version: 4, record: { id: 'v1', status: 'cancelled' } }],
      cursor: 'c',
    });
    view.rebase([m(1, 'visit.update', { id: 'v1', notes: 'a' })]);
    expect(view.get('visit', 'v1')).toMatchObject({ version: 4, record: { status: 'cancelled', notes: 'a' } });
    expect(view.get('visit', 'v2')).toBeUndefined();
  });

  it('ships a default mutator for every catalogue name', () => {
    expect(Object.keys(DEFAULT_MUTATORS).sort()).toEqual([...MUTATION_NAMES].sort());
    const view = new OptimisticView(DEFAULT_MUTATORS);
    view.load([{ entity: 'notification', id: 'n1', version: 1, record: { id: 'n1', readAt: null } }]);
    const fix = { lat: 52.52, lng: 13.4, accuracy: 12 };
    view.rebase([
      m(1, 'customer.create', { id: 'c1', name: 'Acme' }),
      m(2, 'customer.update', { id: 'c1', city: 'Bonn' }),
      m(3, 'visit.create', { id: 'v1', customerId: 'c1' }),
      m(4, 'visit.checkIn', { id: 'v1', ...fix, at: '2026-12-03T09:02:05+01:00' }),
      m(5, 'visit.checkOut', { id: 'v1', ...fix, at: '2026-12-03T09:30:58+01:00', outcome: 'order_taken' }),
      m(6, 'order.create', {
        id: 'o1',
        customerId: 'c1',
        lines: [{ productId: 'p1', quantity: 4 }],
        clientTotalMinor: 7560,
      }),
      m(7, 'order.update', { id: 'o1', notes: 'deliver Monday' }),
      m(8, 'order.confirm', { id: 'o1' }),
      m(9, 'payment.record', { id: 'pay1', orderId: 'o1', amountMinor: 7560, method: 'cash' }),
      m(10, 'notification.markRead', { id: 'n1' }),
      m(11, 'visit.create', { id: 'v2', customerId: 'c1' }),
      m(12, 'visit.cancel', { id: 'v2' }),
    ]);
    expect(view.get('customer', 'c1')?.record).toMatchObject({ name: 'Acme', city: 'Bonn', email: null });
    expect(view.get('visit', 'v1')?.record).toMatchObject({
      status: 'completed',
      checkInAt: '2026-12-03T09:02:05+01:00',
      checkInAccuracyM: 12,
      checkOutAt: '2026-12-03T09:30:58+01:00',
      outcome: 'order_taken',
    });
    expect(view.get('order', 'o1')?.record).toMatchObject({
      status: 'confirmed',
      totalMinor: 7560,
      notes: 'deliver Monday',
    });
    expect(view.get('payment', 'pay1')?.record).toMatchObject({ status: 'received', amountMinor: 7560 });
    expect(view.get('notification', 'n1')?.record.readAt).toBe('2026-12-03T09:00:00Z');
    expect(view.get('visit', 'v2')?.record.status).toBe('cancelled');
  });

  it('runs a task one at a time; calls meanwhile share one more run, which dropQueued cancels', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const flight = new SingleFlight(
      async () => {
        runs += 1;
        await new Promise<void>((r) => (release = r));
      },
      () => runs,
    );
    const first = flight.run();
    const second = flight.run();
    expect(flight.run()).toBe(second);
    release();
    expect(await first).toBe(1);
    await vi.waitFor(() => expect(runs).toBe(2));
    release();
    expect(await second).toBe(2);
    expect(flight.busy).toBe(false);

    const third = flight.run();
    const dropped = flight.run();
    flight.dropQueued();
    release();
    expect(await third).toBe(3);
    expect(await dropped).toBe(3); // resolved with the current run's result, no run of its own
    expect(runs).toBe(3);
  });
});
