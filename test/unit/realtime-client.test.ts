import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_BACKOFF,
  fullJitterDelay,
  HubCloseCode,
  planReconnect,
  ReconnectBackoff,
} from '../../src/client/backoff';
import { RealtimeClient, type TokenReason, type WebSocketLike } from '../../src/client/realtime-client';
import { PresenceMap, SeqTracker, tokenExpiry } from '../../src/client/stream-state';
import { CloseCode } from '../../src/durable/protocol';

const fixed = (x: number) => () => x;

describe('backoff', () => {
  it('draws full jitter below an exponentially growing window, capped', () => {
    expect(fullJitterDelay(0, 500, 30_000, fixed(0))).toBe(0);
    expect(fullJitterDelay(0, 500, 30_000, fixed(0.999))).toBe(499);
    expect(fullJitterDelay(3, 500, 30_000, fixed(0.5))).toBe(2000);
    expect(fullJitterDelay(10, 500, 30_000, fixed(0.999))).toBe(29_970);
    expect(fullJitterDelay(1000, 500, 30_000, fixed(0.999))).toBe(29_970);
  });

  it('mirrors the hub’s close codes', () => {
    expect(HubCloseCode).toEqual(CloseCode);
  });

  it('plans by close code: revoked stops, expired retries at once with a fresh token, 1008 waits long', () => {
    expect(planReconnect(4003, 0, DEFAULT_BACKOFF, fixed(0.5)).retry).toBe(false);
    expect(planReconnect(4001, 0, DEFAULT_BACKOFF, fixed(0.5))).toEqual({ retry: true, delayMs: 0, freshToken: true });
    expect(planReconnect(4001, 2, DEFAULT_BACKOFF, fixed(0.5)).delayMs).toBe(1000);
    const policy = planReconnect(1008, 0, DEFAULT_BACKOFF, fixed(0));
    expect(policy.delayMs).toBe(DEFAULT_BACKOFF.policyMinMs);
    expect(planReconnect(1008, 50, DEFAULT_BACKOFF, fixed(0.999)).delayMs).toBeLessThanOrEqual(
      DEFAULT_BACKOFF.policyCapMs,
    );
    expect(planReconnect(1006, 1, DEFAULT_BACKOFF, fixed(0.999))).toEqual({
      retry: true,
      delayMs: 999,
      freshToken: false,
    });
  });

  it('grows with failures in a row and starts over after a stable connection', () => {
    const b = new ReconnectBackoff(DEFAULT_BACKOFF, fixed(0.999));
    const delays = [0, 1, 2, 3].map(() => b.next(1006, 0).delayMs);
    expect(delays).toEqual([499, 999, 1998, 3996]);
    b.connected(1000);
    expect(b.next(1006, 1000 + DEFAULT_BACKOFF.stableAfterMs - 1).delayMs).toBe(7992);
    b.connected(20_000);
    expect(b.next(1006, 20_000 + DEFAULT_BACKOFF.stableAfterMs).delayMs).toBe(499);
  });
});

describe('seq tracking', () => {
  it('adopts the hub position on a first welcome and drops duplicates', () => {
    const s = new SeqTracker();
    expect(s.last).toBeNull();
    s.welcome(41);
    expect(s.last).toBe(41);
    expect(s.accept(41)).toBe(false);
    expect(s.accept(42)).toBe(true);
    expect(s.accept(45)).toBe(true);
    expect(s.accept(44)).toBe(false);
    expect(s.last).toBe(45);
  });

  it('keeps its own position on a resumed welcome and jumps on resync', () => {
    const s = new SeqTracker();
    s.welcome(10);
    s.welcome(20);
    expect(s.last).toBe(10);
    expect(s.accept(11)).toBe(true);
    s.resync(30);
    expect(s.accept(30)).toBe(false);
    expect(s.accept(31)).toBe(true);
  });
});

describe('presence map', () => {
  it('keeps the welcome snapshot plus diffs, reporting only real changes', () => {
    const p = new PresenceMap();
    const a = { salesmanId: 'a', status: 'online' as const, since: 1 };
    const b = { salesmanId: 'b', status: 'offline' as const, since: 1 };
    expect(p.reset([a, b], 5)).toEqual([a, b]);
    expect(p.apply([{ salesmanId: 'a', status: 'online', since: 2 }])).toEqual([]);
    expect(p.apply([{ salesmanId: 'b', status: 'idle', since: 3 }])).toHaveLength(1);
    expect(p.view.get('b')).toBe('idle');
    // A reconnect's snapshot reports what changed while away, and forgets salesmen the hub no longer knows.
    const changed = p.reset([{ salesmanId: 'b', status: 'on_visit', since: 4 }], 9);
    expect(changed).toEqual([
      { salesmanId: 'b', status: 'on_visit', since: 4 },
      { salesmanId: 'a', status: 'offline', since: 9 },
    ]);
    expect([...p.view.keys()]).toEqual(['b']);
  });
});

