import type { components } from '@fieldline/client/rest';
import { createUserWithRole, loginAs, type TestTenant, unique } from './factories';
import { ok, rest } from './rest';

type Schemas = components['schemas'];

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

export const createTerritory = async (token: string, overrides: Partial<Schemas['CreateTerritory']> = {}) => {
  const body = {
    name: `Territory ${unique()}`,
    boundary: { type: 'Polygon' as const, coordinates: [squareAround(13.405, 52.52)] },
    ...overrides,
  };
  return ok(await rest(token).POST('/v1/territories', { body }), 201);
};

export const createSalesman = async (token: string, overrides: Partial<Schemas['CreateSalesman']> = {}) => {
  const body = { name: `Salesman ${unique()}`, employeeCode: `E-${unique()}`, ...overrides };
  return ok(await rest(token).POST('/v1/salesmen', { body }), 201);
};

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
  overrides: Partial<Schemas['CreateSalesman']> = {},
): Promise<SalesmanUser> {
  const user = await createUserWithRole(tenant, 'salesman');
  const profile = await createSalesman(tenant.token, { userId: user.id, ...overrides });
  const token = await loginAs(user.email, tenant.tenantId);
  return { userId: user.id, email: user.email, salesmanId: profile.id, token };
}

export const createVisit = async (token: string, body: Schemas['CreateVisit']) =>
  ok(await rest(token).POST('/v1/visits', { body }), 201);

export const createTarget = async (
  token: string,
  overrides: Partial<Schemas['CreateTarget']> & { salesmanId: string },
) => {
  const body = { periodType: 'month' as const, periodStart: '2025-03-01', ...overrides };
  return ok(await rest(token).POST('/v1/targets', { body }), 201);
};
