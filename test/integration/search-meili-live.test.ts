import { env } from 'cloudflare:workers';
import { Meilisearch } from 'meilisearch';
import { afterAll, describe, expect, it } from 'vitest';
import { MeiliBackend } from '../../src/search/meili-backend';
import { createProduct } from '../helpers/catalog-factories';
import { testDb } from '../helpers/db';
import { createCustomer, createTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

/**
 * The Meilisearch adapter against a REAL server. Skipped unless MEILI_TEST_URL (and MEILI_TEST_KEY, an
 * admin API key that is not the master key) reach the test runtime: tests run inside workerd, so they must
 * be passed as miniflare bindings in vitest.config.ts (see docs/search.md). Uses throw-away indexes.
 */
const bindings = env as unknown as Record<string, string | undefined>;
const URL_ = bindings.MEILI_TEST_URL || undefined;
const KEY = bindings.MEILI_TEST_KEY || undefined;
const prefix = `fltest_${crypto.randomUUID().slice(0, 8)}_`;

describe.skipIf(!URL_ || !KEY)('Meilisearch adapter against a live server (MEILI_TEST_URL)', () => {
  const backend = () =>
    new MeiliBackend(testDb(), {
      host: URL_ as string,
      apiKey: KEY as string,
      indexPrefix: prefix,
      taskTimeoutMs: 60_000,
    });

  afterAll(async () => {
    const client = new Meilisearch({ host: URL_ as string, apiKey: KEY as string });
    for (const uid of [`${prefix}products`, `${prefix}customers`]) await client.deleteIndex(uid).waitTask();
  });

  it('indexes, searches with typos, filters by geo and keeps tenants apart, also with tenant tokens', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const bolt = await createProduct(a.token, {
      sku: 'HX-1',
      name: 'Hex Bolt M8',
      category: 'Fasteners',
      priceMinor: 45,
    });
    await createProduct(b.token, { sku: 'HX-1', name: 'Hex Bolt M8', category: 'Fasteners', priceMinor: 45 });
    const near = await createCustomer(a.token, { name: 'Near Co', lat: 52.521, lng: 13.405 });
    await createCustomer(b.token, { name: 'Near Too', lat: 52.521, lng: 13.405 });
    const meili = backend();
    expect(await meili.reindex(a.tenantId)).toEqual({ products: 1, customers: 1 });
    expect(await meili.reindex(b.tenantId)).toEqual({ products: 1, customers: 1 });

    const found = await meili.search(a.tenantId, {
      type: 'products',
      q: 'blot',
      limit: 10,
      sort: 'relevance',
      filters: {},
    });
    expect(found.hits.map((h) => h.id)).toEqual([bolt.id]);
    expect(found.hits[0]?.highlights.name).toContain('<mark>');

    const geo = await meili.near(a.tenantId, { lat: 52.52, lng: 13.405, radiusM: 500, limit: 10 });
    expect(geo.hits.map((h) => h.id)).toEqual([near.id]);
    expect(geo.hits[0]?.distanceM).toBeGreaterThan(50);

    const suggestions = await meili.suggest(a.tenantId, { q: 'hex bo', limit: 5, types: ['products', 'customers'] });
    expect(suggestions.map((s) => s.id)).toEqual([bolt.id]);

    // The browser-side key: no filter in the request, the token's search rules still scope it.
    const { token } = await meili.tenantToken(a.tenantId, ['products'], 60);
    const res = await fetch(`${URL_}/indexes/${prefix}products/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ q: 'bolt' }),
    });
    const body = (await res.json()) as { hits: { tenantId: string }[] };
    expect(body.hits.length).toBe(1);
    expect(body.hits.every((h) => h.tenantId === a.tenantId)).toBe(true);
    const customers = await fetch(`${URL_}/indexes/${prefix}customers/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ q: '' }),
    });
    expect(customers.status).toBe(403);

    // Deletion reaches the index through sync.
    await answered(rest(a.token).DELETE('/v1/products/{id}', { params: { path: { id: bolt.id } } }));
    await meili.sync(a.tenantId, {
      products: { upsert: [], remove: [bolt.id] },
      customers: { upsert: [], remove: [] },
    });
    const after = await meili.search(a.tenantId, {
      type: 'products',
      q: 'bolt',
      limit: 10,
      sort: 'relevance',
      filters: {},
    });
    expect(after.total).toBe(0);
  });
});
