import { eq, sum } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inventory } from '../../src/db/tables';
import { api } from '../helpers/api';
import { createProduct } from '../helpers/catalog-factories';
import { testDb } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import { createSalesmanUser, createTerritory, createVisit, squareAround } from '../helpers/field-factories';

const SHOP = { lat: 52.52, lng: 13.405 };
const doneSteps = async (token: string) => {
  const res = await api('GET', '/v1/onboarding', undefined, { token });
  expect(res.status).toBe(200);
  return res.body.steps.filter((s: { done: boolean }) => s.done).map((s: { key: string }) => s.key);
};

describe('onboarding checklist', () => {
  it('starts empty for a new organisation and ticks each step as it is done', async () => {
    const t = await createTenant();
    const first = await api('GET', '/v1/onboarding', undefined, { token: t.token });
    expect(first.body).toMatchObject({ completed: 0, total: 7, complete: false });
    expect(first.body.steps.map((s: { key: string }) => s.key)).toEqual([
      'company_profile',
      'territory_drawn',
      'products_added',
      'customers_imported',
      'salesman_invited',
      'visit_checked_in',
      'order_taken',
    ]);
    expect(first.body.steps[0]).toMatchObject({ done: false, count: 0, path: '/app/settings' });

    expect((await api('PATCH', '/v1/tenant', { checkInRadiusM: 150 }, { token: t.token })).status).toBe(200);
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
    expect((await api('POST', `/v1/visits/${visit.id}/check-in`, fix, { token: rep.token })).status).toBe(200);
    const order = await api(
      'POST',
      '/v1/orders',
      { customerId: customer.id, lines: [{ productId: product.id, quantity: 1 }] },
      { token: rep.token },
    );
    expect(order.status).toBe(201);

    const done = await api('GET', '/v1/onboarding', undefined, { token: t.token });
    expect(done.body).toMatchObject({ completed: 7, total: 7, complete: true });
    const viaGraphql = await api(
      'POST',
      '/graphql',
      { query: '{ onboarding { completed complete steps { key done count path } } }' },
      { token: t.token },
    );
    expect(viaGraphql.body.data.onboarding).toEqual({
      completed: 7,
      complete: true,
      steps: done.body.steps.map((s: { key: string; done: boolean; count: number; path: string }) => ({
        key: s.key.toUpperCase(),
        done: s.done,
        count: s.count,
        path: s.path,
      })),
    });
    expect(done.body.steps.find((s: { key: string }) => s.key === 'customers_imported').count).toBe(1);

    // Undone again when its records go: the only product deleted.
    expect((await api('DELETE', `/v1/products/${product.id}`, undefined, { token: t.token })).status).toBe(200);
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
      const res = await api('GET', '/v1/onboarding', undefined, { token: user.token });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });
});

describe('sample data', () => {
  it('loads marked sample records into an empty organisation and removes exactly them', async () => {
    const t = await createTenant();
    const loaded = await api('POST', '/v1/onboarding/sample-data', undefined, { token: t.token });
    expect(loaded.status, JSON.stringify(loaded.body)).toBe(201);
    expect(loaded.body.counts).toEqual({
      territories: 2,
      salesmen: 3,
      customers: 30,
      products: 12,
      visits: 10,
      orders: 25,
    });
    const onboarding = await api('GET', '/v1/onboarding', undefined, { token: t.token });
    expect(onboarding.body.sampleData).toEqual(loaded.body);
    const customers = await api('GET', '/v1/customers?limit=100', undefined, { token: t.token });
    expect(customers.body.data).toHaveLength(30);
    for (const c of customers.body.data) {
      expect(c.name).toMatch(/^Sample /);
      expect(c.externalId).toMatch(/^SAMPLE-C\d{3}$/);
      expect(c.lat).toEqual(expect.any(Number));
    }
    const orders = await api('GET', '/v1/orders?limit=100', undefined, { token: t.token });
    expect(orders.body.data).toHaveLength(25);
    expect(orders.body.data.some((o: { status: string }) => o.status === 'confirmed')).toBe(true);
    // The reports see it as any other data.
    const sold = await api('GET', '/v1/analytics/products?days=7', undefined, { token: t.token });
    expect(sold.body.totals.orders).toBeGreaterThan(0);

    // Only once, and only into an empty organisation.
    expect((await api('POST', '/v1/onboarding/sample-data', undefined, { token: t.token })).status).toBe(409);
    const busy = await createTenant();
    await createCustomer(busy.token, SHOP);
    const refused = await api('POST', '/v1/onboarding/sample-data', undefined, { token: busy.token });
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
    expect((await api('DELETE', '/v1/onboarding/sample-data', undefined, { token: t.token })).status).toBe(204);
    const left = await api('GET', '/v1/customers?limit=100', undefined, { token: t.token });
    expect(left.body.data.map((c: { id: string }) => c.id)).toEqual([real.id]);
    for (const path of ['/v1/orders', '/v1/products', '/v1/salesmen', '/v1/territories', '/v1/visits']) {
      expect((await api('GET', path, undefined, { token: t.token })).body.data, path).toEqual([]);
    }
    expect(Number(await reserved())).toBe(0);
    expect((await api('GET', '/v1/onboarding', undefined, { token: t.token })).body.sampleData).toBeNull();
    expect((await api('DELETE', '/v1/onboarding/sample-data', undefined, { token: t.token })).status).toBe(404);
    // And it can be loaded again afterwards? No: the organisation has a customer now.
    expect((await api('POST', '/v1/onboarding/sample-data', undefined, { token: t.token })).status).toBe(409);
  });

  it('is for owners and admins', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    expect((await api('POST', '/v1/onboarding/sample-data', undefined, { token: manager.token })).status).toBe(403);
    expect((await api('DELETE', '/v1/onboarding/sample-data', undefined, { token: manager.token })).status).toBe(403);
  });
});
