import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

const fetchRaw = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`https://fieldline.test${path}`, init));

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('http surface', () => {
  it('puts X-Request-Id and the secure headers on every response, errors included', async () => {
    const t = await createTenant();
    // Untyped: /health is not in the OpenAPI document, nor is an unknown route or a field a customer does not have.
    const responses = [
      await api('GET', '/health'),
      await answered(rest(t.token).GET('/v1/customers')),
      await answered(rest().GET('/v1/customers')),
      await api('GET', '/v1/nope'),
      await api('POST', '/v1/customers', { nope: true }, { token: t.token }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 404, 400]);
    for (const res of responses) {
      expect(res.headers.get('x-request-id')).toMatch(UUID_RE);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    // The id in an error body is the one in the header, so a support ticket can quote either.
    expect(responses[2]?.body.requestId).toBe(responses[2]?.headers.get('x-request-id'));
    const ids = new Set(responses.map((r) => r.headers.get('x-request-id')));
    expect(ids.size).toBe(responses.length);
  });

  it('echoes a well-formed client X-Request-Id and replaces a malformed one', async () => {
    // Untyped: /health is not in the OpenAPI document.
    const echoed = await api('GET', '/health', undefined, { headers: { 'x-request-id': 'trace-abc_123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-abc_123');
    const replaced = await api('GET', '/health', undefined, { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(UUID_RE);
  });

  it('answers CORS preflights without credentials and exposes the useful headers', async () => {
    const res = await fetchRaw('/v1/customers', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = res.headers.get('access-control-allow-headers')?.toLowerCase() ?? '';
    for (const h of ['authorization', 'content-type', 'idempotency-key', 'x-api-key']) expect(allowed).toContain(h);
    expect(res.headers.get('access-control-max-age')).toBe('600');

    const simple = await fetchRaw('/health', { headers: { origin: 'https://app.example.test' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = simple.headers.get('access-control-expose-headers')?.toLowerCase() ?? '';
    expect(exposed).toContain('x-request-id');
    expect(exposed).toContain('idempotent-replayed');
  });

  it('never answers 5xx to a NUL character in a filter (Postgres text cannot hold it)', async () => {
    const t = await createTenant();
    const client = rest(t.token);
    const filtered: [string, () => Promise<{ status: number; headers: Headers }>][] = [
      [
        '/v1/search?q=tea&category=%00',
        () => answered(client.GET('/v1/search', { params: { query: { q: 'tea', category: '\0' } } })),
      ],
      ['/v1/customers?city=%00', () => answered(client.GET('/v1/customers', { params: { query: { city: '\0' } } }))],
      ['/v1/audit?actorId=%00', () => answered(client.GET('/v1/audit', { params: { query: { actorId: '\0' } } }))],
    ];
    for (const [path, call] of filtered) {
      const res = await call();
      expect(res.status, path).toBeLessThan(500);
      if (res.status >= 400) expect(res.headers.get('content-type'), path).toBe('application/problem+json');
    }
  });

  // Untyped from here on: /health, /, /docs and /openapi.json are not in the OpenAPI document, and the rest are
  // an unknown route, a wrong method, or bodies in a content type the API does not accept.
  it('answers an unknown route with a 404 problem', async () => {
    const res = await api('GET', '/v1/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', title: 'Not found' });
    expect(res.body.detail).toContain('/v1/does-not-exist');
    const wrongMethod = await api('PUT', '/health');
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.body.code).toBe('NOT_FOUND');
  });

  it('serves an OpenAPI 3.1 document with the customer paths and bearer auth', async () => {
    const res = await api('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('Fieldline API');
    expect(doc.paths['/v1/customers']).toHaveProperty('get');
    expect(doc.paths['/v1/customers']).toHaveProperty('post');
    expect(doc.paths['/v1/customers/{id}']).toHaveProperty('get');
    expect(doc.paths['/v1/customers/{id}']).toHaveProperty('patch');
    expect(doc.paths['/v1/auth/login']).toHaveProperty('post');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/v1/customers'].get.security).toEqual([{ bearerAuth: [] }]);
    // Signup and login are public.
    expect(doc.paths['/v1/auth/login'].post.security).toBeUndefined();
  });

  it('names every operation with a stable, unique operationId (generated clients use them)', async () => {
    const doc = (await api('GET', '/openapi.json')).body;
    const ids: string[] = [];
    for (const [path, item] of Object.entries<Record<string, { operationId?: string }>>(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operation.operationId, `${method.toUpperCase()} ${path} has no operationId`).toMatch(/^[a-z][A-Za-z]+$/);
        ids.push(operation.operationId as string);
      }
    }
    expect(ids.length).toBeGreaterThan(90);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/v1/customers'].get.operationId).toBe('listCustomers');
    expect(doc.paths['/v1/visits/{id}/check-in'].post.operationId).toBe('checkInVisit');
  });

  it('serves the API reference page from its own assets only', async () => {
    const res = await api('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = res.body as string;
    expect(html).toContain('src="/vendor/scalar-api-reference.js"');
    expect(html).toContain('/openapi.json');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('reports health and the API index', async () => {
    const health = await api('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const index = await api('GET', '/');
    expect(index.body).toMatchObject({ name: 'Fieldline API', docs: '/docs', openapi: '/openapi.json' });
  });

  it('refuses a non-JSON content type on a JSON route with a 4xx problem, never a 500', async () => {
    const t = await createTenant();
    const bodies: [string, string][] = [
      ['text/plain', '{"name":"x"}'],
      ['application/x-www-form-urlencoded', 'name=x'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--'],
    ];
    for (const [type, raw] of bodies) {
      const res = await api('POST', '/v1/customers', undefined, {
        token: t.token,
        raw,
        headers: { 'content-type': type },
      });
      expect(res.status, type).toBeGreaterThanOrEqual(400);
      expect(res.status, type).toBeLessThan(500);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const noType = await api('POST', '/v1/auth/login', undefined, { raw: '{"email":"a@b.test","password":"x"}' });
    expect(noType.status).toBeGreaterThanOrEqual(400);
    expect(noType.status).toBeLessThan(500);
    const list = await answered(rest(t.token).GET('/v1/customers'));
    expect(list.body.data).toEqual([]);
  });
});
