import { describe, expect, it } from 'vitest';
import { RealtimeClient, type WebSocketLike } from '../src/realtime-client.js';
import { wireSyncPokes } from '../src/sync/realtime.js';
import { setup, until } from './sync-harness.js';

class FakeSocket implements WebSocketLike {
  readyState = 1;
  sent: unknown[] = [];
  private readonly listeners = new Map<string, ((e: unknown) => void)[]>();
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  addEventListener(type: string, listener: (e: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  serverSends(frame: object) {
    for (const l of this.listeners.get('message') ?? []) l({ data: JSON.stringify(frame) });
  }
  serverCloses(code: number) {
    this.readyState = 3;
    for (const l of this.listeners.get('close') ?? []) l({ code });
  }
}

const welcome = (rooms: string[]) => ({
  type: 'welcome',
  seq: 1,
  you: { userId: 'user-1', role: 'salesman', salesmanId: 's1' },
  rooms,
  presence: [],
});

describe('sync client over the realtime socket', () => {
  it('joins the sync room, pulls on every welcome (reconnects too) and on every sync:poke', async () => {
    const { client, server } = setup();
    const sockets: FakeSocket[] = [];
    const realtime = new RealtimeClient({
      url: 'https://api.fieldline.test/v1/realtime',
      getToken: () => 'token-1',
      createSocket: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      backoff: { baseMs: 1, capMs: 2 },
      heartbeatMs: 0,
    });
    const unwire = wireSyncPokes(client, realtime);
    await client.start();
    expect(server.pulls).toHaveLength(1);

    realtime.connect();
    await until(() => expect(sockets).toHaveLength(1));
    const first = sockets[0] as FakeSocket;
    first.serverSends(welcome([]));
    expect(first.sent).toEqual([{ type: 'subscribe', room: 'sync' }]);
    await until(() => expect(server.pulls).toHaveLength(2));

    server.write('customer', 'c1', { name: 'Acme' });
    first.serverSends({ type: 'sync:poke', seq: 2 });
    await until(() => expect(client.get('customer', 'c1')).toBeDefined());
    expect(server.pulls).toHaveLength(3);

    first.serverCloses(1006);
    await until(() => expect(sockets).toHaveLength(2));
    const second = sockets[1] as FakeSocket;
    second.serverSends(welcome(['sync'])); // the room is rejoined by the hub; pokes sent meanwhile are lost
    await until(() => expect(server.pulls).toHaveLength(4));

    unwire();
    expect(second.sent).toContainEqual({ type: 'unsubscribe', room: 'sync' });
    second.serverSends({ type: 'sync:poke', seq: 3 });
    await new Promise((r) => setTimeout(r, 10));
    expect(server.pulls).toHaveLength(4);
    realtime.close();
    client.stop();
  });
});
