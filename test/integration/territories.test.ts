import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { createTerritory, squareAround } from '../helpers/field-factories';

const polygon = (ring = squareAround(13.405, 52.52)) => ({ type: 'Polygon', coordinates: [ring] });

describe('territories', () => {
  it('creates, reads, updates, lists and soft-deletes a territory', async () => {
    const t = await createTenant();
    const created = await createTerritory(t.token, { name: 'Berlin Mitte', description: 'Inner city' });
    expect(created).toMatchObject({ name: 'Berlin Mitte', description: 'Inner city', version: 1, deletedAt: null });
    expect(created.boundary).toEqual(polygon());
    expect(created).not.toHaveProperty('tenantId');

    const got = await api('GET', `/v1/territories/${created.id}`, undefined, { token: t.token });
    expect(got.status).toBe(200);
    expect(got.body.boundary.type).toBe('Polygon');

    const multi = {
      type: 'MultiPolygon',
      coordinates: [
        [squareAround(13.4, 52.5, 0.01)],
        [squareAround(13.6, 52.6, 0.01), squareAround(13.6, 52.6, 0.001)],
      ],
    };
    const patched = await api(
      'PATCH',
      `/v1/territories/${created.id}`,
      { boundary: multi, expectedVersion: 1 },
      { token: t.token },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ boundary: multi, version: 2, name: 'Berlin Mitte' });

    const cleared = await api('PATCH', `/v1/territories/${created.id}`, { boundary: null }, { token: t.token });
    expect(cleared.body.boundary).toBeNull();

    await createTerritory(t.token, { name: 'Hamburg Nord' });
    await createTerritory(t.token, { name: 'Altona', description: 'near Hamburg' });
    const byQ = await api('GET', '/v1/territories?q=Hamburg&sort=-name', undefined, { token: t.token });
    expect(byQ.body.data.map((x: { name: string }) => x.name)).toEqual(['Hamburg Nord', 'Altona']);
    const all = await api('GET', '/v1/territories', undefined, { token: t.token });
    expect(all.body.data.map((x: { name: string }) => x.name)).toEqual(['Altona', 'Berlin Mitte', 'Hamburg Nord']);

    const deleted = await api('DELETE', `/v1/territories/${created.id}`, undefined, { token: t.token });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletedAt).not.toBeNull();
    expect((await api('GET', `/v1/territories/${created.id}`, undefined, { token: t.token })).status).toBe(404);

    const events = await api('GET', '/v1/events?since=2', undefined, { token: t.token });
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
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
    for (const [label, boundary] of bad) {
      const res = await api('POST', '/v1/territories', { name: `x ${label}`, boundary }, { token: t.token });
      expect(res.status, label).toBe(400);
      expect(res.body.code, label).toBe('VALIDATION_FAILED');
    }
    const unclosed = await api(
      'POST',
      '/v1/territories',
      { name: 'x', boundary: polygon(ring.slice(0, 4)) },
      {
        token: t.token,
      },
    );
    expect(unclosed.body.detail).toContain('closed');

    expect((await api('POST', '/v1/territories', { name: '  ' }, { token: t.token })).status).toBe(400);
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
    const list = await api('GET', '/v1/territories', undefined, { token: t.token });
    expect(list.body.data).toHaveLength(1);
  });

  it('keeps names unique per tenant (409) while allowing the same name in another tenant', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const first = await createTerritory(a.token, { name: 'North' });
    const dup = await api('POST', '/v1/territories', { name: 'North' }, { token: a.token });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('ALREADY_EXISTS');

    const other = await createTerritory(a.token, { name: 'South' });
    const rename = await api('PATCH', `/v1/territories/${other.id}`, { name: 'North' }, { token: a.token });
    expect(rename.status).toBe(409);

    await createTerritory(b.token, { name: 'North' });
    // A deleted territory frees its name.
    await api('DELETE', `/v1/territories/${first.id}`, undefined, { token: a.token });
    await createTerritory(a.token, { name: 'North' });
  });

  it('enforces permissions and tenant isolation on every route', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const territory = await createTerritory(a.token);
    const path = `/v1/territories/${territory.id}`;
    expect((await api('GET', path, undefined, { token: b.token })).status).toBe(404);
    expect((await api('PATCH', path, { name: 'stolen' }, { token: b.token })).status).toBe(404);
    expect((await api('DELETE', path, undefined, { token: b.token })).status).toBe(404);
    expect((await api('GET', '/v1/territories', undefined, { token: b.token })).body.data).toEqual([]);
    expect((await api('GET', path, undefined, { token: a.token })).body.version).toBe(1);

    const viewer = await createUserWithRole(a, 'viewer');
    expect((await api('GET', path, undefined, { token: viewer.token })).status).toBe(200);
    const denied = await api('POST', '/v1/territories', { name: 'v' }, { token: viewer.token });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    expect((await api('PATCH', path, { name: 'v' }, { token: viewer.token })).status).toBe(403);
    expect((await api('DELETE', path, undefined, { token: viewer.token })).status).toBe(403);

    const salesman = await createUserWithRole(a, 'salesman');
    expect((await api('GET', '/v1/territories', undefined, { token: salesman.token })).status).toBe(200);
    expect((await api('POST', '/v1/territories', { name: 's' }, { token: salesman.token })).status).toBe(403);
    expect((await api('GET', '/v1/territories')).status).toBe(401);
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
