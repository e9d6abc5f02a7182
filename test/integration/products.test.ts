import type { components, paths } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createProduct, eventsOf, getInventory, movementsOf } from '../helpers/catalog-factories';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

type Schemas = components['schemas'];
type ProductsQuery = NonNullable<paths['/v1/products']['get']['parameters']['query']>;

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((p) => p.id);
const byId = (id: string) => ({ params: { path: { id } } });
const getProduct = (token: string, id: string) => answered(rest(token).GET('/v1/products/{id}', byId(id)));
const patchProduct = (token: string, id: string, body: Schemas['UpdateProduct']) =>
  answered(rest(token).PATCH('/v1/products/{id}', { ...byId(id), body }));
const deleteProduct = (token: string, id: string) => answered(rest(token).DELETE('/v1/products/{id}', byId(id)));
const postProduct = (token: string, body: Schemas['CreateProduct']) =>
  answered(rest(token).POST('/v1/products', { body }));
const listProducts = (token: string, query: ProductsQuery = {}) =>
  answered(rest(token).GET('/v1/products', { params: { query } }));

describe('products', () => {
  it('creates, reads, updates, lists and soft-deletes a product', async () => {
    const t = await createTenant();
    const created = await createProduct(t.token, { sku: 'CAF-001', name: 'Espresso beans 1kg', priceMinor: 1899 });
    // The test tenant signs up with EUR, so the currency comes from the tenant, not the column default.
    expect(created).toMatchObject({ sku: 'CAF-001', currency: 'EUR', active: true, version: 1, deletedAt: null });
    expect(created).not.toHaveProperty('tenantId');

    const got = await getProduct(t.token, created.id);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created);

    const patched = await patchProduct(t.token, created.id, {
      priceMinor: 1999,
      category: 'coffee',
      expectedVersion: 1,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ priceMinor: 1999, category: 'coffee', sku: 'CAF-001', version: 2 });

    const stale = await patchProduct(t.token, created.id, { name: 'x', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_MISMATCH');

    expect(ids(await listProducts(t.token, { q: 'espresso' }))).toEqual([created.id]);
    expect(ids(await listProducts(t.token, { q: 'caf-0' }))).toEqual([created.id]);
    // `%` and `_` in the text are matched literally, not as wildcards.
    expect(ids(await listProducts(t.token, { q: 'caf_0' }))).toEqual([]);
    expect(ids(await listProducts(t.token, { q: '%' }))).toEqual([]);

    const deleted = await deleteProduct(t.token, created.id);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletedAt).not.toBeNull();
    expect((await getProduct(t.token, created.id)).status).toBe(404);
    const inventory = { params: { path: { productId: created.id } } };
    expect((await answered(rest(t.token).GET('/v1/inventory/{productId}', inventory))).status).toBe(404);
    expect(ids(await listProducts(t.token))).toEqual([]);
    const tombstones = await listProducts(t.token, { includeDeleted: 'true' });
    expect(ids(tombstones)).toEqual([created.id]);

    // The SKU is unique among live products only, so it is free again after the delete.
    const again = await createProduct(t.token, { sku: 'CAF-001' });
    expect(again.id).not.toBe(created.id);

    const types = (await eventsOf(t.token)).map((e) => e.type);
    expect(types.filter((type) => type.startsWith('product:'))).toEqual([
      'product:created',
      'product:updated',
      'product:deleted',
      'product:created',
    ]);
  });

  it("takes a client id, an inactive flag and the tenant's currency, and refuses another currency", async () => {
    const t = await createTenant();
    const id = '0190f1c2-7a3e-7c3d-9a51-2f7f5e3b1a10';
    const p = await createProduct(t.token, { id, currency: 'EUR', active: false });
    expect(p).toMatchObject({ id, currency: 'EUR', active: false });
    // Orders are in the tenant's currency: a product priced in dollars could never be ordered.
    const body = { sku: 'USD-1', name: 'Dollar coffee', priceMinor: 100, currency: 'USD' };
    const dollars = await postProduct(t.token, body);
    expect([dollars.status, dollars.body.code, dollars.body.errors?.[0]?.path]).toEqual([
      400,
      'VALIDATION_FAILED',
      'json.currency',
    ]);
    expect(dollars.body.detail).toContain('EUR');
    const moved = await patchProduct(t.token, id, { currency: 'USD' });
    expect([moved.status, moved.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await patchProduct(t.token, id, { currency: 'EUR' })).status).toBe(200);
  });

  it('creates the inventory row with the product and books initial stock as a receipt', async () => {
    const t = await createTenant();
    const bare = await createProduct(t.token);
    expect(await getInventory(t.token, bare.id)).toMatchObject({
      productId: bare.id,
      sku: bare.sku,
      name: bare.name,
      onHand: 0,
      reserved: 0,
      available: 0,
      lowStockThreshold: 0,
    });
    expect(await movementsOf(t.token, bare.id)).toEqual([]);

    const stocked = await createProduct(t.token, { initialStock: 40, lowStockThreshold: 5 });
    expect(await getInventory(t.token, stocked.id)).toMatchObject({ onHand: 40, available: 40, lowStockThreshold: 5 });
    const movements = await movementsOf(t.token, stocked.id);
    expect(movements).toHaveLength(1);
    expect(movements[0]).toMatchObject({
      kind: 'receipt',
      onHandDelta: 40,
      reservedDelta: 0,
      onHandAfter: 40,
      reservedAfter: 0,
      reason: 'Initial stock',
      actorId: t.ownerId,
    });

    const events = (await eventsOf(t.token)).filter((e) => e.entityId === stocked.id);
    expect(events.map((e) => e.type).sort()).toEqual(['inventory:updated', 'product:created']);
  });

  it('filters by category, active and price, sorts, and pages with a cursor', async () => {
    const t = await createTenant();
    const cheap = await createProduct(t.token, { name: 'Cheap', priceMinor: 100, category: 'tea' });
    const mid = await createProduct(t.token, { name: 'Mid', priceMinor: 500, category: 'coffee' });
    const dear = await createProduct(t.token, { name: 'Dear', priceMinor: 900, category: 'coffee', active: false });
    const get = (query: ProductsQuery) => listProducts(t.token, query);

    expect(ids(await get({ category: 'coffee' }))).toEqual([dear.id, mid.id]);
    expect(ids(await get({ active: 'false' }))).toEqual([dear.id]);
    expect(ids(await get({ active: 'true', sort: 'name' }))).toEqual([cheap.id, mid.id]);
    expect(ids(await get({ minPrice: 500, sort: 'priceMinor' }))).toEqual([mid.id, dear.id]);
    expect(ids(await get({ maxPrice: 500, sort: '-priceMinor' }))).toEqual([mid.id, cheap.id]);
    expect(ids(await get({ minPrice: 200, maxPrice: 800 }))).toEqual([mid.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get({ limit: 2, sort: '-priceMinor', ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      seen.push(...ids(res));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([dear.id, mid.id, cheap.id]);
  });

  it('refuses a duplicate SKU within a tenant but not across tenants', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const first = await createProduct(a.token, { sku: 'DUP-1' });
    const dup = await postProduct(a.token, { sku: 'DUP-1', name: 'Other', priceMinor: 1 });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('ALREADY_EXISTS');
    expect(dup.body.detail).toContain('sku');

    const second = await createProduct(a.token, { sku: 'DUP-2' });
    const renamed = await patchProduct(a.token, second.id, { sku: 'DUP-1' });
    expect(renamed.status).toBe(409);
    expect(renamed.body.code).toBe('ALREADY_EXISTS');
    expect((await getProduct(a.token, second.id)).body.sku).toBe('DUP-2');

    // The refused create wrote nothing: no product, no inventory row, no event.
    expect(ids(await listProducts(a.token, { q: 'DUP-1' }))).toEqual([first.id]);
    expect((await answered(rest(a.token).GET('/v1/inventory'))).body.data).toHaveLength(2);
    expect((await eventsOf(a.token, 'product:created')).length).toBe(2);

    expect((await createProduct(b.token, { sku: 'DUP-1' })).sku).toBe('DUP-1');
  });

  it('rejects invalid input with 400', async () => {
    const t = await createTenant();
    const post = (body: Schemas['CreateProduct']) => postProduct(t.token, body);
    // Untyped: bodies that are not a product's (a string for a number, an unknown field, no sku).
    const postUntyped = (body: Record<string, unknown>) => api('POST', '/v1/products', body, { token: t.token });
    const valid = { sku: 'V-1', name: 'Valid', priceMinor: 100 };

    const negative = await post({ ...valid, priceMinor: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.code).toBe('VALIDATION_FAILED');
    expect(negative.body.errors?.[0]?.path).toBe('json.priceMinor');
    expect((await post({ ...valid, priceMinor: 12.5 })).status).toBe(400);
    expect((await postUntyped({ ...valid, priceMinor: '100' })).status).toBe(400);
    expect((await postUntyped({ ...valid, colour: 'red' })).status).toBe(400);
    for (const currency of ['eur', 'EURO', 'E1R', 'QQQ']) {
      const bad = await post({ ...valid, currency });
      expect(bad.status, currency).toBe(400);
      expect(bad.body.errors?.[0]?.path).toBe('json.currency');
    }
    expect((await post({ ...valid, initialStock: -1 })).status).toBe(400);
    expect((await post({ ...valid, lowStockThreshold: -1 })).status).toBe(400);
    expect((await post({ ...valid, sku: '  ' })).status).toBe(400);
    expect((await postUntyped({ name: 'No sku', priceMinor: 1 })).status).toBe(400);

    const p = await createProduct(t.token);
    const patch = (body: Schemas['UpdateProduct']) => patchProduct(t.token, p.id, body);
    expect((await patch({ priceMinor: -5 })).status).toBe(400);
    // Untyped: initialStock is not a field of an update.
    expect((await api('PATCH', `/v1/products/${p.id}`, { initialStock: 5 }, { token: t.token })).status).toBe(400);
    expect((await patch({ currency: 'usd' })).status).toBe(400);

    const get = (query: ProductsQuery = {}) => listProducts(t.token, query);
    expect((await get({ minPrice: 500, maxPrice: 100 })).status).toBe(400);
    expect((await get({ minPrice: -1 })).status).toBe(400);
    // Untyped: a sort field and an active flag the list does not have.
    expect((await api('GET', '/v1/products?sort=description', undefined, { token: t.token })).status).toBe(400);
    expect((await api('GET', '/v1/products?active=maybe', undefined, { token: t.token })).status).toBe(400);
    expect((await getProduct(t.token, 'not-a-uuid')).status).toBe(400);

    // Nothing invalid was stored.
    expect(ids(await get())).toEqual([p.id]);
    expect((await getProduct(t.token, p.id)).body.version).toBe(1);
  });

  it('lets salesmen and viewers read but not write; managers write', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token);
    for (const role of ['salesman', 'viewer'] as const) {
      const user = await createUserWithRole(t, role);
      expect((await listProducts(user.token)).status).toBe(200);
      expect((await getProduct(user.token, p.id)).status).toBe(200);
      const create = await postProduct(user.token, { sku: `R-${role}`, name: 'x', priceMinor: 1 });
      expect(create.status).toBe(403);
      expect(create.body.code).toBe('FORBIDDEN');
      expect((await patchProduct(user.token, p.id, { name: 'x' })).status).toBe(403);
      expect((await deleteProduct(user.token, p.id)).status).toBe(403);
    }
    const manager = await createUserWithRole(t, 'manager');
    expect((await createProduct(manager.token, { sku: 'MGR-1' })).sku).toBe('MGR-1');
    expect((await patchProduct(manager.token, p.id, { name: 'By manager' })).status).toBe(200);
    expect((await answered(rest().GET('/v1/products'))).status).toBe(401);
  });

  it("answers 404 for another tenant's product on every route", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const p = await createProduct(a.token, { sku: 'ISO-1' });
    expect((await getProduct(b.token, p.id)).status).toBe(404);
    expect((await patchProduct(b.token, p.id, { name: 'stolen' })).status).toBe(404);
    expect((await deleteProduct(b.token, p.id)).status).toBe(404);
    expect((await listProducts(b.token, { includeDeleted: 'true' })).body.data).toEqual([]);
    expect((await getProduct(b.token, crypto.randomUUID())).status).toBe(404);

    // Reusing A's id in B creates B's own product; A's stays untouched.
    const own = await createProduct(b.token, { id: p.id, sku: 'ISO-1', name: 'B copy' });
    expect(own.id).toBe(p.id);
    const aView = await getProduct(a.token, p.id);
    expect(aView.body).toEqual(p);
  });
});
