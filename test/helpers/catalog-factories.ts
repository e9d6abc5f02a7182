import { sql } from 'drizzle-orm';
import { api } from './api';
import { executeSql } from './db';
import { unique } from './factories';

export async function createProduct(token: string, overrides: Record<string, unknown> = {}) {
  const res = await api(
    'POST',
    '/v1/products',
    { sku: `SKU-${unique()}`, name: `Product ${unique()}`, priceMinor: 1250, ...overrides },
    { token },
  );
  if (res.status !== 201) throw new Error(`create product failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function adjustStock(token: string, productId: string, body: Record<string, unknown>) {
  return api('POST', `/v1/inventory/${productId}/adjust`, { reason: 'test', ...body }, { token });
}

export async function getInventory(token: string, productId: string) {
  const res = await api('GET', `/v1/inventory/${productId}`, undefined, { token });
  if (res.status !== 200) throw new Error(`get inventory failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function movementsOf(token: string, productId: string) {
  const res = await api('GET', `/v1/inventory/${productId}/movements?limit=200`, undefined, { token });
  if (res.status !== 200) throw new Error(`list movements failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as Record<string, unknown>[];
}

/** The tenant's whole event log, oldest first. */
export async function eventsOf(token: string, type?: string) {
  const res = await api('GET', `/v1/events?since=0&limit=1000${type ? `&type=${type}` : ''}`, undefined, { token });
  if (res.status !== 200) throw new Error(`list events failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as { seq: number; type: string; entityId: string; payload: Record<string, unknown> }[];
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
