import { evictDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';
import { connect } from '../helpers/ws';
import { fix, hubOf, isEvent, nextOrAlarm, presenceOf } from './support';

const welcomed = async (token: string) => {
  const socket = await connect(token);
  await socket.next((f) => f.type === 'welcome');
  return socket;
};

const statusOf = async (token: string, salesmanId: string) =>
  (await answered(rest(token).GET('/v1/salesmen/{id}/status', { params: { path: { id: salesmanId } } }))).body;

describe('hibernation and eviction', () => {
  it('keeps rooms, presence and latest locations when the hub is evicted with its sockets hibernated', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const manager = await createUserWithRole(t, 'manager');
    const dashboard = await welcomed(t.token);
    const phone = await welcomed(rep.token);
    const desk = await welcomed(manager.token);
    for (const s of [phone, desk]) {
      s.send({ type: 'subscribe', room: 'chat:team' });
      await s.next((f) => f.type === 'subscribed');
    }
    phone.send(fix({ lat: 47.37, lng: 8.54 }));
    await dashboard.next((f) => f.type === 'locations');

    await evictDurableObject(hubOf(t.tenantId));

    // Presence and the latest location come back from the hub's SQLite.
    const status = await statusOf(t.token, rep.salesmanId);
    expect(status).toMatchObject({ status: 'online', connections: 1, location: { lat: 47.37, lng: 8.54 } });
    const stats = await answered(rest(t.token).GET('/v1/realtime/stats'));
    expect(stats.body.connections).toEqual({ total: 3, byRole: { owner: 1, salesman: 1, manager: 1 } });
    expect(stats.body.rooms).toEqual({
      tenant: 2,
      [`salesman:${rep.salesmanId}`]: 1,
      'chat:team': 2,
      [`user:${t.ownerId}`]: 1,
      [`user:${rep.userId}`]: 1,
      [`user:${manager.id}`]: 1,
    });

    // Room membership comes back from the socket attachments: chat still routes, and so do events and GPS.
    desk.send({ type: 'chat', room: 'chat:team', text: 'still there?' });
    expect(await phone.next((f) => f.type === 'chat')).toMatchObject({ text: 'still there?' });
    await evictDurableObject(hubOf(t.tenantId));
    phone.send(fix({ lat: 47.38, lng: 8.55 }));
    await dashboard.next((f) => f.type === 'locations' && f.locations[0].lat === 47.38);
    await evictDurableObject(hubOf(t.tenantId));
    const customer = await createCustomer(t.token);
    for (const s of [dashboard, desk]) await nextOrAlarm(s, t.tenantId, isEvent('customer:created', customer.id));

    // And the closing handshake still updates presence after a wake-up.
    await evictDurableObject(hubOf(t.tenantId));
    phone.close(1000);
    await dashboard.next(presenceOf(rep.salesmanId, 'offline'));
    expect(await phone.closed).toMatchObject({ code: 1000 });
    dashboard.close();
    desk.close();
  });

  it('counts a second device correctly when one closes while the hub is hibernated', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const phone = await welcomed(rep.token);
    const tablet = await welcomed(rep.token);
    await evictDurableObject(hubOf(t.tenantId));
    phone.close(1000);
    await phone.closed;
    tablet.send({ type: 'ping', id: 'sync' });
    await tablet.next((f) => f.type === 'pong');
    expect(await statusOf(t.token, rep.salesmanId)).toMatchObject({ status: 'online', connections: 1 });
    tablet.close(1000);
    await tablet.closed;
    expect(await statusOf(t.token, rep.salesmanId)).toMatchObject({ status: 'offline', connections: 0 });
  });

  it('does not keep a salesman online forever when a restart dropped his socket without a close event', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const phone = await welcomed(rep.token);
    await evictDurableObject(hubOf(t.tenantId), { webSockets: 'close' });
    await phone.closed;
    const status = await statusOf(t.token, rep.salesmanId);
    // Treated as a dropped connection: present during the grace window, with nothing open.
    expect(status).toMatchObject({ status: 'online', connections: 0 });
    const stats = await answered(rest(t.token).GET('/v1/realtime/stats'));
    expect(stats.body.connections.total).toBe(0);
  });
});
