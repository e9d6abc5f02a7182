import { env } from 'cloudflare:workers';
import type { components, paths } from '@fieldline/client/rest';
import { and, eq } from 'drizzle-orm';
import { assert, describe, expect, inject, it } from 'vitest';
import { notificationDeliveries, pushSubscriptions, visits } from '../../src/db/tables';
import { runOutbound } from '../../src/jobs/outbound';
import { newId } from '../../src/lib/ids';
import { api } from '../helpers/api';
import { testDb } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { answered, ok, rest } from '../helpers/rest';
import {
  createConfirmedOrder,
  createCurrentMonthTarget,
  createOrder,
  createProduct,
  createSalesman,
  tenantToday,
} from '../helpers/sales-factories';

/**
 * The notification centre end to end: rules raised by ordinary writes (the tenant hub asks the outbound
 * queue for a run after an event the rules watch), in-app notifications in each recipient's inbox, and
 * web push delivered to the local push service (test/receivers/push-service.ts), which checks the VAPID
 * signature and decrypts every message with the subscription's keys, as a browser would. Retries come
 * after 1 s here (NOTIFICATION_RETRY_SCHEDULE=1,1,1 in vitest.workers.ts).
 */

const pushService = () => inject('receivers').push;

interface PushMessage {
  id: string;
  payload: string;
  ttl: number;
  urgency: string;
  vapidSub: string;
}

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A browser subscription at the local push service, registered with Fieldline for `token`'s user. */
async function device(token: string) {
  const sub = (await (await fetch(`${pushService()}/_control/subscribe`, { method: 'POST' })).json()) as {
    endpoint: string;
    keys: { p256dh: string; auth: string };
  };
  const res = ok(
    await rest(token).POST('/v1/push/subscriptions', { body: { ...sub, userAgent: 'Test browser' } }),
    201,
  );
  return { id: res.id, pushId: sub.endpoint.split('/push/')[1] as string, subscription: sub };
}

async function received(pushId: string): Promise<PushMessage[]> {
  return (await (await fetch(`${pushService()}/_control/messages?id=${pushId}`)).json()) as PushMessage[];
}

const answerWith = (pushId: string, body: Record<string, unknown>) =>
  fetch(`${pushService()}/_control/answer`, { method: 'POST', body: JSON.stringify({ id: pushId, ...body }) });

type InboxQuery = NonNullable<paths['/v1/me/notifications']['get']['parameters']['query']>;
const inbox = async (token: string, query: InboxQuery = {}) =>
  (await answered(rest(token).GET('/v1/me/notifications', { params: { query } }))).body;

const deliveriesOf = (tenantId: string) =>
  testDb().select().from(notificationDeliveries).where(eq(notificationDeliveries.tenantId, tenantId));

/** A tenant with a manager who has a push device. */
async function teamWithDevice() {
  const t = await createTenant();
  const manager = await createUserWithRole(t, 'manager');
  const phone = await device(manager.token);
  return { t, manager, phone };
}

