import { api } from './api';
import { createCustomer, createUserWithRole, type TestTenant } from './factories';
import { createTarget, createTerritory, type SalesmanUser } from './field-factories';
import { type Answer, rest } from './rest';

/** One id per resource (the second path segment of its routes: `customers`, `api-keys`, …). */
export type Fixtures = Record<string, string>;

/** The body of a 201 or 200 answer; anything else fails, naming the path and what came back. */
async function created<T>(path: string, call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if ((response.status !== 201 && response.status !== 200) || data === undefined) {
    throw new Error(`${path}: ${response.status} ${JSON.stringify(error ?? data)}`);
  }
  return data;
}

/** One of everything in `tenant`; `rep` owns the visit, order and payment. */
export async function seedTenant(tenant: TestTenant, rep: SalesmanUser): Promise<Fixtures> {
  const territory = await createTerritory(tenant.token);
  const customer = await createCustomer(tenant.token, { territoryId: territory.id, salesmanId: rep.salesmanId });
  const owner = rest(tenant.token);
  const salesman = rest(rep.token);
  const product = await created(
    '/v1/products',
    owner.POST('/v1/products', {
      body: { sku: `SKU-${crypto.randomUUID().slice(0, 8)}`, name: 'Widget', priceMinor: 1000, initialStock: 100 },
    }),
  );
  const visit = await created('/v1/visits', salesman.POST('/v1/visits', { body: { customerId: customer.id } }));
  const order = await created(
    '/v1/orders',
    salesman.POST('/v1/orders', {
      body: { customerId: customer.id, lines: [{ productId: product.id, quantity: 2 }] },
    }),
  );
  await created(
    `/v1/orders/${order.id}/confirm`,
    owner.POST('/v1/orders/{id}/confirm', { params: { path: { id: order.id } } }),
  );
  const payment = await created(
    '/v1/payments',
    salesman.POST('/v1/payments', { body: { orderId: order.id, amountMinor: 500, method: 'cash' } }),
  );
  const target = await createTarget(tenant.token, { salesmanId: rep.salesmanId });
  const viewer = await createUserWithRole(tenant, 'viewer');
  const key = await created(
    '/v1/api-keys',
    owner.POST('/v1/api-keys', { body: { name: 'integration', scopes: ['customers:read'] } }),
  );
  const subscription = await created(
    '/v1/report-subscriptions',
    owner.POST('/v1/report-subscriptions', {
      body: { name: 'Weekly numbers', frequency: 'weekly', recipients: ['owner@example.test'] },
    }),
  );
  const invitation = await created(
    '/v1/invitations',
    owner.POST('/v1/invitations', {
      body: {
        email: `invitee-${crypto.randomUUID().slice(0, 8)}@example.test`,
        name: 'Invited Person',
        role: 'viewer',
      },
    }),
  );
  // Disabled: nothing is sent to a host that does not exist.
  const webhook = await created(
    '/v1/webhooks',
    owner.POST('/v1/webhooks', { body: { url: 'https://hooks.example.com/in', enabled: false } }),
  );
  // A device of the owner (keys as a browser makes them; the push service host does not exist, and
  // nothing is pushed to it: nobody the rules tell has anything to be told about here).
  const device = await created(
    '/v1/push/subscriptions',
    owner.POST('/v1/push/subscriptions', { body: await browserSubscription() }),
  );
  const notification = await created(
    '/v1/notifications',
    owner.POST('/v1/notifications', {
      body: { salesmanId: rep.salesmanId, title: 'Visit the new shop', body: 'Before Friday' },
    }),
  );
  // A finished import (one product upserted by the SKU above: nothing new is created). Untyped: the file
  // goes as the raw text/csv body.
  const imported = await api('POST', '/v1/imports?kind=products', undefined, {
    token: tenant.token,
    raw: `sku,name,price\n${product.sku},Widget,10\n`,
    headers: { 'content-type': 'text/csv' },
  });
  if (imported.status !== 201) throw new Error(`/v1/imports: ${imported.status} ${JSON.stringify(imported.body)}`);
  return {
    imports: imported.body.id,
    notifications: notification.id,
    customers: customer.id,
    products: product.id,
    inventory: product.id,
    territories: territory.id,
    salesmen: rep.salesmanId,
    visits: visit.id,
    orders: order.id,
    payments: payment.id,
    targets: target.id,
    users: viewer.id,
    invitations: invitation.id,
    'api-keys': key.apiKey.id,
    'report-subscriptions': subscription.id,
    webhooks: webhook.endpoint.id,
    push: device.id,
  };
}

/** What a browser's pushManager.subscribe() hands out: a P-256 public key and an auth secret. */
async function browserSubscription() {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  const b64url = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  return {
    // Nothing listens there (tests allow loopback targets): its pushes fail fast and are retried, no DNS involved.
    endpoint: `http://127.0.0.1:9/send/${crypto.randomUUID()}`,
    keys: { p256dh: b64url(raw), auth: b64url(crypto.getRandomValues(new Uint8Array(16))) },
  };
}
