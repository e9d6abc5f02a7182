import type { components, operations } from '@fieldline/client/rest';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { syncConflicts } from '../../src/db/tables';
import { newId } from '../../src/lib/ids';
import { api } from '../helpers/api';
import { testDb } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { answered, ok, rest } from '../helpers/rest';
import { createProduct, createSalesman, type SalesmanFixture } from '../helpers/sales-factories';

/**
 * Offline edits based on an older version of their record are merged field by field (docs/sync.md,
 * Conflicts): a field only one side changed takes that side's value, a field both changed goes to the
 * entity rule's winner and is recorded, in the same unit as the mutation.
 */

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const m = (id: number, name: string, args: unknown) => ({ id, name, args, clientTime: minutesAgo(10) });
type Mutation = ReturnType<typeof m>;
const push = (token: string, clientId: string, mutations: Mutation[]) =>
  answered(rest(token).POST('/v1/sync/push', { body: { clientId, mutations } }));
type Schemas = components['schemas'];
const byId = (id: string) => ({ params: { path: { id } } });
const patchCustomer = (token: string, id: string, body: Schemas['UpdateCustomer']) =>
  answered(rest(token).PATCH('/v1/customers/{id}', { ...byId(id), body }));
const patchVisit = (token: string, id: string, body: Schemas['UpdateVisit']) =>
  answered(rest(token).PATCH('/v1/visits/{id}', { ...byId(id), body }));
const patchOrder = (token: string, id: string, body: Schemas['UpdateOrder']) =>
  answered(rest(token).PATCH('/v1/orders/{id}', { ...byId(id), body }));
const customerOf = async (token: string, id: string) => ok(await rest(token).GET('/v1/customers/{id}', byId(id)));
const visitOf = async (token: string, id: string) => ok(await rest(token).GET('/v1/visits/{id}', byId(id)));
const orderOf = async (token: string, id: string) => ok(await rest(token).GET('/v1/orders/{id}', byId(id)));
const conflicts = (token: string, query: NonNullable<operations['listSyncConflicts']['parameters']['query']> = {}) =>
  answered(rest(token).GET('/v1/sync/conflicts', { params: { query } }));

async function recordedConflicts(tenantId: string) {
  return testDb().select().from(syncConflicts).where(eq(syncConflicts.tenantId, tenantId));
}

interface Office {
  t: TestTenant;
  manager: { id: string; token: string };
  s: SalesmanFixture;
  colleague: SalesmanFixture;
}

async function office(): Promise<Office> {
  const t = await createTenant();
  return {
    t,
    manager: await createUserWithRole(t, 'manager'),
    s: await createSalesman(t),
    colleague: await createSalesman(t),
  };
}

