/**
 * Tenant and salesman isolation, generated from the route table (/openapi.json): every route that takes
 * an id is called with ids that belong to someone the caller must not reach. A new route with an id
 * parameter is covered automatically; if its resource has no fixture below, this test fails and says so.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, type TestTenant } from '../helpers/factories';
import { createSalesmanUser, type SalesmanUser } from '../helpers/field-factories';
import { sampleFor } from '../helpers/openapi-samples';
import { answered, rest } from '../helpers/rest';
import { type Fixtures, seedTenant } from '../helpers/tenant-fixtures';

interface Route {
  method: string;
  path: string;
  resource: string;
  bodySchema?: Record<string, unknown>;
  /** Required query parameters, so validation passes and the request reaches the service. */
  requiredQuery: { name: string; schema: Record<string, unknown> }[];
}

let doc: any;
let routes: Route[];
let owner: TestTenant;
let intruder: TestTenant;
let rep1: SalesmanUser;
let rep2: SalesmanUser;
let fixtures: Fixtures;
/** Entities of salesman 1 that salesman 2 must not reach. */
let repFixtures: Fixtures;

function routesWithIds(openapi: any): Route[] {
  const out: Route[] = [];
  for (const [path, item] of Object.entries<any>(openapi.paths)) {
    if (!/\{[^}]+\}/.test(path)) continue;
    // Rules are addressed by a kind every tenant has (`/notification-rules/{kind}`), not by an id.
    if (path.includes('{kind}')) continue;
    for (const method of ['get', 'post', 'patch', 'put', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const resource = path.split('/')[2] ?? '';
      const requiredQuery = (op.parameters ?? [])
        .filter((p: any) => p.in === 'query' && p.required)
        .map((p: any) => ({ name: p.name, schema: p.schema }));
      out.push({
        method,
        path,
        resource,
        bodySchema: op.requestBody?.content?.['application/json']?.schema,
        requiredQuery,
      });
    }
  }
  return out;
}

function fill(route: Route, id: string): string {
  const path = route.path.replace(/\{[^}]+\}/g, id);
  if (route.requiredQuery.length === 0) return path;
  const query = new URLSearchParams(route.requiredQuery.map((q) => [q.name, String(sampleFor(q.schema, doc))]));
  return `${path}?${query}`;
}

/** A snapshot of what the owner sees, to prove the attempts changed nothing. */
async function snapshot(token: string, f: Fixtures) {
  const out: Record<string, unknown> = {};
  for (const [resource, id] of Object.entries(f)) {
    if (resource === 'api-keys') continue;
    if (resource === 'push') {
      // Devices are read as a list, the owner's own.
      out[resource] = (await answered(rest(token).GET('/v1/push/subscriptions'))).body.data;
      continue;
    }
    if (resource === 'notifications') {
      // No single-notification read: the list shows its read mark.
      out[resource] = (
        await answered(rest(token).GET('/v1/notifications', { params: { query: { limit: 200 } } }))
      ).body.data;
      continue;
    }
    // Untyped (as all calls whose path is built from a resource name or the route table at run time).
    const res = await api('GET', `/v1/${resource}/${id}`, undefined, { token });
    out[resource] = res.body;
  }
  const keys = await answered(rest(token).GET('/v1/api-keys'));
  out['api-keys'] = keys.body.data;
  return out;
}

beforeAll(async () => {
  owner = await createTenant('Owner Co');
  intruder = await createTenant('Intruder Co');
  rep1 = await createSalesmanUser(owner);
  rep2 = await createSalesmanUser(owner);
  fixtures = await seedTenant(owner, rep1);
  repFixtures = fixtures;
  // The intruder tenant has data of its own, so a leak could not hide behind an empty tenant.
  await seedTenant(intruder, await createSalesmanUser(intruder));
  doc = (await api('GET', '/openapi.json')).body;
  routes = routesWithIds(doc);
});

describe('cross-tenant matrix (every route with an id)', () => {
  it('covers every resource that has id routes', () => {
    expect(routes.length).toBeGreaterThan(20);
    const missing = [...new Set(routes.map((r) => r.resource))].filter((r) => !(r in fixtures));
    expect(missing, `add a fixture for: ${missing.join(', ')}`).toEqual([]);
  });

  it("answers 404 to another tenant's owner for every id route, and changes nothing", async () => {
    const before = await snapshot(owner.token, fixtures);
    const failures: string[] = [];
    for (const route of routes) {
      const id = fixtures[route.resource] as string;
      const body = route.bodySchema ? sampleFor(route.bodySchema, doc) : undefined;
      const res = await api(route.method.toUpperCase(), fill(route, id), body, { token: intruder.token });
      if (res.status !== 404 || res.body.code !== 'NOT_FOUND') {
        failures.push(`${route.method.toUpperCase()} ${route.path} -> ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot(owner.token, fixtures)).toEqual(before);
  });

  it('lists never include another tenant’s rows', async () => {
    for (const resource of [
      'customers',
      'products',
      'territories',
      'salesmen',
      'visits',
      'orders',
      'payments',
      'targets',
      'users',
      'invitations',
      'inventory',
      'webhooks',
    ]) {
      const res = await api('GET', `/v1/${resource}?limit=200`, undefined, { token: intruder.token });
      expect(res.status, resource).toBe(200);
      const ids = res.body.data.map((r: { id?: string; productId?: string }) => r.id ?? r.productId);
      expect(ids, resource).not.toContain(fixtures[resource]);
    }
    const events = await answered(rest(intruder.token).GET('/v1/events', { params: { query: { limit: 1000 } } }));
    const entityIds = events.body.data.map((e) => e.entityId);
    for (const id of Object.values(fixtures)) expect(entityIds).not.toContain(id);
  });
});

describe("salesman matrix (another salesman's visits, orders, payments, targets, notifications)", () => {
  const own = ['visits', 'orders', 'payments', 'targets', 'notifications'];

  it('never lets salesman 2 read or change salesman 1’s records', async () => {
    const before = await snapshot(owner.token, repFixtures);
    const failures: string[] = [];
    for (const route of routes.filter((r) => own.includes(r.resource))) {
      const id = repFixtures[route.resource] as string;
      const body = route.bodySchema ? sampleFor(route.bodySchema, doc) : undefined;
      const res = await api(route.method.toUpperCase(), fill(route, id), body, { token: rep2.token });
      // Reads must look exactly like a missing record; writes may also be refused outright by role.
      const allowed = route.method === 'get' ? [404] : [403, 404];
      if (!allowed.includes(res.status)) {
        failures.push(`${route.method.toUpperCase()} ${route.path} -> ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot(owner.token, repFixtures)).toEqual(before);
  });

  it('filters salesman 2’s lists to his own rows', async () => {
    for (const resource of own) {
      const res = await api('GET', `/v1/${resource}?limit=200`, undefined, { token: rep2.token });
      expect(res.status, resource).toBe(200);
      expect(
        res.body.data.map((r: { id: string }) => r.id),
        resource,
      ).not.toContain(repFixtures[resource]);
    }
  });
});
