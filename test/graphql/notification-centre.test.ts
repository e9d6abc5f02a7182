import { describe, expect, it } from 'vitest';
import { createTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import { createCurrentMonthTarget, createProduct, createSalesman, tenantToday } from '../helpers/sales-factories';
import { codesOf, globalId, gql, gqlData } from './support';

/** The notification centre over GraphQL: the same services as REST (test/integration/notification-centre.test.ts). */

const INBOX = `query Inbox($unread: Boolean) {
  unreadNotificationCount
  myNotifications(first: 10, unread: $unread) { edges { node { id kind title readAt userId toEveryone } } }
}`;

async function teamWithMessages() {
  const t = await createTenant();
  const salesman = await createSalesman(t);
  for (const title of ['Call HQ', 'Bring samples']) {
    const sent = await answered(
      rest(t.token).POST('/v1/notifications', { body: { salesmanId: salesman.salesmanId, title, body: '.' } }),
    );
    expect(sent.status).toBe(201);
  }
  await answered(rest(t.token).POST('/v1/notifications', { body: { title: 'Team meeting', body: 'Friday' } }));
  return { t, salesman };
}

describe('GraphQL notification centre', () => {
  it("lists the caller's notifications with the unread count, marks one and then all read", async () => {
    const { t, salesman } = await teamWithMessages();
    const before = await gqlData(INBOX, {}, salesman.token);
    // Two messages to him and one to the team; a team-wide one has no read mark of its own.
    expect(before.myNotifications.edges).toHaveLength(3);
    expect(before.unreadNotificationCount).toBe(2);
    expect(before.myNotifications.edges.map((e: { node: { kind: string } }) => e.node.kind)).toEqual([
      'MESSAGE',
      'MESSAGE',
      'MESSAGE',
    ]);
    const mine = before.myNotifications.edges.find((e: { node: { toEveryone: boolean } }) => !e.node.toEveryone).node;

    const marked = await gqlData(
      'mutation ($id: ID!) { markNotificationRead(id: $id) { id readAt } }',
      { id: mine.id },
      salesman.token,
    );
    expect(marked.markNotificationRead.readAt).not.toBeNull();
    expect((await gqlData(INBOX, { unread: true }, salesman.token)).myNotifications.edges).toHaveLength(1);

    const all = await gqlData('mutation { markAllNotificationsRead { marked unreadCount } }', {}, salesman.token);
    expect(all.markAllNotificationsRead).toEqual({ marked: 1, unreadCount: 0 });
    // The owner sent them: none is his.
    const owners = await gqlData(INBOX, {}, t.token);
    expect(owners).toEqual({ unreadNotificationCount: 0, myNotifications: { edges: [] } });
    // Another tenant's user cannot mark them.
    const other = await createTenant();
    const foreign = await gql(
      'mutation ($id: ID!) { markNotificationRead(id: $id) { id } }',
      { id: mine.id },
      {
        token: other.token,
      },
    );
    expect(codesOf(foreign)).toEqual(['NOT_FOUND']);
  });

  it('reads and changes notification preferences; bad quiet hours are BAD_USER_INPUT', async () => {
    const t = await createTenant();
    const prefs = `{ myNotificationPreferences { kinds { kind inApp push email } quietHours { start end } } }`;
    const initial = await gqlData(prefs, {}, t.token);
    expect(initial.myNotificationPreferences.quietHours).toBeNull();
    expect(initial.myNotificationPreferences.kinds.find((k: { kind: string }) => k.kind === 'PAYMENT_FAILED')).toEqual({
      kind: 'PAYMENT_FAILED',
      inApp: true,
      push: true,
      email: true,
    });

    const changed = await gqlData(
      `mutation ($kinds: [NotificationChoiceInput!], $quiet: QuietHoursInput) {
        updateMyNotificationPreferences(kinds: $kinds, quietHours: $quiet) {
          kinds { kind push email } quietHours { start end }
        }
      }`,
      { kinds: [{ kind: 'STOCK_LOW', push: false }], quiet: { start: '21:30', end: '06:45' } },
      t.token,
    );
    const result = changed.updateMyNotificationPreferences;
    expect(result.quietHours).toEqual({ start: '21:30', end: '06:45' });
    expect(result.kinds.find((k: { kind: string }) => k.kind === 'STOCK_LOW')).toEqual({
      kind: 'STOCK_LOW',
      push: false,
      email: false,
    });
    // REST reads the same preferences.
    const viaRest = await answered(rest(t.token).GET('/v1/me/notification-preferences'));
    expect(viaRest.body.kinds.stock_low.push).toBe(false);

    const bad = await gql(
      'mutation { updateMyNotificationPreferences(quietHours: {start: "25:00", end: "07:00"}) { updatedAt } }',
      {},
      { token: t.token },
    );
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.body.errors?.[0]?.extensions?.errors?.[0]?.path).toBe('input.quietHours.start');
    // Clearing them with null.
    const cleared = await gqlData(
      'mutation { updateMyNotificationPreferences(quietHours: null) { quietHours { start } } }',
      {},
      t.token,
    );
    expect(cleared.updateMyNotificationPreferences.quietHours).toBeNull();
  });

  it("shows a target's attainment", async () => {
    const t = await createTenant();
    const salesman = await createSalesman(t);
    const today = tenantToday();
    const target = {
      body: await createCurrentMonthTarget(t, salesman.salesmanId, { revenueGoalMinor: 8_000, visitGoal: 10 }),
    };
    const product = await createProduct(t, { priceMinor: 1_000, onHand: 10 });
    const customer = await answered(rest(t.token).POST('/v1/customers', { body: { name: 'Shop' } }));
    const order = await answered(
      rest(t.token).POST('/v1/orders', {
        body: {
          customerId: customer.body.id,
          salesmanId: salesman.salesmanId,
          lines: [{ productId: product, quantity: 2 }],
        },
      }),
    );
    await answered(rest(t.token).POST('/v1/orders/{id}/confirm', { params: { path: { id: order.body.id } } }));
    const data = await gqlData(
      `query ($id: ID!) { node(id: $id) { ... on Target { attainment { asOf revenueMinor visits revenuePct visitPct elapsedPct } } } }`,
      { id: globalId('Target', target.body.id) },
      salesman.token,
    );
    expect(data.node.attainment).toMatchObject({
      asOf: today,
      revenueMinor: 2_000,
      visits: 0,
      revenuePct: 25,
      visitPct: 0,
    });
  });
});
