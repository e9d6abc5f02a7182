import type { paths } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

type CustomersQuery = NonNullable<paths['/v1/customers']['get']['parameters']['query']>;
const eventsSince = (token: string, since: number) =>
  answered(rest(token).GET('/v1/events', { params: { query: { since } } }));

describe('customers', () => {
  it('creates, reads, updates, lists and soft-deletes a customer', async () => {
    const t = await createTenant();
    const created = await createCustomer(t.token, { name: 'Bäckerei Schmidt', company: 'Schmidt GmbH' });
    expect(created).toMatchObject({ name: 'Bäckerei Schmidt', version: 1, deletedAt: null });
    expect(created).not.toHaveProperty('tenantId');

    const got = await answered(rest(t.token).GET('/v1/customers/{id}', { params: { path: { id: created.id } } }));
    expect(got.status).toBe(200);
    expect(got.body.company).toBe('Schmidt GmbH');

    const patched = await answered(
      rest(t.token).PATCH('/v1/customers/{id}', {
        params: { path: { id: created.id } },
        body: { city: 'Hamburg', expectedVersion: 1 },
      }),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ city: 'Hamburg', version: 2 });

    const stale = await answered(
      rest(t.token).PATCH('/v1/customers/{id}', {
        params: { path: { id: created.id } },
        body: { city: 'Köln', expectedVersion: 1 },
      }),
    );
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_MISMATCH');

    const list = await answered(rest(t.token).GET('/v1/customers', { params: { query: { q: 'Schmidt' } } }));
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([created.id]);

    const deleted = await answered(
      rest(t.token).DELETE('/v1/customers/{id}', { params: { path: { id: created.id } } }),
    );
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletedAt).not.toBeNull();
    expect(
      (await answered(rest(t.token).GET('/v1/customers/{id}', { params: { path: { id: created.id } } }))).status,
    ).toBe(404);

    const tombstones = await answered(
      rest(t.token).GET('/v1/customers', {
        params: { query: { includeDeleted: 'true', updatedSince: created.createdAt } },
      }),
    );
    expect(tombstones.body.data.map((c: { id: string }) => c.id)).toContain(created.id);
  });

  it('accepts a client-generated id and pages through results with a cursor', async () => {
    const t = await createTenant();
    const id = '0190f1c2-7a3e-7c3d-9a51-2f7f5e3b1a10';
    const own = await createCustomer(t.token, { id, name: 'AAA first' });
    expect(own.id).toBe(id);
    for (let i = 0; i < 4; i++) await createCustomer(t.token, { name: `Page ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: CustomersQuery = { limit: 2, sort: '-name', ...(cursor ? { cursor } : {}) };
      const res = await answered(rest(t.token).GET('/v1/customers', { params: { query } }));
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((c) => c.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Page 3', 'Page 2', 'Page 1', 'Page 0', 'AAA first']);
  });

  it('rejects bad input with problem+json', async () => {
    const t = await createTenant();
    const missing = await api('POST', '/v1/customers', { city: 'x' }, { token: t.token });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.code).toBe('VALIDATION_FAILED');
    expect(missing.body.requestId).toBeTruthy();

    const unknown = await answered(
      rest(t.token).POST('/v1/customers', { body: { name: 'x', favouriteColour: 'red' } }),
    );
    expect(unknown.status).toBe(400);

    const badLat = await answered(rest(t.token).POST('/v1/customers', { body: { name: 'x', lat: 91, lng: 0 } }));
    expect(badLat.status).toBe(400);

    // A position is both coordinates or neither, on update as on create.
    const placed = await answered(rest(t.token).POST('/v1/customers', { body: { name: 'y', lat: 52.5, lng: 13.4 } }));
    const halfMove = await answered(
      rest(t.token).PATCH('/v1/customers/{id}', { params: { path: { id: placed.body.id } }, body: { lat: 48.1 } }),
    );
    expect(halfMove.status).toBe(400);
    expect(halfMove.body.errors).toEqual([{ path: 'json.lat', message: 'lat and lng go together' }]);
    const halfClear = await answered(
      rest(t.token).PATCH('/v1/customers/{id}', {
        params: { path: { id: placed.body.id } },
        body: { lat: null, lng: 13.4 },
      }),
    );
    expect(halfClear.status).toBe(400);
    const cleared = await answered(
      rest(t.token).PATCH('/v1/customers/{id}', {
        params: { path: { id: placed.body.id } },
        body: { lat: null, lng: null },
      }),
    );
    expect(cleared.body).toMatchObject({ lat: null, lng: null });
    const moved = await answered(
      rest(t.token).PATCH('/v1/customers/{id}', {
        params: { path: { id: placed.body.id } },
        body: { lat: 48.1, lng: 11.6 },
      }),
    );
    expect(moved.body).toMatchObject({ lat: 48.1, lng: 11.6, version: 3 });

    const malformed = await api('POST', '/v1/customers', undefined, {
      token: t.token,
      raw: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('MALFORMED_JSON');

    const huge = await answered(
      rest(t.token).POST('/v1/customers', { body: { name: 'x', notes: 'n'.repeat(2_000_000) } }),
    );
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');

    const badCursor = await answered(rest(t.token).GET('/v1/customers', { params: { query: { cursor: 'nonsense' } } }));
    expect(badCursor.status).toBe(400);

    const unknownTerritory = await answered(
      rest(t.token).POST('/v1/customers', { body: { name: 'x', territoryId: crypto.randomUUID() } }),
    );
    expect(unknownTerritory.status).toBe(404);
  });

  it('enforces roles and tenant isolation', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const customer = await createCustomer(a.token);
    expect(
      (await answered(rest(b.token).GET('/v1/customers/{id}', { params: { path: { id: customer.id } } }))).status,
    ).toBe(404);
    expect(
      (
        await answered(
          rest(b.token).PATCH('/v1/customers/{id}', { params: { path: { id: customer.id } }, body: { name: 'x' } }),
        )
      ).status,
    ).toBe(404);
    expect((await answered(rest(b.token).GET('/v1/customers'))).body.data).toEqual([]);

    const viewer = await createUserWithRole(a, 'viewer');
    expect(
      (await answered(rest(viewer.token).GET('/v1/customers/{id}', { params: { path: { id: customer.id } } }))).status,
    ).toBe(200);
    const denied = await answered(rest(viewer.token).POST('/v1/customers', { body: { name: 'x' } }));
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    expect((await answered(rest().GET('/v1/customers'))).status).toBe(401);
  });

  it('records a domain event for every mutation, in order', async () => {
    const t = await createTenant();
    const c = await createCustomer(t.token);
    await answered(
      rest(t.token).PATCH('/v1/customers/{id}', { params: { path: { id: c.id } }, body: { name: 'Renamed' } }),
    );
    await answered(rest(t.token).DELETE('/v1/customers/{id}', { params: { path: { id: c.id } } }));
    const events = await eventsSince(t.token, 0);
    const types = events.body.data.map((e) => e.type);
    expect(types).toEqual([
      'tenant:created',
      'user:created',
      'customer:created',
      'customer:updated',
      'customer:deleted',
    ]);
    const seqs = events.body.data.map((e) => e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    // A refused write leaves no event behind.
    await answered(rest(t.token).PATCH('/v1/customers/{id}', { params: { path: { id: c.id } }, body: { name: 'x' } }));
    expect((await eventsSince(t.token, 5)).body.data).toEqual([]);
  });
});
