import { describe, expect, it } from 'vitest';
import type { PullChange, SyncEntity } from '../src/sync/protocol.js';
import type { NewMutation, SyncStorage } from '../src/sync/storage.js';
import { STORAGES } from './sync-storages.js';

const at = '2026-12-03T09:00:00.000Z';
const mutation = (name: string, args: unknown = {}): NewMutation => ({ name, args, clientTime: at });
const upsert = (entity: SyncEntity, id: string, version: number, record: Record<string, unknown>): PullChange => ({
  entity,
  op: 'upsert',
  id,
  version,
  record,
});
const remove = (entity: SyncEntity, id: string): PullChange => ({ entity, op: 'remove', id });

// One contract, run over every storage: the sync client relies on exactly this.
describe.each(STORAGES)('sync storage contract: $name', (harness) => {
  const open = () => harness.open();

  it('mints the client id once and keeps it across a restart', async () => {
    let s: SyncStorage = await open();
    let mints = 0;
    const mint = () => `client-${++mints}`;
    expect(await s.loadClientId(mint)).toBe('client-1');
    expect(await s.loadClientId(mint)).toBe('client-1');
    s = await harness.reopen(s);
    expect(await s.loadClientId(mint)).toBe('client-1');
    expect(mints).toBe(1);
    await s.close();
  });

  it('assigns consecutive ids from 1 at enqueue and keeps the outbox in id order across a restart', async () => {
    let s: SyncStorage = await open();
    expect(await s.nextMutationId()).toBe(1);
    const first = await s.enqueue(mutation('visit.create', { id: 'v1' }));
    expect(first).toEqual({ id: 1, name: 'visit.create', args: { id: 'v1' }, clientTime: at });
    // Concurrent enqueues still get distinct ids, in call order.
    const more = await Promise.all([s.enqueue(mutation('a')), s.enqueue(mutation('b')), s.enqueue(mutation('c'))]);
    expect(more.map((m) => m.id)).toEqual([2, 3, 4]);
    s = await harness.reopen(s);
    expect((await s.outbox()).map((m) => [m.id, m.name])).toEqual([
      [1, 'visit.create'],
      [2, 'a'],
      [3, 'b'],
      [4, 'c'],
    ]);
    expect(await s.nextMutationId()).toBe(5);
    await s.close();
  });

  it('drops acknowledged mutations and never hands out an id again', async () => {
    const s = await open();
    for (const n of ['a', 'b', 'c']) await s.enqueue(mutation(n));
    await s.acknowledge(2);
    expect((await s.outbox()).map((m) => m.id)).toEqual([3]);
    await s.acknowledge(3);
    expect(await s.outbox()).toEqual([]);
    expect((await s.enqueue(mutation('d'))).id).toBe(4);
    await s.close();
  });

  it('applies a page: whole-record upserts, removes (unknown ones too), the cursor and the acknowledgement', async () => {
    let s: SyncStorage = await open();
    for (const n of ['a', 'b', 'c']) await s.enqueue(mutation(n));
    expect(await s.cursor()).toBeNull();
    await s.applyPage({
      reset: true,
      changes: [
        upsert('visit', 'v2', 1, { notes: 'x', status: 'planned' }),
        upsert('customer', 'c1', 3, { name: 'A' }),
      ],
      cursor: 'c-1',
    });
    await s.applyPage({
      reset: false,
      changes: [
        upsert('visit', 'v2', 2, { status: 'cancelled' }),
        remove('visit', 'nope'),
        upsert('visit', 'v1', 1, {}),
      ],
      cursor: 'c-2',
      acknowledge: 2,
    });
    s = await harness.reopen(s);
    expect(await s.cursor()).toBe('c-2');
    expect(await s.records()).toEqual([
      { entity: 'customer', id: 'c1', version: 3, record: { name: 'A' } },
      { entity: 'visit', id: 'v1', version: 1, record: {} },
      { entity: 'visit', id: 'v2', version: 2, record: { status: 'cancelled' } },
    ]);
    expect(await s.record('visit', 'v2')).toEqual({
      entity: 'visit',
      id: 'v2',
      version: 2,
      record: { status: 'cancelled' },
    });
    expect((await s.outbox()).map((m) => m.id)).toEqual([3]);
    await s.applyPage({ reset: false, changes: [remove('customer', 'c1')], cursor: 'c-3' });
    expect(await s.record('customer', 'c1')).toBeUndefined();
    await s.close();
  });

  it('clears the records on reset but never the outbox', async () => {
    const s = await open();
    await s.enqueue(mutation('a'));
    await s.applyPage({
      reset: true,
      changes: [upsert('visit', 'v1', 1, {}), upsert('visit', 'v2', 1, {})],
      cursor: 'c-1',
    });
    await s.applyPage({ reset: true, changes: [upsert('visit', 'v3', 1, {})], cursor: 'c-2' });
    expect((await s.records()).map((r) => r.id)).toEqual(['v3']);
    expect((await s.outbox()).map((m) => m.id)).toEqual([1]);
    await s.close();
  });

  it('applies a page whole or not at all', async () => {
    const s = await open();
    await s.enqueue(mutation('a'));
    await s.applyPage({ reset: false, changes: [upsert('visit', 'v1', 1, { n: 1 })], cursor: 'c-1' });
    const poisoned = { reset: true, changes: [upsert('visit', 'v2', 1, {}), upsert('visit', 'v3', 1, { f: () => 1 })] };
    await expect(s.applyPage({ ...poisoned, cursor: 'c-2', acknowledge: 1 })).rejects.toThrow();
    expect(await s.records()).toEqual([{ entity: 'visit', id: 'v1', version: 1, record: { n: 1 } }]);
    expect(await s.cursor()).toBe('c-1');
    expect((await s.outbox()).map((m) => m.id)).toEqual([1]);
    // An enqueue that cannot be stored takes no id.
    await expect(s.enqueue(mutation('bad', { f: () => 1 }))).rejects.toThrow();
    expect((await s.enqueue(mutation('b'))).id).toBe(2);
    await s.close();
  });

  it('starts over as a new client, renumbering or dropping the outbox', async () => {
    let s: SyncStorage = await open();
    await s.loadClientId(() => 'old');
    for (const n of ['a', 'b', 'c', 'd']) await s.enqueue(mutation(n));
    await s.acknowledge(2);
    await s.applyPage({ reset: false, changes: [upsert('visit', 'v1', 1, {})], cursor: 'c-1' });
    await s.replaceClient('new', true);
    s = await harness.reopen(s);
    expect(await s.loadClientId(() => 'never')).toBe('new');
    expect((await s.outbox()).map((m) => [m.id, m.name])).toEqual([
      [1, 'c'],
      [2, 'd'],
    ]);
    expect(await s.nextMutationId()).toBe(3);
    expect(await s.cursor()).toBe('c-1');
    expect(await s.records()).toHaveLength(1);
    await s.replaceClient('newer', false);
    expect(await s.outbox()).toEqual([]);
    expect((await s.enqueue(mutation('e'))).id).toBe(1);
    await s.close();
  });

  it('hands out copies: changing what it returned or was given changes nothing stored', async () => {
    const s = await open();
    const args = { id: 'v1', lines: [{ q: 1 }] };
    const m = await s.enqueue(mutation('order.create', args));
    args.lines[0] = { q: 99 };
    (m.args as typeof args).id = 'changed';
    const [stored] = await s.outbox();
    expect(stored?.args).toEqual({ id: 'v1', lines: [{ q: 1 }] });
    await s.applyPage({ reset: false, changes: [upsert('visit', 'v1', 1, { notes: 'a' })], cursor: 'c' });
    const r = await s.record('visit', 'v1');
    if (r) r.record.notes = 'changed';
    expect((await s.record('visit', 'v1'))?.record).toEqual({ notes: 'a' });
    await s.close();
  });
});
