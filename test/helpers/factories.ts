import type { components } from '@fieldline/client/rest';
import { sql } from 'drizzle-orm';
import { forgetTenantLimits } from '../../src/limits/limiter';
import { executeSql, testDatabaseKind } from './db';
import { ok, rest } from './rest';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

type CreateCustomer = components['schemas']['CreateCustomer'];

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
  const body = { tenantName: name, name: 'Olive Owner', email, password: DEFAULT_PASSWORD };
  const signedUp = ok(
    await rest().POST('/v1/auth/signup', { body: { ...body, timezone: 'Europe/Berlin', currency: 'EUR' } }),
    201,
  );
  await setTenantLimits(signedUp.tenant.id, ROOMY_LIMITS);
  return {
    tenantId: signedUp.tenant.id,
    ownerId: signedUp.user.id,
    ownerEmail: email,
    token: signedUp.accessToken,
    refreshToken: signedUp.refreshToken,
  };
}

/** Creates a user with `role` in the tenant and returns a token for them. */
export async function createUserWithRole(
  tenant: TestTenant,
  role: 'admin' | 'manager' | 'salesman' | 'viewer',
): Promise<{ id: string; email: string; token: string }> {
  const email = `${role}-${unique()}@example.test`;
  const body = { email, name: `${role} user`, role, password: DEFAULT_PASSWORD };
  const created = ok(await rest(tenant.token).POST('/v1/users', { body }), 201);
  const token = await loginAs(email, tenant.tenantId);
  return { id: created.id, email, token };
}

export async function loginAs(email: string, tenantId?: string): Promise<string> {
  const body = { email, password: DEFAULT_PASSWORD, ...(tenantId ? { tenantId } : {}) };
  const signedIn = ok(await rest().POST('/v1/auth/login', { body }), 200);
  if (!('accessToken' in signedIn)) throw new Error(`login needs a second factor: ${JSON.stringify(signedIn)}`);
  return signedIn.accessToken;
}

export async function createCustomer(token: string, overrides: Partial<CreateCustomer> = {}) {
  const body: CreateCustomer = { name: `Customer ${unique()}`, city: 'Berlin', lat: 52.52, lng: 13.405, ...overrides };
  return ok(await rest(token).POST('/v1/customers', { body }), 201);
}

export { unique };
