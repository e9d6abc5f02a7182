import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole, DEFAULT_PASSWORD, loginAs } from '../helpers/factories';
import { createSalesman, createTerritory } from '../helpers/field-factories';

const claims = (token: string) =>
  JSON.parse(atob((token.split('.')[1] as string).replaceAll('-', '+').replaceAll('_', '/'))) as Record<
    string,
    unknown
  >;

describe('salesmen', () => {
  it('creates, reads, updates, filters and soft-deletes a salesman', async () => {
    const t = await createTenant();
    const north = await createTerritory(t.token, { name: 'North' });
    const south = await createTerritory(t.token, { name: 'South' });
    const anna = await createSalesman(t.token, {
      name: 'Anna Adler',
      phone: '+49 30 1234',
      employeeCode: 'E-001',
      territoryId: north.id,
    });
    expect(anna).toMatchObject({ name: 'Anna Adler', employeeCode: 'E-001', territoryId: north.id, active: true });
    expect(anna.userId).toBeNull();
    const bert = await createSalesman(t.token, { name: 'Bert Bauer', employeeCode: 'E-002', territoryId: south.id });
    await createSalesman(t.token, { name: 'Carl Clausen', employeeCode: null, active: false });

    const got = await api('GET', `/v1/salesmen/${anna.id}`, undefined, { token: t.token });
    expect(got.status).toBe(200);
    expect(got.body.phone).toBe('+49 30 1234');

    const moved = await api(
      'PATCH',
      `/v1/salesmen/${bert.id}`,
      { territoryId: north.id, expectedVersion: 1 },
      { token: t.token },
    );
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ territoryId: north.id, version: 2, name: 'Bert Bauer' });

    const names = async (query: string) =>
      (await api('GET', `/v1/salesmen${query}`, undefined, { token: t.token })).body.data.map(
        (s: { name: string }) => s.name,
      );
    expect(await names('')).toEqual(['Anna Adler', 'Bert Bauer', 'Carl Clausen']);
    expect(await names(`?territoryId=${north.id}`)).toEqual(['Anna Adler', 'Bert Bauer']);
    expect(await names(`?territoryId=${south.id}`)).toEqual([]);
    expect(await names('?active=false')).toEqual(['Carl Clausen']);
    expect(await names('?active=true&sort=-name')).toEqual(['Bert Bauer', 'Anna Adler']);
    expect(await names('?q=E-002')).toEqual(['Bert Bauer']);
    expect(await names('?q=Clausen')).toEqual(['Carl Clausen']);

    const deleted = await api('DELETE', `/v1/salesmen/${bert.id}`, undefined, { token: t.token });
    expect(deleted.status).toBe(200);
    expect((await api('GET', `/v1/salesmen/${bert.id}`, undefined, { token: t.token })).status).toBe(404);
    // The employee code of a deleted salesman can be reused.
    await createSalesman(t.token, { employeeCode: 'E-002' });

    const events = await api('GET', '/v1/events?since=2', undefined, { token: t.token });
    const types = events.body.data.map((e: { type: string }) => e.type).filter((x: string) => x.startsWith('salesman'));
    expect(types).toEqual([
      'salesman:created',
      'salesman:created',
      'salesman:created',
      'salesman:updated',
      'salesman:deleted',
      'salesman:created',
    ]);
  });

  it('links a salesman user, whose next login carries the salesman id', async () => {
    const t = await createTenant();
    const user = await createUserWithRole(t, 'salesman');
    expect(claims(user.token).sal).toBeUndefined();
    const profile = await createSalesman(t.token, { userId: user.id });
    expect(profile.userId).toBe(user.id);
    const relogged = await loginAs(user.email, t.tenantId);
    expect(claims(relogged).sal).toBe(profile.id);

    const second = await api('POST', '/v1/salesmen', { name: 'Twin', userId: user.id }, { token: t.token });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('ALREADY_EXISTS');

    // Unlinking frees the user for another profile.
    const unlinked = await api('PATCH', `/v1/salesmen/${profile.id}`, { userId: null }, { token: t.token });
    expect(unlinked.body.userId).toBeNull();
    const other = await createSalesman(t.token, { userId: user.id });
    expect(claims(await loginAs(user.email, t.tenantId)).sal).toBe(other.id);
    // Re-sending the current link is not a conflict with itself.
    expect(
      (await api('PATCH', `/v1/salesmen/${other.id}`, { userId: user.id, phone: '1' }, { token: t.token })).status,
    ).toBe(200);
  });

  it('refuses links to users who are not salesmen, unknown users and unknown territories', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const manager = await createUserWithRole(a, 'manager');
    const notSalesman = await api('POST', '/v1/salesmen', { name: 'M', userId: manager.id }, { token: a.token });
    expect(notSalesman.status).toBe(409);
    expect(notSalesman.body.code).toBe('CONFLICT');
    expect(notSalesman.body.reason).toBe('user_not_salesman');
    expect(notSalesman.body.detail).toContain('role manager');

    const owner = await api('POST', '/v1/salesmen', { name: 'O', userId: a.ownerId }, { token: a.token });
    expect(owner.status).toBe(409);

    const profile = await createSalesman(a.token);
    const patchToManager = await api('PATCH', `/v1/salesmen/${profile.id}`, { userId: manager.id }, { token: a.token });
    expect(patchToManager.status).toBe(409);

    const foreignUser = await createUserWithRole(b, 'salesman');
    const crossUser = await api('POST', '/v1/salesmen', { name: 'X', userId: foreignUser.id }, { token: a.token });
    expect(crossUser.status).toBe(404);
    const unknownUser = await api(
      'POST',
      '/v1/salesmen',
      { name: 'X', userId: crypto.randomUUID() },
      { token: a.token },
    );
    expect(unknownUser.status).toBe(404);

    const foreignTerritory = await createTerritory(b.token);
    const crossTerritory = await api(
      'POST',
      '/v1/salesmen',
      { name: 'X', territoryId: foreignTerritory.id },
      { token: a.token },
    );
    expect(crossTerritory.status).toBe(404);
    const patchTerritory = await api(
      'PATCH',
      `/v1/salesmen/${profile.id}`,
      { territoryId: foreignTerritory.id },
      { token: a.token },
    );
    expect(patchTerritory.status).toBe(404);
  });

  it('keeps employee codes unique per tenant and validates input', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const first = await createSalesman(a.token, { employeeCode: 'E-7' });
    const dup = await api('POST', '/v1/salesmen', { name: 'Dup', employeeCode: 'E-7' }, { token: a.token });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('ALREADY_EXISTS');
    const other = await createSalesman(a.token, { employeeCode: 'E-8' });
    expect((await api('PATCH', `/v1/salesmen/${other.id}`, { employeeCode: 'E-7' }, { token: a.token })).status).toBe(
      409,
    );
    await createSalesman(b.token, { employeeCode: 'E-7' });
    // Many salesmen may have no code at all.
    await createSalesman(a.token, { employeeCode: null });
    await createSalesman(a.token, { employeeCode: null });

    expect((await api('POST', '/v1/salesmen', { employeeCode: 'x' }, { token: a.token })).status).toBe(400);
    expect((await api('POST', '/v1/salesmen', { name: 'x', rank: 1 }, { token: a.token })).status).toBe(400);
    expect((await api('POST', '/v1/salesmen', { name: 'x', userId: 'nope' }, { token: a.token })).status).toBe(400);
    expect((await api('POST', '/v1/salesmen', { name: 'x', active: 'yes' }, { token: a.token })).status).toBe(400);
    expect((await api('PATCH', `/v1/salesmen/${first.id}`, { name: '' }, { token: a.token })).status).toBe(400);
  });

  it('enforces permissions and tenant isolation on every route', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const salesman = await createSalesman(a.token);
    const path = `/v1/salesmen/${salesman.id}`;
    expect((await api('GET', path, undefined, { token: b.token })).status).toBe(404);
    expect((await api('PATCH', path, { name: 'stolen' }, { token: b.token })).status).toBe(404);
    expect((await api('DELETE', path, undefined, { token: b.token })).status).toBe(404);
    expect((await api('GET', '/v1/salesmen', undefined, { token: b.token })).body.data).toEqual([]);
    expect((await api('GET', path, undefined, { token: a.token })).body.version).toBe(1);

    const viewer = await createUserWithRole(a, 'viewer');
    expect((await api('GET', path, undefined, { token: viewer.token })).status).toBe(200);
    const denied = await api('POST', '/v1/salesmen', { name: 'v' }, { token: viewer.token });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    expect((await api('PATCH', path, { name: 'v' }, { token: viewer.token })).status).toBe(403);
    expect((await api('DELETE', path, undefined, { token: viewer.token })).status).toBe(403);

    const rep = await createUserWithRole(a, 'salesman');
    expect((await api('GET', path, undefined, { token: rep.token })).status).toBe(200);
    expect((await api('PATCH', path, { name: 'me' }, { token: rep.token })).status).toBe(403);

    const manager = await createUserWithRole(a, 'manager');
    expect((await api('PATCH', path, { active: false }, { token: manager.token })).body.active).toBe(false);
  });

  it("ends a salesman user's sessions when his profile is unlinked or deleted", async () => {
    const t = await createTenant();
    const user = await createUserWithRole(t, 'salesman');
    const profile = await createSalesman(t.token, { userId: user.id });
    const login = await api('POST', '/v1/auth/login', {
      email: user.email,
      password: DEFAULT_PASSWORD,
      tenantId: t.tenantId,
    });
    expect(claims(login.body.accessToken).sal).toBe(profile.id);

    expect((await api('DELETE', `/v1/salesmen/${profile.id}`, undefined, { token: t.token })).status).toBe(200);
    const refreshed = await api('POST', '/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(401);
    // The access token with the stale profile is refused too.
    expect((await api('GET', '/v1/visits', undefined, { token: login.body.accessToken })).status).toBe(401);
    // Logging in again gives a token without the stale profile.
    const fresh = await loginAs(user.email, t.tenantId);
    expect(claims(fresh).sal).toBeUndefined();
    expect((await api('GET', '/v1/visits', undefined, { token: fresh })).status).toBe(200);
  });
});
