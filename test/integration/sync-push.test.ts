import { env } from 'cloudflare:workers';
import { and, count, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { MUTATION_NAMES, type MutationName } from '../../src/contracts/sync.schemas';
import type { LoggedEvent } from '../../src/db/event-log';
import { orderLines, orders, payments, syncClients, syncMutations, visits } from '../../src/db/tables';
import { newId } from '../../src/lib/ids';
import { createServiceContext } from '../../src/services/context';
import { pushMutations } from '../../src/services/sync.service';
import { forgetOldSyncOutcomes } from '../../src/services/sync-outcomes';
import { api } from '../helpers/api';
import { ownerPrincipal } from '../helpers/context';
import { testDb } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { metresNorth } from '../helpers/field-factories';
import { answered, ok, rest } from '../helpers/rest';
import {
  createOrder,
  createProduct,
  createSalesman,
  createVisit,
  inventoryOf,
  lastSeq,
  type SalesmanFixture,
} from '../helpers/sales-factories';

/** The factories' default customer sits here; the tenant's check-in radius defaults to 200 m. */
const SHOP = { lat: 52.52, lng: 13.405 };
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

interface Mutation {
  id: number;
  name: string;
  args: unknown;
  clientTime: string;
}
const m = (id: number, name: string, args: unknown): Mutation => ({ id, name, args, clientTime: minutesAgo(30) });

const push = (token: string, clientId: string, mutations: Mutation[]) =>
  answered(rest(token).POST('/v1/sync/push', { body: { clientId, mutations } }));

interface Field {
  t: TestTenant;
  s: SalesmanFixture;
  customerId: string;
  productId: string;
  notificationId: string;
}

async function field(): Promise<Field> {
  const t = await createTenant();
  const s = await createSalesman(t);
  const customer = await createCustomer(t.token, SHOP);
  const productId = await createProduct(t, { priceMinor: 1250, onHand: 10 });
  const message = { salesmanId: s.salesmanId, title: 'Hi', body: 'Call me' };
  const sent = await answered(rest(t.token).POST('/v1/notifications', { body: message }));
  expect(sent.status).toBe(201);
  return { t, s, customerId: customer.id, productId, notificationId: sent.body.id };
}

/** A salesman's offline day: every mutation name he may use, in the order he would. */
function salesmanDay(f: Field) {
  const visitId = newId();
  const orderId = newId();
  const paymentId = newId();
  const dropped = newId();
  const checkInAt = minutesAgo(90);
  const mutations = [
    m(1, 'visit.create', { id: visitId, customerId: f.customerId, plannedAt: minutesAgo(120) }),
    m(2, 'visit.update', { id: visitId, notes: 'Bring samples' }),
    m(3, 'visit.checkIn', { id: visitId, lat: SHOP.lat + metresNorth(50), lng: SHOP.lng, accuracy: 10, at: checkInAt }),
    m(4, 'order.create', {
      id: orderId,
      customerId: f.customerId,
      visitId,
      lines: [{ productId: f.productId, quantity: 2 }],
    }),
    m(5, 'order.update', { id: orderId, lines: [{ productId: f.productId, quantity: 4 }], notes: 'Urgent' }),
    m(6, 'order.confirm', { id: orderId }),
    m(7, 'payment.record', { id: paymentId, orderId, amountMinor: 2000, method: 'cash' }),
    m(8, 'visit.checkOut', {
      id: visitId,
      lat: SHOP.lat,
      lng: SHOP.lng,
      accuracy: 12,
      at: minutesAgo(60),
      outcome: 'order_taken',
    }),
    m(9, 'notification.markRead', { id: f.notificationId }),
    m(10, 'visit.create', { id: dropped, customerId: f.customerId }),
    m(11, 'visit.cancel', { id: dropped }),
    // Already read: nothing to write, but the mutation is still processed.
    m(12, 'notification.markRead', { id: f.notificationId }),
  ];
  return { visitId, orderId, paymentId, dropped, checkInAt, mutations };
}

const rowCount = async (
  table: typeof visits | typeof orders | typeof payments | typeof orderLines,
  tenantId: string,
) => {
  const [row] = await testDb().select({ n: count() }).from(table).where(eq(table.tenantId, tenantId));
  return row?.n ?? 0;
};

const clientRow = async (tenantId: string, clientId: string) =>
  (
    await testDb()
      .select()
      .from(syncClients)
      .where(and(eq(syncClients.tenantId, tenantId), eq(syncClients.clientId, clientId)))
  )[0];

const recorded = (tenantId: string, clientId: string) =>
  testDb()
    .select()
    .from(syncMutations)
    .where(and(eq(syncMutations.tenantId, tenantId), eq(syncMutations.clientId, clientId)))
    .orderBy(syncMutations.mutationId);

describe('sync push: every mutation through its REST twin', () => {
  it("applies a salesman's offline day in order, each once, with the records' versions", async () => {
    const f = await field();
    const day = salesmanDay(f);
    const clientId = newId();
    const res = await push(f.s.token, clientId, day.mutations);
    expect(res.status).toBe(200);
    expect(res.body.lastMutationId).toBe(12);
    expect(res.body.mutations.map((o) => o.status)).toEqual(Array(12).fill('applied'));
    expect(res.body.mutations.map((o) => o.result)).toEqual([
      { entity: 'visit', id: day.visitId, version: 1 },
      { entity: 'visit', id: day.visitId, version: 2 },
      { entity: 'visit', id: day.visitId, version: 3 },
      { entity: 'order', id: day.orderId, version: 1 },
      { entity: 'order', id: day.orderId, version: 2 },
      { entity: 'order', id: day.orderId, version: 3 },
      { entity: 'payment', id: day.paymentId, version: 1 },
      { entity: 'visit', id: day.visitId, version: 4 },
      { entity: 'notification', id: f.notificationId, version: 2 },
      { entity: 'visit', id: day.dropped, version: 1 },
      { entity: 'visit', id: day.dropped, version: 2 },
      { entity: 'notification', id: f.notificationId, version: 2 },
    ]);

    const visit = ok(await rest(f.s.token).GET('/v1/visits/{id}', { params: { path: { id: day.visitId } } }));
    // The offline check-in keeps the device's time and position and gets its verdict from them.
    expect(visit).toMatchObject({
      status: 'completed',
      notes: 'Bring samples',
      verdict: 'verified',
      outcome: 'order_taken',
      salesmanId: f.s.salesmanId,
      checkInOffline: true,
      checkOutOffline: true,
    });
    expect(Date.parse(visit.checkInAt ?? '')).toBe(Date.parse(day.checkInAt));
    const order = ok(await rest(f.s.token).GET('/v1/orders/{id}', { params: { path: { id: day.orderId } } }));
    expect(order).toMatchObject({ status: 'confirmed', totalMinor: 5000, paidMinor: 2000, notes: 'Urgent' });
    expect(order.lines).toHaveLength(1);
    expect((await inventoryOf(f.t, f.productId)).reserved).toBe(4);
    const dropped = ok(await rest(f.s.token).GET('/v1/visits/{id}', { params: { path: { id: day.dropped } } }));
    expect(dropped.status).toBe('cancelled');
    const inbox = await answered(rest(f.s.token).GET('/v1/notifications'));
    expect(inbox.body.data[0]?.readAt).not.toBeNull();

    expect(await clientRow(f.t.tenantId, clientId)).toMatchObject({ userId: f.s.userId, lastMutationId: 12 });
    expect((await recorded(f.t.tenantId, clientId)).map((r) => r.status)).toEqual(Array(12).fill('applied'));
  });

  it('applies customer.create and customer.update for a manager', async () => {
    const f = await field();
    const manager = await createUserWithRole(f.t, 'manager');
    const id = newId();
    const clientId = newId();
    const mutations = [
      m(1, 'customer.create', { id, name: 'Corner Shop', lat: 52.5, lng: 13.4 }),
      m(2, 'customer.update', { id, notes: 'Closed on Mondays', expectedVersion: 1 }),
    ];
    const res = await push(manager.token, clientId, mutations);
    expect(res.status).toBe(200);
    expect(res.body.mutations).toEqual([
      { id: 1, status: 'applied', result: { entity: 'customer', id, version: 1 } },
      { id: 2, status: 'applied', result: { entity: 'customer', id, version: 2 } },
    ]);
    const customer = ok(await rest(manager.token).GET('/v1/customers/{id}', { params: { path: { id: id } } }));
    expect(customer).toMatchObject({ name: 'Corner Shop', notes: 'Closed on Mondays', version: 2 });
    const replay = await push(manager.token, clientId, mutations);
    expect(replay.body.mutations).toEqual([
      { id: 1, status: 'duplicate', result: { entity: 'customer', id, version: 1 } },
      { id: 2, status: 'duplicate', result: { entity: 'customer', id, version: 2 } },
    ]);
  });
});

describe('sync push: reads within a push', () => {
  it('asks again about a record it did not find: a later mutation may create it', async () => {
    const f = await field();
    const manager = await createUserWithRole(f.t, 'manager');
    const customerId = newId();
    const visit = () => ({ id: newId(), customerId, salesmanId: f.s.salesmanId });
    const res = await push(manager.token, newId(), [
      m(1, 'visit.create', visit()),
      m(2, 'customer.create', { id: customerId, name: 'Opened today' }),
      m(3, 'visit.create', visit()),
    ]);
    expect(res.body.mutations.map((o) => o.status)).toEqual(['refused', 'applied', 'applied']);
    expect(res.body.mutations[0]?.problem?.code).toBe('NOT_FOUND');
  });
});

describe('sync push: refusals are recorded and never block the queue', () => {
  it('refuses each mutation name as its REST twin would, and applies what follows', async () => {
    const f = await field();
    const draft = await createOrder(f.t, [{ productId: f.productId, quantity: 1 }], {}, f.s.token);
    const hungry = await createOrder(f.t, [{ productId: f.productId, quantity: 11 }], {}, f.s.token);
    const planned = await createVisit(f.t, f.customerId, f.s.salesmanId);
    const later = newId();
    const mutations = [
      m(1, 'customer.create', { id: newId(), name: 'Not mine to add' }),
      m(2, 'customer.update', { id: f.customerId, name: 'Renamed' }),
      m(3, 'visit.create', { id: newId(), customerId: newId() }),
      m(4, 'visit.update', { id: newId(), notes: 'x' }),
      m(5, 'visit.cancel', { id: planned, expectedVersion: 7 }),
      m(6, 'visit.checkIn', { id: planned, lat: SHOP.lat, lng: SHOP.lng, accuracy: 5, at: minutesAgo(-60) }),
      m(7, 'visit.checkOut', { id: planned, lat: SHOP.lat, lng: SHOP.lng, accuracy: 5, at: minutesAgo(1) }),
      m(8, 'order.create', { id: newId(), customerId: f.customerId, lines: [] }),
      m(9, 'order.update', { id: newId(), notes: 'x' }),
      m(10, 'order.confirm', { id: hungry.id }),
      m(11, 'payment.record', { id: newId(), orderId: draft.id, amountMinor: 100, method: 'cash' }),
      m(12, 'notification.markRead', { id: newId() }),
      m(13, 'visit.create', { customerId: f.customerId }),
      m(14, 'order.ship', { id: draft.id }),
      m(15, 'visit.create', { id: later, customerId: f.customerId }),
    ];
    const res = await push(f.s.token, newId(), mutations);
    expect(res.status).toBe(200);
    const summary = res.body.mutations.map((o: { status: string; problem?: { code: string; status: number } }) => [
      o.status,
      o.problem?.code,
      o.problem?.status,
    ]);
    expect(summary).toEqual([
      ['refused', 'FORBIDDEN', 403],
      ['refused', 'FORBIDDEN', 403],
      ['refused', 'NOT_FOUND', 404],
      ['refused', 'NOT_FOUND', 404],
      ['refused', 'VERSION_MISMATCH', 409],
      ['refused', 'VALIDATION_FAILED', 400],
      ['refused', 'INVALID_STATE', 409],
      ['refused', 'VALIDATION_FAILED', 400],
      ['refused', 'NOT_FOUND', 404],
      ['refused', 'INSUFFICIENT_STOCK', 409],
      ['refused', 'INVALID_STATE', 409],
      ['refused', 'NOT_FOUND', 404],
      ['refused', 'VALIDATION_FAILED', 400],
      ['refused', 'BAD_REQUEST', 400],
      ['applied', undefined, undefined],
    ]);
    expect(res.body.mutations[12]?.problem?.detail).toContain('args.id');
    expect(res.body.lastMutationId).toBe(15);
    // Nothing the refusals named changed.
    const hungryNow = ok(await rest(f.s.token).GET('/v1/orders/{id}', { params: { path: { id: hungry.id } } }));
    expect(hungryNow).toMatchObject({ status: 'draft', version: 1 });
    expect((await inventoryOf(f.t, f.productId)).reserved).toBe(0);
    const plannedNow = ok(await rest(f.s.token).GET('/v1/visits/{id}', { params: { path: { id: planned } } }));
    expect(plannedNow).toMatchObject({ status: 'planned', version: 1 });
    const rows = await recorded(f.t.tenantId, res.body.clientId);
    expect(rows).toHaveLength(15);
    expect(rows[9]).toMatchObject({ status: 'refused', problemCode: 'INSUFFICIENT_STOCK', problemStatus: 409 });
  });

  it('rolls the whole unit back when the write fails after the service checks, and records the refusal', async () => {
    const f = await field();
    const taken = await createOrder(f.t, [{ productId: f.productId, quantity: 1 }], {}, f.s.token);
    const [orderCount, lineCount, seq] = [
      await rowCount(orders, f.t.tenantId),
      await rowCount(orderLines, f.t.tenantId),
      await lastSeq(f.t),
    ];
    const clientId = newId();
    // The id is taken: the service's checks pass, the insert fails inside the unit.
    const res = await push(f.s.token, clientId, [
      m(1, 'order.create', {
        id: taken.id,
        customerId: f.customerId,
        lines: [
          { productId: f.productId, quantity: 3 },
          { productId: f.productId, quantity: 4 },
        ],
      }),
    ]);
    expect(res.body.mutations[0]).toMatchObject({ status: 'refused', problem: { code: 'ALREADY_EXISTS' } });
    expect(res.body.lastMutationId).toBe(1);
    expect(await rowCount(orders, f.t.tenantId)).toBe(orderCount);
    expect(await rowCount(orderLines, f.t.tenantId)).toBe(lineCount);
    expect(await lastSeq(f.t)).toBe(seq);
    expect(await clientRow(f.t.tenantId, clientId)).toMatchObject({ lastMutationId: 1 });
    expect(await recorded(f.t.tenantId, clientId)).toEqual([
      expect.objectContaining({ mutationId: 1, status: 'refused', problemCode: 'ALREADY_EXISTS', entityId: taken.id }),
    ]);
  });

  it('refuses only the failing write when it shares a batch with the mutations around it', async () => {
    // On D1 units without reads in between wait to be sent together (src/db/deferred-units.ts); the
    // taken id fails that batch, and the push runs the three again one unit at a time.
    const f = await field();
    const taken = await createOrder(f.t, [{ productId: f.productId, quantity: 1 }], {}, f.s.token);
    const [before, after] = [newId(), newId()];
    const seq = await lastSeq(f.t);
    const clientId = newId();
    const res = await push(f.s.token, clientId, [
      m(1, 'visit.create', { id: before, customerId: f.customerId }),
      m(2, 'order.create', {
        id: taken.id,
        customerId: f.customerId,
        lines: [{ productId: f.productId, quantity: 2 }],
      }),
      m(3, 'visit.create', { id: after, customerId: f.customerId }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.mutations.map((o) => o.status)).toEqual(['applied', 'refused', 'applied']);
    expect(res.body.mutations[1]?.problem?.code).toBe('ALREADY_EXISTS');
    expect(res.body.lastMutationId).toBe(3);
    const written = await testDb()
      .select({ id: visits.id })
      .from(visits)
      .where(and(eq(visits.tenantId, f.t.tenantId), inArray(visits.id, [before, after])));
    expect(written.map((v) => v.id).sort()).toEqual([before, after].sort());
    expect(await lastSeq(f.t)).toBe(seq + 2);
    expect((await recorded(f.t.tenantId, clientId)).map((r) => [r.mutationId, r.status])).toEqual([
      [1, 'applied'],
      [2, 'refused'],
      [3, 'applied'],
    ]);
  });
});

describe('sync push: replays', () => {
  it('answers a replayed push with the same outcomes and writes nothing twice', async () => {
    const f = await field();
    const day = salesmanDay(f);
    const clientId = newId();
    const refusal = m(13, 'order.confirm', { id: newId() });
    const first = await push(f.s.token, clientId, [...day.mutations, refusal]);
    expect(first.status).toBe(200);
    const counts = async () => [
      await rowCount(visits, f.t.tenantId),
      await rowCount(orders, f.t.tenantId),
      await rowCount(orderLines, f.t.tenantId),
      await rowCount(payments, f.t.tenantId),
      await lastSeq(f.t),
      (await inventoryOf(f.t, f.productId)).reserved,
    ];
    const before = await counts();

    const again = await push(f.s.token, clientId, [...day.mutations, refusal]);
    expect(again.status).toBe(200);
    expect(again.body.lastMutationId).toBe(13);
    expect(again.body.mutations).toEqual(
      first.body.mutations.map((o: { status: string }) => ({ ...o, status: 'duplicate' })),
    );
    expect(again.body.mutations[12]).toMatchObject({
      status: 'duplicate',
      problem: { code: 'NOT_FOUND', status: 404 },
    });
    expect(await counts()).toEqual(before);
    expect(await recorded(f.t.tenantId, clientId)).toHaveLength(13);
  });

  it('processes only the new tail of a push that repeats its head', async () => {
    const f = await field();
    const clientId = newId();
    const a = m(1, 'visit.create', { id: newId(), customerId: f.customerId });
    const b = m(2, 'visit.create', { id: newId(), customerId: f.customerId });
    await push(f.s.token, clientId, [a]);
    const res = await push(f.s.token, clientId, [a, b]);
    expect(res.body.mutations.map((o) => o.status)).toEqual(['duplicate', 'applied']);
    expect(await rowCount(visits, f.t.tenantId)).toBe(2);
  });

  it('applies each mutation once when the same push arrives twice at the same time', async () => {
    const f = await field();
    const clientId = newId();
    const mutations = [1, 2, 3, 4, 5].map((id) => m(id, 'visit.create', { id: newId(), customerId: f.customerId }));
    const [one, two] = await Promise.all([push(f.s.token, clientId, mutations), push(f.s.token, clientId, mutations)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    for (let i = 0; i < 5; i++) {
      const statuses = [one.body.mutations[i]?.status, two.body.mutations[i]?.status].sort();
      expect(statuses).toEqual(['applied', 'duplicate']);
    }
    expect(await rowCount(visits, f.t.tenantId)).toBe(5);
    expect(await recorded(f.t.tenantId, clientId)).toHaveLength(5);
  });

  it('skips the mutations after a gap in the ids, until the missing ones arrive', async () => {
    const f = await field();
    const clientId = newId();
    const visit = (id: number) => m(id, 'visit.create', { id: newId(), customerId: f.customerId });
    await push(f.s.token, clientId, [visit(1)]);
    const gap = await push(f.s.token, clientId, [visit(3), visit(4)]);
    expect(gap.body).toMatchObject({
      lastMutationId: 1,
      mutations: [
        { id: 3, status: 'skipped' },
        { id: 4, status: 'skipped' },
      ],
    });
    const filled = await push(f.s.token, clientId, [visit(2), visit(3)]);
    expect(filled.body.lastMutationId).toBe(3);
    expect(await rowCount(visits, f.t.tenantId)).toBe(3);
  });
});

describe('sync push: old outcome records', () => {
  it('forgets outcomes older than 30 days and 1,000 ids below the client, and still answers their replay', async () => {
    const f = await field();
    const [far, near] = [newId(), newId()];
    const visit = (id: number) => m(id, 'visit.create', { id: newId(), customerId: f.customerId });
    for (const clientId of [far, near])
      expect((await push(f.s.token, clientId, [visit(1), visit(2), visit(3)])).status).toBe(200);
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const db = testDb();
    const at = (clientId: string) =>
      and(eq(syncMutations.tenantId, f.t.tenantId), eq(syncMutations.clientId, clientId));
    await db.update(syncMutations).set({ processedAt: old }).where(at(near));
    await db
      .update(syncMutations)
      .set({ processedAt: old })
      .where(and(at(far), inArray(syncMutations.mutationId, [1, 2])));
    // `far` went on to mutation 1,003 (its queue moved far past 1 to 3); `near` did not.
    await db
      .update(syncClients)
      .set({ lastMutationId: 1003 })
      .where(and(eq(syncClients.tenantId, f.t.tenantId), eq(syncClients.clientId, far)));

    expect(await forgetOldSyncOutcomes(db)).toBeGreaterThanOrEqual(2);
    expect((await recorded(f.t.tenantId, far)).map((r) => r.mutationId)).toEqual([3]);
    expect((await recorded(f.t.tenantId, near)).map((r) => r.mutationId)).toEqual([1, 2, 3]);
    const replay = await push(f.s.token, far, [visit(1)]);
    expect(replay.body.mutations).toEqual([{ id: 1, status: 'duplicate' }]);
  });
});

describe('sync push: events', () => {
  it("hands the push's events to the tenant hub once, in commit order, when the push ends", async () => {
    const f = await field();
    const handOffs: LoggedEvent[][] = [];
    const ctx = createServiceContext(
      { db: testDb(), hubs: env.TENANT_HUB, waitUntil: () => {}, sink: (_tenant, events) => handOffs.push(events) },
      ownerPrincipal(f.t),
    );
    const [a, b] = [newId(), newId()];
    const result = await pushMutations(ctx, {
      clientId: newId(),
      mutations: [
        m(1, 'visit.create', { id: a, customerId: f.customerId, salesmanId: f.s.salesmanId }),
        m(2, 'order.confirm', { id: newId() }),
        m(3, 'visit.create', { id: b, customerId: f.customerId, salesmanId: f.s.salesmanId }),
        m(4, 'visit.cancel', { id: a }),
      ],
    });
    expect(result.mutations.map((o) => o.status)).toEqual(['applied', 'refused', 'applied', 'applied']);
    expect(handOffs).toHaveLength(1);
    expect(handOffs[0]?.map((e) => [e.type, e.entityId])).toEqual([
      ['visit:created', a],
      ['visit:created', b],
      ['visit:updated', a],
    ]);
    const seqs = handOffs[0]?.map((e) => e.seq) ?? [];
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });
});

describe('sync push: isolation', () => {
  it("refuses another salesman's records and another tenant's ids as not found", async () => {
    const f = await field();
    const other = await createSalesman(f.t);
    const theirVisit = await createVisit(f.t, f.customerId, other.salesmanId);
    const theirOrder = await createOrder(f.t, [{ productId: f.productId, quantity: 1 }], {}, other.token);
    const elsewhere = await field();
    const foreignVisit = await createVisit(elsewhere.t, elsewhere.customerId, elsewhere.s.salesmanId);
    const res = await push(f.s.token, newId(), [
      m(1, 'visit.update', { id: theirVisit, notes: 'mine now' }),
      m(2, 'visit.checkIn', { id: theirVisit, lat: SHOP.lat, lng: SHOP.lng, accuracy: 5, at: minutesAgo(5) }),
      m(3, 'order.confirm', { id: theirOrder.id }),
      m(4, 'payment.record', { id: newId(), orderId: theirOrder.id, amountMinor: 1, method: 'cash' }),
      m(5, 'notification.markRead', { id: elsewhere.notificationId }),
      m(6, 'visit.create', { id: newId(), customerId: elsewhere.customerId }),
      m(7, 'visit.cancel', { id: foreignVisit }),
      m(8, 'order.create', {
        id: newId(),
        customerId: f.customerId,
        lines: [{ productId: elsewhere.productId, quantity: 1 }],
      }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.mutations.map((o) => o.problem?.code)).toEqual(Array(8).fill('NOT_FOUND'));
    const theirs = ok(await rest(other.token).GET('/v1/visits/{id}', { params: { path: { id: theirVisit } } }));
    expect(theirs).toMatchObject({ status: 'planned', notes: null, version: 1 });
  });

  it("answers 404 for another tenant's ids in every mutation name, and changes nothing there", async () => {
    const f = await field();
    const manager = await createUserWithRole(f.t, 'manager');
    const b = await field();
    const bVisit = await createVisit(b.t, b.customerId, b.s.salesmanId);
    const bOrder = await createOrder(b.t, [{ productId: b.productId, quantity: 1 }], {}, b.s.token);
    const fix = { lat: SHOP.lat, lng: SHOP.lng, accuracy: 5, at: minutesAgo(5) };
    const lines = [{ productId: f.productId, quantity: 1 }];
    // One case per mutation name: a new one without a case here fails the test.
    const cases: Record<MutationName, unknown> = {
      'customer.create': { id: newId(), name: 'Theirs', salesmanId: b.s.salesmanId },
      'customer.update': { id: b.customerId, notes: 'mine now' },
      'visit.create': { id: newId(), customerId: b.customerId, salesmanId: f.s.salesmanId },
      'visit.update': { id: bVisit, notes: 'mine now', expectedVersion: 1 },
      'visit.cancel': { id: bVisit },
      'visit.checkIn': { id: bVisit, ...fix },
      'visit.checkOut': { id: bVisit, ...fix },
      'order.create': { id: newId(), customerId: b.customerId, salesmanId: f.s.salesmanId, lines },
      'order.update': { id: bOrder.id, notes: 'mine now', expectedVersion: 1 },
      'order.confirm': { id: bOrder.id },
      'payment.record': { id: newId(), orderId: bOrder.id, amountMinor: 100, method: 'cash' },
      'notification.markRead': { id: b.notificationId },
    };
    expect(Object.keys(cases).sort()).toEqual([...MUTATION_NAMES].sort());
    const before = await lastSeq(b.t);
    const res = await push(
      manager.token,
      newId(),
      Object.entries(cases).map(([name, args], i) => m(i + 1, name, args)),
    );
    expect(res.status).toBe(200);
    const answers = Object.fromEntries(
      res.body.mutations.map((o: { id: number; status: string; problem?: { code: string } }) => [
        Object.keys(cases)[o.id - 1],
        `${o.status} ${o.problem?.code}`,
      ]),
    );
    expect(answers).toEqual(Object.fromEntries(Object.keys(cases).map((name) => [name, 'refused NOT_FOUND'])));
    expect(await lastSeq(b.t)).toBe(before);
    expect(await rowCount(visits, f.t.tenantId)).toBe(0);
    expect(await rowCount(orders, f.t.tenantId)).toBe(0);
    const order = ok(await rest(b.t.token).GET('/v1/orders/{id}', { params: { path: { id: bOrder.id } } }));
    expect(order).toMatchObject({ status: 'draft', version: 1, notes: null });
  });

  it('refuses a client id that belongs to another user (403) or another tenant (404)', async () => {
    const f = await field();
    const clientId = newId();
    const first = await push(f.s.token, clientId, [m(1, 'visit.create', { id: newId(), customerId: f.customerId })]);
    expect(first.status).toBe(200);
    const colleague = await createSalesman(f.t);
    const borrowed = await push(colleague.token, clientId, [
      m(2, 'visit.create', { id: newId(), customerId: f.customerId }),
    ]);
    expect(borrowed.status).toBe(403);
    expect(borrowed.headers.get('content-type')).toContain('application/problem+json');
    expect(borrowed.body.code).toBe('FORBIDDEN');
    const elsewhere = await field();
    const foreign = await push(elsewhere.s.token, clientId, []);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
    expect(await clientRow(f.t.tenantId, clientId)).toMatchObject({ userId: f.s.userId, lastMutationId: 1 });
  });

  it('refuses an API key: sync clients belong to signed-in users', async () => {
    const f = await field();
    const key = ok(
      await rest(f.t.token).POST('/v1/api-keys', { body: { name: 'Integration', scopes: ['visits:write'] } }),
      201,
    );
    const res = await push(key.secret, newId(), [m(1, 'visit.create', { id: newId(), customerId: f.customerId })]);
    expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(await rowCount(visits, f.t.tenantId)).toBe(0);
  });
});

describe('sync push: the envelope', () => {
  it('answers 400 problems with stable codes for a bad body', async () => {
    const f = await field();
    const visit = (id: number) => m(id, 'visit.create', { id: newId(), customerId: f.customerId });
    const cases: [unknown, string][] = [
      [{ mutations: [] }, 'VALIDATION_FAILED'],
      [{ clientId: 'phone-1', mutations: [] }, 'VALIDATION_FAILED'],
      [{ clientId: newId(), mutations: [visit(2), visit(1)] }, 'VALIDATION_FAILED'],
      [{ clientId: newId(), mutations: [visit(1), visit(1)] }, 'VALIDATION_FAILED'],
      [{ clientId: newId(), mutations: [{ ...visit(1), clientTime: 'yesterday' }] }, 'VALIDATION_FAILED'],
      [{ clientId: newId(), mutations: [{ ...visit(0) }] }, 'VALIDATION_FAILED'],
      [{ clientId: newId(), mutations: Array.from({ length: 1001 }, (_, i) => visit(i + 1)) }, 'VALIDATION_FAILED'],
    ];
    // Untyped: the list holds a body without a clientId; then a body that is not JSON.
    for (const [body, code] of cases) {
      const res = await api('POST', '/v1/sync/push', body, { token: f.s.token });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.code).toBe(code);
    }
    const malformed = await api('POST', '/v1/sync/push', undefined, {
      token: f.s.token,
      raw: '{"clientId":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('MALFORMED_JSON');
    expect((await answered(rest().POST('/v1/sync/push', { body: { clientId: newId(), mutations: [] } }))).status).toBe(
      401,
    );
  });
});
