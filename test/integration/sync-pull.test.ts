import type { components } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { createCustomer, createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { createSalesmanUser, createTarget, createTerritory, type SalesmanUser } from '../helpers/field-factories';
import { type Answer, answered, rest } from '../helpers/rest';
import { createProduct } from '../helpers/sales-factories';

/**
 * GET /v1/sync/pull (docs/sync.md, Pull): the snapshot of each user's working set, the incremental pages
 * from the event log, removals when a record leaves a working set, resets, and cursor checks.
 */

type Change = components['schemas']['SyncChange'];
type Page = components['schemas']['SyncPullPage'];

const pull = (token: string, cursor?: string, limit?: number) =>
  answered(
    rest(token).GET('/v1/sync/pull', {
      params: { query: { ...(cursor ? { cursor } : {}), ...(limit ? { limit } : {}) } },
    }),
  );

/** A device: what it holds, applied from pages as a client would. */
class Device {
  records = new Map<string, Change>();
  cursor: string | undefined;
  pages: Page[] = [];
  constructor(readonly token: string) {}

  /** Pulls until nothing more is waiting; returns the changes of this sync. */
  async sync(limit?: number): Promise<Change[]> {
    const seen: Change[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await pull(this.token, this.cursor, limit);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const page = res.body;
      this.pages.push(page);
      if (page.reset) this.records.clear();
      for (const change of page.changes) {
        const key = `${change.entity}:${change.id}`;
        if (change.op === 'remove') this.records.delete(key);
        else this.records.set(key, change);
      }
      seen.push(...page.changes);
      this.cursor = page.cursor;
      if (!page.hasMore) return seen;
    }
    throw new Error('the pull never finished');
  }

  ids(entity: string): string[] {
    return [...this.records.values()]
      .filter((c) => c.entity === entity)
      .map((c) => c.id)
      .sort();
  }

  /** The record held for `entity` `id` (as the REST API returns it); a failure when there is none. */
  get(entity: string, id: string): Record<string, unknown> {
    const record = this.records.get(`${entity}:${id}`)?.record;
    if (!record) throw new Error(`the device holds no ${entity} ${id}`);
    return record;
  }
}

const sorted = (ids: string[]) => [...ids].sort();

/** The body of a call that must succeed. */
async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  const res = await answered(call);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body as T;
}
const byId = (id: string) => ({ params: { path: { id } } });

interface Field {
  t: TestTenant;
  territoryId: string;
  a: SalesmanUser;
  b: SalesmanUser;
  productId: string;
  /** Assigned to a, to b, in a's territory (unassigned), and elsewhere (nobody's). */
  customers: { a: string; b: string; territory: string; elsewhere: string };
}

async function field(): Promise<Field> {
  const t = await createTenant();
  const territory = await createTerritory(t.token);
  const a = await createSalesmanUser(t, { territoryId: territory.id });
  const b = await createSalesmanUser(t);
  const productId = await createProduct(t, { priceMinor: 1250, onHand: 50 });
  const customers = {
    a: (await createCustomer(t.token, { salesmanId: a.salesmanId })).id,
    b: (await createCustomer(t.token, { salesmanId: b.salesmanId })).id,
    territory: (await createCustomer(t.token, { territoryId: territory.id })).id,
    elsewhere: (await createCustomer(t.token)).id,
  };
  return { t, territoryId: territory.id, a, b, productId, customers };
}

/** A visit with an order (one line) and a payment, as the salesman records them. */
async function dayOf(s: SalesmanUser, customerId: string, productId: string) {
  const visit = await ok(rest(s.token).POST('/v1/visits', { body: { customerId } }));
  const order = await ok(
    rest(s.token).POST('/v1/orders', { body: { customerId, visitId: visit.id, lines: [{ productId, quantity: 2 }] } }),
  );
  await ok(rest(s.token).POST('/v1/orders/{id}/confirm', byId(order.id)));
  const payment = await ok(
    rest(s.token).POST('/v1/payments', { body: { orderId: order.id, amountMinor: 500, method: 'cash' } }),
  );
  return { visitId: visit.id, orderId: order.id, paymentId: payment.id };
}

