import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_BACKOFF } from '../src/backoff.js';
import { RealtimeClient, type TokenReason, type WebSocketLike } from '../src/realtime-client.js';

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
