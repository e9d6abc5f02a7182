import { runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { RealtimeClient, type ServerMessage, type TokenReason, type WebSocketFactory } from '@fieldline/client';
import { describe, expect, it, vi } from 'vitest';
import type { TenantHub } from '../../src/durable/tenant-hub';
import { createCustomer, createTenant, loginAs } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';

const URL_ = 'https://fieldline.test/v1/realtime';

/**
 * Opens sockets through the Worker's in-process fetch (header auth). While `hold` is set, new connections
 * wait for it, so a test can change the world while a client is disconnected.
 */
function gatedFactory() {
  const gate = { hold: null as Promise<void> | null, opened: 0 };
  const factory: WebSocketFactory = async (url, token) => {
    if (gate.hold) await gate.hold;
    const res = await exports.default.fetch(
      new Request(url, { headers: { upgrade: 'websocket', authorization: `Bearer ${token}` } }),
    );
    const ws = res.webSocket;
    if (!ws) throw new Error(`upgrade refused: ${res.status}`);
    ws.accept();
    gate.opened += 1;
    return ws;
  };
  return { gate, factory };
}

function recorder(client: RealtimeClient) {
  const frames: ServerMessage[] = [];
  for (const type of ['welcome', 'event', 'resync', 'locations', 'chat', 'subscribed', 'authenticated'] as const) {
    client.on(type, (f) => frames.push(f));
  }
  /** The first frame (already received or future) matching `predicate`. */
  const until = async <T extends ServerMessage = ServerMessage>(predicate: (f: ServerMessage) => boolean) => {
    await vi.waitFor(() => expect(frames.some(predicate)).toBe(true), { timeout: 5000, interval: 10 });
    return frames.find(predicate) as T;
  };
  return { frames, until };
}

const hubOf = (tenantId: string) =>
  env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId)) as DurableObjectStub<TenantHub>;

/** Closes, from the hub's side, every socket of one principal. */
const dropSockets = (tenantId: string, principalId: string, code: number) =>
  runInDurableObject(hubOf(tenantId), async (_hub: TenantHub, state) => {
    const sockets = state.getWebSockets(`principal:${principalId}`);
    for (const ws of sockets) ws.close(code, 'dropped by test');
    return sockets.length;
  });

const isEvent = (f: ServerMessage): f is Extract<ServerMessage, { type: 'event' }> => f.type === 'event';
const customerEvent = (id: string) => (f: ServerMessage) => isEvent(f) && f.event.entityId === id;

describe('realtime client against the tenant hub', () => {
  it('receives live locations, and resumes after a dropped socket with no gap, duplicate or lost room', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const { gate, factory } = gatedFactory();
    const dashboard = new RealtimeClient({
      url: URL_,
      getToken: () => t.token,
      createSocket: factory,
      backoff: { baseMs: 10, capMs: 50 },
      heartbeatMs: 0,
    });
    const seen = recorder(dashboard);
    dashboard.connect();
    const welcome = await seen.until<Extract<ServerMessage, { type: 'welcome' }>>((f) => f.type === 'welcome');
    dashboard.subscribe('chat:ops');
    await seen.until((f) => f.type === 'subscribed' && f.room === 'chat:ops');

    const phone = new RealtimeClient({ url: URL_, getToken: () => rep.token, createSocket: factory, heartbeatMs: 0 });
    phone.connect();
    phone.subscribe('chat:ops');
    await vi.waitFor(() => expect(dashboard.presence.get(rep.salesmanId)).toBe('online'));
    expect(phone.location({ lat: 52.52, lng: 13.405, accuracy: 8 })).toBe(true);
    await seen.until((f) => f.type === 'locations' && f.locations.some((l) => l.salesmanId === rep.salesmanId));

    const before = await createCustomer(t.token);
    await seen.until(customerEvent(before.id));

    // The hub drops the dashboard; while it is away, two more events happen.
    let release!: () => void;
    gate.hold = new Promise((r) => {
      release = r;
    });
    expect(await dropSockets(t.tenantId, t.ownerId, 1012)).toBe(1);
    await vi.waitFor(() => expect(dashboard.state).toBe('connecting'));
    const missed = [await createCustomer(t.token), await createCustomer(t.token)];
    gate.hold = null;
    release();

    for (const c of missed) await seen.until(customerEvent(c.id));
    expect(dashboard.state).toBe('open');
    const after = await createCustomer(t.token);
    await seen.until(customerEvent(after.id));

    const events = seen.frames.filter(isEvent);
    const seqs = events.map((e) => e.seq);
    // Every event of the tenant exactly once, in order: a contiguous run after the first welcome.
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => welcome.seq + 1 + i));
    expect(events.filter((e) => e.event.entityType === 'customer').map((e) => e.event.entityId)).toEqual([
      before.id,
      ...missed.map((c) => c.id),
      after.id,
    ]);
    expect(seen.frames.filter((f) => f.type === 'resync')).toEqual([]);
    expect(dashboard.lastSeq).toBe(seqs.at(-1));

    // The chat room joined before the drop was rejoined, and GPS still flows.
    expect(dashboard.rooms).toContain('chat:ops');
    phone.send({ type: 'chat', room: 'chat:ops', text: 'back?' });
    await seen.until((f) => f.type === 'chat' && f.text === 'back?');
    const count = seen.frames.filter((f) => f.type === 'locations').length;
    phone.location({ lat: 52.53, lng: 13.41, accuracy: 5 });
    await vi.waitFor(() => expect(seen.frames.filter((f) => f.type === 'locations').length).toBe(count + 1), {
      timeout: 5000,
    });
    dashboard.close();
    phone.close();
  });

  it('asks for a fresh token when the hub closes with 4001, and renews it on the open socket before expiry', async () => {
    const t = await createTenant();
    const reasons: TokenReason[] = [];
    const { factory } = gatedFactory();
    const client = new RealtimeClient({
      url: URL_,
      getToken: async (reason) => {
        reasons.push(reason);
        return reason === 'connect' ? t.token : loginAs(t.ownerEmail, t.tenantId);
      },
      createSocket: factory,
      // Tokens live 15 minutes; asking 899 s early renews about a second after connecting.
      refreshBeforeExpiryMs: 899_000,
      heartbeatMs: 0,
    });
    const seen = recorder(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));
    await dropSockets(t.tenantId, t.ownerId, 4001);
    await vi.waitFor(() => expect(seen.frames.filter((f) => f.type === 'welcome')).toHaveLength(2));
    expect(reasons.slice(0, 2)).toEqual(['connect', 'rejected']);

    const renewed = await seen.until<Extract<ServerMessage, { type: 'authenticated' }>>(
      (f) => f.type === 'authenticated',
    );
    expect(reasons).toContain('expiring');
    expect(renewed.expiresAt).toBeGreaterThan(Date.now());
    expect(client.state).toBe('open');
    client.close();
  });
});
