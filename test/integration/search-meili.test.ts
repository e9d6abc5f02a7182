import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app';
import { forgetPreparedIndexes, MeiliBackend } from '../../src/search/meili-backend';
import { CUSTOMER_SETTINGS, PRODUCT_SETTINGS } from '../../src/search/meili-settings';
import { indexTenant, runSearchIndexer } from '../../src/services/search-indexer.service';
import { createProduct } from '../helpers/catalog-factories';
import { testDatabaseKind, testDb } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

/**
 * The Meilisearch adapter against recorded request/response pairs that follow Meilisearch's documented
 * HTTP API (search, multi-search, documents, settings, tasks, keys). `fetch` is replaced for the duration
 * of each test; every request must be the next expected one (method, path, query and JSON body), carry the
 * admin key, and be answered with the recorded response. No Meilisearch server runs here.
 */

const HOST = 'http://meili.test';
const ADMIN_KEY = 'admin-key-for-tests';
const KEY_UID = '6062abda-a5aa-4414-ac91-ecd7944c0f8d';
const options = { host: HOST, apiKey: ADMIN_KEY, indexPrefix: 'test_', taskTimeoutMs: 2_000 };

interface Exchange {
  method: string;
  path: string;
  body?: unknown;
  status?: number;
  response: unknown;
}

let script: Exchange[] = [];
let seen: { method: string; path: string; body: unknown }[] = [];

function replay(exchanges: Exchange[]) {
  script = [...exchanges];
  seen = [];
}

