/**
 * Plan-tier rate limits (docs/security.md, Rate limits): REST requests, GraphQL complexity and realtime
 * connections counted per organisation and per credential by the tenant's RateLimiter Durable Object,
 * the IETF RateLimit headers, 429 with Retry-After, GET /v1/usage, and the signup limit per address.
 * Windows are clock minutes: each test starts away from a minute's end, so its requests share one window.
 */
import { exports } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { PLAN_LIMITS } from '../../src/limits/plans';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole, DEFAULT_PASSWORD, setTenantLimits } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import { realtimeRequest } from '../helpers/ws';

/** Waits for the next minute when fewer than 10 s are left of this one. */
async function awayFromMinuteEnd() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

/** `RateLimit: "org";r=5;t=42, "credential";r=3;t=42` → { org: 5, credential: 3 }. */
function remaining(headers: Headers): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of (headers.get('ratelimit') ?? '').split(',')) {
    const m = /"([^"]+)";r=(\d+);t=(\d+)/.exec(item.trim());
    if (m) out[m[1] as string] = Number(m[2]);
  }
  return out;
}

beforeEach(awayFromMinuteEnd);

const customers = (token: string) => answered(rest(token).GET('/v1/customers'));
const products = (token: string) => answered(rest(token).GET('/v1/products'));

describe('REST', () => {
  it('answers the policies and what remains on every response, one request counting exactly once', async () => {
    const t = await createTenant();
    await setTenantLimits(t.tenantId, { requestsPerMinute: 100, credentialRequestsPerMinute: 50 });
    const first = await customers(t.token);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"org";q=100;w=60, "credential";q=50;w=60');
    const before = remaining(first.headers);
    for (const path of ['/v1/products', '/v1/realtime/stats', '/v1/users/me', '/v1/report-subscriptions'] as const) {
      const res = await answered(rest(t.token).GET(path));
      expect(res.status, path).toBe(200);
    }
    const after = remaining((await customers(t.token)).headers);
    expect(after).toEqual({ org: (before.org as number) - 5, credential: (before.credential as number) - 5 });
  });

  it('refuses a credential over its limit with 429, Retry-After and the headers, while another credential goes on', async () => {
    const t = await createTenant();
    await setTenantLimits(t.tenantId, { requestsPerMinute: 100, credentialRequestsPerMinute: 4 });
    const manager = await createUserWithRole(t, 'manager'); // the owner's request 1
    for (let i = 0; i < 3; i++) expect((await customers(t.token)).status).toBe(200);
    // Untyped: the refusal's `policies` is not in the OpenAPI document's Problem schema.
    const refused = await api('GET', '/v1/customers', undefined, { token: t.token });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(refused.body.policies).toEqual(['credential']);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(remaining(refused.headers).credential).toBe(0);
    // A refused request changes nothing and is not counted against the organisation.
    const create = await answered(rest(t.token).POST('/v1/customers', { body: { name: 'Refused Ltd' } }));
    expect(create.status).toBe(429);
    const other = await customers(manager.token);
    expect(other.status).toBe(200);
    expect(other.body.data.map((c) => c.name)).not.toContain('Refused Ltd');
    expect(remaining(other.headers).org).toBe(100 - 5);
  });

  it("holds the organisation's limit across its credentials", async () => {
    const t = await createTenant();
    // Limits first: uses granted under the roomy test limits would count against these (a lease is
    // counted when granted). Creating the manager is the organisation's first request: 4 remain.
    await setTenantLimits(t.tenantId, { requestsPerMinute: 5, credentialRequestsPerMinute: 100 });
    const manager = await createUserWithRole(t, 'manager');
    const tokens = [t.token, manager.token, t.token, manager.token];
    for (const token of tokens) expect((await products(token)).status).toBe(200);
    for (const token of [t.token, manager.token]) {
      // Untyped: the refusal's `policies` is not in the OpenAPI document's Problem schema.
      const res = await api('GET', '/v1/products', undefined, { token });
      expect(res.status).toBe(429);
      expect(res.body.policies).toEqual(['org']);
    }
    // Another organisation has its own counters.
    const other = await createTenant();
    expect((await products(other.token)).status).toBe(200);
  });

  it('counts an API key apart from the user who made it', async () => {
    const t = await createTenant();
    await setTenantLimits(t.tenantId, { requestsPerMinute: 100, credentialRequestsPerMinute: 2 });
    const key = await answered(
      rest(t.token).POST('/v1/api-keys', { body: { name: 'ERP', scopes: ['customers:read'] } }),
    );
    expect(key.status).toBe(201);
    // Untyped: the key goes in the X-API-Key header.
    const byKey = { headers: { 'x-api-key': key.body.secret } };
    expect((await api('GET', '/v1/customers', undefined, byKey)).status).toBe(200);
    expect((await api('GET', '/v1/customers', undefined, byKey)).status).toBe(200);
    expect((await api('GET', '/v1/customers', undefined, byKey)).status).toBe(429);
    expect((await customers(t.token)).status).toBe(200);
  });
});

