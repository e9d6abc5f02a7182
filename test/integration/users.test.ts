import type { components, paths } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import {
  createTenant,
  createUserWithRole,
  DEFAULT_PASSWORD,
  loginAs,
  type TestTenant,
  unique,
} from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

type Role = components['schemas']['CreateUser']['role'];
type UsersQuery = NonNullable<paths['/v1/users']['get']['parameters']['query']>;

const createUser = (token: string, body: components['schemas']['CreateUser']) =>
  answered(rest(token).POST('/v1/users', { body }));
const events = (t: TestTenant) => answered(rest(t.token).GET('/v1/events', { params: { query: { since: 0 } } }));

const newUser = (role: Role) => ({
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
      const res = await createUser(token, newUser('manager'));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ role: 'manager', active: true, lastLoginAt: null });
      expect(res.body).not.toHaveProperty('passwordHash');
    }
    for (const role of ['manager', 'salesman', 'viewer'] as const) {
      const u = await createUserWithRole(t, role);
      const res = await createUser(u.token, newUser('viewer'));
      expect(res.status, role).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });

  it('keeps admins from creating or promoting owners', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    const owner = await createUser(admin.token, newUser('owner'));
    expect(owner.status).toBe(403);
    const peer = await createUser(admin.token, newUser('admin'));
    expect(peer.status).toBe(201);

    const viewer = await createUserWithRole(t, 'viewer');
    const promote = await answered(
      rest(admin.token).PATCH('/v1/users/{id}', { params: { path: { id: viewer.id } }, body: { role: 'owner' } }),
    );
    expect(promote.status).toBe(403);
    // Nor may an admin demote or deactivate the owner above them.
    expect(
      (
        await answered(
          rest(admin.token).PATCH('/v1/users/{id}', { params: { path: { id: t.ownerId } }, body: { role: 'viewer' } }),
        )
      ).status,
    ).toBe(403);
    expect(
      (await answered(rest(admin.token).POST('/v1/users/{id}/deactivate', { params: { path: { id: t.ownerId } } })))
        .status,
    ).toBe(403);
    expect(
      (
        await answered(
          rest(admin.token).PATCH('/v1/users/{id}', { params: { path: { id: t.ownerId } }, body: { name: 'Renamed' } }),
        )
      ).status,
    ).toBe(403);
    const ownerNow = await answered(rest(t.token).GET('/v1/users/{id}', { params: { path: { id: t.ownerId } } }));
    expect(ownerNow.body).toMatchObject({ role: 'owner', active: true, name: 'Olive Owner', version: 1 });

    // The owner may create another owner.
    expect((await createUser(t.token, newUser('owner'))).status).toBe(201);
  });

  it('never lets anyone change their own role or deactivate themselves', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    for (const [id, token] of [
      [t.ownerId, t.token],
      [admin.id, admin.token],
    ] as const) {
      const demote = await answered(
        rest(token).PATCH('/v1/users/{id}', { params: { path: { id: id } }, body: { role: 'viewer' } }),
      );
      expect(demote.status).toBe(403);
      const off = await answered(
        rest(token).PATCH('/v1/users/{id}', { params: { path: { id: id } }, body: { active: false } }),
      );
      expect(off.status).toBe(403);
      const deactivate = await answered(
        rest(token).POST('/v1/users/{id}/deactivate', { params: { path: { id: id } } }),
      );
      expect(deactivate.status).toBe(403);
    }
    const adminNow = await answered(rest(t.token).GET('/v1/users/{id}', { params: { path: { id: admin.id } } }));
    expect(adminNow.body).toMatchObject({ role: 'admin', active: true, version: 1 });
    // Renaming oneself is fine.
    const renamed = await answered(
      rest(admin.token).PATCH('/v1/users/{id}', { params: { path: { id: admin.id } }, body: { name: 'Ada Admin' } }),
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Ada Admin', role: 'admin', version: 2 });
  });

  it('revokes the refresh tokens of a user whose role changes', async () => {
    const t = await createTenant();
    const salesman = await createUserWithRole(t, 'salesman');
    const session = await answered(
      rest().POST('/v1/auth/login', {
        body: {
          email: salesman.email,
          password: DEFAULT_PASSWORD,
          tenantId: t.tenantId,
        },
      }),
    );
    expect(session.status).toBe(200);
    const other = await createUserWithRole(t, 'viewer');
    const otherSession = await answered(
      rest().POST('/v1/auth/login', {
        body: {
          email: other.email,
          password: DEFAULT_PASSWORD,
          tenantId: t.tenantId,
        },
      }),
    );

    const changed = await answered(
      rest(t.token).PATCH('/v1/users/{id}', { params: { path: { id: salesman.id } }, body: { role: 'manager' } }),
    );
    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe('manager');

    const refreshed = await answered(
      rest().POST('/v1/auth/refresh', { body: { refreshToken: session.body.refreshToken } }),
    );
    expect(refreshed.status).toBe(401);
    // Someone else's sessions are untouched.
    expect(
      (await answered(rest().POST('/v1/auth/refresh', { body: { refreshToken: otherSession.body.refreshToken } })))
        .status,
    ).toBe(200);
    // A rename alone does not sign anyone out.
    const fresh = await answered(
      rest().POST('/v1/auth/login', {
        body: {
          email: salesman.email,
          password: DEFAULT_PASSWORD,
          tenantId: t.tenantId,
        },
      }),
    );
    await answered(
      rest(t.token).PATCH('/v1/users/{id}', { params: { path: { id: salesman.id } }, body: { name: 'Renamed' } }),
    );
    expect(
      (await answered(rest().POST('/v1/auth/refresh', { body: { refreshToken: fresh.body.refreshToken } }))).status,
    ).toBe(200);
  });

  it('serves GET /v1/users/me to every role', async () => {
    const t = await createTenant();
    const owner = await answered(rest(t.token).GET('/v1/users/me'));
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ id: t.ownerId, role: 'owner', email: t.ownerEmail });
    for (const role of ['admin', 'manager', 'salesman', 'viewer'] as const) {
      const u = await createUserWithRole(t, role);
      const me = await answered(rest(u.token).GET('/v1/users/me'));
      expect(me.status, role).toBe(200);
      expect(me.body).toMatchObject({ id: u.id, role, email: u.email });
      expect(me.body).not.toHaveProperty('passwordHash');
    }
    // A salesman may read himself by id but not list colleagues.
    const s = await createUserWithRole(t, 'salesman');
    expect((await answered(rest(s.token).GET('/v1/users/{id}', { params: { path: { id: s.id } } }))).status).toBe(200);
    expect((await answered(rest(s.token).GET('/v1/users'))).status).toBe(403);
  });

  it('answers 404 for another tenant’s user, whatever the operation', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const victim = await createUserWithRole(a, 'viewer');
    const victimState = async () =>
      (await answered(rest(a.token).GET('/v1/users/{id}', { params: { path: { id: victim.id } } }))).body;
    const before = await victimState();
    expect(before).toMatchObject({ id: victim.id, name: 'viewer user', role: 'viewer', active: true });
    const eventsBefore = (await events(a)).body.data;
    expect((await answered(rest(b.token).GET('/v1/users/{id}', { params: { path: { id: victim.id } } }))).status).toBe(
      404,
    );
    expect(
      (
        await answered(
          rest(b.token).PATCH('/v1/users/{id}', { params: { path: { id: victim.id } }, body: { name: 'x' } }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await answered(
          rest(b.token).PATCH('/v1/users/{id}', { params: { path: { id: victim.id } }, body: { role: 'owner' } }),
        )
      ).status,
    ).toBe(404);
    expect(
      (await answered(rest(b.token).POST('/v1/users/{id}/deactivate', { params: { path: { id: victim.id } } }))).status,
    ).toBe(404);
    const list = await answered(rest(b.token).GET('/v1/users'));
    expect(list.body.data.map((u: { id: string }) => u.id)).toEqual([b.ownerId]);
    // The victim is untouched (same name, role, state and version; nothing in A's log) and can still sign in.
    expect(await victimState()).toEqual(before);
    expect((await events(a)).body.data).toEqual(eventsBefore);
    expect(await loginAs(victim.email, a.tenantId)).toBeTruthy();
  });

  it('lists and filters users with cursor pagination', async () => {
    const t = await createTenant();
    for (const role of ['manager', 'viewer', 'viewer'] as const) await createUserWithRole(t, role);
    const viewers = await answered(rest(t.token).GET('/v1/users', { params: { query: { role: 'viewer' } } }));
    expect(viewers.body.data).toHaveLength(2);
    expect(viewers.body.data.every((u: { role: string }) => u.role === 'viewer')).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: UsersQuery = { limit: 1, sort: 'email', ...(cursor ? { cursor } : {}) };
      const res = await answered(rest(t.token).GET('/v1/users', { params: { query } }));
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((u) => u.email));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect([...seen].sort()).toEqual(seen);

    // Untyped: a role that does not exist, and a field a user does not have.
    const badRole = await api('POST', '/v1/users', { ...newUser('viewer'), role: 'god' }, { token: t.token });
    expect(badRole.status).toBe(400);
    const extra = await api('POST', '/v1/users', { ...newUser('viewer'), tenantId: 'x' }, { token: t.token });
    expect(extra.status).toBe(400);
  });

  it('records user events', async () => {
    const t = await createTenant();
    const u = await createUserWithRole(t, 'viewer');
    await answered(
      rest(t.token).PATCH('/v1/users/{id}', { params: { path: { id: u.id } }, body: { role: 'manager' } }),
    );
    await answered(rest(t.token).POST('/v1/users/{id}/deactivate', { params: { path: { id: u.id } } }));
    const logged = await events(t);
    const mine = logged.body.data.filter((e) => e.entityId === u.id);
    expect(mine.map((e) => e.type)).toEqual(['user:created', 'user:updated', 'user:deactivated']);
    expect(JSON.stringify(mine)).not.toContain('pbkdf2');
  });
});
