import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole, DEFAULT_PASSWORD, loginAs, unique } from '../helpers/factories';

const newUser = (role: string) => ({
  email: `${role}-${unique()}@example.test`,
  name: `New ${role}`,
  role,
  password: DEFAULT_PASSWORD,
});

describe('users', () => {
  it('lets owners and admins create users, and nobody else', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    for (const token of [t.token, admin.token]) {
      const res = await api('POST', '/v1/users', newUser('manager'), { token });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ role: 'manager', active: true, lastLoginAt: null });
      expect(res.body).not.toHaveProperty('passwordHash');
    }
    for (const role of ['manager', 'salesman', 'viewer'] as const) {
      const u = await createUserWithRole(t, role);
      const res = await api('POST', '/v1/users', newUser('viewer'), { token: u.token });
      expect(res.status, role).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });

  it('keeps admins from creating or promoting owners', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    const owner = await api('POST', '/v1/users', newUser('owner'), { token: admin.token });
    expect(owner.status).toBe(403);
    const peer = await api('POST', '/v1/users', newUser('admin'), { token: admin.token });
    expect(peer.status).toBe(201);

    const viewer = await createUserWithRole(t, 'viewer');
    const promote = await api('PATCH', `/v1/users/${viewer.id}`, { role: 'owner' }, { token: admin.token });
    expect(promote.status).toBe(403);
    // Nor may an admin demote or deactivate the owner above them.
    expect((await api('PATCH', `/v1/users/${t.ownerId}`, { role: 'viewer' }, { token: admin.token })).status).toBe(403);
    expect((await api('POST', `/v1/users/${t.ownerId}/deactivate`, undefined, { token: admin.token })).status).toBe(
      403,
    );
    expect((await api('PATCH', `/v1/users/${t.ownerId}`, { name: 'Renamed' }, { token: admin.token })).status).toBe(
      403,
    );
    const ownerNow = await api('GET', `/v1/users/${t.ownerId}`, undefined, { token: t.token });
    expect(ownerNow.body).toMatchObject({ role: 'owner', active: true, name: 'Olive Owner', version: 1 });

    // The owner may create another owner.
    expect((await api('POST', '/v1/users', newUser('owner'), { token: t.token })).status).toBe(201);
  });

  it('never lets anyone change their own role or deactivate themselves', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    for (const [id, token] of [
      [t.ownerId, t.token],
      [admin.id, admin.token],
    ] as const) {
      const demote = await api('PATCH', `/v1/users/${id}`, { role: 'viewer' }, { token });
      expect(demote.status).toBe(403);
      const off = await api('PATCH', `/v1/users/${id}`, { active: false }, { token });
      expect(off.status).toBe(403);
      const deactivate = await api('POST', `/v1/users/${id}/deactivate`, undefined, { token });
      expect(deactivate.status).toBe(403);
    }
    const adminNow = await api('GET', `/v1/users/${admin.id}`, undefined, { token: t.token });
    expect(adminNow.body).toMatchObject({ role: 'admin', active: true, version: 1 });
    // Renaming oneself is fine.
    const renamed = await api('PATCH', `/v1/users/${admin.id}`, { name: 'Ada Admin' }, { token: admin.token });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Ada Admin', role: 'admin', version: 2 });
  });

  it('revokes the refresh tokens of a user whose role changes', async () => {
    const t = await createTenant();
    const salesman = await createUserWithRole(t, 'salesman');
    const session = await api('POST', '/v1/auth/login', {
      email: salesman.email,
      password: DEFAULT_PASSWORD,
      tenantId: t.tenantId,
    });
    expect(session.status).toBe(200);
    const other = await createUserWithRole(t, 'viewer');
    const otherSession = await api('POST', '/v1/auth/login', {
      email: other.email,
      password: DEFAULT_PASSWORD,
      tenantId: t.tenantId,
    });

    const changed = await api('PATCH', `/v1/users/${salesman.id}`, { role: 'manager' }, { token: t.token });
    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe('manager');

    const refreshed = await api('POST', '/v1/auth/refresh', { refreshToken: session.body.refreshToken });
    expect(refreshed.status).toBe(401);
    // Someone else's sessions are untouched.
    expect((await api('POST', '/v1/auth/refresh', { refreshToken: otherSession.body.refreshToken })).status).toBe(200);
    // A rename alone does not sign anyone out.
    const fresh = await api('POST', '/v1/auth/login', {
      email: salesman.email,
      password: DEFAULT_PASSWORD,
      tenantId: t.tenantId,
    });
    await api('PATCH', `/v1/users/${salesman.id}`, { name: 'Renamed' }, { token: t.token });
    expect((await api('POST', '/v1/auth/refresh', { refreshToken: fresh.body.refreshToken })).status).toBe(200);
  });

  it('serves GET /v1/users/me to every role', async () => {
    const t = await createTenant();
    const owner = await api('GET', '/v1/users/me', undefined, { token: t.token });
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ id: t.ownerId, role: 'owner', email: t.ownerEmail });
    for (const role of ['admin', 'manager', 'salesman', 'viewer'] as const) {
      const u = await createUserWithRole(t, role);
      const me = await api('GET', '/v1/users/me', undefined, { token: u.token });
      expect(me.status, role).toBe(200);
      expect(me.body).toMatchObject({ id: u.id, role, email: u.email });
      expect(me.body).not.toHaveProperty('passwordHash');
    }
    // A salesman may read himself by id but not list colleagues.
    const s = await createUserWithRole(t, 'salesman');
    expect((await api('GET', `/v1/users/${s.id}`, undefined, { token: s.token })).status).toBe(200);
    expect((await api('GET', '/v1/users', undefined, { token: s.token })).status).toBe(403);
  });

  it('answers 404 for another tenant’s user, whatever the operation', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const victim = await createUserWithRole(a, 'viewer');
    const victimState = async () => (await api('GET', `/v1/users/${victim.id}`, undefined, { token: a.token })).body;
    const before = await victimState();
    expect(before).toMatchObject({ id: victim.id, name: 'viewer user', role: 'viewer', active: true });
    const eventsBefore = (await api('GET', '/v1/events?since=0', undefined, { token: a.token })).body.data;
    expect((await api('GET', `/v1/users/${victim.id}`, undefined, { token: b.token })).status).toBe(404);
    expect((await api('PATCH', `/v1/users/${victim.id}`, { name: 'x' }, { token: b.token })).status).toBe(404);
    expect((await api('PATCH', `/v1/users/${victim.id}`, { role: 'owner' }, { token: b.token })).status).toBe(404);
    expect((await api('POST', `/v1/users/${victim.id}/deactivate`, undefined, { token: b.token })).status).toBe(404);
    const list = await api('GET', '/v1/users', undefined, { token: b.token });
    expect(list.body.data.map((u: { id: string }) => u.id)).toEqual([b.ownerId]);
    // The victim is untouched (same name, role, state and version; nothing in A's log) and can still sign in.
    expect(await victimState()).toEqual(before);
    expect((await api('GET', '/v1/events?since=0', undefined, { token: a.token })).body.data).toEqual(eventsBefore);
    expect(await loginAs(victim.email, a.tenantId)).toBeTruthy();
  });

  it('lists and filters users with cursor pagination', async () => {
    const t = await createTenant();
    for (const role of ['manager', 'viewer', 'viewer'] as const) await createUserWithRole(t, role);
    const viewers = await api('GET', '/v1/users?role=viewer', undefined, { token: t.token });
    expect(viewers.body.data).toHaveLength(2);
    expect(viewers.body.data.every((u: { role: string }) => u.role === 'viewer')).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await api('GET', `/v1/users?limit=1&sort=email${cursor ? `&cursor=${cursor}` : ''}`, undefined, {
        token: t.token,
      });
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((u: { email: string }) => u.email));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect([...seen].sort()).toEqual(seen);

    const badRole = await api('POST', '/v1/users', { ...newUser('viewer'), role: 'god' }, { token: t.token });
    expect(badRole.status).toBe(400);
    const extra = await api('POST', '/v1/users', { ...newUser('viewer'), tenantId: 'x' }, { token: t.token });
    expect(extra.status).toBe(400);
  });

  it('records user events', async () => {
    const t = await createTenant();
    const u = await createUserWithRole(t, 'viewer');
    await api('PATCH', `/v1/users/${u.id}`, { role: 'manager' }, { token: t.token });
    await api('POST', `/v1/users/${u.id}/deactivate`, undefined, { token: t.token });
    const events = await api('GET', '/v1/events?since=0', undefined, { token: t.token });
    const mine = events.body.data.filter((e: { entityId: string }) => e.entityId === u.id);
    expect(mine.map((e: { type: string }) => e.type)).toEqual(['user:created', 'user:updated', 'user:deactivated']);
    expect(JSON.stringify(mine)).not.toContain('pbkdf2');
  });
});
