import { sql } from 'drizzle-orm';
import { forgetTenantLimits } from '../../src/limits/limiter';
import { api } from './api';
import { executeSql, testDatabaseKind } from './db';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export const DEFAULT_PASSWORD = 'correct horse battery staple';

export interface TestTenant {
  tenantId: string;
  ownerId: string;
  ownerEmail: string;
  token: string;
  refreshToken: string;
}

/**
 * The limits test tenants run with: the plan's rate limiter counts every request of every test (and
 * answers its headers), but a test's burst of requests stays far below them. Tests of the limits
 * themselves set small ones (`setTenantLimits`).
 */
export const ROOMY_LIMITS = {
  requestsPerMinute: 1_000_000,
  credentialRequestsPerMinute: 1_000_000,
  graphqlCostPerMinute: 100_000_000,
  credentialGraphqlCostPerMinute: 100_000_000,
  realtimeConnectsPerMinute: 100_000,
};

/** Sets the operator's limit overrides of a tenant, as `npm run operator -- limits` does. */
export async function setTenantLimits(tenantId: string, limits: Record<string, number> | null): Promise<void> {
  const json = limits === null ? null : JSON.stringify(limits);
  await executeSql(
    testDatabaseKind() === 'postgres'
      ? sql`UPDATE tenants SET limits = ${json}::jsonb WHERE id = ${tenantId}`
      : sql`UPDATE tenants SET limits = ${json} WHERE id = ${tenantId}`,
  );
  forgetTenantLimits(tenantId);
}

/** Signs up a fresh tenant (storage is shared within a test file, so every test makes its own). */
export async function createTenant(name = 'Acme Field Co'): Promise<TestTenant> {
  const email = `owner-${unique()}@example.test`;
  const res = await api('POST', '/v1/auth/signup', {
    tenantName: name,
    name: 'Olive Owner',
    email,
    password: DEFAULT_PASSWORD,
    timezone: 'Europe/Berlin',
    currency: 'EUR',
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  await setTenantLimits(res.body.tenant.id, ROOMY_LIMITS);
  return {
    tenantId: res.body.tenant.id,
    ownerId: res.body.user.id,
    ownerEmail: email,
    token: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

/** Creates a user with `role` in the tenant and returns a token for them. */
export async function createUserWithRole(
  tenant: TestTenant,
  role: 'admin' | 'manager' | 'salesman' | 'viewer',
): Promise<{ id: string; email: string; token: string }> {
  const email = `${role}-${unique()}@example.test`;
  const created = await api(
    'POST',
    '/v1/users',
    { email, name: `${role} user`, role, password: DEFAULT_PASSWORD },
    { token: tenant.token },
  );
  if (created.status !== 201) throw new Error(`create user failed: ${JSON.stringify(created.body)}`);
  const token = await loginAs(email, tenant.tenantId);
  return { id: created.body.id, email, token };
}

export async function loginAs(email: string, tenantId?: string): Promise<string> {
  const res = await api('POST', '/v1/auth/login', {
    email,
    password: DEFAULT_PASSWORD,
    ...(tenantId ? { tenantId } : {}),
  });
  if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

export async function createCustomer(token: string, overrides: Record<string, unknown> = {}) {
  const res = await api(
    'POST',
    '/v1/customers',
    { name: `Customer ${unique()}`, city: 'Berlin', lat: 52.52, lng: 13.405, ...overrides },
    { token },
  );
  if (res.status !== 201) throw new Error(`create customer failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

export { unique };
