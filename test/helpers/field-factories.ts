import { api } from './api';
import { createUserWithRole, loginAs, type TestTenant, unique } from './factories';

/** A closed square ring of half-width `d` degrees around (lng, lat), as GeoJSON wants it. */
export const squareAround = (lng: number, lat: number, d = 0.05): number[][] => [
  [lng - d, lat - d],
  [lng + d, lat - d],
  [lng + d, lat + d],
  [lng - d, lat + d],
  [lng - d, lat - d],
];

/** Degrees of latitude for `metres` north (one degree of latitude ≈ 111.195 km on the mean sphere). */
export const metresNorth = (metres: number) => metres / 111_195;

async function created(path: string, token: string, body: Record<string, unknown>) {
  const res = await api('POST', path, body, { token });
  if (res.status !== 201) throw new Error(`POST ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const createTerritory = (token: string, overrides: Record<string, unknown> = {}) =>
  created('/v1/territories', token, {
    name: `Territory ${unique()}`,
    boundary: { type: 'Polygon', coordinates: [squareAround(13.405, 52.52)] },
    ...overrides,
  });

export const createSalesman = (token: string, overrides: Record<string, unknown> = {}) =>
  created('/v1/salesmen', token, { name: `Salesman ${unique()}`, employeeCode: `E-${unique()}`, ...overrides });

export interface SalesmanUser {
  userId: string;
  email: string;
  salesmanId: string;
  /** Issued after the profile was linked, so it carries the `sal` claim. */
  token: string;
}

/** A user with role salesman, his linked salesman profile, and a fresh token that knows about it. */
export async function createSalesmanUser(
  tenant: TestTenant,
  overrides: Record<string, unknown> = {},
): Promise<SalesmanUser> {
  const user = await createUserWithRole(tenant, 'salesman');
  const profile = await createSalesman(tenant.token, { userId: user.id, ...overrides });
  const token = await loginAs(user.email, tenant.tenantId);
  return { userId: user.id, email: user.email, salesmanId: profile.id, token };
}

export const createVisit = (token: string, overrides: Record<string, unknown> = {}) =>
  created('/v1/visits', token, { ...overrides });

export const createTarget = (token: string, overrides: Record<string, unknown> = {}) =>
  created('/v1/targets', token, { periodType: 'month', periodStart: '2025-03-01', ...overrides });
