import type { paths } from '@fieldline/client/rest';
import { sql } from 'drizzle-orm';
import { assert, describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createProduct } from '../helpers/catalog-factories';
import { executeSql, testDatabaseKind } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { createTerritory, metresNorth } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';

type SearchQuery = paths['/v1/search']['get']['parameters']['query'];
type NearQuery = paths['/v1/customers/near']['get']['parameters']['query'];

const search = (t: { token: string }, query: SearchQuery) =>
  answered(rest(t.token).GET('/v1/search', { params: { query } }));
/** Untyped: for parameters the search does not take (tests of refusals). */
const searchUntyped = (t: { token: string }, params: Record<string, string | number | boolean>) =>
  api('GET', `/v1/search?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`, undefined, {
    token: t.token,
  });
const suggest = (token: string, q: string) =>
  answered(rest(token).GET('/v1/search/suggest', { params: { query: { q } } }));
const nearby = (token: string, query: NearQuery) =>
  answered(rest(token).GET('/v1/customers/near', { params: { query } }));

/** The database's own search index: FTS5 on D1, tsvector and pg_trgm on Postgres. */
const BUILT_IN = testDatabaseKind() === 'postgres' ? 'postgres' : 'fts5';

const names = (res: { body: { hits: { entity: { name: string } }[] } }) => res.body.hits.map((h) => h.entity.name);

async function catalogue(t: TestTenant) {
  const bolt = await createProduct(t.token, {
    sku: 'HX-1234',
    name: 'Hex Bolt M8 Zinc',
    description: 'Zinc plated steel bolt for general assembly',
    category: 'Fasteners',
    priceMinor: 45,
  });
  const pump = await createProduct(t.token, {
    sku: 'HY-9000',
    name: 'Hydraulic Hand Pump',
    description: 'Two-stage pump for cylinders',
    category: 'Hydraulics',
    priceMinor: 18_900,
  });
  const washer = await createProduct(t.token, {
    sku: 'WS-8',
    name: 'Spring Washer M8',
    description: 'Locks the hex bolt',
    category: 'Fasteners',
    priceMinor: 5,
    active: false,
  });
  return { bolt, pump, washer };
}

