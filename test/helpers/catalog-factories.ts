import type { components } from '@fieldline/client/rest';
import { sql } from 'drizzle-orm';
import { executeSql } from './db';
import { unique } from './factories';
import { answered, ok, rest } from './rest';

type Schemas = components['schemas'];

export async function createProduct(token: string, overrides: Partial<Schemas['CreateProduct']> = {}) {
  const body = { sku: `SKU-${unique()}`, name: `Product ${unique()}`, priceMinor: 1250, ...overrides };
  return ok(await rest(token).POST('/v1/products', { body }), 201);
}

/** The answer as it comes (tests of refusals read its status and problem). */
export async function adjustStock(
  token: string,
  productId: string,
  body: Omit<Schemas['AdjustStock'], 'reason'> & { reason?: string },
) {
  const params = { path: { productId } };
  return answered(rest(token).POST('/v1/inventory/{productId}/adjust', { params, body: { reason: 'test', ...body } }));
}

export async function getInventory(token: string, productId: string) {
  return ok(await rest(token).GET('/v1/inventory/{productId}', { params: { path: { productId } } }), 200);
}

export async function movementsOf(token: string, productId: string) {
  const params = { path: { productId }, query: { limit: 200 } };
  return ok(await rest(token).GET('/v1/inventory/{productId}/movements', { params }), 200).data;
}

/** The tenant's whole event log, oldest first. */
export async function eventsOf(token: string, type?: string) {
  const query = { since: 0, limit: 1000, ...(type ? { type } : {}) };
  return ok(await rest(token).GET('/v1/events', { params: { query } }), 200).data;
}

/**
 * Puts `quantity` on reservation as a confirmed order would. Reservations are made by the orders service,
 * which these catalog tests do not depend on, so the row is set directly.
 */
export async function reserveDirectly(tenantId: string, productId: string, quantity: number) {
  await executeSql(
    sql`UPDATE inventory SET reserved = ${quantity} WHERE tenant_id = ${tenantId} AND product_id = ${productId}`,
  );
}