describe('sync pull: the snapshot', () => {
  it("gives a salesman his working set and nothing of his colleague's", async () => {
    const f = await field();
    const mine = await dayOf(f.a, f.customers.a, f.productId);
    const theirs = await dayOf(f.b, f.customers.b, f.productId);
    const target = await createTarget(f.t.token, { salesmanId: f.a.salesmanId, revenueGoalMinor: 100_000 });
    await createTarget(f.t.token, { salesmanId: f.b.salesmanId, revenueGoalMinor: 100_000 });
    const toA = await ok(
      rest(f.t.token).POST('/v1/notifications', { body: { salesmanId: f.a.salesmanId, title: 'A', body: 'a' } }),
    );
    const toAll = await ok(rest(f.t.token).POST('/v1/notifications', { body: { title: 'All', body: 'all' } }));
    await ok(
      rest(f.t.token).POST('/v1/notifications', { body: { salesmanId: f.b.salesmanId, title: 'B', body: 'b' } }),
    );

    const device = new Device(f.a.token);
    await device.sync();
    expect(device.pages[0]?.reset).toBe(true);
    expect(device.ids('customer')).toEqual(sorted([f.customers.a, f.customers.territory]));
    expect(device.ids('visit')).toEqual([mine.visitId]);
    expect(device.ids('order')).toEqual([mine.orderId]);
    expect(device.ids('payment')).toEqual([mine.paymentId]);
    expect(device.ids('target')).toEqual([target.id]);
    expect(device.ids('notification')).toEqual(sorted([toA.id, toAll.id]));
    expect(device.ids('salesman')).toEqual([f.a.salesmanId]);
    expect(device.ids('product')).toEqual([f.productId]);
    expect(device.ids('territory')).toEqual([f.territoryId]);
    const all = [...device.records.keys()].join(' ');
    for (const id of Object.values(theirs)) expect(all).not.toContain(id);

    // Records as the REST API returns them: an order with its lines, a product with its stock.
    const order = device.get('order', mine.orderId);
    expect(order.tenantId).toBeUndefined();
    expect(order.lines).toEqual([expect.objectContaining({ productId: f.productId, quantity: 2 })]);
    expect(order).toMatchObject(await ok(rest(f.a.token).GET('/v1/orders/{id}', byId(mine.orderId))));
    const product = device.get('product', f.productId);
    expect(product).toMatchObject({ priceMinor: 1250, stock: { onHand: 50, reserved: 4, available: 46 } });
    const visit = device.records.get(`visit:${mine.visitId}`);
    expect(visit?.version).toBe(visit?.record?.version);
  });

  it('gives a manager the whole tenant', async () => {
    const f = await field();
    const mine = await dayOf(f.a, f.customers.a, f.productId);
    const theirs = await dayOf(f.b, f.customers.b, f.productId);
    const manager = await createUserWithRole(f.t, 'manager');
    const device = new Device(manager.token);
    await device.sync();
    expect(device.ids('customer')).toEqual(sorted(Object.values(f.customers)));
    expect(device.ids('order')).toEqual(sorted([mine.orderId, theirs.orderId]));
    expect(device.ids('salesman')).toEqual(sorted([f.a.salesmanId, f.b.salesmanId]));
  });

  it('pages through the working set in pages of any size, ending with the same records', async () => {
    const f = await field();
    for (let i = 0; i < 3; i++) await dayOf(f.a, f.customers.a, f.productId);
    const whole = new Device(f.a.token);
    await whole.sync();
    const paged = new Device(f.a.token);
    await paged.sync(2);
    expect(paged.pages.length).toBeGreaterThan(5);
    expect(paged.pages.every((p) => p.changes.length <= 2)).toBe(true);
    expect(paged.pages.filter((p) => p.reset)).toHaveLength(1);
    expect([...paged.records.keys()].sort()).toEqual([...whole.records.keys()].sort());
    // Each record came once.
    const sent = paged.pages.flatMap((p) => p.changes.map((c) => `${c.entity}:${c.id}`));
    expect(new Set(sent).size).toBe(sent.length);
  });

  it('delivers what was written while the snapshot was being paged, from the log', async () => {
    const f = await field();
    const device = new Device(f.a.token);
    const first = await pull(f.a.token, undefined, 1);
    expect(first.body.hasMore).toBe(true);
    // Written after the snapshot began: a record the snapshot has already passed (customers come after
    // territories and salesmen, but this id sorts first) and one it has not reached.
    const late = await createCustomer(f.t.token, {
      id: '00000000-0000-7000-8000-000000000001',
      salesmanId: f.a.salesmanId,
    });
    const visit = await ok(rest(f.a.token).POST('/v1/visits', { body: { customerId: f.customers.a } }));
    device.cursor = first.body.cursor;
    device.records.set('first', first.body.changes[0] as Change);
    await device.sync(3);
    expect(device.ids('customer')).toContain(late.id);
    expect(device.ids('visit')).toEqual([visit.id]);
  });
});