describe('sync conflicts: customers', () => {
  it("merges an edit of another field without a conflict, and keeps both sides' changes", async () => {
    const o = await office();
    const customer = await createCustomer(o.t.token);
    expect((await patchCustomer(o.t.token, customer.id, { phone: '+49 30 1234' })).status).toBe(200);
    const res = await push(o.manager.token, newId(), [
      m(1, 'customer.update', { id: customer.id, notes: 'Closed on Mondays', expectedVersion: 1 }),
    ]);
    expect(res.body.mutations).toEqual([
      { id: 1, status: 'applied', result: { entity: 'customer', id: customer.id, version: 3 } },
    ]);
    expect(await customerOf(o.t.token, customer.id)).toMatchObject({
      phone: '+49 30 1234',
      notes: 'Closed on Mondays',
      version: 3,
    });
    expect(await recordedConflicts(o.t.tenantId)).toEqual([]);
  });

  it('gives a field both sides changed to the device, and records the conflict', async () => {
    const o = await office();
    const customer = await createCustomer(o.t.token, { notes: 'Old notes' });
    await patchCustomer(o.t.token, customer.id, { notes: 'Office notes' });
    const clientId = newId();
    const mutations = [m(1, 'customer.update', { id: customer.id, notes: 'Shop notes', expectedVersion: 1 })];
    const res = await push(o.manager.token, clientId, mutations);
    const fields = [{ field: 'notes', client: 'Shop notes', server: 'Office notes', winner: 'client' }];
    expect(res.body.mutations).toEqual([
      { id: 1, status: 'applied', result: { entity: 'customer', id: customer.id, version: 3 }, conflicts: fields },
    ]);
    expect(await customerOf(o.t.token, customer.id)).toMatchObject({ notes: 'Shop notes', version: 3 });
    const rows = await recordedConflicts(o.t.tenantId);
    expect(rows).toEqual([
      expect.objectContaining({
        clientId,
        mutationId: 1,
        userId: o.manager.id,
        entityType: 'customer',
        entityId: customer.id,
        baseVersion: 1,
        serverVersion: 2,
        fields,
      }),
    ]);
    // A replay repeats the outcome and records nothing twice.
    const replay = await push(o.manager.token, clientId, mutations);
    expect(replay.body.mutations[0]).toMatchObject({ status: 'duplicate' });
    expect(await recordedConflicts(o.t.tenantId)).toHaveLength(1);
  });

  it("keeps the office's assignment, writes nothing when nothing else is left, and says so", async () => {
    const o = await office();
    const customer = await createCustomer(o.t.token);
    await patchCustomer(o.t.token, customer.id, { salesmanId: o.colleague.salesmanId });
    const res = await push(o.manager.token, newId(), [
      m(1, 'customer.update', { id: customer.id, salesmanId: o.s.salesmanId, expectedVersion: 1 }),
    ]);
    expect(res.body.mutations[0]).toEqual({
      id: 1,
      status: 'applied',
      result: { entity: 'customer', id: customer.id, version: 2 },
      conflicts: [{ field: 'salesmanId', client: o.s.salesmanId, server: o.colleague.salesmanId, winner: 'server' }],
    });
    expect(await customerOf(o.t.token, customer.id)).toMatchObject({
      salesmanId: o.colleague.salesmanId,
      version: 2,
    });
    expect(await recordedConflicts(o.t.tenantId)).toHaveLength(1);
  });

  it("lets the server's change stand where the device only resent what it had", async () => {
    const o = await office();
    const customer = await createCustomer(o.t.token, { phone: '111', notes: 'a' });
    await patchCustomer(o.t.token, customer.id, { phone: '222' });
    // A form that sends every field: phone is the base's value, only notes was edited.
    const res = await push(o.manager.token, newId(), [
      m(1, 'customer.update', { id: customer.id, phone: '111', notes: 'b', expectedVersion: 1 }),
    ]);
    expect(res.body.mutations[0]).not.toHaveProperty('conflicts');
    expect(await customerOf(o.t.token, customer.id)).toMatchObject({ phone: '222', notes: 'b' });
  });

  it('refuses a stale update the caller may not make, even when the merge would write nothing', async () => {
    const o = await office();
    const customer = await createCustomer(o.t.token, { notes: 'same' });
    await patchCustomer(o.t.token, customer.id, { phone: '123' });
    // Salesmen read customers but do not edit them.
    const res = await push(o.s.token, newId(), [
      m(1, 'customer.update', { id: customer.id, notes: 'same', expectedVersion: 1 }),
    ]);
    expect(res.body.mutations[0]).toMatchObject({ status: 'refused', problem: { code: 'FORBIDDEN' } });
  });

  it('still refuses a base version ahead of the server', async () => {
    const o = await office();
    const customer = await createCustomer(o.t.token);
    const res = await push(o.manager.token, newId(), [
      m(1, 'customer.update', { id: customer.id, notes: 'x', expectedVersion: 5 }),
    ]);
    expect(res.body.mutations[0]).toMatchObject({ status: 'refused', problem: { code: 'VERSION_MISMATCH' } });
  });
});

