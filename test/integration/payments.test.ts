import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import {
  createConfirmedOrder,
  createOrder,
  createProduct,
  createSalesman,
  eventsSince,
  lastSeq,
} from '../helpers/sales-factories';

const post = (path: string, token: string, body?: unknown) => api('POST', path, body, { token });
const get = (path: string, token: string) => api('GET', path, undefined, { token });

/** A tenant with a confirmed order totalling 1000 (EUR cents). */
async function setup() {
  const t = await createTenant();
  const product = await createProduct(t, { priceMinor: 250, onHand: 100 });
  const order = await createConfirmedOrder(t, product, 4);
  return { t, order };
}

describe('payments', () => {
  it('records payments up to the outstanding amount and refunds them', async () => {
    const { t, order } = await setup();
    expect(order.totalMinor).toBe(1000);
    const since = await lastSeq(t);

    const first = await post('/v1/payments', t.token, {
      orderId: order.id,
      amountMinor: 600,
      method: 'cash',
      reference: 'R-1',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'received', currency: 'EUR', amountMinor: 600, refundedAt: null });
    expect(first.body).not.toHaveProperty('tenantId');
    expect((await get(`/v1/orders/${order.id}`, t.token)).body.paidMinor).toBe(600);

    const over = await post('/v1/payments', t.token, { orderId: order.id, amountMinor: 401, method: 'card' });
    expect([over.status, over.body.code, over.body.outstandingMinor]).toEqual([409, 'CONFLICT', 400]);

    const failed = await post('/v1/payments', t.token, {
      orderId: order.id,
      amountMinor: 5000,
      method: 'card',
      status: 'failed',
    });
    expect(failed.status).toBe(201);
    expect((await get(`/v1/orders/${order.id}`, t.token)).body.paidMinor).toBe(600);

    const rest = await post('/v1/payments', t.token, { orderId: order.id, amountMinor: 400, method: 'bank_transfer' });
    expect(rest.status).toBe(201);
    expect((await get(`/v1/orders/${order.id}`, t.token)).body.paidMinor).toBe(1000);
    expect((await post('/v1/payments', t.token, { orderId: order.id, amountMinor: 1, method: 'cash' })).status).toBe(
      409,
    );

    const refunded = await post(`/v1/payments/${first.body.id}/refund`, t.token);
    expect(refunded.status).toBe(200);
    expect(refunded.body).toMatchObject({ status: 'refunded', version: 2 });
    expect(refunded.body.refundedAt).toBeTruthy();
    expect((await get(`/v1/orders/${order.id}`, t.token)).body.paidMinor).toBe(400);
    const twice = await post(`/v1/payments/${first.body.id}/refund`, t.token);
    expect([twice.status, twice.body.code]).toEqual([409, 'INVALID_STATE']);
    expect((await post(`/v1/payments/${failed.body.id}/refund`, t.token)).status).toBe(409);

    const events = await eventsSince(t, since);
    expect(events.map((e) => [e.type, e.entityId])).toEqual([
      ['payment:received', first.body.id],
      ['payment:failed', failed.body.id],
      ['payment:received', rest.body.id],
      ['payment:refunded', first.body.id],
    ]);
    expect(events[3]?.payload).toMatchObject({ status: 'refunded', amountMinor: 600 });
  });

  it('only takes payments on confirmed or fulfilled orders', async () => {
    const t = await createTenant();
    const product = await createProduct(t, { priceMinor: 100 });
    const draft = await createOrder(t, [{ productId: product, quantity: 1 }]);
    const onDraft = await post('/v1/payments', t.token, { orderId: draft.id, amountMinor: 50, method: 'cash' });
    expect([onDraft.status, onDraft.body.code]).toEqual([409, 'INVALID_STATE']);

    const order = await createConfirmedOrder(t, product, 2);
    await post(`/v1/orders/${order.id}/fulfil`, t.token);
    const onFulfilled = await post('/v1/payments', t.token, { orderId: order.id, amountMinor: 200, method: 'cheque' });
    expect(onFulfilled.status).toBe(201);

    const cancelled = await createConfirmedOrder(t, product, 1);
    await post(`/v1/orders/${cancelled.id}/cancel`, t.token);
    expect(
      (await post('/v1/payments', t.token, { orderId: cancelled.id, amountMinor: 1, method: 'cash' })).status,
    ).toBe(409);
  });

  it('refuses to cancel a paid order until its payments are refunded', async () => {
    const { t, order } = await setup();
    const paid = await post('/v1/payments', t.token, { orderId: order.id, amountMinor: 100, method: 'cash' });
    const refused = await post(`/v1/orders/${order.id}/cancel`, t.token);
    expect([refused.status, refused.body.code]).toEqual([409, 'INVALID_STATE']);
    await post(`/v1/payments/${paid.body.id}/refund`, t.token);
    const cancelled = await post(`/v1/orders/${order.id}/cancel`, t.token);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('never lets racing payments exceed the order total', async () => {
    const { t, order } = await setup();
    const results = await Promise.all([
      post('/v1/payments', t.token, { orderId: order.id, amountMinor: 600, method: 'cash' }),
      post('/v1/payments', t.token, { orderId: order.id, amountMinor: 600, method: 'card' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await get(`/v1/orders/${order.id}`, t.token)).body.paidMinor).toBe(600);
    expect((await get(`/v1/payments?orderId=${order.id}`, t.token)).body.data).toHaveLength(1);
  });

  it('validates input', async () => {
    const { t, order } = await setup();
    const base = { orderId: order.id, amountMinor: 100, method: 'cash' };
    for (const body of [
      { ...base, amountMinor: 0 },
      { ...base, amountMinor: 1.5 },
      { ...base, method: 'barter' },
      { ...base, status: 'refunded' },
      { ...base, orderId: 'x' },
      { ...base, receivedAt: new Date(Date.now() + 10 * 60_000).toISOString() },
      { ...base, tip: 5 },
      { amountMinor: 100, method: 'cash' },
    ]) {
      const res = await post('/v1/payments', t.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const offline = await post('/v1/payments', t.token, { ...base, receivedAt: '2025-05-01T12:00:00+02:00' });
    expect(offline.body.receivedAt).toBe('2025-05-01T10:00:00.000Z');
    expect((await post('/v1/payments', t.token, { ...base, orderId: crypto.randomUUID() })).status).toBe(404);
  });

  it('lists with filters', async () => {
    const { t, order } = await setup();
    const other = await createConfirmedOrder(t, await createProduct(t, { priceMinor: 500 }), 1);
    const cash = await post('/v1/payments', t.token, { orderId: order.id, amountMinor: 100, method: 'cash' });
    const card = await post('/v1/payments', t.token, {
      orderId: order.id,
      amountMinor: 100,
      method: 'card',
      status: 'failed',
    });
    const elsewhere = await post('/v1/payments', t.token, { orderId: other.id, amountMinor: 500, method: 'cash' });
    const ids = async (query: string) =>
      (await get(`/v1/payments?${query}`, t.token)).body.data.map((p: { id: string }) => p.id).sort();
    expect(await ids(`orderId=${order.id}`)).toEqual([cash.body.id, card.body.id].sort());
    expect(await ids('method=cash')).toEqual([cash.body.id, elsewhere.body.id].sort());
    expect(await ids('status=failed')).toEqual([card.body.id]);
    expect((await get(`/v1/payments/${card.body.id}`, t.token)).body.method).toBe('card');
    const sorted = await get('/v1/payments?sort=-amountMinor', t.token);
    expect(sorted.body.data[0].id).toBe(elsewhere.body.id);
  });

  it("limits a salesman to his own orders' payments", async () => {
    const t = await createTenant();
    const product = await createProduct(t, { priceMinor: 100 });
    const customer = await createCustomer(t.token);
    const alice = await createSalesman(t);
    const bob = await createSalesman(t);
    const confirmAs = async (token: string) => {
      const order = await createOrder(t, [{ productId: product, quantity: 5 }], { customerId: customer.id }, token);
      await post(`/v1/orders/${order.id}/confirm`, token);
      return order;
    };
    const aliceOrder = await confirmAs(alice.token);
    const bobOrder = await confirmAs(bob.token);
    const alicePays = await post('/v1/payments', alice.token, {
      orderId: aliceOrder.id,
      amountMinor: 100,
      method: 'cash',
    });
    expect(alicePays.status).toBe(201);
    const bobPays = await post('/v1/payments', bob.token, { orderId: bobOrder.id, amountMinor: 100, method: 'cash' });

    expect(
      (await post('/v1/payments', alice.token, { orderId: bobOrder.id, amountMinor: 1, method: 'cash' })).status,
    ).toBe(404);
    expect((await get(`/v1/payments/${bobPays.body.id}`, alice.token)).status).toBe(404);
    expect((await post(`/v1/payments/${bobPays.body.id}/refund`, alice.token)).status).toBe(404);
    const list = await get('/v1/payments', alice.token);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([alicePays.body.id]);
    expect((await get(`/v1/payments?orderId=${bobOrder.id}`, alice.token)).body.data).toEqual([]);

    const manager = await createUserWithRole(t, 'manager');
    expect((await get('/v1/payments', manager.token)).body.data).toHaveLength(2);
    const viewer = await createUserWithRole(t, 'viewer');
    expect((await get('/v1/payments', viewer.token)).status).toBe(200);
    expect(
      (await post('/v1/payments', viewer.token, { orderId: aliceOrder.id, amountMinor: 1, method: 'cash' })).status,
    ).toBe(403);
  });

  it("answers 404 for another tenant's payments and orders", async () => {
    const { t, order } = await setup();
    const b = await createTenant();
    const payment = await post('/v1/payments', t.token, { orderId: order.id, amountMinor: 100, method: 'cash' });
    expect((await get(`/v1/payments/${payment.body.id}`, b.token)).status).toBe(404);
    const refund = await post(`/v1/payments/${payment.body.id}/refund`, b.token);
    expect([refund.status, refund.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await post('/v1/payments', b.token, { orderId: order.id, amountMinor: 1, method: 'cash' })).status).toBe(
      404,
    );
    expect((await get('/v1/payments', b.token)).body.data).toEqual([]);
    expect((await get(`/v1/payments/${payment.body.id}`, t.token)).body.status).toBe('received');
  });
});
