import { describe, expect, it } from 'vitest';
import { gqlData } from '../graphql/support';
import { createProduct } from '../helpers/catalog-factories';
import { createCustomer, createTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

const byId = (id: string) => ({ params: { path: { id } } });

// Ids are UUIDs in any case on the way in and lower case on the way out, on both databases: Postgres
// stores them as `uuid` (case-insensitive), D1 as text (compared exactly), so the API lower-cases them
// at the edge and one id names one record everywhere.
describe('ids in upper case', () => {
  it('a client-chosen id is stored and answered in lower case', async () => {
    const t = await createTenant();
    const chosen = '0190F1C2-7A3E-7C3D-9A51-2F7F5E3B1A10';
    const created = await answered(
      rest(t.token).POST('/v1/customers', { body: { id: chosen, name: 'Upper Case GmbH' } }),
    );
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(chosen.toLowerCase());

    const again = await answered(
      rest(t.token).POST('/v1/customers', { body: { id: chosen.toLowerCase(), name: 'Twin' } }),
    );
    expect(again.status).toBe(409);
  });

  it('finds, updates and references records by their upper-case id, in REST and GraphQL', async () => {
    const t = await createTenant();
    const customer = await createCustomer(t.token, { name: 'Case Kunde' });
    const product = await createProduct(t.token, { initialStock: 10 });
    const upper = (id: string) => id.toUpperCase();

    const got = await answered(rest(t.token).GET('/v1/customers/{id}', byId(upper(customer.id))));
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(customer.id);

    const patched = await answered(
      rest(t.token).PATCH('/v1/customers/{id}', {
        ...byId(upper(customer.id)),
        body: { city: 'Bremen', expectedVersion: 1 },
      }),
    );
    expect(patched.status).toBe(200);

    const order = await answered(
      rest(t.token).POST('/v1/orders', {
        body: { customerId: upper(customer.id), lines: [{ productId: upper(product.id), quantity: 2 }] },
      }),
    );
    expect(order.status).toBe(201);
    expect(order.body.customerId).toBe(customer.id);
    expect(order.body.lines[0]?.productId).toBe(product.id);

    const data = await gqlData<{ customer: { name: string; city: string } | null }>(
      'query ($id: ID!) { customer(id: $id) { name city } }',
      { id: upper(customer.id) },
      t.token,
    );
    expect(data.customer).toEqual({ name: 'Case Kunde', city: 'Bremen' });
  });

  it('an id that is not a UUID is refused before it reaches the database', async () => {
    const t = await createTenant();
    const res = await answered(rest(t.token).GET('/v1/customers/{id}', byId('not-a-uuid')));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