describe('sync conflicts: visits and orders', () => {
  it("keeps the office's schedule and the salesman's notes; state rules still refuse", async () => {
    const o = await office();
    const customer = await createCustomer(o.t.token);
    const visitId = newId();
    const cancelled = newId();
    const clientId = newId();
    const created = await push(o.s.token, clientId, [
      m(1, 'visit.create', { id: visitId, customerId: customer.id, plannedAt: '2026-12-10T09:00:00Z' }),
      m(2, 'visit.create', { id: cancelled, customerId: customer.id }),
    ]);
    expect(created.body.lastMutationId).toBe(2);
    // The office moves the first visit and cancels the second while the phone is offline.
    await patchVisit(o.t.token, visitId, { plannedAt: '2026-12-11T14:00:00Z' });
    await patchVisit(o.t.token, cancelled, { status: 'cancelled' });
    const res = await push(o.s.token, clientId, [
      m(3, 'visit.update', {
        id: visitId,
        plannedAt: '2026-12-10T11:00:00+01:00',
        notes: 'Bring samples',
        expectedVersion: 1,
      }),
      m(4, 'visit.update', { id: cancelled, notes: 'On my way', expectedVersion: 1 }),
    ]);
    expect(res.body.mutations[0]).toEqual({
      id: 3,
      status: 'applied',
      result: { entity: 'visit', id: visitId, version: 3 },
      conflicts: [
        {
          field: 'plannedAt',
          client: '2026-12-10T11:00:00+01:00',
          server: '2026-12-11T14:00:00.000Z',
          winner: 'server',
        },
      ],
    });
    expect(await visitOf(o.s.token, visitId)).toMatchObject({
      plannedAt: '2026-12-11T14:00:00.000Z',
      notes: 'Bring samples',
    });
    // Notes on a cancelled visit are still the salesman's to write (the REST rule allows it).
    expect(res.body.mutations[1]).toMatchObject({ status: 'applied' });

    const cancel = await push(o.s.token, clientId, [m(5, 'visit.cancel', { id: visitId, expectedVersion: 2 })]);
    expect(cancel.body.mutations[0]).toMatchObject({ status: 'applied', result: { version: 4 } });
    const late = await push(o.s.token, clientId, [m(6, 'visit.cancel', { id: cancelled, expectedVersion: 1 })]);
    // Both sides cancelled: nothing left to write, no conflict (the values agree).
    expect(late.body.mutations[0]).toEqual({
      id: 6,
      status: 'applied',
      result: { entity: 'visit', id: cancelled, version: 3 },
    });
    expect(await recordedConflicts(o.t.tenantId)).toHaveLength(1);
  });

  it("gives a draft's lines to the salesman, and refuses them once the office confirmed it", async () => {
    const o = await office();
    const customer = await createCustomer(o.t.token);
    const productId = await createProduct(o.t, { priceMinor: 1000, onHand: 100 });
    const orderId = newId();
    const confirmedId = newId();
    const clientId = newId();
    const lines = (quantity: number) => [{ productId, quantity }];
    await push(o.s.token, clientId, [
      m(1, 'order.create', { id: orderId, customerId: customer.id, lines: lines(1) }),
      m(2, 'order.create', { id: confirmedId, customerId: customer.id, lines: lines(1) }),
    ]);
    expect((await patchOrder(o.t.token, orderId, { lines: lines(2), notes: 'Office' })).status).toBe(200);
    ok(await rest(o.t.token).POST('/v1/orders/{id}/confirm', byId(confirmedId)), 200);
    const res = await push(o.s.token, clientId, [
      m(3, 'order.update', { id: orderId, lines: lines(5), expectedVersion: 1 }),
      m(4, 'order.update', { id: confirmedId, lines: lines(3), expectedVersion: 1 }),
    ]);
    expect(res.body.mutations[0]).toMatchObject({
      status: 'applied',
      conflicts: [{ field: 'lines', client: lines(5), winner: 'client' }],
    });
    const order = await orderOf(o.s.token, orderId);
    expect(order).toMatchObject({ notes: 'Office', totalMinor: 5000 });
    expect(order.lines).toEqual([expect.objectContaining({ productId, quantity: 5 })]);
    expect(res.body.mutations[1]).toMatchObject({ status: 'refused', problem: { code: 'INVALID_STATE' } });
    expect(await recordedConflicts(o.t.tenantId)).toHaveLength(1);
  });
});

