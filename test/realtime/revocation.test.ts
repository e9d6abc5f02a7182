import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import { connect, realtimeRequest, type TestSocket } from '../helpers/ws';
import { runAlarm } from './support';

/**
 * The close code of `socket`; if the hand-off after the REST write has not closed it in a moment, the hub's
 * alarm (its catch-up fallback) runs first.
 */
async function closeCode(socket: TestSocket, tenantId: string): Promise<number> {
  const soon = await Promise.race([socket.closed, new Promise<null>((r) => setTimeout(() => r(null), 1500))]);
  if (soon) return soon.code;
  await runAlarm(tenantId);
  return (await socket.closed).code;
}

async function welcomed(token: string) {
  const socket = await connect(token);
  await socket.next((f) => f.type === 'welcome');
  return socket;
}

describe('realtime access revocation', () => {
  it('closes a deactivated user’s sockets with 4003 and refuses his still-valid token afterwards', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    const socket = await welcomed(manager.token);
    const bystander = await welcomed(t.token);

    const res = await answered(
      rest(t.token).PATCH('/v1/users/{id}', { params: { path: { id: manager.id } }, body: { active: false } }),
    );
    expect(res.status).toBe(200);
    expect(await closeCode(socket, t.tenantId)).toBe(4003);

    // The access token has not expired, but opening a socket re-reads the user.
    const again = await exports.default.fetch(realtimeRequest(manager.token));
    expect(again.webSocket).toBeNull();
    expect(again.status).toBe(401);
    expect(((await again.json()) as { code: string }).code).toBe('UNAUTHENTICATED');

    bystander.send({ type: 'ping', id: 'still-here' });
    expect(await bystander.next((f) => f.type === 'pong')).toMatchObject({ id: 'still-here' });
    bystander.close();
  });

  it('closes the sockets of a user whose role changed, and keeps them open on a rename', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    const socket = await welcomed(manager.token);

    await answered(
      rest(t.token).PATCH('/v1/users/{id}', {
        params: { path: { id: manager.id } },
        body: { name: 'Renamed manager' },
      }),
    );
    await runAlarm(t.tenantId);
    socket.send({ type: 'ping', id: 'after-rename' });
    expect(await socket.next((f) => f.type === 'pong')).toMatchObject({ id: 'after-rename' });

    const res = await answered(
      rest(t.token).PATCH('/v1/users/{id}', { params: { path: { id: manager.id } }, body: { role: 'viewer' } }),
    );
    expect(res.status).toBe(200);
    expect(await closeCode(socket, t.tenantId)).toBe(4003);
    const again = await exports.default.fetch(realtimeRequest(manager.token));
    expect(again.status).toBe(401);
  });

  it('closes the sockets of a revoked API key with 4003', async () => {
    const t = await createTenant();
    const created = await answered(
      rest(t.token).POST('/v1/api-keys', { body: { name: 'Feed', scopes: ['events:read'] } }),
    );
    const feed = await welcomed(created.body.secret as string);

    const res = await answered(
      rest(t.token).POST('/v1/api-keys/{id}/revoke', { params: { path: { id: created.body.apiKey.id } } }),
    );
    expect(res.status).toBe(200);
    expect(await closeCode(feed, t.tenantId)).toBe(4003);
    const again = await exports.default.fetch(realtimeRequest(created.body.secret as string));
    expect(again.status).toBe(401);
  });

  it('closes the sockets of an API key when its owner is deactivated or re-roled, not on a rename', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    const created = await answered(
      rest(admin.token).POST('/v1/api-keys', { body: { name: 'Feed', scopes: ['events:read'] } }),
    );
    const secret = created.body.secret as string;
    const feed = await welcomed(secret);

    await answered(
      rest(t.token).PATCH('/v1/users/{id}', { params: { path: { id: admin.id } }, body: { name: 'Renamed admin' } }),
    );
    await runAlarm(t.tenantId);
    feed.send({ type: 'ping', id: 'after-rename' });
    expect(await feed.next((f) => f.type === 'pong')).toMatchObject({ id: 'after-rename' });

    await answered(
      rest(t.token).PATCH('/v1/users/{id}', { params: { path: { id: admin.id } }, body: { role: 'manager' } }),
    );
    expect(await closeCode(feed, t.tenantId)).toBe(4003);

    const again = await welcomed(secret);
    const res = await answered(
      rest(t.token).PATCH('/v1/users/{id}', { params: { path: { id: admin.id } }, body: { active: false } }),
    );
    expect(res.status).toBe(200);
    expect(await closeCode(again, t.tenantId)).toBe(4003);
    expect((await exports.default.fetch(realtimeRequest(secret))).status).toBe(401);
  });
});
