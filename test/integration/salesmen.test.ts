import type { components, paths } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole, DEFAULT_PASSWORD, loginAs } from '../helpers/factories';
import { createSalesman, createTerritory } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';

type Schemas = components['schemas'];
type SalesmenQuery = NonNullable<paths['/v1/salesmen']['get']['parameters']['query']>;
const byId = (id: string) => ({ params: { path: { id } } });

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

    const got = await answered(rest(t.token).GET('/v1/salesmen/{id}', byId(anna.id)));
    expect(got.status).toBe(200);
    expect(got.body.phone).toBe('+49 30 1234');

    const moved = await answered(
      rest(t.token).PATCH('/v1/salesmen/{id}', {
        ...byId(bert.id),
        body: { territoryId: north.id, expectedVersion: 1 },
      }),
    );
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ territoryId: north.id, version: 2, name: 'Bert Bauer' });

    const names = async (query: SalesmenQuery = {}) =>
      (await answered(rest(t.token).GET('/v1/salesmen', { params: { query } }))).body.data.map((s) => s.name);
    expect(await names()).toEqual(['Anna Adler', 'Bert Bauer', 'Carl Clausen']);
    expect(await names({ territoryId: north.id })).toEqual(['Anna Adler', 'Bert Bauer']);
    expect(await names({ territoryId: south.id })).toEqual([]);
    expect(await names({ active: 'false' })).toEqual(['Carl Clausen']);
    expect(await names({ active: 'true', sort: '-name' })).toEqual(['Bert Bauer', 'Anna Adler']);
    expect(await names({ q: 'E-002' })).toEqual(['Bert Bauer']);
    expect(await names({ q: 'Clausen' })).toEqual(['Carl Clausen']);

    const deleted = await answered(rest(t.token).DELETE('/v1/salesmen/{id}', byId(bert.id)));
    expect(deleted.status).toBe(200);
    expect((await answered(rest(t.token).GET('/v1/salesmen/{id}', byId(bert.id)))).status).toBe(404);
    // The employee code of a deleted salesman can be reused.
    await createSalesman(t.token, { employeeCode: 'E-002' });

    const events = await answered(rest(t.token).GET('/v1/events', { params: { query: { since: 2 } } }));
    const types = events.body.data.map((e) => e.type).filter((x) => x.startsWith('salesman'));
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

    const second = await answered(rest(t.token).POST('/v1/salesmen', { body: { name: 'Twin', userId: user.id } }));
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('ALREADY_EXISTS');

    // Unlinking frees the user for another profile.
    const unlinked = await answered(
      rest(t.token).PATCH('/v1/salesmen/{id}', { ...byId(profile.id), body: { userId: null } }),
    );
    expect(unlinked.body.userId).toBeNull();
    const other = await createSalesman(t.token, { userId: user.id });
    expect(claims(await loginAs(user.email, t.tenantId)).sal).toBe(other.id);
    // Re-sending the current link is not a conflict with itself.
    expect(
      (
        await answered(
          rest(t.token).PATCH('/v1/salesmen/{id}', { ...byId(other.id), body: { userId: user.id, phone: '1' } }),
        )
      ).status,
    ).toBe(200);
  });

  it('refuses links to users who are not salesmen, unknown users and unknown territories', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const manager = await createUserWithRole(a, 'manager');
    // Untyped: the problem's `reason` is not in the OpenAPI document's Problem schema.
    const notSalesman = await api('POST', '/v1/salesmen', { name: 'M', userId: manager.id }, { token: a.token });
    expect(notSalesman.status).toBe(409);
    expect(notSalesman.body.code).toBe('CONFLICT');
    expect(notSalesman.body.reason).toBe('user_not_salesman');
    expect(notSalesman.body.detail).toContain('role manager');

    const create = (body: Schemas['CreateSalesman']) => answered(rest(a.token).POST('/v1/salesmen', { body }));
    const owner = await create({ name: 'O', userId: a.ownerId });
    expect(owner.status).toBe(409);

    const profile = await createSalesman(a.token);
    const patchToManager = await answered(
      rest(a.token).PATCH('/v1/salesmen/{id}', { ...byId(profile.id), body: { userId: manager.id } }),
    );
    expect(patchToManager.status).toBe(409);

    const foreignUser = await createUserWithRole(b, 'salesman');
    const crossUser = await create({ name: 'X', userId: foreignUser.id });
    expect(crossUser.status).toBe(404);
    const unknownUser = await create({ name: 'X', userId: crypto.randomUUID() });
    expect(unknownUser.status).toBe(404);

    const foreignTerritory = await createTerritory(b.token);
    const crossTerritory = await create({ name: 'X', territoryId: foreignTerritory.id });
    expect(crossTerritory.status).toBe(404);
    const patchTerritory = await answered(
      rest(a.token).PATCH('/v1/salesmen/{id}', { ...byId(profile.id), body: { territoryId: foreignTerritory.id } }),
    );
    expect(patchTerritory.status).toBe(404);
  });

  it('keeps employee codes unique per tenant and validates input', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const first = await createSalesman(a.token, { employeeCode: 'E-7' });
    const dup = await answered(rest(a.token).POST('/v1/salesmen', { body: { name: 'Dup', employeeCode: 'E-7' } }));
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('ALREADY_EXISTS');
    const other = await createSalesman(a.token, { employeeCode: 'E-8' });
    expect(
      (await answered(rest(a.token).PATCH('/v1/salesmen/{id}', { ...byId(other.id), body: { employeeCode: 'E-7' } })))
        .status,
    ).toBe(409);
    await createSalesman(b.token, { employeeCode: 'E-7' });
    // Many salesmen may have no code at all.
    await createSalesman(a.token, { employeeCode: null });
    await createSalesman(a.token, { employeeCode: null });

    // Untyped where the body is not a salesman's: no name, an unknown field, a string for a boolean.
    expect((await api('POST', '/v1/salesmen', { employeeCode: 'x' }, { token: a.token })).status).toBe(400);
    expect((await api('POST', '/v1/salesmen', { name: 'x', rank: 1 }, { token: a.token })).status).toBe(400);
    expect((await answered(rest(a.token).POST('/v1/salesmen', { body: { name: 'x', userId: 'nope' } }))).status).toBe(
      400,
    );
    expect((await api('POST', '/v1/salesmen', { name: 'x', active: 'yes' }, { token: a.token })).status).toBe(400);
    expect(
      (await answered(rest(a.token).PATCH('/v1/salesmen/{id}', { ...byId(first.id), body: { name: '' } }))).status,
    ).toBe(400);
  });

  it('enforces permissions and tenant isolation on every route', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const salesman = await createSalesman(a.token);
    const path = byId(salesman.id);
    const get = (token: string) => answered(rest(token).GET('/v1/salesmen/{id}', path));
    const patch = (token: string, body: Schemas['UpdateSalesman']) =>
      answered(rest(token).PATCH('/v1/salesmen/{id}', { ...path, body }));
    const remove = (token: string) => answered(rest(token).DELETE('/v1/salesmen/{id}', path));
    expect((await get(b.token)).status).toBe(404);
    expect((await patch(b.token, { name: 'stolen' })).status).toBe(404);
    expect((await remove(b.token)).status).toBe(404);
    expect((await answered(rest(b.token).GET('/v1/salesmen'))).body.data).toEqual([]);
    expect((await get(a.token)).body.version).toBe(1);

    const viewer = await createUserWithRole(a, 'viewer');
    expect((await get(viewer.token)).status).toBe(200);
    const denied = await answered(rest(viewer.token).POST('/v1/salesmen', { body: { name: 'v' } }));
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    expect((await patch(viewer.token, { name: 'v' })).status).toBe(403);
    expect((await remove(viewer.token)).status).toBe(403);

    const rep = await createUserWithRole(a, 'salesman');
    expect((await get(rep.token)).status).toBe(200);
    expect((await patch(rep.token, { name: 'me' })).status).toBe(403);

    const manager = await createUserWithRole(a, 'manager');
    expect((await patch(manager.token, { active: false })).body.active).toBe(false);
  });

  it("ends a salesman user's sessions when his profile is unlinked or deleted", async () => {
    const t = await createTenant();
    const user = await createUserWithRole(t, 'salesman');
    const profile = await createSalesman(t.token, { userId: user.id });
    const login = await answered(
      rest().POST('/v1/auth/login', { body: { email: user.email, password: DEFAULT_PASSWORD, tenantId: t.tenantId } }),
    );
    expect(claims(login.body.accessToken).sal).toBe(profile.id);

    expect((await answered(rest(t.token).DELETE('/v1/salesmen/{id}', byId(profile.id)))).status).toBe(200);
    const refreshed = await answered(
      rest().POST('/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } }),
    );
    expect(refreshed.status).toBe(401);
    // The access token with the stale profile is refused too.
    expect((await answered(rest(login.body.accessToken).GET('/v1/visits'))).status).toBe(401);
    // Logging in again gives a token without the stale profile.
    const fresh = await loginAs(user.email, t.tenantId);
    expect(claims(fresh).sal).toBeUndefined();
    expect((await answered(rest(fresh).GET('/v1/visits'))).status).toBe(200);
  });
});
