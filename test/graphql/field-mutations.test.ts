import { describe, expect, it } from 'vitest';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import {
  createConfirmedOrder,
  createProduct,
  createSalesman,
  inventoryOf,
  tenantToday,
} from '../helpers/sales-factories';
import { codesOf, globalId, gql, gqlData } from './support';

/** The writes a field or manager client needs beyond the first mutations, through the REST services. */
describe('GraphQL field mutations', () => {
  it('plans, reschedules, cancels and deletes a visit', async () => {
    const t = await createTenant();
    const salesman = await createSalesman(t);
    const customer = await createCustomer(t.token);
    const planned = await gqlData(
      `mutation ($input: CreateVisitInput!) { createVisit(input: $input) { id status plannedAt salesman { uuid } } }`,
      {
        input: {
          customerId: globalId('Customer', customer.id),
          salesmanId: salesman.salesmanId,
          plannedAt: '2030-01-07T09:00:00Z',
        },
      },
      t.token,
    );
    expect(planned.createVisit).toMatchObject({ status: 'PLANNED', salesman: { uuid: salesman.salesmanId } });
    const id = planned.createVisit.id;
    const moved = await gqlData(
      'mutation ($id: ID!) { updateVisit(id: $id, input: { plannedAt: "2030-01-08T10:30:00Z", expectedVersion: 1 }) { plannedAt version } }',
      { id },
      t.token,
    );
    expect(moved.updateVisit).toEqual({ plannedAt: '2030-01-08T10:30:00.000Z', version: 2 });
    const stale = await gql(
      'mutation ($id: ID!) { updateVisit(id: $id, input: { notes: "x", expectedVersion: 1 }) { id } }',
      { id },
      { token: t.token },
    );
    expect(codesOf(stale)).toEqual(['CONFLICT']);
    const cancelled = await gqlData(
      'mutation ($id: ID!) { updateVisit(id: $id, input: { status: CANCELLED }) { status } }',
      { id },
      t.token,
    );
    expect(cancelled.updateVisit.status).toBe('CANCELLED');
    const gone = await gqlData('mutation ($id: ID!) { deleteVisit(id: $id) { deletedAt } }', { id }, t.token);
    expect(gone.deleteVisit.deletedAt).not.toBeNull();
    // A salesman plans for himself only.
    const other = await createSalesman(t);
    const refused = await gql(
      'mutation ($input: CreateVisitInput!) { createVisit(input: $input) { id } }',
      { input: { customerId: customer.id, salesmanId: other.salesmanId } },
      { token: salesman.token },
    );
    expect(codesOf(refused)).toEqual(['FORBIDDEN']);
  });

  it('fulfils an order, refunds a payment and books stock', async () => {
    const t = await createTenant();
    const product = await createProduct(t, { priceMinor: 1_000, onHand: 10 });
    const order = await createConfirmedOrder(t, product, 2);
    const fulfilled = await gqlData(
      'mutation ($id: ID!) { fulfilOrder(id: $id) { status } }',
      { id: order.id },
      t.token,
    );
    expect(fulfilled.fulfilOrder.status).toBe('FULFILLED');
    const paid = await answered(
      rest(t.token).POST('/v1/payments', { body: { orderId: order.id, amountMinor: 2_000, method: 'card' } }),
    );
    const refunded = await gqlData(
      'mutation ($id: ID!) { refundPayment(id: $id) { status } }',
      { id: paid.body.id },
      t.token,
    );
    expect(refunded.refundPayment.status).toBe('REFUNDED');
    const booked = await gqlData(
      'mutation ($p: ID!) { adjustStock(productId: $p, input: { delta: 5, reason: "Delivery", kind: RECEIPT }) { onHand } }',
      { p: product },
      t.token,
    );
    expect(booked.adjustStock.onHand).toBe(13);
    expect((await inventoryOf(t, product))?.onHand).toBe(13);
    const bad = await gql(
      'mutation ($p: ID!) { adjustStock(productId: $p, input: { delta: -5, reason: "x", kind: RECEIPT }) { onHand } }',
      { p: product },
      { token: t.token },
    );
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
    const viewer = await createUserWithRole(t, 'viewer');
    const notAllowed = await gql(
      'mutation ($p: ID!) { adjustStock(productId: $p, input: { delta: 1, reason: "x" }) { onHand } }',
      { p: product },
      { token: viewer.token },
    );
    expect(codesOf(notAllowed)).toEqual(['FORBIDDEN']);
  });

  it('sets, changes and removes a target', async () => {
    const t = await createTenant();
    const salesman = await createSalesman(t);
    const start = `${tenantToday().slice(0, 7)}-01`;
    const created = await gqlData(
      `mutation ($input: CreateTargetInput!) { createTarget(input: $input) { id periodType periodEnd attainment { revenuePct } } }`,
      { input: { salesmanId: salesman.salesmanId, periodType: 'MONTH', periodStart: start, revenueGoalMinor: 50_000 } },
      t.token,
    );
    expect(created.createTarget).toMatchObject({ periodType: 'MONTH', attainment: { revenuePct: 0 } });
    const id = created.createTarget.id;
    const changed = await gqlData(
      'mutation ($id: ID!) { updateTarget(id: $id, input: { visitGoal: 40 }) { visitGoal version } }',
      { id },
      t.token,
    );
    expect(changed.updateTarget).toEqual({ visitGoal: 40, version: 2 });
    const misaligned = await gql(
      'mutation ($input: CreateTargetInput!) { createTarget(input: $input) { id } }',
      { input: { salesmanId: salesman.salesmanId, periodType: 'MONTH', periodStart: `${start.slice(0, 8)}15` } },
      { token: t.token },
    );
    expect(codesOf(misaligned)).toEqual(['BAD_USER_INPUT']);
    const refused = await gql(
      'mutation ($id: ID!) { deleteTarget(id: $id) { id } }',
      { id },
      { token: salesman.token },
    );
    expect(codesOf(refused)).toEqual(['FORBIDDEN']);
    const removed = await gqlData('mutation ($id: ID!) { deleteTarget(id: $id) { deletedAt } }', { id }, t.token);
    expect(removed.deleteTarget.deletedAt).not.toBeNull();
    const other = await createTenant();
    const foreign = await gql('mutation ($id: ID!) { deleteTarget(id: $id) { id } }', { id }, { token: other.token });
    expect(codesOf(foreign)).toEqual(['NOT_FOUND']);
  });
});