describe('GET /v1/usage', () => {
  it("answers the plan, its limits with the operator's overrides, and this minute's counts", async () => {
    const t = await createTenant();
    await setTenantLimits(t.tenantId, { credentialRequestsPerMinute: 77 });
    await customers(t.token);
    const res = await answered(rest(t.token).GET('/v1/usage'));
    expect(res.status).toBe(200);
    expect(res.body.plan).toBe('free');
    expect(res.body.enforced).toBe(true);
    expect(res.body.limits).toEqual({ ...PLAN_LIMITS.free, credentialRequestsPerMinute: 77 });
    const credential = res.body.current.rest.find((r) => r.policy === 'credential');
    expect(credential).toMatchObject({ limit: 77, used: 2, remaining: 75 });
    expect(res.body.current.graphql.map((r) => r.policy)).toEqual(['org-cost', 'credential-cost']);
  });

  it('shows the plan defaults without overrides', async () => {
    const t = await createTenant();
    await setTenantLimits(t.tenantId, null);
    const res = await answered(rest(t.token).GET('/v1/usage'));
    expect(res.body.limits).toEqual(PLAN_LIMITS.free);
    expect(res.headers.get('ratelimit-policy')).toBe(
      `"org";q=${PLAN_LIMITS.free.requestsPerMinute};w=60, "credential";q=${PLAN_LIMITS.free.credentialRequestsPerMinute};w=60`,
    );
  });
});

describe('GraphQL', () => {
  // Untyped: GraphQL is not in the OpenAPI document.
  const gql = (token: string, query: string) =>
    api('POST', '/graphql', { query }, { token, headers: { accept: 'application/graphql-response+json' } });

  it('charges each operation its complexity and refuses over the budget with 429 before it runs', async () => {
    const t = await createTenant();
    await setTenantLimits(t.tenantId, { graphqlCostPerMinute: 1000, credentialGraphqlCostPerMinute: 25 });
    // viewer { principalId kind } costs a few points (the field and its two scalars).
    const cheap = await gql(t.token, '{ viewer { principalId kind } }');
    expect(cheap.status).toBe(200);
    expect(cheap.headers.get('ratelimit-policy')).toContain('"credential-cost";q=25;w=60');
    const spent = 25 - (remaining(cheap.headers)['credential-cost'] as number);
    expect(spent).toBeGreaterThanOrEqual(1);
    let last = cheap;
    let runs = 1;
    while (last.status === 200 && runs < 30) {
      last = await gql(t.token, '{ viewer { principalId kind } }');
      runs++;
    }
    expect(last.status).toBe(429);
    expect(runs).toBe(Math.floor(25 / spent) + 1);
    expect(last.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.body.data).toBeUndefined();
  });

  it('refuses a mutation over the budget without running it', async () => {
    const t = await createTenant();
    await setTenantLimits(t.tenantId, { credentialGraphqlCostPerMinute: 1 });
    const res = await gql(t.token, 'mutation { createCustomer(input: { name: "Never Ltd" }) { id } }');
    expect(res.status).toBe(429);
    const list = await customers(t.token);
    expect(list.body.data).toEqual([]);
  });
});

describe('realtime connections', () => {
  it('refuses connections over the per-minute limit with 429 before the upgrade', async () => {
    const t = await createTenant();
    await setTenantLimits(t.tenantId, { realtimeConnectsPerMinute: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await exports.default.fetch(realtimeRequest(t.token));
      statuses.push(res.status);
      res.webSocket?.accept();
      res.webSocket?.close(1000, 'done');
    }
    expect(statuses).toEqual([101, 101, 429]);
  });
});

describe('signups per client address', () => {
  it('refuses the 11th signup from one address within a minute; another address goes on', async () => {
    // Untyped: the client address goes in a forged CF-Connecting-IP header.
    const signup = (ip: string, n: number) =>
      api(
        'POST',
        '/v1/auth/signup',
        { tenantName: `Burst ${n}`, name: 'B', email: `burst-${ip}-${n}@example.test`, password: DEFAULT_PASSWORD },
        { headers: { 'cf-connecting-ip': ip } },
      );
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const statuses: number[] = [];
    for (let n = 0; n < 11; n++) statuses.push((await signup(ip, n)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(statuses[10]).toBe(429);
    expect((await signup('203.0.113.9', 99)).status).toBe(201);
  });
});
