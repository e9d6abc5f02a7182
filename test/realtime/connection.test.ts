import { exports } from 'cloudflare:workers';
import type { components } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { createSalesmanUser, createTerritory } from '../helpers/field-factories';
import { forgeAccessToken, nowSeconds as nowSec } from '../helpers/jwt';
import { answered, rest } from '../helpers/rest';
import { connect, realtimeRequest } from '../helpers/ws';
import { inHub, isError, runAlarm } from './support';

/** The owner's access token, expiring at `exp` (seconds). */
const ownerToken = (t: TestTenant, exp: number) =>
  forgeAccessToken({ tenantId: t.tenantId, userId: t.ownerId }, { exp });

/** An upgrade request answered without a socket, decoded like the REST helper does. */
async function refused(request: Request) {
  const res = await exports.default.fetch(request);
  expect(res.webSocket).toBeNull();
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return { status: res.status, body: (await res.json()) as { code: string; detail: string } };
}

describe('realtime connection', () => {
  it('answers a plain GET (no upgrade) with 400', async () => {
    const t = await createTenant();
    // Untyped: the socket's route is not in the OpenAPI document.
    const res = await api('GET', '/v1/realtime', undefined, { token: t.token });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BAD_REQUEST');
  });

  it('refuses a missing, malformed, forged or expired token with 401 before the upgrade', async () => {
    const t = await createTenant();
    const noCredential = new Request('https://fieldline.test/v1/realtime', { headers: { upgrade: 'websocket' } });
    const expired = await ownerToken(t, nowSec() - 60);
    const forged = `${t.token.slice(0, -4)}AAAA`;
    for (const [label, request] of [
      ['none', noCredential],
      ['garbage', realtimeRequest('not-a-jwt')],
      ['forged signature', realtimeRequest(forged)],
      ['expired', realtimeRequest(expired)],
      ['expired via query', realtimeRequest(expired, { viaQuery: true })],
    ] as const) {
      const { status, body } = await refused(request);
      expect(status, label).toBe(401);
      expect(body.code, label).toBe('UNAUTHENTICATED');
    }
  });

  it('reads the credential like every route: one Bearer token, else X-API-Key, else access_token', async () => {
    const t = await createTenant();
    const upgrade = (headers: Record<string, string>, query = '') =>
      new Request(`https://fieldline.test/v1/realtime${query}`, { headers: { upgrade: 'websocket', ...headers } });
    const viaQuery = `?access_token=${t.token}`;
    for (const [label, request] of [
      ['trailing junk', upgrade({ authorization: `Bearer ${t.token} junk` })],
      ['two tokens', upgrade({ authorization: `Bearer ${t.token} ${t.token}` })],
      // A header of another scheme is refused, not skipped in favour of the query.
      ['other scheme + query', upgrade({ authorization: `Token ${t.token}` }, viaQuery)],
      ['Basic + query', upgrade({ authorization: `Basic ${btoa('a:b')}` }, viaQuery)],
      ['bare Bearer + query', upgrade({ authorization: 'Bearer' }, viaQuery)],
    ] as const) {
      const { status, body } = await refused(request);
      expect(status, label).toBe(401);
      expect(body, label).toMatchObject({
        code: 'UNAUTHENTICATED',
        detail: 'Authorization header must be "Bearer <token>"',
      });
    }
    const key = await answered(rest(t.token).POST('/v1/api-keys', { body: { name: 'rt', scopes: ['events:read'] } }));
    for (const [label, request] of [
      ['bearer, lower case', upgrade({ authorization: `bearer ${t.token}` })],
      ['query', upgrade({}, viaQuery)],
      ['X-API-Key', upgrade({ 'x-api-key': key.body.secret })],
    ] as const) {
      const res = await exports.default.fetch(request);
      expect(res.status, label).toBe(101);
      res.webSocket?.accept();
      res.webSocket?.close(1000);
    }
  });

  it('refuses a malformed since with 400', async () => {
    const t = await createTenant();
    const url = new URL(realtimeRequest(t.token).url);
    url.searchParams.set('since', '-1');
    const { status, body } = await refused(
      new Request(url, { headers: { upgrade: 'websocket', authorization: `Bearer ${t.token}` } }),
    );
    expect(status).toBe(400);
    expect(body.code).toBe('VALIDATION_FAILED');
  });

  it('welcomes a manager with the seq, who he is, the tenant room and presence', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const phone = await connect(rep.token);
    await phone.next((f) => f.type === 'welcome');

    const dashboard = await connect(t.token, { viaQuery: true });
    const welcome = await dashboard.next((f) => f.type === 'welcome');
    expect(welcome).toEqual({
      type: 'welcome',
      seq: expect.any(Number),
      you: { userId: t.ownerId, role: 'owner', salesmanId: null },
      rooms: ['tenant', `user:${t.ownerId}`],
      presence: [{ salesmanId: rep.salesmanId, status: 'online', since: expect.any(Number) }],
    });
    expect(welcome.seq).toBeGreaterThan(0);
    dashboard.close();
    phone.close();
  });

  it('welcomes a salesman in his own room and his territory’s, without the team’s presence', async () => {
    const t = await createTenant();
    const territory = await createTerritory(t.token);
    const rep = await createSalesmanUser(t, { territoryId: territory.id });
    const other = await createSalesmanUser(t);
    const otherPhone = await connect(other.token);
    await otherPhone.next((f) => f.type === 'welcome');

    const phone = await connect(rep.token);
    const welcome = await phone.next((f) => f.type === 'welcome');
    expect(welcome.you).toEqual({ userId: rep.userId, role: 'salesman', salesmanId: rep.salesmanId });
    expect(welcome.rooms).toEqual([`user:${rep.userId}`, `salesman:${rep.salesmanId}`, `territory:${territory.id}`]);
    expect(welcome.presence).toEqual([]);
    phone.close();
    otherPhone.close();
  });

  it('lets an API key with events:read connect as an integration, and refuses one without', async () => {
    const t = await createTenant();
    const key = async (scopes: components['schemas']['CreateApiKey']['scopes']) =>
      (await answered(rest(t.token).POST('/v1/api-keys', { body: { name: 'Feed', scopes } }))).body.secret;
    const feed = await connect(await key(['events:read']));
    const welcome = await feed.next((f) => f.type === 'welcome');
    expect(welcome.you.role).toBe('integration');
    expect(welcome.rooms).toEqual(['tenant']);
    feed.close();

    const { status, body } = await refused(realtimeRequest(await key(['customers:read'])));
    expect(status).toBe(403);
    expect(body.code).toBe('FORBIDDEN');
  });

  it('closes a socket whose token has expired with 4001 on its next message', async () => {
    const t = await createTenant();
    // Two seconds past expiry is still inside the verifier's clock tolerance, so the upgrade succeeds.
    const token = await ownerToken(t, nowSec() - 2);
    const socket = await connect(token);
    await socket.next((f) => f.type === 'welcome');
    socket.send({ type: 'ping', id: 'late' });
    expect(await socket.closed).toMatchObject({ code: 4001 });
    expect(socket.frames.some((f) => f.type === 'pong')).toBe(false);
  });

  it('closes an expired socket with 4001 when the alarm runs, and leaves valid ones open', async () => {
    const t = await createTenant();
    const token = await ownerToken(t, nowSec() - 2);
    const expiring = await connect(token);
    await expiring.next((f) => f.type === 'welcome');
    const valid = await connect(t.token);
    await valid.next((f) => f.type === 'welcome');

    expect(await runAlarm(t.tenantId)).toBe(true);
    expect(await expiring.closed).toMatchObject({ code: 4001 });
    valid.send({ type: 'ping', id: 'still-here' });
    expect(await valid.next((f) => f.type === 'pong')).toMatchObject({ id: 'still-here' });
    valid.close();
  });

  it('extends a socket’s life with a fresh token, and refuses a token of someone else', async () => {
    const t = await createTenant();
    const viewer = await createUserWithRole(t, 'viewer');
    const shortLived = await ownerToken(t, nowSec() + 60);
    const socket = await connect(shortLived);
    await socket.next((f) => f.type === 'welcome');

    socket.send({ type: 'auth', token: viewer.token });
    expect(await socket.next(isError('UNAUTHENTICATED'))).toMatchObject({ ref: 'auth' });
    socket.send({ type: 'auth', token: 'garbage' });
    expect(await socket.collect(isError('UNAUTHENTICATED'), 2)).toHaveLength(2);

    const exp = nowSec() + 900;
    const fresh = await ownerToken(t, exp);
    socket.send({ type: 'auth', token: fresh });
    expect(await socket.next((f) => f.type === 'authenticated')).toEqual({
      type: 'authenticated',
      expiresAt: exp * 1000,
    });
    const stored = await inHub(t.tenantId, (_hub, state) =>
      state.getWebSockets().map((ws) => (ws.deserializeAttachment() as { who: { expiresAt: number } }).who.expiresAt),
    );
    expect(stored).toEqual([exp * 1000]);
    socket.close();
  });
});
