import { describe, expect, it } from 'vitest';
import { createCustomer, createTenant } from '../helpers/factories';
import { createSalesmanUser, createTerritory, createVisit } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';
import { createProduct } from '../helpers/sales-factories';
import { connect } from '../helpers/ws';
import { isEvent, nextOrAlarm } from './support';

const welcomed = async (token: string) => {
  const socket = await connect(token);
  const welcome = await socket.next((f) => f.type === 'welcome');
  return { socket, welcome };
};

const seqsOf = (frames: any[]) => frames.filter((f) => f.type === 'event').map((f) => f.seq as number);

describe('domain events over the socket', () => {
  it('delivers an order and a check-in to the tenant room and the salesman’s own room only, in order, once', async () => {
    const t = await createTenant();
    const other = await createTenant('Other Co');
    const territory = await createTerritory(t.token);
    const rep = await createSalesmanUser(t, { territoryId: territory.id });
    const colleague = await createSalesmanUser(t, { territoryId: territory.id });
    const customer = await createCustomer(t.token);
    const productId = await createProduct(t);

    const { socket: dashboard, welcome } = await welcomed(t.token);
    const { socket: phone } = await welcomed(rep.token);
    const { socket: colleaguePhone } = await welcomed(colleague.token);
    const { socket: foreignDashboard } = await welcomed(other.token);

    const order = await answered(
      rest(t.token).POST('/v1/orders', {
        body: { customerId: customer.id, salesmanId: rep.salesmanId, lines: [{ productId, quantity: 2 }] },
      }),
    );
    expect(order.status).toBe(201);
    const visit = await createVisit(t.token, { customerId: customer.id, salesmanId: rep.salesmanId });
    const checkIn = await answered(
      rest(rep.token).POST('/v1/visits/{id}/check-in', {
        params: { path: { id: visit.id } },
        body: { lat: 52.52, lng: 13.405, accuracy: 10 },
      }),
    );
    expect(checkIn.status).toBe(200);

    for (const socket of [dashboard, phone]) {
      const created = await nextOrAlarm(socket, t.tenantId, isEvent('order:created', order.body.id));
      expect(created.event).toMatchObject({
        entityType: 'order',
        actorId: t.ownerId,
        payload: expect.objectContaining({ salesmanId: rep.salesmanId, totalMinor: 2000 }),
      });
      const checkedIn = await nextOrAlarm(socket, t.tenantId, isEvent('visit:checked_in', visit.id));
      expect(checkedIn.event.actorId).toBe(rep.userId);
      expect(checkedIn.seq).toBeGreaterThan(created.seq);
    }

    // A team-wide notification reaches every socket of the tenant; events are delivered in seq order, so
    // by the time the colleague has it he would have had the rep's order and check-in.
    const marker = await answered(rest(t.token).POST('/v1/notifications', { body: { title: 'Marker', body: 'end' } }));
    await nextOrAlarm(colleaguePhone, t.tenantId, isEvent('notification', marker.body.id));
    expect(colleaguePhone.events().map((f) => f.event.type)).toEqual(['notification']);

    // The dashboard saw the whole log after its welcome exactly once and in order.
    await nextOrAlarm(dashboard, t.tenantId, isEvent('notification', marker.body.id));
    const log = await answered(
      rest(t.token).GET('/v1/events', { params: { query: { since: Number(welcome.seq), limit: 100 } } }),
    );
    expect(seqsOf(dashboard.frames)).toEqual(log.body.data.map((e: any) => e.seq));
    expect(dashboard.events().map((f) => f.event.type)).toEqual(log.body.data.map((e: any) => e.type));

    // The other tenant's hub never hears of any of it.
    const foreignCustomer = await createCustomer(other.token);
    await nextOrAlarm(foreignDashboard, other.tenantId, isEvent('customer:created', foreignCustomer.id));
    expect(foreignDashboard.events().map((f) => f.event.entityId)).toEqual([foreignCustomer.id]);

    for (const s of [dashboard, phone, colleaguePhone, foreignDashboard]) s.close();
  });

  it('delivers events of the salesman’s territory to the salesmen of that territory', async () => {
    const t = await createTenant();
    const north = await createTerritory(t.token);
    const south = await createTerritory(t.token);
    const rep = await createSalesmanUser(t, { territoryId: north.id });
    const southRep = await createSalesmanUser(t, { territoryId: south.id });
    const { socket: phone } = await welcomed(rep.token);
    const { socket: southPhone } = await welcomed(southRep.token);

    const customer = await createCustomer(t.token, { territoryId: north.id });
    const seen = await nextOrAlarm(phone, t.tenantId, isEvent('customer:created', customer.id));
    expect(seen.event.payload.territoryId).toBe(north.id);

    const marker = await answered(rest(t.token).POST('/v1/notifications', { body: { title: 'Marker', body: 'end' } }));
    await nextOrAlarm(southPhone, t.tenantId, isEvent('notification', marker.body.id));
    expect(southPhone.events().map((f) => f.event.type)).toEqual(['notification']);
    phone.close();
    southPhone.close();
  });
});