describe('sync pull: incremental', () => {
  it('sends each changed record once, at its newest version, and nothing when nothing changed', async () => {
    const f = await field();
    const device = new Device(f.a.token);
    await device.sync();
    expect(await device.sync()).toEqual([]);
    expect(device.pages.at(-1)).toMatchObject({ changes: [], hasMore: false, reset: false });

    const visit = await ok(rest(f.a.token).POST('/v1/visits', { body: { customerId: f.customers.a } }));
    await ok(rest(f.a.token).PATCH('/v1/visits/{id}', { ...byId(visit.id), body: { notes: 'first' } }));
    await ok(rest(f.a.token).PATCH('/v1/visits/{id}', { ...byId(visit.id), body: { notes: 'second' } }));
    const changes = await device.sync();
    expect(changes).toEqual([expect.objectContaining({ entity: 'visit', op: 'upsert', id: visit.id, version: 3 })]);
    expect(device.get('visit', visit.id).notes).toBe('second');
  });

  it('brings stock changes inside the product, and price changes', async () => {
    const f = await field();
    const device = new Device(f.a.token);
    await device.sync();
    const receipt = { delta: 7, reason: 'delivery', kind: 'receipt' as const };
    await ok(
      rest(f.t.token).POST('/v1/inventory/{productId}/adjust', {
        params: { path: { productId: f.productId } },
        body: receipt,
      }),
    );
    await ok(rest(f.t.token).PATCH('/v1/products/{id}', { ...byId(f.productId), body: { priceMinor: 1400 } }));
    const changes = await device.sync();
    expect(changes).toHaveLength(1);
    expect(device.get('product', f.productId)).toMatchObject({ priceMinor: 1400, stock: { onHand: 57 } });
  });

  it("does not tell a salesman about his colleague's work", async () => {
    const f = await field();
    const device = new Device(f.a.token);
    await device.sync();
    await dayOf(f.b, f.customers.b, f.productId);
    const changes = await device.sync();
    // Only the product's stock changed for him (b's order reserved some).
    expect(changes.map((c) => `${c.entity}:${c.op}`)).toEqual(['product:upsert']);
  });

  it('removes a customer handed to another salesman from the old one, and gives it to the new one', async () => {
    const f = await field();
    const a = new Device(f.a.token);
    const b = new Device(f.b.token);
    const manager = await createUserWithRole(f.t, 'manager');
    const m = new Device(manager.token);
    await Promise.all([a.sync(), b.sync(), m.sync()]);
    expect(a.ids('customer')).toContain(f.customers.a);

    await ok(
      rest(f.t.token).PATCH('/v1/customers/{id}', { ...byId(f.customers.a), body: { salesmanId: f.b.salesmanId } }),
    );
    expect(await a.sync()).toEqual([{ entity: 'customer', op: 'remove', id: f.customers.a }]);
    expect(await b.sync()).toEqual([expect.objectContaining({ entity: 'customer', op: 'upsert', id: f.customers.a })]);
    // The manager sees it change hands.
    expect(await m.sync()).toEqual([expect.objectContaining({ op: 'upsert', id: f.customers.a })]);
    expect(m.get('customer', f.customers.a).salesmanId).toBe(f.b.salesmanId);
  });

  it('removes deleted records from the devices that held them, and only those', async () => {
    const f = await field();
    const visit = await ok(rest(f.a.token).POST('/v1/visits', { body: { customerId: f.customers.a } }));
    const a = new Device(f.a.token);
    const b = new Device(f.b.token);
    await Promise.all([a.sync(), b.sync()]);
    await ok(rest(f.t.token).DELETE('/v1/visits/{id}', byId(visit.id)));
    await ok(rest(f.t.token).DELETE('/v1/customers/{id}', byId(f.customers.territory)));
    expect(sorted((await a.sync()).map((c) => `${c.op}:${c.id}`))).toEqual(
      sorted([`remove:${visit.id}`, `remove:${f.customers.territory}`]),
    );
    expect(await b.sync()).toEqual([]);
  });

  it("starts over with a snapshot when the salesman's territory changes", async () => {
    const f = await field();
    const device = new Device(f.a.token);
    await device.sync();
    expect(device.ids('customer')).toContain(f.customers.territory);
    const other = await createTerritory(f.t.token);
    await ok(rest(f.t.token).PATCH('/v1/salesmen/{id}', { ...byId(f.a.salesmanId), body: { territoryId: other.id } }));
    const before = device.pages.length;
    await device.sync();
    expect(device.pages[before]?.reset).toBe(true);
    expect(device.ids('customer')).toEqual([f.customers.a]);
  });

  it("answers the user's clients' lastMutationIds", async () => {
    const f = await field();
    const clientId = newId();
    await ok(
      rest(f.a.token).POST('/v1/sync/push', {
        body: {
          clientId,
          mutations: [
            {
              id: 1,
              name: 'visit.create',
              args: { id: newId(), customerId: f.customers.a },
              clientTime: new Date().toISOString(),
            },
          ],
        },
      }),
    );
    const page = (await pull(f.a.token)).body;
    expect(page.lastMutationIds).toEqual({ [clientId]: 1 });
    expect((await pull(f.b.token)).body.lastMutationIds).toEqual({});
  });
});