describe('search endpoint (the database’s own index: FTS5 on D1, tsvector on Postgres)', () => {
  it('finds products with highlights, score, total and timing', async () => {
    const t = await createTenant();
    const { bolt } = await catalogue(t);
    const before = performance.now();
    const res = await search(t, { q: 'bolt' });
    const wall = performance.now() - before;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'products', backend: BUILT_IN, total: 2 });
    // Milliseconds spent in the backend during this request: not a timestamp, not another unit, not
    // more than the whole round trip took (0.1 for took's rounding).
    expect(res.body.took).toBeGreaterThanOrEqual(0);
    expect(res.body.took).toBeLessThanOrEqual(wall + 0.1);
    const [first, second] = res.body.hits;
    assert.isDefined(first);
    assert.isDefined(second);
    // The name match outranks the washer, whose description mentions a bolt.
    expect(first).toMatchObject({ id: bolt.id, highlights: { name: 'Hex <mark>Bolt</mark> M8 Zinc' } });
    expect(first.entity).toMatchObject({ id: bolt.id, sku: 'HX-1234', priceMinor: 45, active: true });
    expect(first.entity).not.toHaveProperty('tenantId');
    expect(first.score).toBeGreaterThan(second.score);
    expect(second.highlights.description).toContain('<mark>bolt</mark>');
  });

  it('tolerates typos, matches prefixes while typing, and finds SKUs', async () => {
    const t = await createTenant();
    const { bolt, pump } = await catalogue(t);
    const typo = await search(t, { q: 'blot' });
    expect(typo.body.hits[0]?.id).toBe(bolt.id);
    expect(typo.body.corrections).toEqual({ blot: ['bolt'] });
    expect(typo.body.hits[0]?.highlights.name).toBe('Hex <mark>Bolt</mark> M8 Zinc');
    expect((await search(t, { q: 'hydrolic' })).body.hits[0]?.id).toBe(pump.id);
    expect((await search(t, { q: 'hydr' })).body.hits[0]?.id).toBe(pump.id);
    expect((await search(t, { q: 'HY-9000' })).body.hits[0]?.id).toBe(pump.id);
    // Both parts of a code, the last one as a prefix.
    expect((await search(t, { q: 'hx-12' })).body.hits[0]?.highlights).toEqual({
      sku: '<mark>HX</mark>-<mark>1234</mark>',
    });
    // Too short to carry a typo: no correction, no match.
    expect((await search(t, { q: 'bxt' })).body).toMatchObject({ hits: [], total: 0, corrections: {} });
  });

  it('filters by category, price and active, and sorts by name or price', async () => {
    const t = await createTenant();
    await catalogue(t);
    expect(names(await search(t, { q: 'm8', category: 'Fasteners' }))).toEqual(
      expect.arrayContaining(['Hex Bolt M8 Zinc', 'Spring Washer M8']),
    );
    expect(names(await search(t, { q: 'm8', active: 'true' }))).toEqual(['Hex Bolt M8 Zinc']);
    expect(names(await search(t, { q: 'm8', maxPrice: 10 }))).toEqual(['Spring Washer M8']);
    expect((await search(t, { q: 'm8', minPrice: 10, maxPrice: 44 })).body).toMatchObject({ hits: [], total: 0 });
    expect(names(await search(t, { q: 'm8', sort: 'price' }))).toEqual(['Spring Washer M8', 'Hex Bolt M8 Zinc']);
    expect(names(await search(t, { q: 'm8', sort: '-name' }))).toEqual(['Spring Washer M8', 'Hex Bolt M8 Zinc']);
    const limited = await search(t, { q: 'm8', limit: 1, sort: 'name' });
    expect(limited.body).toMatchObject({ total: 2 });
    expect(names(limited)).toEqual(['Hex Bolt M8 Zinc']);
  });

  it('searches customers across name, email, phone, company and city, filtered by territory', async () => {
    const t = await createTenant();
    const north = await createTerritory(t.token);
    const anna = await createCustomer(t.token, {
      name: 'Anna Schmidt',
      company: 'Bäckerei Schmidt GmbH',
      email: 'anna@schmidt-backwaren.de',
      phone: '+49 30 5550123',
      city: 'Potsdam',
      territoryId: north.id,
    });
    await createCustomer(t.token, { name: 'Jonas Weber', company: 'Weber Metallbau', city: 'Berlin' });
    for (const q of ['schmidt', 'backerei', 'backwaren', '5550123', 'potsdam', 'Schmitt']) {
      const res = await search(t, { q, type: 'customers' });
      expect(
        res.body.hits.map((h) => h.id),
        q,
      ).toEqual([anna.id]);
    }
    expect((await search(t, { q: 'weber', type: 'customers', territoryId: north.id })).body.total).toBe(0);
    const hit = (await search(t, { q: 'potsdam', type: 'customers' })).body.hits[0];
    expect(hit?.highlights).toEqual({ city: '<mark>Potsdam</mark>' });
    // Marked in the text as stored: accents, and a word inside an email address.
    expect((await search(t, { q: 'backerei backwaren', type: 'customers' })).body.hits[0]?.highlights).toEqual({
      company: '<mark>Bäckerei</mark> Schmidt GmbH',
      email: 'anna@schmidt-<mark>backwaren</mark>.de',
    });
  });

  it('never returns another tenant’s records, nor corrects towards their vocabulary', async () => {
    const a = await createTenant();
    const b = await createTenant();
    await catalogue(b);
    await createCustomer(b.token, { name: 'Zeppelin Logistics', city: 'Friedrichshafen' });
    const own = await createProduct(a.token, { sku: 'HX-1234', name: 'Hex Bolt M8 Zinc', priceMinor: 45 });
    for (const q of ['bolt', 'blot', 'hydraulic', 'hydrolic', 'HY-9000', 'washer']) {
      const res = await search(a, { q });
      expect(res.status).toBe(200);
      for (const hit of res.body.hits) expect(hit.id).toBe(own.id);
    }
    expect((await search(a, { q: 'hydrolic' })).body.corrections).toEqual({});
    expect((await search(a, { q: 'zeppelin', type: 'customers' })).body.total).toBe(0);
    expect((await suggest(a.token, 'zep')).body.suggestions).toEqual([]);
  });

  it('reflects creates, renames, deletes and undeletes at once', async () => {
    const t = await createTenant();
    const created = await createProduct(t.token, { sku: 'GL-1', name: 'Nitrile Gloves', priceMinor: 900 });
    expect(names(await search(t, { q: 'nitrile' }))).toEqual(['Nitrile Gloves']);

    const product = { params: { path: { id: created.id } } };
    await rest(t.token).PATCH('/v1/products/{id}', { ...product, body: { name: 'Latex Gloves' } });
    expect((await search(t, { q: 'nitrile' })).body.total).toBe(0);
    expect(names(await search(t, { q: 'latex' }))).toEqual(['Latex Gloves']);
    // The vocabulary follows: the new word corrects typos, the old one is gone.
    expect((await search(t, { q: 'latx' })).body.corrections).toEqual({ latx: ['latex'] });
    expect(await termsOf(t.tenantId, 'product')).not.toContain('nitrile');

    await rest(t.token).DELETE('/v1/products/{id}', product);
    expect((await search(t, { q: 'latex' })).body.total).toBe(0);
    expect(await termsOf(t.tenantId, 'product')).not.toContain('latex');

    // No API undeletes; the trigger handles it for sync tools or manual repair.
    await executeSql(sql`UPDATE products SET deleted_at = NULL WHERE tenant_id = ${t.tenantId} AND id = ${created.id}`);
    expect(names(await search(t, { q: 'latex' }))).toEqual(['Latex Gloves']);
  });

  it('falls back to any word when no record has all of them', async () => {
    const t = await createTenant();
    await catalogue(t);
    const res = await search(t, { q: 'hydraulic zebra' });
    expect(names(res)).toEqual(['Hydraulic Hand Pump']);
  });

  it('rejects bad input with problem+json', async () => {
    const t = await createTenant();
    const cases: Record<string, string | number | boolean>[] = [
      {},
      { q: '' },
      { q: 'x'.repeat(201) },
      { q: 'x', type: 'orders' },
      { q: 'x', limit: 0 },
      { q: 'x', limit: 101 },
      { q: 'x', minPrice: 10, maxPrice: 5 },
      { q: 'x', minPrice: -1 },
      { q: 'x', sort: 'price', type: 'customers' },
      { q: 'x', category: 'Tools', type: 'customers' },
      { q: 'x', territoryId: crypto.randomUUID() },
      { q: 'x', territoryId: 'not-a-uuid', type: 'customers' },
      { q: 'x', active: 'maybe' },
    ];
    // Untyped: the cases hold a search without q, a type and an active flag it does not have.
    for (const params of cases) {
      const res = await searchUntyped(t, params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    // Punctuation only: a valid request with nothing to find.
    expect((await search(t, { q: '"*:()' })).body).toMatchObject({ hits: [], total: 0 });
    expect((await answered(rest().GET('/v1/search', { params: { query: { q: 'bolt' } } }))).status).toBe(401);
  });

  it('applies the read permissions of REST', async () => {
    const t = await createTenant();
    await catalogue(t);
    await createCustomer(t.token, { name: 'Bolt Brothers Ltd' });
    for (const role of ['viewer', 'manager'] as const) {
      const user = await createUserWithRole(t, role);
      expect((await search(user, { q: 'bolt' })).status).toBe(200);
      expect((await search(user, { q: 'bolt', type: 'customers' })).status).toBe(200);
    }
    const key = await answered(
      rest(t.token).POST('/v1/api-keys', { body: { name: 'Shop', scopes: ['products:read'] } }),
    );
    // Untyped: the key goes in the X-API-Key header.
    const headers = { 'x-api-key': key.body.secret };
    expect((await api('GET', '/v1/search?q=bolt', undefined, { headers })).status).toBe(200);
    const denied = await api('GET', '/v1/search?q=bolt&type=customers', undefined, { headers });
    expect(denied.status).toBe(403);
    const suggest = await api('GET', '/v1/search/suggest?q=bolt', undefined, { headers });
    expect(suggest.body.suggestions.map((s: { type: string }) => s.type)).toEqual(['product']);
  });
});

