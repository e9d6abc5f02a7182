import { eq, sum } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inventory } from '../../src/db/tables';
import { api } from '../helpers/api';
import { createProduct } from '../helpers/catalog-factories';
import { testDb } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import { createSalesmanUser, createTerritory, createVisit, squareAround } from '../helpers/field-factories';
import { answered, answeredJson, rest } from '../helpers/rest';

const SHOP = { lat: 52.52, lng: 13.405 };
const onboarding = (token: string) => answered(rest(token).GET('/v1/onboarding'));
const sampleData = (token: string) => ({
  load: () => answered(rest(token).POST('/v1/onboarding/sample-data')),
  remove: () => answered(rest(token).DELETE('/v1/onboarding/sample-data')),
});
const doneSteps = async (token: string) => {
  const res = await onboarding(token);
  expect(res.status).toBe(200);
  return res.body.steps.filter((s) => s.done).map((s) => s.key);
};

describe('onboarding checklist', () => {
  it('starts empty for a new organisation and ticks each step as it is done', async () => {
    const t = await createTenant();
    const first = await onboarding(t.token);
    expect(first.body).toMatchObject({ completed: 0, total: 7, complete: false });
    expect(first.body.steps.map((s) => s.key)).toEqual([
      'company_profile',
      'territory_drawn',
      'products_added',
      'customers_imported',
      'salesman_invited',
      'visit_checked_in',
      'order_taken',
    ]);
    expect(first.body.steps[0]).toMatchObject({ done: false, count: 0, path: '/app/settings' });

    expect((await answered(rest(t.token).PATCH('/v1/tenant', { body: { checkInRadiusM: 150 } }))).status).toBe(200);
    expect(await doneSteps(t.token)).toEqual(['company_profile']);

    await createTerritory(t.token, { boundary: { type: 'Polygon', coordinates: [squareAround(SHOP.lng, SHOP.lat)] } });
    const product = await createProduct(t.token);
    const customer = await createCustomer(t.token, SHOP);
    const rep = await createSalesmanUser(t);
    expect(await doneSteps(t.token)).toEqual([
      'company_profile',
      'territory_drawn',
      'products_added',
      'customers_imported',
      'salesman_invited',
    ]);

    // A planned visit is not a check-in yet.
    const visit = await createVisit(t.token, { customerId: customer.id, salesmanId: rep.salesmanId });
    expect(await doneSteps(t.token)).not.toContain('visit_checked_in');
    const fix = { ...SHOP, accuracy: 10 };
    const checkIn = { params: { path: { id: visit.id } }, body: fix };
    expect((await answered(rest(rep.token).POST('/v1/visits/{id}/check-in', checkIn))).status).toBe(200);
    const order = await answered(
      rest(rep.token).POST('/v1/orders', {
        body: { customerId: customer.id, lines: [{ productId: product.id, quantity: 1 }] },
      }),
    );
    expect(order.status).toBe(201);

    const done = await onboarding(t.token);
    expect(done.body).toMatchObject({ completed: 7, total: 7, complete: true });
    // Untyped: GraphQL is not in the OpenAPI document.
    const viaGraphql = await api(
      'POST',
      '/graphql',
      { query: '{ onboarding { completed complete steps { key done count path } } }' },
      { token: t.token },
    );
    expect(viaGraphql.body.data.onboarding).toEqual({
      completed: 7,
      complete: true,
      steps: done.body.steps.map((s) => ({
        key: s.key.toUpperCase(),
        done: s.done,
        count: s.count,
        path: s.path,
      })),
    });
    expect(done.body.steps.find((s) => s.key === 'customers_imported')?.count).toBe(1);

    // Undone again when its records go: the only product deleted.
    const deleted = await answered(rest(t.token).DELETE('/v1/products/{id}', { params: { path: { id: product.id } } }));
    expect(deleted.status).toBe(200);
    expect(await doneSteps(t.token)).not.toContain('products_added');
  });

  it("counts only the caller's organisation and is for managers and up", async () => {
    const a = await createTenant();
    await createProduct(a.token);
    const b = await createTenant();
    expect(await doneSteps(b.token)).toEqual([]);
    const manager = await createUserWithRole(a, 'manager');
    expect(await doneSteps(manager.token)).toEqual(['products_added']);
    for (const role of ['salesman', 'viewer'] as const) {
      const user = await createUserWithRole(a, role);
      const res = await onboarding(user.token);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });
});

describe('sample data', () => {
  it('loads marked sample records into an empty organisation and removes exactly them', async () => {
    const t = await createTenant();
    const loaded = await sampleData(t.token).load();
    expect(loaded.status, JSON.stringify(loaded.body)).toBe(201);
    expect(loaded.body?.counts).toEqual({
      territories: 2,
      salesmen: 3,
      customers: 30,
      products: 12,
      visits: 10,
      orders: 25,
    });
    expect((await onboarding(t.token)).body.sampleData).toEqual(loaded.body);
    const customers = await answered(rest(t.token).GET('/v1/customers', { params: { query: { limit: 100 } } }));
    expect(customers.body.data).toHaveLength(30);
    for (const c of customers.body.data) {
      expect(c.name).toMatch(/^Sample /);
      expect(c.externalId).toMatch(/^SAMPLE-C\d{3}$/);
      expect(c.lat).toEqual(expect.any(Number));
    }
    const orders = await answered(rest(t.token).GET('/v1/orders', { params: { query: { limit: 100 } } }));
    expect(orders.body.data).toHaveLength(25);
    expect(orders.body.data.some((o) => o.status === 'confirmed')).toBe(true);
    // The reports see it as any other data.
    const sold = await answeredJson(rest(t.token).GET('/v1/analytics/products', { params: { query: { days: 7 } } }));
    expect(sold.body.totals.orders).toBeGreaterThan(0);

    // Only once, and only into an empty organisation.
    expect((await sampleData(t.token).load()).status).toBe(409);
    const busy = await createTenant();
    await createCustomer(busy.token, SHOP);
    const refused = await sampleData(busy.token).load();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INVALID_STATE');

    // A real customer added meanwhile stays when the sample goes; a confirmed sample order gave its stock back.
    const real = await createCustomer(t.token, { ...SHOP, name: 'Real customer' });
    const reserved = async () =>
      (
        await testDb()
          .select({ n: sum(inventory.reserved) })
          .from(inventory)
          .where(eq(inventory.tenantId, t.tenantId))
      )[0]?.n;
    expect(Number(await reserved())).toBeGreaterThan(0);
    expect((await sampleData(t.token).remove()).status).toBe(204);
    const left = await answered(rest(t.token).GET('/v1/customers', { params: { query: { limit: 100 } } }));
    expect(left.body.data.map((c) => c.id)).toEqual([real.id]);
    const client = rest(t.token);
    for (const [path, list] of [
      ['/v1/orders', () => answered(client.GET('/v1/orders'))],
      ['/v1/products', () => answered(client.GET('/v1/products'))],
      ['/v1/salesmen', () => answered(client.GET('/v1/salesmen'))],
      ['/v1/territories', () => answered(client.GET('/v1/territories'))],
      ['/v1/visits', () => answered(client.GET('/v1/visits'))],
    ] as const) {
      expect((await list()).body.data, path).toEqual([]);
    }
    expect(Number(await reserved())).toBe(0);
    expect((await onboarding(t.token)).body.sampleData).toBeNull();
    expect((await sampleData(t.token).remove()).status).toBe(404);
    // And it can be loaded again afterwards? No: the organisation has a customer now.
    expect((await sampleData(t.token).load()).status).toBe(409);
  });

  it('is for owners and admins', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    expect((await sampleData(manager.token).load()).status).toBe(403);
    expect((await sampleData(manager.token).remove()).status).toBe(403);
  });
});