beforeEach(() => {
  forgetPreparedIndexes();
  script = [];
  seen = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    seen.push({ method, path: url.pathname + url.search, body });
    expect(url.origin).toBe(HOST);
    expect(new Headers(init?.headers).get('authorization')).toBe(`Bearer ${ADMIN_KEY}`);
    const next = script.shift();
    if (!next) throw new Error(`unexpected request ${method} ${url.pathname}${url.search}`);
    expect({ method, path: url.pathname + url.search }).toEqual({ method: next.method, path: next.path });
    if (next.body !== undefined) expect(body).toEqual(next.body);
    return new Response(JSON.stringify(next.response), {
      status: next.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const enqueued = (taskUid: number, indexUid: string, type: string) => ({
  status: 202,
  response: { taskUid, indexUid, status: 'enqueued', type, enqueuedAt: '2026-11-21T10:00:00.000Z' },
});
const task = (uid: number, status: 'succeeded' | 'failed' = 'succeeded', error: unknown = null): Exchange => ({
  method: 'GET',
  path: `/tasks/${uid}`,
  response: {
    uid,
    batchUid: uid,
    indexUid: 'test_products',
    status,
    type: 'documentAdditionOrUpdate',
    canceledBy: null,
    details: {},
    error,
    duration: 'PT0.004S',
    enqueuedAt: '2026-11-21T10:00:00.000Z',
    startedAt: '2026-11-21T10:00:00.001Z',
    finishedAt: '2026-11-21T10:00:00.005Z',
  },
});

/** What the first push of an isolate does: create both indexes (idempotent) and apply their settings. */
const prepareIndexes = (firstTask: number): Exchange[] => [
  {
    method: 'POST',
    path: '/indexes',
    body: { uid: 'test_products', primaryKey: 'uid' },
    ...enqueued(firstTask, 'test_products', 'indexCreation'),
  },
  task(firstTask),
  {
    method: 'PATCH',
    path: '/indexes/test_products/settings',
    body: PRODUCT_SETTINGS,
    ...enqueued(firstTask + 1, 'test_products', 'settingsUpdate'),
  },
  task(firstTask + 1),
  {
    method: 'POST',
    path: '/indexes',
    body: { uid: 'test_customers', primaryKey: 'uid' },
    ...enqueued(firstTask + 2, 'test_customers', 'indexCreation'),
  },
  task(firstTask + 2, 'failed', {
    message: 'Index `test_customers` already exists.',
    code: 'index_already_exists',
    type: 'invalid_request',
    link: 'https://docs.meilisearch.com/errors#index_already_exists',
  }),
  {
    method: 'PATCH',
    path: '/indexes/test_customers/settings',
    body: CUSTOMER_SETTINGS,
    ...enqueued(firstTask + 3, 'test_customers', 'settingsUpdate'),
  },
  task(firstTask + 3),
];

const productDoc = (t: TestTenant, p: Record<string, any>) => ({
  uid: `${t.tenantId}_${p.id}`,
  id: p.id,
  tenantId: t.tenantId,
  sku: p.sku,
  name: p.name,
  description: p.description,
  category: p.category,
  priceMinor: p.priceMinor,
  currency: p.currency,
  active: p.active,
});

const searchResponse = (hits: unknown[], estimatedTotalHits = hits.length, q = '') => ({
  hits,
  query: q,
  processingTimeMs: 1,
  limit: 20,
  offset: 0,
  estimatedTotalHits,
});

/** The Worker as deployed with Meilisearch configured (same database, different variables). */
async function appWithMeili(method: string, path: string, token: string) {
  const ctx = createExecutionContext();
  const res = await buildApp().fetch(
    new Request(`https://fieldline.test${path}`, { method, headers: { authorization: `Bearer ${token}` } }),
    { ...env, MEILI_HOST: HOST, MEILI_API_KEY: ADMIN_KEY, MEILI_INDEX_PREFIX: 'test_' },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

describe('Meilisearch adapter (recorded API exchanges)', () => {
  it('searches with a server-side tenant filter and keeps only live records of the tenant', async () => {
    const t = await createTenant();
    const other = await createTenant();
    const bolt = await createProduct(t.token, {
      sku: 'HX-1',
      name: 'Hex Bolt M8',
      category: 'Fasteners',
      priceMinor: 45,
    });
    const gone = await createProduct(t.token, { sku: 'HX-2', name: 'Old Bolt', priceMinor: 40 });
    await answered(rest(t.token).DELETE('/v1/products/{id}', { params: { path: { id: gone.id } } }));
    const foreign = await createProduct(other.token, { sku: 'HX-1', name: 'Hex Bolt M8', priceMinor: 45 });
    replay([
      {
        method: 'POST',
        path: '/indexes/test_products/search',
        body: {
          q: 'blot',
          filter: [`tenantId = "${t.tenantId}"`, 'category = "Fasteners"', 'priceMinor <= 100', 'active = true'],
          limit: 5,
          sort: ['priceMinor:asc'],
          attributesToHighlight: ['name', 'sku', 'category'],
          attributesToCrop: ['description'],
          cropLength: 12,
          highlightPreTag: '<mark>',
          highlightPostTag: '</mark>',
          showRankingScore: true,
        },
        response: searchResponse(
          [
            {
              ...productDoc(t, bolt),
              _formatted: { ...productDoc(t, bolt), name: 'Hex <mark>Bolt</mark> M8' },
              _rankingScore: 0.91,
            },
            // Neither may leak: a document of another tenant (an index misconfigured by hand) and a
            // document the indexer has not removed yet.
            { ...productDoc(other, foreign), _rankingScore: 0.9 },
            { ...productDoc(t, gone), _rankingScore: 0.5 },
          ],
          3,
          'blot',
        ),
      },
    ]);
    const backend = new MeiliBackend(testDb(), options);
    const result = await backend.search(t.tenantId, {
      type: 'products',
      q: 'blot',
      limit: 5,
      sort: 'price',
      filters: { category: 'Fasteners', maxPrice: 100, active: true },
    });
    expect(script).toEqual([]);
    expect(result.hits).toHaveLength(1);
    expect(result.hits[0]).toMatchObject({
      id: bolt.id,
      score: 0.91,
      highlights: { name: 'Hex <mark>Bolt</mark> M8' },
      entity: { id: bolt.id, tenantId: t.tenantId, name: 'Hex Bolt M8', priceMinor: 45, active: true },
    });
    expect(result.total).toBe(3);
  });

  it('finds customers near a point with _geoRadius, nearest first', async () => {
    const t = await createTenant();
    const c = await createCustomer(t.token, { name: 'Near Co', lat: 52.521, lng: 13.405 });
    replay([
      {
        method: 'POST',
        path: '/indexes/test_customers/search',
        body: {
          q: '',
          filter: [`tenantId = "${t.tenantId}"`, '_geoRadius(52.52, 13.405, 1000)'],
          sort: ['_geoPoint(52.52, 13.405):asc'],
          limit: 10,
        },
        response: searchResponse([
          {
            uid: `${t.tenantId}_${c.id}`,
            id: c.id,
            tenantId: t.tenantId,
            name: 'Near Co',
            _geo: { lat: 52.521, lng: 13.405 },
            _geoDistance: 111,
          },
        ]),
      },
    ]);
    const result = await new MeiliBackend(testDb(), options).near(t.tenantId, {
      lat: 52.52,
      lng: 13.405,
      radiusM: 1000,
      limit: 10,
    });
    expect(result).toMatchObject({ total: 1, hits: [{ id: c.id, distanceM: 111, entity: { name: 'Near Co' } }] });
  });

  it('suggests from both indexes in one multi-search', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token, { sku: 'HY-9', name: 'Hydraulic Pump', priceMinor: 100 });
    const c = await createCustomer(t.token, { name: 'Hydro Werke', company: 'Hydro AG' });
    const query = (indexUid: string, attributesToSearchOn: string[]) => ({
      indexUid,
      q: 'hydr',
      limit: 5,
      filter: [`tenantId = "${t.tenantId}"`],
      attributesToSearchOn,
      attributesToHighlight: ['name'],
      highlightPreTag: '<mark>',
      highlightPostTag: '</mark>',
      showRankingScore: true,
    });
    replay([
      {
        method: 'POST',
        path: '/multi-search',
        body: { queries: [query('test_products', ['name', 'sku']), query('test_customers', ['name', 'company'])] },
        response: {
          results: [
            {
              indexUid: 'test_products',
              ...searchResponse([
                {
                  id: p.id,
                  tenantId: t.tenantId,
                  name: 'Hydraulic Pump',
                  _formatted: { name: '<mark>Hydr</mark>aulic Pump' },
                  _rankingScore: 0.8,
                },
              ]),
            },
            {
              indexUid: 'test_customers',
              ...searchResponse([
                {
                  id: c.id,
                  tenantId: t.tenantId,
                  name: 'Hydro Werke',
                  _formatted: { name: '<mark>Hydr</mark>o Werke' },
                  _rankingScore: 0.9,
                },
              ]),
            },
          ],
        },
      },
    ]);
    const suggestions = await new MeiliBackend(testDb(), options).suggest(t.tenantId, {
      q: 'hydr',
      limit: 5,
      types: ['products', 'customers'],
    });
    expect(suggestions).toEqual([
      { type: 'customer', id: c.id, text: 'Hydro Werke (Hydro AG)', highlight: '<mark>Hydr</mark>o Werke', score: 0.9 },
      {
        type: 'product',
        id: p.id,
        text: 'Hydraulic Pump (HY-9)',
        highlight: '<mark>Hydr</mark>aulic Pump',
        score: 0.8,
      },
    ]);
  });
});

describe('Meilisearch indexer (event log → index)', () => {
  it('pushes current state after the cursor, retries a failed task, then stays idle', async () => {
    const t = await createTenant();
    const db = testDb();
    const backend = new MeiliBackend(testDb(), options);
    const p = await createProduct(t.token, { sku: 'A-1', name: 'Angle Grinder', priceMinor: 5000 });
    const removed = await createProduct(t.token, { sku: 'A-2', name: 'Old Grinder', priceMinor: 10 });
    await answered(rest(t.token).DELETE('/v1/products/{id}', { params: { path: { id: removed.id } } }));
    const renamed = await answered(
      rest(t.token).PATCH('/v1/products/{id}', { params: { path: { id: p.id } }, body: { name: 'Angle Grinder 125' } }),
    );
    const c = await createCustomer(t.token, { name: 'Weber', lat: 52.5, lng: 13.4 });

    const customerDoc = {
      uid: `${t.tenantId}_${c.id}`,
      id: c.id,
      tenantId: t.tenantId,
      name: 'Weber',
      company: null,
      email: null,
      phone: null,
      city: 'Berlin',
      territoryId: null,
      salesmanId: null,
      _geo: { lat: 52.5, lng: 13.4 },
    };
    const push = (first: number, products: 'fail' | 'ok'): Exchange[] => [
      // Current state, not the event payloads: the renamed product once, the deleted one as a deletion.
      {
        method: 'POST',
        path: '/indexes/test_products/documents?primaryKey=uid',
        body: [productDoc(t, renamed.body)],
        ...enqueued(first, 'test_products', 'documentAdditionOrUpdate'),
      },
      {
        method: 'POST',
        path: '/indexes/test_products/documents/delete-batch',
        body: [`${t.tenantId}_${removed.id}`],
        ...enqueued(first + 1, 'test_products', 'documentDeletion'),
      },
      {
        method: 'POST',
        path: '/indexes/test_customers/documents?primaryKey=uid',
        body: [customerDoc],
        ...enqueued(first + 2, 'test_customers', 'documentAdditionOrUpdate'),
      },
      products === 'fail'
        ? task(first, 'failed', { message: 'Internal error', code: 'internal', type: 'internal', link: '' })
        : task(first),
      ...(products === 'fail' ? [] : [task(first + 1), task(first + 2)]),
    ];

    replay([...prepareIndexes(1), ...push(5, 'fail')]);
    const failed = await indexTenant(db, backend, t.tenantId);
    expect(script).toEqual([]);
    expect(failed).toMatchObject({ status: 'failed', fromSeq: 0, toSeq: 0 });
    expect(failed.error).toContain('Meilisearch task 5 failed');

    // Indexes are prepared once per isolate; the retry pushes the same state again.
    replay(push(8, 'ok'));
    const ok = await indexTenant(db, backend, t.tenantId);
    expect(script).toEqual([]);
    const page = await answered(rest(t.token).GET('/v1/events', { params: { query: { since: 0, limit: 100 } } }));
    const lastSeq = page.body.data.at(-1)?.seq;
    expect(ok).toMatchObject({ status: 'ok', fromSeq: 0, toSeq: lastSeq, upserts: 2, removals: 1 });

    replay([]);
    expect(await indexTenant(db, backend, t.tenantId)).toMatchObject({
      status: 'ok',
      fromSeq: lastSeq,
      toSeq: lastSeq,
      upserts: 0,
    });
    expect(seen).toEqual([]);
  });
  it('never throws to its caller: skipped with the database’s own index, failed (cursor kept) when Meilisearch is down', async () => {
    const t = await createTenant();
    await createProduct(t.token, { sku: 'D-1', name: 'Drill', priceMinor: 100 });
    expect(await runSearchIndexer(env, t.tenantId)).toMatchObject({
      status: 'skipped',
      backend: testDatabaseKind() === 'postgres' ? 'postgres' : 'fts5',
    });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    replay([]); // every request fails
    const meiliEnv = { ...env, MEILI_HOST: HOST, MEILI_API_KEY: ADMIN_KEY, MEILI_INDEX_PREFIX: 'test_' };
    const report = await runSearchIndexer(meiliEnv, t.tenantId);
    expect(report).toMatchObject({ status: 'failed', backend: 'meilisearch', fromSeq: 0, toSeq: 0 });
    expect(seen.length).toBeGreaterThan(0);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('search-indexer'));
    errors.mockRestore();
  });
});

describe('Meilisearch through the API', () => {
  it('adds the caller’s tenant to every search, whatever the query says', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token, { sku: 'Z-1', name: 'Zinc Paint', priceMinor: 700 });
    replay([
      {
        method: 'POST',
        path: '/indexes/test_products/search',
        body: {
          q: 'zinc tenantId = "x" OR 1',
          filter: [`tenantId = "${t.tenantId}"`],
          limit: 20,
          attributesToHighlight: ['name', 'sku', 'category'],
          attributesToCrop: ['description'],
          cropLength: 12,
          highlightPreTag: '<mark>',
          highlightPostTag: '</mark>',
          showRankingScore: true,
        },
        response: searchResponse([{ ...productDoc(t, p), _rankingScore: 0.7 }], 1),
      },
    ]);
    const res = await appWithMeili('GET', `/v1/search?q=${encodeURIComponent('zinc tenantId = "x" OR 1')}`, t.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ backend: 'meilisearch', total: 1, hits: [{ id: p.id, score: 0.7 }] });
    expect(res.body.hits[0].entity).not.toHaveProperty('tenantId');
  });

  it('issues tenant tokens restricted to the tenant and to the indexes the caller may read', async () => {
    const t = await createTenant();
    const keyLookup: Exchange = {
      method: 'GET',
      path: `/keys/${ADMIN_KEY}`,
      response: {
        name: 'Default Admin API Key',
        description: 'Use it for anything that is not a search operation.',
        key: ADMIN_KEY,
        uid: KEY_UID,
        actions: ['*'],
        indexes: ['*'],
        expiresAt: null,
        createdAt: '2026-11-01T00:00:00Z',
        updatedAt: '2026-11-01T00:00:00Z',
      },
    };
    replay([keyLookup]);
    const res = await appWithMeili('GET', '/v1/search/key', t.token);
    expect(res.status).toBe(200);
    expect(res.body.indexes).toEqual({ products: 'test_products', customers: 'test_customers' });
    const claims = await verifyHs256(res.body.token, ADMIN_KEY);
    expect(claims.apiKeyUid).toBe(KEY_UID);
    expect(claims.searchRules).toEqual({
      test_products: { filter: `tenantId = "${t.tenantId}"` },
      test_customers: { filter: `tenantId = "${t.tenantId}"` },
    });
    const lifetime = claims.exp - Date.now() / 1000;
    expect(lifetime).toBeGreaterThan(800);
    expect(lifetime).toBeLessThanOrEqual(900);
    expect(Date.parse(res.body.expiresAt) / 1000).toBe(claims.exp);

    const key = await answered(
      rest(t.token).POST('/v1/api-keys', { body: { name: 'Shop', scopes: ['products:read'] } }),
    );
    const ctx = createExecutionContext();
    const limited = await buildApp().fetch(
      new Request('https://fieldline.test/v1/search/key', { headers: { 'x-api-key': key.body.secret } }),
      { ...env, MEILI_HOST: HOST, MEILI_API_KEY: ADMIN_KEY, MEILI_INDEX_PREFIX: 'test_' },
      ctx,
    );
    const body = (await limited.json()) as any;
    expect(body.indexes).toEqual({ products: 'test_products' });
    expect(Object.keys((await verifyHs256(body.token, ADMIN_KEY)).searchRules)).toEqual(['test_products']);
  });

  it('rebuilds the tenant’s documents and moves the cursor past the rebuild', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token, { sku: 'R-1', name: 'Rivet', priceMinor: 3 });
    const admin = await createUserWithRole(t, 'admin');
    replay([
      ...prepareIndexes(20),
      {
        method: 'POST',
        path: '/indexes/test_products/documents/delete',
        body: { filter: `tenantId = "${t.tenantId}"` },
        ...enqueued(24, 'test_products', 'documentDeletion'),
      },
      {
        method: 'POST',
        path: '/indexes/test_products/documents?primaryKey=uid',
        body: [productDoc(t, p)],
        ...enqueued(25, 'test_products', 'documentAdditionOrUpdate'),
      },
      {
        method: 'POST',
        path: '/indexes/test_customers/documents/delete',
        body: { filter: `tenantId = "${t.tenantId}"` },
        ...enqueued(26, 'test_customers', 'documentDeletion'),
      },
      task(24),
      task(25),
      task(26),
    ]);
    const res = await appWithMeili('POST', '/v1/search/reindex', admin.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ backend: 'meilisearch', products: 1, customers: 0 });
    expect(script).toEqual([]);
    // Everything before the rebuild is covered: the indexer has nothing to push.
    replay([]);
    const report = await indexTenant(testDb(), new MeiliBackend(testDb(), options), t.tenantId);
    expect(report).toMatchObject({ status: 'ok', upserts: 0, removals: 0 });
    expect(seen).toEqual([]);
  });
});

async function verifyHs256(token: string, secret: string) {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const b64 = (s: string) =>
    Uint8Array.from(atob(s.replaceAll('-', '+').replaceAll('_', '/')), (ch) => ch.charCodeAt(0));
  expect(JSON.parse(new TextDecoder().decode(b64(header)))).toEqual({ alg: 'HS256', typ: 'JWT' });
  const valid = await crypto.subtle.verify(
    'HMAC',
    key,
    b64(signature),
    new TextEncoder().encode(`${header}.${payload}`),
  );
  expect(valid).toBe(true);
  return JSON.parse(new TextDecoder().decode(b64(payload)));
}