describe('suggest', () => {
  it('completes product names, SKUs and customer names with typos and prefixes', async () => {
    const t = await createTenant();
    const { bolt, pump } = await catalogue(t);
    const customer = await createCustomer(t.token, { name: 'Hydro Werke Ost', company: 'Hydro AG' });
    const res = await suggest(t.token, 'hyd');
    expect(res.status).toBe(200);
    expect(res.body.suggestions.map((s) => s.id).sort()).toEqual([pump.id, customer.id].sort());
    const product = res.body.suggestions.find((s) => s.id === pump.id);
    expect(product).toMatchObject({ type: 'product', text: 'Hydraulic Hand Pump (HY-9000)' });
    expect(product?.highlight).toBe('<mark>Hydraulic</mark> Hand Pump');
    const typo = await suggest(t.token, 'hex blot');
    expect(typo.body.suggestions[0]).toMatchObject({ id: bolt.id, type: 'product' });
    const sku = await suggest(t.token, 'hx-12');
    expect(sku.body.suggestions[0]).toMatchObject({ id: bolt.id });
    // Untyped: no q.
    expect((await api('GET', '/v1/search/suggest', undefined, { token: t.token })).status).toBe(400);
  });
});

describe('customers near', () => {
  it('returns customers within the radius, nearest first, and only the caller’s', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const at = (metres: number, name: string, token = a.token) =>
      createCustomer(token, { name, lat: 52.52 + metresNorth(metres), lng: 13.405 });
    const far = await at(900, 'Far');
    const closest = await at(100, 'Near');
    await at(3000, 'Outside');
    await at(50, 'Other tenant', b.token);
    await createCustomer(a.token, { name: 'No location', lat: null, lng: null });
    const res = await nearby(a.token, { lat: 52.52, lng: 13.405, radius: 1000 });
    expect(res.status).toBe(200);
    expect(res.body.hits.map((h) => h.id)).toEqual([closest.id, far.id]);
    expect(res.body.total).toBe(2);
    expect(res.body.hits[0]?.distanceM).toBeCloseTo(100, 0);
    const farHit = res.body.hits[1];
    assert.isDefined(farHit);
    expect(farHit.entity).toMatchObject({ name: 'Far' });
    expect(farHit.entity).not.toHaveProperty('tenantId');
    const one = await nearby(a.token, { lat: 52.52, lng: 13.405, radius: 1000, limit: 1 });
    expect(one.body).toMatchObject({ total: 2, hits: [{ id: closest.id }] });
    // Registered before /{id}: both routes answer.
    const byId = { params: { path: { id: closest.id } } };
    expect((await answered(rest(a.token).GET('/v1/customers/{id}', byId))).body.name).toBe('Near');
  });

  it('handles the antimeridian and validates its input', async () => {
    const t = await createTenant();
    const east = await createCustomer(t.token, { name: 'Taveuni East', lat: -16.8, lng: 179.999 });
    const west = await createCustomer(t.token, { name: 'Taveuni West', lat: -16.8, lng: -179.999 });
    const res = await nearby(t.token, { lat: -16.8, lng: 180, radius: 500 });
    expect(res.body.hits.map((h) => h.id).sort()).toEqual([east.id, west.id].sort());
    // Untyped: the cases hold a search without a radius and a word for a latitude.
    for (const q of [
      'lat=91&lng=0&radius=10',
      'lat=0&lng=0',
      'lat=0&lng=0&radius=0',
      'lat=0&lng=0&radius=200000',
      'lat=x&lng=0&radius=5',
    ]) {
      const bad = await api('GET', `/v1/customers/near?${q}`, undefined, { token: t.token });
      expect(bad.status, q).toBe(400);
    }
  });
});