describe('sync conflicts: re-priced orders', () => {
  it('prices an offline order at push time and records a total that differs from what the device showed', async () => {
    const o = await office();
    const customer = await createCustomer(o.t.token);
    const productId = await createProduct(o.t, { priceMinor: 1000, onHand: 100 });
    // The phone cached the old price (10.00); the office raised it to 12.00 meanwhile.
    const repriced = await rest(o.t.token).PATCH('/v1/products/{id}', {
      ...byId(productId),
      body: { priceMinor: 1200 },
    });
    expect(repriced.response.status).toBe(200);
    const [stale, fresh] = [newId(), newId()];
    const clientId = newId();
    const order = (id: string, clientTotalMinor: number) => ({
      id,
      customerId: customer.id,
      lines: [{ productId, quantity: 3 }],
      clientTotalMinor,
    });
    const res = await push(o.s.token, clientId, [
      m(1, 'order.create', order(stale, 3000)),
      m(2, 'order.create', order(fresh, 3600)),
    ]);
    expect(res.body.mutations).toEqual([
      {
        id: 1,
        status: 'applied',
        result: { entity: 'order', id: stale, version: 1 },
        conflicts: [{ field: 'totalMinor', client: 3000, server: 3600, winner: 'server' }],
      },
      { id: 2, status: 'applied', result: { entity: 'order', id: fresh, version: 1 } },
    ]);
    expect(await orderOf(o.s.token, stale)).toMatchObject({ totalMinor: 3600 });
    expect(await recordedConflicts(o.t.tenantId)).toEqual([
      expect.objectContaining({
        clientId,
        mutationId: 1,
        userId: o.s.userId,
        entityType: 'order',
        entityId: stale,
        baseVersion: 0,
        serverVersion: 1,
        fields: [{ field: 'totalMinor', client: 3000, server: 3600, winner: 'server' }],
      }),
    ]);
    const bad = await push(o.s.token, clientId, [m(3, 'order.create', order(newId(), -5))]);
    expect(bad.body.mutations[0]).toMatchObject({ status: 'refused', problem: { code: 'VALIDATION_FAILED' } });
  });
});

describe('GET /v1/sync/conflicts', () => {
  it('lists conflicts newest first, pages, filters, and belongs to managers of the tenant', async () => {
    const o = await office();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const customer = await createCustomer(o.t.token, { notes: 'base' });
      await patchCustomer(o.t.token, customer.id, { notes: `office ${n}` });
      await push(o.manager.token, newId(), [
        m(1, 'customer.update', { id: customer.id, notes: `shop ${n}`, expectedVersion: 1 }),
      ]);
      ids.push(customer.id);
    }
    const first = await conflicts(o.manager.token, { limit: 2 });
    expect(first.status).toBe(200);
    expect(first.body.data.map((c) => c.entityId)).toEqual([ids[2], ids[1]]);
    expect(first.body.data[0]).toMatchObject({
      entityType: 'customer',
      userId: o.manager.id,
      mutationId: 1,
      baseVersion: 1,
      serverVersion: 2,
      fields: [{ field: 'notes', client: 'shop 3', server: 'office 3', winner: 'client' }],
    });
    expect(first.body.data[0]).not.toHaveProperty('tenantId');
    const next = await conflicts(o.manager.token, { limit: 2, cursor: first.body.nextCursor ?? '' });
    expect(next.body.data.map((c) => c.entityId)).toEqual([ids[0]]);
    expect(next.body.nextCursor).toBeNull();
    const one = await conflicts(o.t.token, { entityId: ids[1] ?? '' });
    expect(one.body.data).toHaveLength(1);
    const visits = await conflicts(o.t.token, { entityType: 'visit' });
    expect(visits.body.data).toEqual([]);

    const salesman = await conflicts(o.s.token);
    expect([salesman.status, salesman.body.code]).toEqual([403, 'FORBIDDEN']);
    const elsewhere = await createTenant();
    const foreign = await conflicts(elsewhere.token);
    expect(foreign.body.data).toEqual([]);
    // Untyped: an entity type that does not exist.
    const bad = await api('GET', '/v1/sync/conflicts?cursor=nonsense&entityType=planet', undefined, {
      token: o.t.token,
    });
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
