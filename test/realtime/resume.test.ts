import { describe, expect, it } from 'vitest';
import { createCustomer, createTenant } from '../helpers/factories';
import { connect } from '../helpers/ws';
import { hubSql, inHub, isEvent, logSeq, nextOrAlarm } from './support';

const seqsOf = (frames: any[]) => frames.filter((f) => f.type === 'event').map((f) => f.seq as number);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resume with since', () => {
  it('replays every event missed during a disconnect in the middle of a burst, in order, without duplicates', async () => {
    const t = await createTenant();
    const first = await connect(t.token);
    const welcome = await first.next((f) => f.type === 'welcome');

    // 10 writes while connected, 5 more racing the disconnect, 10 while away, 5 racing the reconnect.
    const before = [];
    for (let i = 0; i < 10; i++) before.push(await createCustomer(t.token));
    const lastBefore = before.at(-1)?.id ?? '';
    await nextOrAlarm(first, t.tenantId, isEvent('customer:created', lastBefore));
    const racingClose = Promise.all(Array.from({ length: 5 }, () => createCustomer(t.token)));
    first.close(4000);
    await Promise.all([racingClose, first.closed]);
    for (let i = 0; i < 10; i++) await createCustomer(t.token);

    const lastSeen = Math.max(welcome.seq, ...seqsOf(first.frames));
    const [second, racingOpen] = await Promise.all([
      connect(t.token, { since: lastSeen }),
      Promise.all(Array.from({ length: 5 }, () => createCustomer(t.token))),
    ]);
    const final = await logSeq(t);
    await nextOrAlarm(second, t.tenantId, (f) => f.type === 'event' && f.seq === final);

    const secondWelcome = second.frames[0];
    expect(secondWelcome.type).toBe('welcome');
    expect(second.frames.some((f) => f.type === 'resync')).toBe(false);
    expect([...seqsOf(first.frames), ...seqsOf(second.frames)]).toEqual(range(welcome.seq + 1, final));
    const delivered = new Set(second.events().map((f) => f.event.entityId));
    for (const c of racingOpen) expect(delivered.has(c.id)).toBe(true);
    second.close();
  });

  it('replays nothing when the client is up to date', async () => {
    const t = await createTenant();
    await createCustomer(t.token);
    const seq = await logSeq(t);
    const socket = await connect(t.token, { since: seq });
    const welcome = await socket.next((f) => f.type === 'welcome');
    expect(welcome.seq).toBe(seq);
    const c = await createCustomer(t.token);
    const live = await nextOrAlarm(socket, t.tenantId, isEvent('customer:created', c.id));
    expect(seqsOf(socket.frames)).toEqual([live.seq]);
    expect(live.seq).toBe(seq + 1);
    socket.close();
  });

  it('answers resync when the requested position has been trimmed or is ahead of the log', async () => {
    const t = await createTenant();
    for (let i = 0; i < 5; i++) await createCustomer(t.token);
    const last = await logSeq(t);
    // Make sure the hub holds the whole log, then trim its ring as the alarm would after a day.
    const probe = await connect(t.token);
    await probe.next((f) => f.type === 'welcome');
    probe.close();
    await inHub(t.tenantId, (_hub, state) => {
      state.storage.sql.exec('DELETE FROM event_log WHERE seq <= 3');
      state.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('trimmed_through', '3')");
    });
    expect((await hubSql<{ seq: number }>(t.tenantId, 'SELECT MIN(seq) AS seq FROM event_log'))[0]?.seq).toBe(4);

    const stale = await connect(t.token, { since: 2 });
    const resync = await stale.next((f) => f.type === 'resync');
    expect(resync).toEqual({ type: 'resync', seq: last, reason: expect.stringMatching(/no longer kept/) });
    expect(stale.frames.map((f) => f.type)).toEqual(['welcome', 'resync']);
    // The socket is live after a resync: new events still arrive.
    const c = await createCustomer(t.token);
    await nextOrAlarm(stale, t.tenantId, isEvent('customer:created', c.id));
    stale.close();

    // Exactly at the trim point nothing is missing, so the rest is replayed.
    const edge = await connect(t.token, { since: 3 });
    await nextOrAlarm(edge, t.tenantId, isEvent('customer:created', c.id));
    expect(seqsOf(edge.frames)).toEqual(range(4, last + 1));
    expect(edge.frames.some((f) => f.type === 'resync')).toBe(false);
    edge.close();

    const ahead = await connect(t.token, { since: last + 100 });
    expect(await ahead.next((f) => f.type === 'resync')).toMatchObject({ reason: expect.stringMatching(/ahead/) });
    ahead.close();
  });
});