const largeOrderAbove = async (t: TestTenant, minTotalMinor: number) => {
  const res = await answered(
    rest(t.token).PATCH('/v1/notification-rules/{kind}', {
      params: { path: { kind: 'large_order' } },
      body: { settings: { minTotalMinor } },
    }),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

describe('notification rules', () => {
  it('lists every rule on by default; owners change them; managers may not; bad settings answer 400', async () => {
    const t = await createTenant();
    const rule = (token: string, kind: string, body: components['schemas']['UpdateNotificationRule']) =>
      answered(rest(token).PATCH('/v1/notification-rules/{kind}', { params: { path: { kind } }, body }));
    const listed = await answered(rest(t.token).GET('/v1/notification-rules'));
    expect(listed.status).toBe(200);
    // Names inherited by every object are not rules (was a 500).
    for (const kind of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const res = await rule(t.token, kind, { enabled: false });
      expect(res.status, kind).toBe(404);
    }
    expect(listed.body.data.map((r) => r.kind)).toEqual([
      'stock_low',
      'large_order',
      'payment_failed',
      'visit_soon',
      'visit_missed',
      'target_attainment',
      'customer_at_risk',
    ]);
    expect(listed.body.data.every((r) => r.enabled && !r.customised)).toBe(true);
    const large = listed.body.data.find((r) => r.kind === 'large_order');
    assert.isDefined(large);
    expect(large.settings).toEqual({ minTotalMinor: 100000 });

    const changed = await rule(t.token, 'visit_soon', { enabled: false, settings: { minutesBefore: 15 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      kind: 'visit_soon',
      enabled: false,
      settings: { minutesBefore: 15 },
      customised: true,
    });

    const manager = await createUserWithRole(t, 'manager');
    const refused = await rule(manager.token, 'visit_soon', { enabled: true });
    expect(refused.status).toBe(403);
    const unknown = await rule(t.token, 'nothing', { enabled: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    const bad = await rule(t.token, 'visit_soon', { settings: { minutesBefore: 'soon' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors?.[0]?.path).toBe('json.settings.minutesBefore');
    const extra = await rule(t.token, 'visit_soon', { settings: { colour: 1 } });
    expect(extra.status).toBe(400);

    // Another tenant still runs the defaults.
    const other = await createTenant();
    const theirs = await answered(rest(other.token).GET('/v1/notification-rules'));
    expect(theirs.body.data.find((r) => r.kind === 'visit_soon')).toMatchObject({ enabled: true });
  });
});

describe('notification preferences', () => {
  it('start from the defaults and keep only what the user changed', async () => {
    const t = await createTenant();
    const before = await answered(rest(t.token).GET('/v1/me/notification-preferences'));
    expect(before.status).toBe(200);
    expect(before.body.kinds.stock_low).toEqual({ inApp: true, push: true, email: false });
    expect(before.body.kinds.payment_failed).toEqual({ inApp: true, push: true, email: true });
    expect(before.body.quietHours).toBeNull();

    const put = await answered(
      rest(t.token).PUT('/v1/me/notification-preferences', {
        body: { kinds: { stock_low: { push: false } }, quietHours: { start: '22:00', end: '06:30' } },
      }),
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.kinds.stock_low).toEqual({ inApp: true, push: false, email: false });
    expect(put.body.kinds.large_order).toEqual({ inApp: true, push: true, email: false });
    expect(put.body.quietHours).toEqual({ start: '22:00', end: '06:30' });

    // A later change of another kind keeps the first; null removes the quiet hours.
    const again = await answered(
      rest(t.token).PUT('/v1/me/notification-preferences', {
        body: { kinds: { large_order: { email: true } }, quietHours: null },
      }),
    );
    expect(again.body.kinds.stock_low.push).toBe(false);
    expect(again.body.kinds.large_order.email).toBe(true);
    expect(again.body.quietHours).toBeNull();

    // Untyped: an unknown kind and an unknown channel are sent on purpose.
    for (const body of [
      { quietHours: { start: '25:00', end: '06:00' } },
      { quietHours: { start: '07:00', end: '07:00' } },
      { kinds: { no_such_kind: { push: false } } },
      { kinds: { stock_low: { pigeon: true } } },
    ]) {
      const bad = await api('PUT', '/v1/me/notification-preferences', body, { token: t.token });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    }
    // Another user of the tenant has his own.
    const manager = await createUserWithRole(t, 'manager');
    const theirs = await answered(rest(manager.token).GET('/v1/me/notification-preferences'));
    expect(theirs.body.kinds.stock_low.push).toBe(true);
  });
});

describe('push subscriptions', () => {
  it('hands out the VAPID key, stores a device once per endpoint, and keeps devices to their user', async () => {
    const t = await createTenant();
    const key = await answered(rest(t.token).GET('/v1/push/vapid-public-key'));
    expect(key.status).toBe(200);
    expect(key.body.publicKey).toBe((env as unknown as Record<string, string>).VAPID_PUBLIC_KEY);

    const phone = await device(t.token);
    const again = await answered(rest(t.token).POST('/v1/push/subscriptions', { body: phone.subscription }));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(phone.id);
    const mine = await answered(rest(t.token).GET('/v1/push/subscriptions'));
    expect(mine.body.data).toHaveLength(1);
    expect(mine.body.data[0]).toMatchObject({ id: phone.id, userAgent: 'Test browser' });
    expect(JSON.stringify(mine.body)).not.toContain(phone.subscription.keys.auth);

    const bad = [
      { ...phone.subscription, keys: { ...phone.subscription.keys, p256dh: 'AAAA' } },
      { ...phone.subscription, keys: { ...phone.subscription.keys, auth: 'c2hvcnQ' } },
      { ...phone.subscription, endpoint: 'ftp://push.example.com/x' },
      { endpoint: phone.subscription.endpoint },
    ];
    // Untyped: the last one lacks the keys on purpose.
    for (const body of bad) {
      const res = await api('POST', '/v1/push/subscriptions', body, { token: t.token });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }

    const manager = await createUserWithRole(t, 'manager');
    const remove = (token: string) =>
      answered(rest(token).DELETE('/v1/push/subscriptions/{id}', { params: { path: { id: phone.id } } }));
    const notTheirs = await remove(manager.token);
    expect(notTheirs.status).toBe(404);
    const other = await createTenant();
    const otherTenant = await remove(other.token);
    expect(otherTenant.status).toBe(404);
    const removed = await remove(t.token);
    expect(removed.status).toBe(204);
    expect((await answered(rest(t.token).GET('/v1/push/subscriptions'))).body.data).toEqual([]);
  });

  it('are for signed-in users: an API key gets 403', async () => {
    const t = await createTenant();
    const key = await answered(rest(t.token).POST('/v1/api-keys', { body: { name: 'ERP', scopes: ['orders:read'] } }));
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    // Untyped: the key goes in the X-API-Key header.
    const res = await api('GET', '/v1/push/subscriptions', undefined, { headers: { 'x-api-key': key.body.secret } });
    expect(res.status).toBe(403);
  });
});

describe('rules raise notifications', () => {
  it('a large confirmed order: in-app for owner and managers, web push to their devices, once', async () => {
    const { t, manager, phone } = await teamWithDevice();
    await largeOrderAbove(t, 5_000);
    const product = await createProduct(t, { priceMinor: 2_000, onHand: 100 });
    // Below the amount: nothing.
    await createConfirmedOrder(t, product, 1);
    const order = await createConfirmedOrder(t, product, 3);

    const messages = await waitFor(async () => {
      const got = await received(phone.pushId);
      return got.length > 0 && got;
    }, 'the push message');
    const payload = JSON.parse(messages[0]?.payload ?? '{}');
    expect(payload).toMatchObject({ kind: 'large_order', data: { orderId: order.id, totalMinor: 6000 } });
    expect(payload.title).toBe('Large order confirmed: 60.00 EUR');
    expect(messages[0]).toMatchObject({ urgency: 'normal', vapidSub: 'mailto:push-test@fieldline.dev' });
    expect(messages[0]?.ttl).toBeGreaterThan(23 * 3600);

    const managerInbox = await inbox(manager.token);
    expect(managerInbox.unreadCount).toBe(1);
    expect(managerInbox.data).toHaveLength(1);
    expect(managerInbox.data[0]).toMatchObject({ kind: 'large_order', userId: manager.id, readAt: null });
    const ownerInbox = await inbox(t.token);
    expect(ownerInbox.data.map((n) => n.kind)).toEqual(['large_order']);
    const [owners] = ownerInbox.data;
    assert.isDefined(owners);
    expect(owners.id).not.toBe(managerInbox.data[0]?.id);

    // A manager does not see what the rules addressed to the owner.
    const ownersOne = await answered(
      rest(manager.token).GET('/v1/notifications/{id}', { params: { path: { id: owners.id } } }),
    );
    expect(ownersOne.status).toBe(404);
    // Running the rules again raises nothing twice.
    await runOutbound(env, { job: 'notifications', tenantId: t.tenantId }, { waitUntil: () => {} });
    expect((await inbox(manager.token)).data).toHaveLength(1);
    expect(await received(phone.pushId)).toHaveLength(1);
  });

  it('low stock tells the managers which product; someone who switched push off gets it in-app only', async () => {
    const { t, manager, phone } = await teamWithDevice();
    const ownersPhone = await device(t.token);
    await rest(t.token).PUT('/v1/me/notification-preferences', { body: { kinds: { stock_low: { push: false } } } });
    const product = await createProduct(t, { onHand: 10, lowStockThreshold: 5 });
    await createConfirmedOrder(t, product, 6);

    const [message] = await waitFor(async () => {
      const got = await received(phone.pushId);
      return got.length > 0 && got;
    }, 'the low-stock push');
    const payload = JSON.parse(message?.payload ?? '{}');
    expect(payload.kind).toBe('stock_low');
    expect(payload.title).toMatch(/^Low stock: Product \w+ \(SKU-\w+\)$/);
    expect(payload.body).toBe('4 available, at or below the threshold of 5.');
    expect((await inbox(manager.token)).data[0]).toMatchObject({ kind: 'stock_low', data: { productId: product } });
    const ownerInbox = await waitFor(async () => {
      const box = await inbox(t.token);
      return box.data.length > 0 && box;
    }, "the owner's notification");
    expect(ownerInbox.data[0]?.kind).toBe('stock_low');
    expect(await received(ownersPhone.pushId)).toEqual([]);
  });

  it("a failed payment tells the managers and the order's salesman", async () => {
    const t = await createTenant();
    const salesman = await createSalesman(t);
    const phone = await device(salesman.token);
    const product = await createProduct(t, { priceMinor: 1_000 });
    const order = await createOrder(t, [{ productId: product, quantity: 2 }], { salesmanId: salesman.salesmanId });
    const confirm = rest(t.token).POST('/v1/orders/{id}/confirm', { params: { path: { id: order.id } } });
    expect((await answered(confirm)).status).toBe(200);
    const failed = await answered(
      rest(t.token).POST('/v1/payments', {
        body: { orderId: order.id, amountMinor: 2_000, method: 'card', status: 'failed' },
      }),
    );
    expect(failed.status, JSON.stringify(failed.body)).toBe(201);

    const [message] = await waitFor(async () => {
      const got = await received(phone.pushId);
      return got.length > 0 && got;
    }, "the salesman's push");
    expect(JSON.parse(message?.payload ?? '{}')).toMatchObject({
      kind: 'payment_failed',
      title: 'Payment failed: 20.00 EUR',
      data: { paymentId: failed.body.id, orderId: order.id },
    });
    expect(message?.urgency).toBe('high');
    const his = await inbox(salesman.token);
    expect(his.data.map((n) => n.kind)).toEqual(['payment_failed']);
    expect(his.data[0]).toMatchObject({ salesmanId: salesman.salesmanId, userId: salesman.userId });
    // The owner gets it in-app, and by e-mail (payment_failed has e-mail on by default).
    expect((await inbox(t.token)).data.map((n) => n.kind)).toEqual(['payment_failed']);
    const email = await waitFor(async () => {
      const rows = await deliveriesOf(t.tenantId);
      return rows.find((d) => d.channel === 'email' && d.userId === t.ownerId && d.status === 'sent');
    }, 'the e-mail delivery');
    expect(email.attempts).toBe(1);
  });

  it('target attainment: the salesman and the managers hear of 50 % and 100 %, each once; GET /v1/targets/{id} shows it', async () => {
    const t = await createTenant();
    const salesman = await createSalesman(t);
    const manager = await createUserWithRole(t, 'manager');
    const phone = await device(salesman.token);
    const today = tenantToday();
    const target = { body: await createCurrentMonthTarget(t, salesman.salesmanId, { revenueGoalMinor: 10_000 }) };
    const product = await createProduct(t, { priceMinor: 1_000, onHand: 100 });
    const sell = async (quantity: number) => {
      const order = await createOrder(t, [{ productId: product, quantity }], { salesmanId: salesman.salesmanId });
      const confirm = rest(t.token).POST('/v1/orders/{id}/confirm', { params: { path: { id: order.id } } });
      expect((await answered(confirm)).status).toBe(200);
    };

    await sell(6); // 60 %: past 50
    const first = await waitFor(async () => {
      const got = await received(phone.pushId);
      return got.length > 0 && got;
    }, 'the 50 % push');
    const payload = JSON.parse(first[0]?.payload ?? '{}');
    expect(payload).toMatchObject({
      kind: 'target_attainment',
      data: { targetId: target.body.id, measure: 'revenue', threshold: 50, reachedPct: 60 },
    });
    expect(payload.title).toMatch(/ reached 50 % of the \w+ \d{4} revenue target$/);
    expect(first[0]?.urgency).toBe('low');
    const byId = { params: { path: { id: target.body.id } } };
    const got = await answered(rest(salesman.token).GET('/v1/targets/{id}', byId));
    expect(got.status).toBe(200);
    expect(got.body.attainment).toMatchObject({
      asOf: today,
      revenueMinor: 6_000,
      visits: 0,
      revenuePct: 60,
      visitPct: null,
    });
    expect(got.body.attainment?.elapsedPct).toBeGreaterThan(0);

    await sell(1); // 70 %: no new threshold
    await sell(4); // 110 %: past 85 and 100 in one step, told once, as 100
    const later = await waitFor(async () => {
      const all = await received(phone.pushId);
      return all.length > 1 && all;
    }, 'the 100 % push');
    await runOutbound(env, { job: 'notifications', tenantId: t.tenantId }, { waitUntil: () => {} });
    expect(later.map((m) => JSON.parse(m.payload).data.threshold)).toEqual([50, 100]);
    expect(await received(phone.pushId)).toHaveLength(2);
    const managers = await inbox(manager.token, { kind: 'target_attainment' });
    expect(managers.data.map((n) => n.data?.threshold)).toEqual([100, 50]);
    const his = await inbox(salesman.token, { kind: 'target_attainment' });
    expect(his.data).toHaveLength(2);
    // The list does not compute it; another tenant's target is not there.
    const listed = await answered(rest(t.token).GET('/v1/targets'));
    const [listedFirst] = listed.body.data;
    assert.isDefined(listedFirst);
    expect(listedFirst.attainment).toBeUndefined();
    const other = await createTenant();
    expect((await answered(rest(other.token).GET('/v1/targets/{id}', byId))).status).toBe(404);
  });

  it("a manager's message reaches the salesman's device", async () => {
    const t = await createTenant();
    const salesman = await createSalesman(t);
    const phone = await device(salesman.token);
    const sent = await answered(
      rest(t.token).POST('/v1/notifications', {
        body: { salesmanId: salesman.salesmanId, title: 'Call the office', body: 'About tomorrow' },
      }),
    );
    expect(sent.status).toBe(201);
    const [message] = await waitFor(async () => {
      const got = await received(phone.pushId);
      return got.length > 0 && got;
    }, 'the message push');
    expect(JSON.parse(message?.payload ?? '{}')).toMatchObject({
      id: sent.body.id,
      kind: 'message',
      title: 'Call the office',
    });
    expect((await inbox(salesman.token)).data.map((n) => n.id)).toEqual([sent.body.id]);
  });
});

describe('push delivery', () => {
  it('a 410 removes the device; a 429 with Retry-After is sent again later', async () => {
    const { t, manager, phone } = await teamWithDevice();
    const tablet = await device(manager.token);
    await answerWith(phone.pushId, { status: 410 });
    await answerWith(tablet.pushId, { status: 429, times: 1, retryAfter: 1 });
    await largeOrderAbove(t, 1_000);
    const product = await createProduct(t, { priceMinor: 5_000 });
    await createConfirmedOrder(t, product, 1);

    const [message] = await waitFor(async () => {
      const got = await received(tablet.pushId);
      return got.length > 0 && got;
    }, 'the retried push');
    expect(JSON.parse(message?.payload ?? '{}').kind).toBe('large_order');
    const rows = await waitFor(async () => {
      const all = (await deliveriesOf(t.tenantId)).filter((d) => d.channel === 'push' && d.userId === manager.id);
      return all.every((d) => d.status !== 'pending') && all;
    }, 'settled deliveries');
    const byDevice = Object.fromEntries(rows.map((d) => [d.subscriptionId, d]));
    expect(byDevice[phone.id]).toMatchObject({ status: 'gone', responseStatus: 410, attempts: 1 });
    expect(byDevice[tablet.id]).toMatchObject({ status: 'sent', attempts: 2 });
    const devices = await testDb()
      .select({ id: pushSubscriptions.id })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.tenantId, t.tenantId));
    expect(devices.map((d) => d.id)).toEqual([tablet.id]);
  });

  it('quiet hours hold push until they end; in-app arrives at once', async () => {
    const { t, manager, phone } = await teamWithDevice();
    // Quiet from 10 minutes ago to 10 minutes from now, Berlin time (spanning midnight when it is near):
    // now is inside them whatever the time of day.
    const berlin = (offsetMs: number) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(Date.now() + offsetMs));
    const put = await answered(
      rest(manager.token).PUT('/v1/me/notification-preferences', {
        body: { quietHours: { start: berlin(-10 * 60_000), end: berlin(10 * 60_000) } },
      }),
    );
    expect(put.status).toBe(200);
    await largeOrderAbove(t, 1_000);
    const product = await createProduct(t, { priceMinor: 5_000 });
    await createConfirmedOrder(t, product, 1);

    await waitFor(async () => (await inbox(manager.token)).data.length === 1, 'the in-app notification');
    const [held] = await waitFor(async () => {
      const rows = (await deliveriesOf(t.tenantId)).filter((d) => d.userId === manager.id && d.channel === 'push');
      return rows.length > 0 && rows;
    }, 'the held delivery');
    // Quiet until 10 minutes from now (to the minute), local time; the push waits, untouched.
    expect(held?.status).toBe('pending');
    expect(Date.parse(held?.nextAttemptAt ?? '') - Date.now()).toBeGreaterThan(8 * 60_000);
    expect(held?.attempts).toBe(0);
    expect(await received(phone.pushId)).toEqual([]);
  });
});

describe('visit reminders', () => {
  it('remind the salesman before a planned visit and tell the manager when it was missed', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    const salesman = await createSalesman(t);
    const phone = await device(salesman.token);
    const customer = await createCustomer(t.token, { name: 'Kiosk am Markt' });
    const plan = async (minutesFromNow: number) => {
      const id = newId();
      const at = new Date().toISOString();
      await testDb()
        .insert(visits)
        .values({
          tenantId: t.tenantId,
          id,
          createdAt: at,
          updatedAt: at,
          version: 1,
          customerId: customer.id,
          salesmanId: salesman.salesmanId,
          plannedAt: new Date(Date.now() + minutesFromNow * 60_000).toISOString(),
        });
      return id;
    };
    const soon = await plan(20);
    const missed = await plan(-90);
    await plan(120); // later: no reminder yet
    await plan(-30); // within the grace period: not missed yet

    await runOutbound(env, { job: 'notifications', tenantId: t.tenantId, visits: true }, { waitUntil: () => {} });

    const his = (await inbox(salesman.token)).data;
    expect(his.map((n) => [n.kind, n.data?.visitId]).sort()).toEqual(
      [
        ['visit_missed', missed],
        ['visit_soon', soon],
      ].sort(),
    );
    expect(his.find((n) => n.kind === 'visit_soon')?.title).toMatch(/^Visit at \d\d:\d\d: Kiosk am Markt$/);
    const managers = (await inbox(manager.token)).data;
    expect(managers.map((n) => [n.kind, n.data?.visitId])).toEqual([['visit_missed', missed]]);
    const pushes = await waitFor(async () => {
      const got = await received(phone.pushId);
      return got.length === 2 && got;
    }, 'two pushes');
    const reminder = pushes
      .map((m) => ({ ...m, body: JSON.parse(m.payload) }))
      .find((m) => m.body.kind === 'visit_soon');
    expect(reminder?.urgency).toBe('high');
    expect(reminder?.ttl).toBeLessThanOrEqual(30 * 60);

    // The next cron run raises nothing again.
    await runOutbound(env, { job: 'notifications', tenantId: t.tenantId, visits: true }, { waitUntil: () => {} });
    expect((await inbox(salesman.token)).data).toHaveLength(2);
    const stillPlanned = await testDb()
      .select({ id: visits.id })
      .from(visits)
      .where(and(eq(visits.tenantId, t.tenantId), eq(visits.status, 'planned')));
    expect(stillPlanned).toHaveLength(4);
  });
});

describe('the inbox', () => {
  it('counts unread, marks one and all read, and holds only what is the caller’s', async () => {
    const { t, manager } = await teamWithDevice();
    await largeOrderAbove(t, 1_000);
    const product = await createProduct(t, { priceMinor: 5_000, onHand: 100 });
    for (let i = 0; i < 3; i++) await createConfirmedOrder(t, product, 1);
    await waitFor(async () => (await inbox(manager.token)).unreadCount === 3, 'three unread');

    const [first] = (await inbox(manager.token)).data;
    assert.isDefined(first);
    const byId = { params: { path: { id: first.id } } };
    const read = await answered(rest(manager.token).POST('/v1/notifications/{id}/read', byId));
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await inbox(manager.token)).unreadCount).toBe(2);
    expect((await inbox(manager.token, { unread: 'true' })).data).toHaveLength(2);
    // GET /v1/notifications carries the same count (and the list a manager sees: his and the team's).
    const listed = await answered(rest(manager.token).GET('/v1/notifications'));
    expect(listed.body.unreadCount).toBe(2);
    expect(listed.body.data.map((n) => n.kind)).toEqual(['large_order', 'large_order', 'large_order']);
    const key = ok(
      await rest(t.token).POST('/v1/api-keys', { body: { name: 'Feed', scopes: ['salesmen:read'] } }),
      201,
    );
    const byKey = await answered(rest(key.secret).GET('/v1/notifications'));
    expect(byKey.status).toBe(200);
    expect(byKey.body.unreadCount).toBeNull();
    // The owner cannot mark the manager's; another tenant does not find it.
    const notHis = await answered(rest(t.token).POST('/v1/notifications/{id}/read', byId));
    expect(notHis.status).toBe(404);
    const other = await createTenant();
    expect((await answered(rest(other.token).GET('/v1/notifications/{id}', byId))).status).toBe(404);

    const all = await answered(rest(manager.token).POST('/v1/me/notifications/read-all'));
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ marked: 2, unreadCount: 0 });
    expect((await inbox(t.token)).unreadCount).toBe(3);
    // Untyped: a kind that does not exist.
    const bad = await api('GET', '/v1/me/notifications?kind=nothing', undefined, { token: manager.token });
    expect(bad.status).toBe(400);
  });
});
