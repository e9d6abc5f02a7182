import type { components, paths } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import {
  adjustStock,
  createProduct,
  eventsOf,
  getInventory,
  movementsOf,
  reserveDirectly,
} from '../helpers/catalog-factories';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

type InventoryQuery = NonNullable<paths['/v1/inventory']['get']['parameters']['query']>;
type MovementsQuery = NonNullable<paths['/v1/inventory/{productId}/movements']['get']['parameters']['query']>;
type UpdateInventory = components['schemas']['UpdateInventory'];

const productIds = (res: { body: { data: { productId: string }[] } }) => res.body.data.map((i) => i.productId);
const ofProduct = (productId: string) => ({ params: { path: { productId } } });

describe('inventory', () => {
  it('adjusts stock, books receipts and keeps a ledger of the resulting levels', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token, { initialStock: 10 });

    const received = await adjustStock(t.token, p.id, { delta: 5, kind: 'receipt', reason: 'Delivery 4711' });
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ productId: p.id, sku: p.sku, onHand: 15, reserved: 0, available: 15 });

    const counted = await adjustStock(t.token, p.id, { delta: -3, reason: 'Stocktake: 3 damaged' });
    expect(counted.status).toBe(200);
    expect(counted.body).toMatchObject({ onHand: 12, available: 12 });

    await reserveDirectly(t.tenantId, p.id, 4);
    const afterReserve = await adjustStock(t.token, p.id, { delta: 2, reason: 'Found in back room' });
    expect(afterReserve.body).toMatchObject({ onHand: 14, reserved: 4, available: 10 });

    const ledger = await movementsOf(t.token, p.id);
    expect(
      ledger.map((m) => [m.kind, m.onHandDelta, m.reservedDelta, m.onHandAfter, m.reservedAfter, m.reason]),
    ).toEqual([
      ['adjustment', 2, 0, 14, 4, 'Found in back room'],
      ['adjustment', -3, 0, 12, 0, 'Stocktake: 3 damaged'],
      ['receipt', 5, 0, 15, 0, 'Delivery 4711'],
      ['receipt', 10, 0, 10, 0, 'Initial stock'],
    ]);
    expect(ledger[0]).toMatchObject({ productId: p.id, actorId: t.ownerId, orderId: null });
    expect(ledger[0]).not.toHaveProperty('tenantId');

    // The same ledger, two rows at a time.
    const paged: unknown[] = [];
    let cursor: string | null = null;
    do {
      const query: MovementsQuery = { limit: 2, ...(cursor ? { cursor } : {}) };
      const res = await answered(
        rest(t.token).GET('/v1/inventory/{productId}/movements', { params: { path: { productId: p.id }, query } }),
      );
      expect(res.status).toBe(200);
      paged.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(ledger);

    const updates = (await eventsOf(t.token, 'inventory:updated')).filter((e) => e.entityId === p.id);
    expect(updates.map((e) => e.payload.onHand)).toEqual([10, 15, 12, 14]);
  });

  it('refuses to take stock below zero or below the reserved quantity, changing nothing', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token, { initialStock: 5, lowStockThreshold: 2 });
    const before = await getInventory(t.token, p.id);
    const ledgerBefore = await movementsOf(t.token, p.id);
    const eventsBefore = await eventsOf(t.token);

    const belowZero = await adjustStock(t.token, p.id, { delta: -6 });
    expect(belowZero.status).toBe(409);
    expect(belowZero.body.code).toBe('INSUFFICIENT_STOCK');

    await reserveDirectly(t.tenantId, p.id, 3);
    const reservedBefore = await getInventory(t.token, p.id);
    const belowReserved = await adjustStock(t.token, p.id, { delta: -3 });
    expect(belowReserved.status).toBe(409);
    expect(belowReserved.body.code).toBe('INSUFFICIENT_STOCK');

    expect(await getInventory(t.token, p.id)).toEqual(reservedBefore);
    expect(reservedBefore).toMatchObject({ onHand: 5, version: before.version, updatedAt: before.updatedAt });
    expect(await movementsOf(t.token, p.id)).toEqual(ledgerBefore);
    expect(await eventsOf(t.token)).toEqual(eventsBefore);

    // Exactly down to the reservation is allowed.
    const exact = await adjustStock(t.token, p.id, { delta: -2 });
    expect(exact.status).toBe(200);
    expect(exact.body).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
  });

  it('raises stock:low once when available stock crosses the threshold, not while it stays below', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token, { initialStock: 10, lowStockThreshold: 5 });
    const lowEvents = async () => (await eventsOf(t.token, 'stock:low')).filter((e) => e.entityId === p.id);

    await adjustStock(t.token, p.id, { delta: -4 });
    expect(await lowEvents()).toEqual([]);

    await adjustStock(t.token, p.id, { delta: -1 });
    const first = await lowEvents();
    expect(first).toHaveLength(1);
    expect(first[0]?.payload).toMatchObject({ productId: p.id, onHand: 5, available: 5, lowStockThreshold: 5 });

    await adjustStock(t.token, p.id, { delta: -2 });
    await adjustStock(t.token, p.id, { delta: 1 });
    expect(await lowEvents()).toHaveLength(1);

    // Back above the threshold and down again is a new crossing.
    await adjustStock(t.token, p.id, { delta: 10, kind: 'receipt' });
    await adjustStock(t.token, p.id, { delta: -10 });
    expect(await lowEvents()).toHaveLength(2);
  });

  it('raises stock:low when a new threshold puts available stock at or below it', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token, { initialStock: 8, lowStockThreshold: 2 });
    const lowEvents = async () => (await eventsOf(t.token, 'stock:low')).filter((e) => e.entityId === p.id);
    const patch = (body: UpdateInventory) =>
      answered(rest(t.token).PATCH('/v1/inventory/{productId}', { ...ofProduct(p.id), body }));

    const raised = await patch({ lowStockThreshold: 8, expectedVersion: 2 });
    expect(raised.status).toBe(200);
    expect(raised.body).toMatchObject({ onHand: 8, lowStockThreshold: 8, version: 3 });
    expect(await getInventory(t.token, p.id)).toEqual(raised.body);
    const low = await lowEvents();
    expect(low).toHaveLength(1);
    expect(low[0]?.payload).toMatchObject({ available: 8, lowStockThreshold: 8, version: 3 });

    const updated = (await eventsOf(t.token, 'inventory:updated')).at(-1);
    expect(updated?.payload).toMatchObject({ productId: p.id, lowStockThreshold: 8 });

    expect((await patch({ lowStockThreshold: 20 })).status).toBe(200);
    expect((await patch({ lowStockThreshold: 4 })).status).toBe(200);
    expect(await lowEvents()).toHaveLength(1);

    const stale = await patch({ lowStockThreshold: 1, expectedVersion: 3 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_MISMATCH');
    expect((await getInventory(t.token, p.id)).lowStockThreshold).toBe(4);
  });

  it('lists stock levels with product details, low-stock and product filters, and sorting', async () => {
    const t = await createTenant();
    const a = await createProduct(t.token, { sku: 'A-1', name: 'Alpha', initialStock: 50, lowStockThreshold: 10 });
    const b = await createProduct(t.token, { sku: 'B-1', name: 'Bravo', initialStock: 3, lowStockThreshold: 10 });
    const c = await createProduct(t.token, { sku: 'C-1', name: 'Charlie', initialStock: 0 });
    const gone = await createProduct(t.token, { sku: 'D-1', name: 'Deleted', initialStock: 1 });
    await answered(rest(t.token).DELETE('/v1/products/{id}', { params: { path: { id: gone.id } } }));
    const get = (query: InventoryQuery = {}) => answered(rest(t.token).GET('/v1/inventory', { params: { query } }));

    const all = await get();
    expect(all.status).toBe(200);
    expect(productIds(all)).toEqual([a.id, b.id, c.id]);
    expect(all.body.data[0]).toEqual({
      productId: a.id,
      sku: 'A-1',
      name: 'Alpha',
      onHand: 50,
      reserved: 0,
      available: 50,
      lowStockThreshold: 10,
      version: 2,
      createdAt: a.createdAt,
      updatedAt: a.createdAt,
    });

    expect(productIds(await get({ lowStock: 'true' }))).toEqual([b.id, c.id]);
    expect(productIds(await get({ lowStock: 'false' }))).toEqual([a.id]);
    expect(productIds(await get({ productId: b.id }))).toEqual([b.id]);
    expect(productIds(await get({ sort: '-available' }))).toEqual([a.id, b.id, c.id]);
    expect(productIds(await get({ sort: 'available' }))).toEqual([c.id, b.id, a.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: InventoryQuery = { limit: 1, sort: '-name', ...(cursor ? { cursor } : {}) };
      const res = await get(query);
      seen.push(...productIds(res));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([c.id, b.id, a.id]);
    expect((await get({ cursor: 'garbage' })).status).toBe(400);
  });

  it('rejects invalid adjustments and thresholds with 400', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token, { initialStock: 5 });
    const adjust = (body: Record<string, unknown>) =>
      api('POST', `/v1/inventory/${p.id}/adjust`, body, { token: t.token });

    // Untyped: the list holds an adjustment without a reason, a kind that does not exist and an unknown field.
    for (const body of [
      { delta: 0, reason: 'nothing' },
      { delta: 1.5, reason: 'half' },
      { delta: 1 },
      { delta: 1, reason: '   ' },
      { delta: 1, reason: 'x', kind: 'reservation' },
      { delta: -1, reason: 'x', kind: 'receipt' },
      { delta: 1, reason: 'x', onHand: 100 },
    ]) {
      const res = await adjust(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const patch = (body: UpdateInventory) =>
      answered(rest(t.token).PATCH('/v1/inventory/{productId}', { ...ofProduct(p.id), body }));
    // Untyped: an unknown field, and no threshold.
    const patchUntyped = (body: Record<string, unknown>) =>
      api('PATCH', `/v1/inventory/${p.id}`, body, { token: t.token });
    expect((await patch({ lowStockThreshold: -1 })).status).toBe(400);
    expect((await patchUntyped({ lowStockThreshold: 2, onHand: 100 })).status).toBe(400);
    expect((await patchUntyped({})).status).toBe(400);
    expect(
      (
        await answered(
          rest(t.token).GET('/v1/inventory/{productId}', { params: { path: { productId: 'not-a-uuid' } } }),
        )
      ).status,
    ).toBe(400);
    // Untyped: a low-stock flag the list does not have.
    expect((await api('GET', '/v1/inventory?lowStock=yes', undefined, { token: t.token })).status).toBe(400);

    expect(await getInventory(t.token, p.id)).toMatchObject({ onHand: 5, lowStockThreshold: 0, version: 2 });
    expect(await movementsOf(t.token, p.id)).toHaveLength(1);
  });

  it('replays a retried adjustment instead of applying it twice', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token);
    const send = () =>
      answered(
        rest(t.token).POST('/v1/inventory/{productId}/adjust', {
          params: { path: { productId: p.id }, header: { 'idempotency-key': `receipt-${p.id}` } },
          body: { delta: 7, kind: 'receipt', reason: 'Delivery' },
        }),
      );
    const first = await send();
    const retry = await send();
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect((await getInventory(t.token, p.id)).onHand).toBe(7);
    expect(await movementsOf(t.token, p.id)).toHaveLength(1);
  });

  it('lets salesmen and viewers read stock but only managers and above change it', async () => {
    const t = await createTenant();
    const p = await createProduct(t.token, { initialStock: 5 });
    for (const role of ['salesman', 'viewer'] as const) {
      const user = await createUserWithRole(t, role);
      const as = rest(user.token);
      const path = ofProduct(p.id);
      expect((await answered(as.GET('/v1/inventory'))).status).toBe(200);
      expect((await answered(as.GET('/v1/inventory/{productId}', path))).status).toBe(200);
      expect((await answered(as.GET('/v1/inventory/{productId}/movements', path))).status).toBe(200);
      const adjust = await adjustStock(user.token, p.id, { delta: 1, reason: 'x' });
      expect(adjust.status).toBe(403);
      expect(adjust.body.code).toBe('FORBIDDEN');
      expect(
        (await answered(as.PATCH('/v1/inventory/{productId}', { ...path, body: { lowStockThreshold: 1 } }))).status,
      ).toBe(403);
    }
    const manager = await createUserWithRole(t, 'manager');
    const adjusted = await adjustStock(manager.token, p.id, { delta: 2 });
    expect(adjusted.status).toBe(200);
    expect(adjusted.body.onHand).toBe(7);
    expect((await movementsOf(t.token, p.id))[0]?.actorId).toBe(manager.id);
    expect((await answered(rest().GET('/v1/inventory'))).status).toBe(401);
  });

  it("answers 404 for another tenant's product on every route and changes nothing", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const p = await createProduct(a.token, { initialStock: 5 });
    const asB = rest(b.token);
    const path = ofProduct(p.id);

    expect((await answered(asB.GET('/v1/inventory/{productId}', path))).status).toBe(404);
    expect((await answered(asB.GET('/v1/inventory/{productId}/movements', path))).status).toBe(404);
    expect((await adjustStock(b.token, p.id, { delta: -5, reason: 'x' })).status).toBe(404);
    expect(
      (await answered(asB.PATCH('/v1/inventory/{productId}', { ...path, body: { lowStockThreshold: 99 } }))).status,
    ).toBe(404);
    expect((await answered(asB.GET('/v1/inventory', { params: { query: { productId: p.id } } }))).body.data).toEqual(
      [],
    );
    expect((await answered(asB.GET('/v1/inventory'))).body.data).toEqual([]);
    expect((await answered(asB.GET('/v1/inventory/{productId}', ofProduct(crypto.randomUUID())))).status).toBe(404);
    expect((await adjustStock(b.token, crypto.randomUUID(), { delta: 1, reason: 'x' })).status).toBe(404);

    expect(await getInventory(a.token, p.id)).toMatchObject({ onHand: 5, lowStockThreshold: 0, version: 2 });
    expect(await movementsOf(a.token, p.id)).toHaveLength(1);
  });
});
