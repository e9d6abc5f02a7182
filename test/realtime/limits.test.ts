import { evictDurableObject } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { MAX_FRAME_BYTES } from '@fieldline/client/protocol';
import { describe, expect, it } from 'vitest';
import { createCustomer, createTenant } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';
import { connect, realtimeRequest } from '../helpers/ws';
import { hubOf, inHub, isError, isEvent, nextOrAlarm } from './support';

const welcomed = async (token: string) => {
  const socket = await connect(token);
  await socket.next((f) => f.type === 'welcome');
  return socket;
};

describe('realtime limits', () => {
  it('answers every kind of bad frame with the right error code and keeps the socket usable', async () => {
    const t = await createTenant();
    const socket = await welcomed(t.token);
    const cases: [string, () => void][] = [
      ['UNSUPPORTED_FRAME', () => socket.sendBinary(new TextEncoder().encode('{"type":"ping"}'))],
      ['BAD_FRAME', () => socket.send('not json')],
      ['BAD_FRAME', () => socket.send('{"type":')],
      ['BAD_FRAME', () => socket.send('42')],
      ['BAD_FRAME', () => socket.send('null')],
      ['BAD_FRAME', () => socket.send('[{"type":"ping"}]')],
      ['BAD_FRAME', () => socket.send({ room: 'tenant' })],
      ['BAD_FRAME', () => socket.send({ type: 7 })],
      ['UNKNOWN_TYPE', () => socket.send({ type: 'shutdown' })],
      ['UNKNOWN_TYPE', () => socket.send({ type: 'constructor' })],
      ['FRAME_TOO_LARGE', () => socket.send({ type: 'chat', room: 'chat:x', text: 'x'.repeat(MAX_FRAME_BYTES) })],
      // 3000 characters but 9000 UTF-8 bytes: the limit is on bytes.
      ['FRAME_TOO_LARGE', () => socket.send({ type: 'chat', room: 'chat:x', text: '€'.repeat(3000) })],
      ['INVALID_MESSAGE', () => socket.send({ type: 'subscribe' })],
      ['INVALID_MESSAGE', () => socket.send({ type: 'subscribe', room: 'tenant', extra: true })],
      ['INVALID_MESSAGE', () => socket.send({ type: 'chat', room: 'chat:x', text: '' })],
      ['INVALID_MESSAGE', () => socket.send({ type: 'ping', id: 'x'.repeat(65) })],
      ['INVALID_MESSAGE', () => socket.send({ type: 'notify', title: 'x', body: 'y', salesmanId: 'nope' })],
    ];
    for (const [, send] of cases) send();
    socket.send({ type: 'ping', id: 'alive' });
    await socket.next((f) => f.type === 'pong');
    const errors = socket.frames.filter((f) => f.type === 'error');
    expect(errors.map((e) => e.code)).toEqual(cases.map(([code]) => code));
    expect(errors.every((e) => typeof e.message === 'string' && e.message.length > 0)).toBe(true);
    expect(errors.find((e) => e.code === 'INVALID_MESSAGE')).toMatchObject({ ref: 'subscribe' });
    expect(socket.frames.at(-1)).toEqual({ type: 'pong', id: 'alive', ts: expect.any(Number) });
    socket.close();
  });

  it('answers the bare heartbeat without waking the hub’s handlers', async () => {
    const t = await createTenant();
    const socket = await welcomed(t.token);
    socket.send('{"type":"ping"}');
    expect(await socket.next((f) => f.type === 'pong')).toEqual({ type: 'pong' });
    socket.close();
  });

  it('answers a flood with RATE_LIMITED, then closes it with 1008, and keeps serving the others', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const dashboard = await welcomed(t.token);
    const flooder = await welcomed(rep.token);
    for (let i = 0; i < 200; i++) flooder.send({ type: 'ping', id: String(i) });

    expect(await flooder.closed).toMatchObject({ code: 1008 });
    const limited = flooder.frames.filter(isError('RATE_LIMITED'));
    const pongs = flooder.frames.filter((f) => f.type === 'pong');
    expect(limited.length).toBeGreaterThan(0);
    // The burst allowance passes, refused messages are answered until the strikes run out: never all 200.
    expect(pongs.length).toBeGreaterThanOrEqual(30);
    expect(pongs.length + limited.length).toBeLessThan(200);

    dashboard.send({ type: 'ping', id: 'calm' });
    expect(await dashboard.next((f) => f.type === 'pong')).toMatchObject({ id: 'calm' });
    const customer = await createCustomer(t.token);
    await nextOrAlarm(dashboard, t.tenantId, isEvent('customer:created', customer.id));
    const again = await welcomed(rep.token);
    again.send({ type: 'ping', id: 'fresh bucket' });
    expect(await again.next((f) => f.type === 'pong')).toMatchObject({ id: 'fresh bucket' });
    again.close();
    dashboard.close();
  });

  it('answers 429 problem+json when the tenant has REALTIME_MAX_SOCKETS open', async () => {
    const t = await createTenant();
    const first = await welcomed(t.token);
    // Lower the limit on this tenant's hub instance only (its config is rebuilt on the next start).
    await inHub(t.tenantId, (hub) => {
      hub.config = { ...hub.config, REALTIME_MAX_SOCKETS: 2 };
    });
    const second = await welcomed(t.token);
    const res = await exports.default.fetch(realtimeRequest(t.token));
    expect(res.status).toBe(429);
    expect(res.webSocket).toBeNull();
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });

    // A slot frees up when a socket closes.
    second.close(1000);
    await second.closed;
    const third = await welcomed(t.token);
    third.close();
    first.close();
    await evictDurableObject(hubOf(t.tenantId));
  });

  it('caps the sockets of one user or API key below the tenant cap, so one principal cannot lock out the rest', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const created = await answered(
      rest(t.token).POST('/v1/api-keys', { body: { name: 'Feed', scopes: ['events:read'] } }),
    );
    const feedKey = created.body.secret as string;
    await inHub(t.tenantId, (hub) => {
      hub.config = { ...hub.config, REALTIME_MAX_SOCKETS: 5, REALTIME_MAX_SOCKETS_PER_PRINCIPAL: 2 };
    });
    const refusedAs = async (token: string) => {
      const res = await exports.default.fetch(realtimeRequest(token));
      expect(res.webSocket).toBeNull();
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('retry-after')).toBe('30');
      return { status: res.status, body: (await res.json()) as { code: string; status: number } };
    };

    // The salesman's phone reconnecting in a loop (or a script) opens what it may, and no more.
    const phones = [await welcomed(rep.token), await welcomed(rep.token)];
    expect(await refusedAs(rep.token)).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED', status: 429 } });
    // An API key counts on its own, not against the user who created it.
    const feeds = [await welcomed(feedKey), await welcomed(feedKey)];
    expect(await refusedAs(feedKey)).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    // The manager's dashboard still gets in.
    const dashboard = await welcomed(t.token);
    expect((await dashboard.next((f) => f.type === 'welcome')).you.userId).toBe(t.ownerId);

    // A slot of the salesman's frees up when one of his sockets closes.
    phones[0]?.close(1000);
    await phones[0]?.closed;
    phones[0] = await welcomed(rep.token);
    for (const s of [...phones, ...feeds, dashboard]) s.close();
    await evictDurableObject(hubOf(t.tenantId));
  });
});
