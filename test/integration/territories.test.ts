import type { components, paths } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { createTerritory, squareAround } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';

type Schemas = components['schemas'];
type TerritoriesQuery = NonNullable<paths['/v1/territories']['get']['parameters']['query']>;

const polygon = (ring = squareAround(13.405, 52.52)) => ({ type: 'Polygon' as const, coordinates: [ring] });
const byId = (id: string) => ({ params: { path: { id } } });
const getTerritory = (token: string, id: string) => answered(rest(token).GET('/v1/territories/{id}', byId(id)));
const patchTerritory = (token: string, id: string, body: Schemas['UpdateTerritory']) =>
  answered(rest(token).PATCH('/v1/territories/{id}', { ...byId(id), body }));
const deleteTerritory = (token: string, id: string) => answered(rest(token).DELETE('/v1/territories/{id}', byId(id)));
const postTerritory = (token: string, body: Schemas['CreateTerritory']) =>
  answered(rest(token).POST('/v1/territories', { body }));
const listTerritories = (token: string, query: TerritoriesQuery = {}) =>
  answered(rest(token).GET('/v1/territories', { params: { query } }));

describe('territories', () => {
  it('creates, reads, updates, lists and soft-deletes a territory', async () => {
    const t = await createTenant();
    const created = await createTerritory(t.token, { name: 'Berlin Mitte', description: 'Inner city' });
    expect(created).toMatchObject({ name: 'Berlin Mitte', description: 'Inner city', version: 1, deletedAt: null });
    expect(created.boundary).toEqual(polygon());
    expect(created).not.toHaveProperty('tenantId');

    const got = await getTerritory(t.token, created.id);
    expect(got.status).toBe(200);
    expect(got.body.boundary?.type).toBe('Polygon');

    const multi = {
      type: 'MultiPolygon' as const,
      coordinates: [
        [squareAround(13.4, 52.5, 0.01)],
        [squareAround(13.6, 52.6, 0.01), squareAround(13.6, 52.6, 0.001)],
      ],
    };
    const patched = await patchTerritory(t.token, created.id, { boundary: multi, expectedVersion: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ boundary: multi, version: 2, name: 'Berlin Mitte' });

    const cleared = await patchTerritory(t.token, created.id, { boundary: null });
    expect(cleared.body.boundary).toBeNull();

    await createTerritory(t.token, { name: 'Hamburg Nord' });
    await createTerritory(t.token, { name: 'Altona', description: 'near Hamburg' });
    const byQ = await listTerritories(t.token, { q: 'Hamburg', sort: '-name' });
    expect(byQ.body.data.map((x) => x.name)).toEqual(['Hamburg Nord', 'Altona']);
    const all = await listTerritories(t.token);
    expect(all.body.data.map((x) => x.name)).toEqual(['Altona', 'Berlin Mitte', 'Hamburg Nord']);

    const deleted = await deleteTerritory(t.token, created.id);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletedAt).not.toBeNull();
    expect((await getTerritory(t.token, created.id)).status).toBe(404);

    const events = await answered(rest(t.token).GET('/v1/events', { params: { query: { since: 2 } } }));
    expect(events.body.data.map((e) => e.type)).toEqual([
      'territory:created',
      'territory:updated',
      'territory:updated',
      'territory:created',
      'territory:created',
      'territory:deleted',
    ]);
  });

  it('rejects invalid GeoJSON boundaries and other bad input with 400', async () => {
    const t = await createTenant();
    const ring = squareAround(13.405, 52.52);
    const bad: [string, unknown][] = [
      ['unclosed ring', polygon(ring.slice(0, 4))],
      ['too few positions', polygon([ring[0], ring[1], ring[0]] as number[][])],
      [
        'longitude out of range',
        polygon([
          [181, 0],
          [10, 0],
          [10, 10],
          [181, 0],
        ]),
      ],
      [
        'latitude out of range',
        polygon([
          [0, -91],
          [10, 0],
          [10, 10],
          [0, -91],
        ]),
      ],
      ['position with one number', polygon([[1], [10, 0], [10, 10], [1]] as number[][])],
      ['not a polygon', { type: 'Point', coordinates: [13.4, 52.5] }],
      ['no rings', { type: 'Polygon', coordinates: [] }],
      ['multipolygon with a bare ring', { type: 'MultiPolygon', coordinates: [ring] }],
      ['extra member', { ...polygon(), crs: 'EPSG:4326' }],
    ];
    // Untyped: the list holds a Point and a boundary with an extra member.
    for (const [label, boundary] of bad) {
      const res = await api('POST', '/v1/territories', { name: `x ${label}`, boundary }, { token: t.token });
      expect(res.status, label).toBe(400);
      expect(res.body.code, label).toBe('VALIDATION_FAILED');
    }
    const unclosed = await postTerritory(t.token, { name: 'x', boundary: polygon(ring.slice(0, 4)) });
    expect(unclosed.body.detail).toContain('closed');

    expect((await postTerritory(t.token, { name: '  ' })).status).toBe(400);
    // Untyped: an unknown field, a sort field the list does not have, a polygon without coordinates.
    expect((await api('POST', '/v1/territories', { name: 'x', colour: 'red' }, { token: t.token })).status).toBe(400);
    expect((await api('GET', '/v1/territories?sort=boundary', undefined, { token: t.token })).status).toBe(400);
    const created = await createTerritory(t.token);
    const badPatch = await api(
      'PATCH',
      `/v1/territories/${created.id}`,
      { boundary: { type: 'Polygon' } },
      {
        token: t.token,
      },
    );
    expect(badPatch.status).toBe(400);
    // Nothing invalid was stored.
    const list = await listTerritories(t.token);
    expect(list.body.data).toHaveLength(1);
  });

  it('keeps names unique per tenant (409) while allowing the same name in another tenant', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const first = await createTerritory(a.token, { name: 'North' });
    const dup = await postTerritory(a.token, { name: 'North' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('ALREADY_EXISTS');

    const other = await createTerritory(a.token, { name: 'South' });
    const rename = await patchTerritory(a.token, other.id, { name: 'North' });
    expect(rename.status).toBe(409);

    await createTerritory(b.token, { name: 'North' });
    // A deleted territory frees its name.
    await deleteTerritory(a.token, first.id);
    await createTerritory(a.token, { name: 'North' });
  });

  it('enforces permissions and tenant isolation on every route', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const territory = await createTerritory(a.token);
    const id = territory.id;
    expect((await getTerritory(b.token, id)).status).toBe(404);
    expect((await patchTerritory(b.token, id, { name: 'stolen' })).status).toBe(404);
    expect((await deleteTerritory(b.token, id)).status).toBe(404);
    expect((await listTerritories(b.token)).body.data).toEqual([]);
    expect((await getTerritory(a.token, id)).body.version).toBe(1);

    const viewer = await createUserWithRole(a, 'viewer');
    expect((await getTerritory(viewer.token, id)).status).toBe(200);
    const denied = await postTerritory(viewer.token, { name: 'v' });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    expect((await patchTerritory(viewer.token, id, { name: 'v' })).status).toBe(403);
    expect((await deleteTerritory(viewer.token, id)).status).toBe(403);

    const salesman = await createUserWithRole(a, 'salesman');
    expect((await listTerritories(salesman.token)).status).toBe(200);
    expect((await postTerritory(salesman.token, { name: 's' })).status).toBe(403);
    expect((await answered(rest().GET('/v1/territories'))).status).toBe(401);
  });

  it('documents the field resources in the OpenAPI document', async () => {
    const doc = await api('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    for (const path of ['/v1/territories/{id}', '/v1/salesmen/{id}', '/v1/visits/{id}/check-in', '/v1/targets']) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    expect(doc.body.components.schemas).toHaveProperty('GeoJsonPolygon');
    expect(doc.body.components.schemas).toHaveProperty('VisitCheckOut');
  });
});
