import type { components } from '@fieldline/client/rest';
import { and, asc, eq } from 'drizzle-orm';
import { inventory, products, salesmen, stockMovements, visits } from '../../src/db/tables';
import { newId } from '../../src/lib/ids';
import { testDb } from './db';
import { createCustomer, createUserWithRole, loginAs, type TestTenant, unique } from './factories';
import { ok, rest } from './rest';

type CreateOrder = components['schemas']['CreateOrder'];

/**
 * Sales fixtures. Products, inventory, salesmen and visits are written straight into D1 so these tests do
 * not depend on those resources' routes; tenants, users and customers come through the API.
 */
const db = () => testDb();
const now = () => new Date().toISOString();

export interface ProductFixture {
  priceMinor?: number;
  currency?: string;
  active?: boolean;
  onHand?: number;
  reserved?: number;
  lowStockThreshold?: number;
  deleted?: boolean;
}

/** A product of the tenant with its inventory row (tenants from createTenant trade in EUR). */
export async function createProduct(tenant: TestTenant, fixture: ProductFixture = {}): Promise<string> {
  const id = newId();
  const at = now();
  await db()
    .insert(products)
    .values({
      tenantId: tenant.tenantId,
      id,
      createdAt: at,
      updatedAt: at,
      version: 1,
      deletedAt: fixture.deleted ? at : null,
      sku: `SKU-${unique()}`,
      name: `Product ${unique()}`,
      priceMinor: fixture.priceMinor ?? 1000,
      currency: fixture.currency ?? 'EUR',
      active: fixture.active ?? true,
    });
  await db()
    .insert(inventory)
    .values({
      tenantId: tenant.tenantId,
      productId: id,
      onHand: fixture.onHand ?? 100,
      reserved: fixture.reserved ?? 0,
      lowStockThreshold: fixture.lowStockThreshold ?? 0,
      createdAt: at,
      updatedAt: at,
    });
  return id;
}

export const setProductPrice = (tenant: TestTenant, productId: string, priceMinor: number) =>
  db()
    .update(products)
    .set({ priceMinor, updatedAt: now() })
    .where(and(eq(products.tenantId, tenant.tenantId), eq(products.id, productId)));

export async function inventoryOf(tenant: TestTenant, productId: string) {
  const [row] = await db()
    .select()
    .from(inventory)
    .where(and(eq(inventory.tenantId, tenant.tenantId), eq(inventory.productId, productId)));
  if (!row) throw new Error(`no inventory row for ${productId}`);
  return row;
}

export const movementsOf = (tenant: TestTenant, productId: string) =>
  db()
    .select()
    .from(stockMovements)
    .where(and(eq(stockMovements.tenantId, tenant.tenantId), eq(stockMovements.productId, productId)))
    .orderBy(asc(stockMovements.createdAt));

export interface SalesmanFixture {
  salesmanId: string;
  userId: string;
  token: string;
}

/**
 * A salesman-role user (via the API) linked to a salesman row. The login happens after the link, so the
 * token carries the `sal` claim that scopes the user to his own rows.
 */
export async function createSalesman(tenant: TestTenant): Promise<SalesmanFixture> {
  const user = await createUserWithRole(tenant, 'salesman');
  const salesmanId = newId();
  const at = now();
  await db()
    .insert(salesmen)
    .values({
      tenantId: tenant.tenantId,
      id: salesmanId,
      createdAt: at,
      updatedAt: at,
      version: 1,
      userId: user.id,
      name: `Salesman ${unique()}`,
    });
  return { salesmanId, userId: user.id, token: await loginAs(user.email, tenant.tenantId) };
}

export async function createVisit(tenant: TestTenant, customerId: string, salesmanId: string): Promise<string> {
  const id = newId();
  const at = now();
  await db()
    .insert(visits)
    .values({ tenantId: tenant.tenantId, id, createdAt: at, updatedAt: at, version: 1, customerId, salesmanId });
  return id;
}

export type LineBody = CreateOrder['lines'][number];

/** Creates a draft order through the API (as the tenant owner unless a token is given). */
export async function createOrder(
  tenant: TestTenant,
  lines: LineBody[],
  overrides: Partial<CreateOrder> = {},
  token = tenant.token,
) {
  const customerId = overrides.customerId ?? (await createCustomer(tenant.token)).id;
  return ok(await rest(token).POST('/v1/orders', { body: { customerId, lines, ...overrides } }), 201);
}

/** A confirmed order of `quantity` units of one product. */
export async function createConfirmedOrder(tenant: TestTenant, productId: string, quantity: number) {
  const order = await createOrder(tenant, [{ productId, quantity }]);
  const confirm = await rest(tenant.token).POST('/v1/orders/{id}/confirm', { params: { path: { id: order.id } } });
  return ok(confirm, 200);
}

/** The tenant's events after `since`, as the API returns them. */
export async function eventsSince(tenant: TestTenant, since: number) {
  const page = await rest(tenant.token).GET('/v1/events', { params: { query: { since, limit: 1000 } } });
  return ok(page, 200).data;
}

export const lastSeq = async (tenant: TestTenant) => (await eventsSince(tenant, 0)).at(-1)?.seq ?? 0;

/** Today in the test tenants' timezone (Europe/Berlin), YYYY-MM-DD. */
export const tenantToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());

/** A target for the current month (in the tenant's timezone) of `salesmanId`. */
export async function createCurrentMonthTarget(
  tenant: TestTenant,
  salesmanId: string,
  goals: { revenueGoalMinor?: number; visitGoal?: number },
): Promise<{ id: string }> {
  const body = { salesmanId, periodType: 'month' as const, periodStart: `${tenantToday().slice(0, 7)}-01`, ...goals };
  return ok(await rest(tenant.token).POST('/v1/targets', { body }), 201);
}