describe('token expiry', () => {
  const jwt = (claims: object) =>
    `h.${btoa(JSON.stringify(claims)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.s`;
  it('reads exp from a JWT and ignores anything else', () => {
    expect(tokenExpiry(jwt({ sub: 'ü?>', exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
    expect(tokenExpiry(jwt({ sub: 'x' }))).toBeNull();
    expect(tokenExpiry('fl_live_apikey')).toBeNull();
    expect(tokenExpiry('a.!!!.c')).toBeNull();
  });
});

class FakeSocket implements WebSocketLike {
  readyState = 1;
  sent: any[] = [];
  closedWith: number | null = null;
  private readonly listeners = new Map<string, ((e: any) => void)[]>();
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.readyState = 3;
    this.closedWith = code;
  }
  addEventListener(type: string, listener: (e: any) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  serverSends(frame: object) {
    for (const l of this.listeners.get('message') ?? []) l({ data: JSON.stringify(frame) });
  }
  serverCloses(code: number) {
    this.readyState = 3;
    for (const l of this.listeners.get('close') ?? []) l({ code, reason: '' });
  }
}

function harness(extra: { since?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const reasons: TokenReason[] = [];
  let n = 0;
  const client = new RealtimeClient({
    url: 'https://fieldline.test/v1/realtime',
    getToken: (reason) => {
      reasons.push(reason);
      return `token-${++n}`;
    },
    createSocket: (url, token) => {
      const s = new FakeSocket(url, token);
      sockets.push(s);
      return s;
    },
    backoff: { baseMs: 1, capMs: 2 },
    heartbeatMs: 0,
    ...extra,
  });
  const socket = async (i: number) => {
    await vi.waitFor(() => expect(sockets.length).toBeGreaterThan(i), { timeout: 2000, interval: 1 });
    return sockets[i] as FakeSocket;
  };
  return { client, sockets, reasons, socket };
}

const welcome = (seq: number, rooms = ['tenant'], presence: object[] = []) => ({
  type: 'welcome',
  seq,
  you: { userId: 'u', role: 'manager', salesmanId: null },
  rooms,
  presence,
});
const event = (seq: number) => ({
  type: 'event',
  seq,
  event: {
    type: 'customer:created',
    entityType: 'customer',
    entityId: `c${seq}`,
    actorId: null,
    payload: {},
    createdAt: '',
  },
});

describe('realtime client over a fake socket', () => {
  it('resumes from the last seq, drops duplicates, rejoins rooms and surfaces resync', async () => {
    const { client, socket } = harness();
    const seqs: number[] = [];
    const resyncs: number[] = [];
    client.on('event', (f) => seqs.push(f.seq));
    client.on('resync', (f) => resyncs.push(f.seq));
    client.connect();
    const first = await socket(0);
    expect(new URL(first.url).searchParams.has('since')).toBe(false);
    expect(client.subscribe('chat:team')).toBe(false); // not open yet: remembered for the welcome
    first.serverSends(welcome(5));
    expect(first.sent).toEqual([{ type: 'subscribe', room: 'chat:team' }]);
    first.serverSends(event(6));
    first.serverSends(event(6));
    first.serverSends(event(7));
    first.serverCloses(1006);

    const second = await socket(1);
    expect(new URL(second.url).searchParams.get('since')).toBe('7');
    second.serverSends(welcome(9));
    expect(second.sent).toEqual([{ type: 'subscribe', room: 'chat:team' }]);
    for (const s of [7, 8, 9, 10]) second.serverSends(event(s));
    second.serverSends({ type: 'resync', seq: 20, reason: 'gone' });
    second.serverSends(event(20));
    second.serverSends(event(21));
    expect(seqs).toEqual([6, 7, 8, 9, 10, 21]);
    expect(resyncs).toEqual([20]);
    expect(client.lastSeq).toBe(21);
    client.close();
    expect(second.closedWith).toBe(1000);
    expect(client.state).toBe('closed');
  });

  it('starts from a position the app already has', async () => {
    const { client, socket } = harness({ since: 12 });
    const seqs: number[] = [];
    client.on('event', (f) => seqs.push(f.seq));
    client.connect();
    const first = await socket(0);
    expect(new URL(first.url).searchParams.get('since')).toBe('12');
    first.serverSends(welcome(14));
    for (const s of [12, 13, 14]) first.serverSends(event(s));
    expect(seqs).toEqual([13, 14]);
    client.close();
  });

  it('asks for a fresh token after 4001, waits long after 1008 and stops after 4003', async () => {
    const { client, socket, reasons } = harness();
    const states: { state: string; code?: number; retryInMs?: number }[] = [];
    client.onState((s) => states.push(s));
    client.connect();
    (await socket(0)).serverCloses(4001);
    const second = await socket(1);
    expect(reasons).toEqual(['connect', 'rejected']);
    expect(second.token).toBe('token-2');
    second.serverCloses(1008);
    const waiting = states.at(-1);
    expect(waiting).toMatchObject({ state: 'waiting', code: 1008 });
    expect(waiting?.retryInMs).toBeGreaterThanOrEqual(DEFAULT_BACKOFF.policyMinMs);
    client.close();

    const other = harness();
    other.client.connect();
    (await other.socket(0)).serverCloses(4003);
    expect(other.client.state).toBe('closed');
    await new Promise((r) => setTimeout(r, 20));
    expect(other.sockets).toHaveLength(1);
  });

  it('keeps presence from the welcome and diffs, and reports changes missed while away', async () => {
    const { client, socket } = harness();
    const seen: string[] = [];
    client.onPresence((changes) => seen.push(...changes.map((c) => `${c.salesmanId}:${c.status}`)));
    client.connect();
    const first = await socket(0);
    first.serverSends(welcome(1, ['tenant'], [{ salesmanId: 's1', status: 'online', since: 1 }]));
    first.serverSends({ type: 'presence', changes: [{ salesmanId: 's2', status: 'online', since: 2 }] });
    expect(Object.fromEntries(client.presence)).toEqual({ s1: 'online', s2: 'online' });
    first.serverCloses(1011);
    const second = await socket(1);
    second.serverSends(
      welcome(
        1,
        ['tenant'],
        [
          { salesmanId: 's1', status: 'online', since: 1 },
          { salesmanId: 's2', status: 'offline', since: 3 },
        ],
      ),
    );
    expect(seen).toEqual(['s1:online', 's2:online', 's2:offline']);
    client.close();
  });
});