describe('sync pull: cursors', () => {
  it('refuses a cursor that was altered, forged or is not one', async () => {
    const f = await field();
    const { cursor } = (await pull(f.a.token)).body;
    const [claims, mac] = cursor.split('.') as [string, string];
    const forged = JSON.parse(atob(claims.replaceAll('-', '+').replaceAll('_', '/')));
    forged.seq = 0;
    const reencoded = btoa(JSON.stringify(forged)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    for (const bad of [`${reencoded}.${mac}`, `${claims}.${mac.slice(0, -2)}AA`, 'garbage', `${claims}`, '.']) {
      const res = await pull(f.a.token, bad);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((res.body as any).code).toBe('INVALID_CURSOR');
    }
  });

  it("refuses another user's and another tenant's cursor", async () => {
    const f = await field();
    const other = await createTenant();
    const { cursor } = (await pull(f.a.token)).body;
    for (const token of [f.b.token, f.t.token, other.token]) {
      const res = await pull(token, cursor);
      expect(res.status).toBe(400);
      expect((res.body as any).code).toBe('INVALID_CURSOR');
    }
  });

  it('validates the limit', async () => {
    const f = await field();
    for (const limit of ['0', '1001', 'x']) {
      const res = await answered(rest(f.a.token).GET('/v1/sync/pull', { params: { query: { limit: Number(limit) } } }));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await answered(rest().GET('/v1/sync/pull'))).status).toBe(401);
  });
});
