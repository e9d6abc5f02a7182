import { describe, expect, it } from 'vitest';
import { eventsOf } from '../helpers/catalog-factories';
import { createCustomer, createTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import { createProduct, createSalesman, createVisit, inventoryOf } from '../helpers/sales-factories';
import { codesOf, globalId, gql, gqlData } from './support';

const ORDER = `mutation($input: CreateOrderInput!) {
  createOrder(input: $input) { id uuid status totalMinor salesman { uuid } lines { quantity lineTotalMinor product { uuid } } }
}`;

describe('GraphQL mutations', () => {
  it('creates, updates and deletes a product through the products service (same row and event as REST)', async () => {
    const t = await createTenant();
    const created = await gqlData(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) {
        id uuid sku name priceMinor currency active version inventory { onHand available lowStockThreshold } } }`,
      { input: { sku: 'BOLT-M8', name: 'Hex bolt M8', priceMinor: 35, initialStock: 500, lowStockThreshold: 50 } },
      t.token,
    );
    const p = created.createProduct;
    expect(p).toMatchObject({ sku: 'BOLT-M8', priceMinor: 35, currency: 'EUR', active: true, version: 1 });
    expect(p.inventory).toEqual({ onHand: 500, available: 500, lowStockThreshold: 50 });
    const product = { params: { path: { id: p.uuid } } };
    const viaRest = await answered(rest(t.token).GET('/v1/products/{id}', product));
    expect(viaRest.body).toMatchObject({ sku: 'BOLT-M8', name: 'Hex bolt M8', priceMinor: 35 });

    const updated = await gqlData(
      'mutation($id: ID!) { updateProduct(id: $id, input: { priceMinor: 40, expectedVersion: 1 }) { priceMinor version } }',
      { id: p.id },
      t.token,
    );
    expect(updated.updateProduct).toEqual({ priceMinor: 40, version: 2 });
    const stale = await gql(
      'mutation($id: ID!) { updateProduct(id: $id, input: { name: "x", expectedVersion: 1 }) { version } }',
      {
        id: p.id,
      },
      { token: t.token },
    );
    expect(stale.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'VERSION_MISMATCH',
      currentVersion: 2,
    });

    const deleted = await gqlData('mutation($id: ID!) { deleteProduct(id: $id) { deletedAt } }', { id: p.id }, t.token);
    expect(deleted.deleteProduct.deletedAt).toEqual(expect.any(String));
    expect((await answered(rest(t.token).GET('/v1/products/{id}', product))).status).toBe(404);
    const types = (await eventsOf(t.token))
      .filter((e) => e.entityId === p.uuid && e.type.startsWith('product:'))
      .map((e) => e.type);
    expect(types).toEqual(['product:created', 'product:updated', 'product:deleted']);
  });

  it('creates and updates a customer, accepting global ids for references and validating like REST', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const created = await gqlData(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { uuid name city salesman { uuid } } }`,
      {
        input: {
          name: 'Späti Nord',
          city: 'Berlin',
          lat: 52.55,
          lng: 13.4,
          salesmanId: globalId('Salesman', s.salesmanId),
        },
      },
      t.token,
    );
    expect(created.createCustomer).toMatchObject({ name: 'Späti Nord', salesman: { uuid: s.salesmanId } });
    const id = created.createCustomer.uuid;
    const cleared = await gqlData(
      'mutation($id: ID!) { updateCustomer(id: $id, input: { city: null, notes: "closed Mondays" }) { city notes name } }',
      { id },
      t.token,
    );
    expect(cleared.updateCustomer).toEqual({ city: null, notes: 'closed Mondays', name: 'Späti Nord' });

    const invalid = await gql(
      'mutation { createCustomer(input: { name: "  ", email: "not-an-email", lat: 95 }) { uuid } }',
      {},
      { token: t.token },
    );
    const error = invalid.body.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED' });
    const paths = new Set(error?.extensions?.errors.map((e: any) => e.path));
    expect([...paths].sort()).toEqual(['input.email', 'input.lat', 'input.name']);
    const deleted = await gqlData(
      'mutation($id: ID!) { deleteCustomer(id: $id, expectedVersion: 2) { deletedAt } }',
      { id },
      t.token,
    );
    expect(deleted.deleteCustomer.deletedAt).not.toBeNull();
  });

  it('checks a visit in and out', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const customer = await createCustomer(t.token, { lat: 52.52, lng: 13.405 });
    const visitId = await createVisit(t, customer.id, s.salesmanId);
    const checkedIn = await gqlData(
      'mutation($v: ID!) { checkIn(visitId: $v, input: { lat: 52.5201, lng: 13.4051, accuracy: 10 }) { status verdict checkInDistanceM } }',
      { v: globalId('Visit', visitId) },
      s.token,
    );
    expect(checkedIn.checkIn).toMatchObject({ status: 'IN_PROGRESS', verdict: 'VERIFIED' });
    const again = await gql(
      'mutation($v: ID!) { checkIn(visitId: $v, input: { lat: 1, lng: 1, accuracy: 1 }) { status } }',
      {
        v: visitId,
      },
      { token: s.token },
    );
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE' });
    const out = await gqlData(
      'mutation($v: ID!) { checkOut(visitId: $v, input: { lat: 52.52, lng: 13.405, accuracy: 5, outcome: ORDER_TAKEN }) { status outcome } }',
      { v: visitId },
      s.token,
    );
    expect(out.checkOut).toEqual({ status: 'COMPLETED', outcome: 'ORDER_TAKEN' });
  });

  it('takes an order, confirms it (reserving stock), records a payment and cancels another', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const customer = await createCustomer(t.token);
    const product = await createProduct(t, { priceMinor: 1000, onHand: 10 });
    const created = await gqlData(
      ORDER,
      {
        input: {
          customerId: customer.id,
          lines: [{ productId: globalId('Product', product), quantity: 3, discount: 10 }],
        },
      },
      s.token,
    );
    const order = created.createOrder;
    expect(order).toMatchObject({ status: 'DRAFT', totalMinor: 2700, salesman: { uuid: s.salesmanId } });
    expect(order.lines).toEqual([{ quantity: 3, lineTotalMinor: 2700, product: { uuid: product } }]);

    const confirmed = await gqlData(
      'mutation($id: ID!) { confirmOrder(id: $id) { status } }',
      { id: order.id },
      s.token,
    );
    expect(confirmed.confirmOrder.status).toBe('CONFIRMED');
    expect((await inventoryOf(t, product)).reserved).toBe(3);

    const paid = await gqlData(
      `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { amountMinor status method order { paidMinor } } }`,
      { input: { orderId: order.id, amountMinor: 1000, method: 'CASH' } },
      s.token,
    );
    expect(paid.recordPayment).toEqual({
      amountMinor: 1000,
      status: 'RECEIVED',
      method: 'CASH',
      order: { paidMinor: 1000 },
    });
    const over = await gql(
      'mutation($id: ID!) { recordPayment(input: { orderId: $id, amountMinor: 999999, method: CASH }) { status } }',
      { id: order.uuid },
      { token: s.token },
    );
    expect(over.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'CONFLICT',
      outstandingMinor: 1700,
    });

    const other = await gqlData(
      ORDER,
      { input: { customerId: customer.id, lines: [{ productId: product, quantity: 1 }] } },
      t.token,
    );
    const cancelled = await gqlData(
      'mutation($id: ID!) { cancelOrder(id: $id, reason: "duplicate") { status cancelReason } }',
      { id: other.createOrder.id },
      t.token,
    );
    expect(cancelled.cancelOrder).toEqual({ status: 'CANCELLED', cancelReason: 'duplicate' });
  });

  it('reports a stock shortage as CONFLICT with reason INSUFFICIENT_STOCK and the shortages', async () => {
    const t = await createTenant();
    const customer = await createCustomer(t.token);
    const product = await createProduct(t, { onHand: 1 });
    const order = await gqlData(
      ORDER,
      { input: { customerId: customer.id, lines: [{ productId: product, quantity: 5 }] } },
      t.token,
    );
    const res = await gql(
      'mutation($id: ID!) { confirmOrder(id: $id) { status } }',
      { id: order.createOrder.id },
      { token: t.token },
    );
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'INSUFFICIENT_STOCK',
      shortages: [{ productId: product, requested: 5, available: 1 }],
    });
  });

  it('sends a notification (managers only) to one salesman or everyone', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const sent = await gqlData(
      `mutation($input: SendNotificationInput!) { sendNotification(input: $input) { title toEveryone salesman { uuid } data } }`,
      { input: { salesmanId: s.salesmanId, title: 'Call HQ', body: 'Before noon', data: { priority: 1 } } },
      t.token,
    );
    expect(sent.sendNotification).toEqual({
      title: 'Call HQ',
      toEveryone: false,
      salesman: { uuid: s.salesmanId },
      data: { priority: 1 },
    });
    const refused = await gql(
      'mutation { sendNotification(input: { title: "x", body: "y" }) { title } }',
      {},
      { token: s.token },
    );
    expect(codesOf(refused)).toEqual(['FORBIDDEN']);
    const list = await gqlData('{ notifications { edges { node { title toEveryone } } } }', {}, s.token);
    expect(list.notifications.edges.map((e: any) => e.node.title)).toEqual(['Call HQ']);
  });

  it('refuses notification data nested too deep or too large with BAD_USER_INPUT, storing nothing', async () => {
    const t = await createTenant();
    const query = 'mutation($input: SendNotificationInput!) { sendNotification(input: $input) { uuid } }';
    let deep: unknown = 1;
    for (let i = 0; i < 6000; i++) deep = { a: deep };
    for (const [data, message] of [
      [deep, /at most 32 levels/],
      [{ blob: 'x'.repeat(16 * 1024) }, /at most 16384 bytes/],
    ] as const) {
      const res = await gql(query, { input: { title: 'x', body: 'y', data } }, { token: t.token });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ sendNotification: null });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'VALIDATION_FAILED',
        errors: [{ path: 'input.data', message: expect.stringMatching(message) }],
      });
    }
    const list = await gqlData('{ notifications { edges { node { uuid } } } }', {}, t.token);
    expect(list.notifications.edges).toEqual([]);
  });

  it('honours Idempotency-Key: the same mutation replays its answer, a different one is refused', async () => {
    const t = await createTenant();
    const input = { sku: 'IDEM-1', name: 'Once', priceMinor: 100 };
    const query = 'mutation($input: CreateProductInput!) { createProduct(input: $input) { uuid } }';
    const headers = { 'idempotency-key': 'gql-key-1' };
    const first = await gql(query, { input }, { token: t.token, headers });
    const again = await gql(query, { input }, { token: t.token, headers });
    expect(first.body.data.createProduct.uuid).toEqual(expect.any(String));
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const products = await answered(rest(t.token).GET('/v1/products', { params: { query: { q: 'IDEM-1' } } }));
    expect(products.body.data).toHaveLength(1);

    const reused = await gql(query, { input: { ...input, sku: 'IDEM-2' } }, { token: t.token, headers });
    expect(reused.status).toBe(422);
    expect(reused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
  });
});