describe('reindex and search keys', () => {
  it('rebuilds the tenant index (owner/admin only) with the same vocabulary the triggers keep', async () => {
    const t = await createTenant();
    await catalogue(t);
    await createCustomer(t.token, { name: 'Anna Schmidt', company: 'Bäckerei Schmidt', city: 'Potsdam' });
    const before = await termsOf(t.tenantId);
    // Damage the index: the rebuild must restore it.
    await executeSql(
      BUILT_IN === 'postgres'
        ? sql`UPDATE products_search SET document = NULL WHERE tenant_id = ${t.tenantId}`
        : sql`DELETE FROM products_fts WHERE rowid IN (SELECT doc_id FROM search_docs WHERE tenant_id = ${t.tenantId})`,
    );
    expect((await search(t, { q: 'bolt' })).body.total).toBe(0);
    const manager = await createUserWithRole(t, 'manager');
    expect((await answered(rest(manager.token).POST('/v1/search/reindex'))).status).toBe(403);
    const res = await answered(rest(t.token).POST('/v1/search/reindex'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ backend: BUILT_IN, products: 3, customers: 1 });
    expect((await search(t, { q: 'bolt' })).body.total).toBe(2);
    expect(await termsOf(t.tenantId)).toEqual(before);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await api('GET', '/openapi.json')).body;
    for (const path of [
      '/v1/search',
      '/v1/search/suggest',
      '/v1/search/key',
      '/v1/search/reindex',
      '/v1/customers/near',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const hit = JSON.stringify(doc.components.schemas.CustomerSearchHit);
    expect(hit).toContain('#/components/schemas/Customer');
    expect(doc.paths['/v1/search'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'q',
        'type',
        'limit',
        'sort',
        'category',
        'minPrice',
        'maxPrice',
        'active',
        'territoryId',
      ]),
    );
  });

  it('has no client-side key without Meilisearch', async () => {
    const t = await createTenant();
    const res = await answered(rest(t.token).GET('/v1/search/key'));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});

/** The tenant's typo vocabulary: `search_terms` has the same name and these columns on both databases. */
async function termsOf(tenantId: string, entity?: string) {
  const { rows: results } = await executeSql<{ entity: string; term: string; docs: number }>(
    sql`SELECT entity, term, docs FROM search_terms WHERE tenant_id = ${tenantId}
        ${entity ? sql`AND entity = ${entity}` : sql``} ORDER BY entity, term`,
  );
  return entity ? results.map((r) => r.term) : results;
}
