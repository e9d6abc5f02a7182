import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createProduct } from '../helpers/catalog-factories';
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
