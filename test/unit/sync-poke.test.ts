import { describe, expect, it } from 'vitest';
import { concernsSync, SYNC_ROOM } from '../../src/durable/rooms';
import { POKE_INTERVAL_MS, SyncPoker } from '../../src/durable/sync-poke';
import type { HubIdentity } from '../../src/services/hub-port';

const S1 = '01900000-0000-7000-8000-000000000001';
const S2 = '01900000-0000-7000-8000-000000000002';
const T1 = '01900000-0000-7000-8000-0000000000a1';

const who = (role: string, salesmanId: string | null = null, territoryId: string | null = null): HubIdentity => ({
  tenantId: 'tenant',
  principalId: `user-${role}-${salesmanId}`,
  kind: 'user',
  role,
  salesmanId,
  territoryId,
  expiresAt: null,
});

describe('concernsSync', () => {
  const rep = who('salesman', S1, T1);
  it("pokes a salesman for his own records, his territory's, team-wide ones and the catalogue", () => {
    expect(concernsSync(rep, { entityType: 'visit' }, ['tenant', `salesman:${S1}`])).toBe(true);
    expect(concernsSync(rep, { entityType: 'customer' }, ['tenant', `territory:${T1}`])).toBe(true);
    expect(concernsSync(rep, { entityType: 'notification' }, ['tenant', '*'])).toBe(true);
    expect(concernsSync(rep, { entityType: 'inventory' }, ['tenant'])).toBe(true);
    expect(concernsSync(rep, { entityType: 'product' }, ['tenant'])).toBe(true);
  });
  it("does not poke a salesman for a colleague's records or tenant-only events", () => {
    expect(concernsSync(rep, { entityType: 'visit' }, ['tenant', `salesman:${S2}`])).toBe(false);
    expect(concernsSync(rep, { entityType: 'api_key' }, ['tenant'])).toBe(false);
  });
  it('pokes managers for everything in the tenant room', () => {
    expect(concernsSync(who('manager'), { entityType: 'visit' }, ['tenant', `salesman:${S2}`])).toBe(true);
  });
});

/** A poker over fake sockets, a fake clock and a hand-run timer. */
function harness(members: Map<object, HubIdentity>) {
  let now = 1_000;
  const timers: { at: number; fn: () => void }[] = [];
  const sent: { ws: object; frame: any }[] = [];
  const poker = new SyncPoker({
    members: (room) => (room === SYNC_ROOM ? (members.keys() as Iterable<WebSocket>) : []),
    identityOf: (ws) => members.get(ws) ?? null,
    sendRaw: (ws, frame) => sent.push({ ws, frame: JSON.parse(frame) }),
    clock: () => now,
    later: (fn, ms) => timers.push({ at: now + ms, fn }),
  });
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.splice(0).sort((a, b) => a.at - b.at)) {
      if (t.at <= now) t.fn();
      else timers.push(t);
    }
  };
  return { poker, sent, advance, timers };
}

describe('SyncPoker', () => {
  it('pokes the sync sockets an event concerns, with its seq', () => {
    const phone = {};
    const colleague = {};
    const h = harness(
      new Map([
        [phone, who('salesman', S1)],
        [colleague, who('salesman', S2)],
      ]),
    );
    h.poker.delivered({ seq: 7, entityType: 'visit' }, ['tenant', `salesman:${S1}`]);
    expect(h.sent).toEqual([{ ws: phone, frame: { type: 'sync:poke', seq: 7 } }]);
  });

  it('sends the first poke at once and folds the next ones within the interval into one', () => {
    const phone = {};
    const h = harness(new Map([[phone, who('manager')]]));
    h.poker.delivered({ seq: 1, entityType: 'visit' }, ['tenant']);
    h.advance(10);
    h.poker.delivered({ seq: 2, entityType: 'visit' }, ['tenant']);
    h.advance(10);
    h.poker.delivered({ seq: 3, entityType: 'visit' }, ['tenant']);
    expect(h.sent.map((s) => s.frame.seq)).toEqual([1]);
    h.advance(POKE_INTERVAL_MS);
    expect(h.sent.map((s) => s.frame.seq)).toEqual([1, 3]);
    // Quiet since: the next one goes at once again.
    h.advance(POKE_INTERVAL_MS);
    h.poker.delivered({ seq: 4, entityType: 'visit' }, ['tenant']);
    expect(h.sent.map((s) => s.frame.seq)).toEqual([1, 3, 4]);
    expect(h.timers).toEqual([]);
  });
});
