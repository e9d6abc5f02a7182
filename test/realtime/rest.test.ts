import { describe, expect, it } from 'vitest';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import { createSalesmanUser, createTerritory, createVisit } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';
import { connect } from '../helpers/ws';
import { fix, runAlarm } from './support';

const welcomed = async (token: string) => {
  const socket = await connect(token);
  await socket.next((f) => f.type === 'welcome');
  return socket;
};

/** Sends a frame and waits until the hub has handled it (its answer to a later ping). */
const settled = async (socket: Awaited<ReturnType<typeof welcomed>>, frame: unknown) => {
  socket.send(frame);
  socket.send({ type: 'ping', id: 'settled' });
  await socket.next((f) => f.type === 'pong' && f.id === 'settled');
};

describe('realtime REST endpoints', () => {
  it('GET /v1/realtime/stats counts connections by role and room members', async () => {
    const t = await createTenant();
    const territory = await createTerritory(t.token);
    const rep = await createSalesmanUser(t, { territoryId: territory.id });
    const manager = await createUserWithRole(t, 'manager');
    const dashboard = await welcomed(t.token);
    const desk = await welcomed(manager.token);
    const phone = await welcomed(rep.token);
    await settled(desk, { type: 'subscribe', room: 'chat:ops' });

    const res = await answered(rest(manager.token).GET('/v1/realtime/stats'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      connections: { total: 3, byRole: { owner: 1, manager: 1, salesman: 1 } },
      rooms: {
        tenant: 2,
        [`salesman:${rep.salesmanId}`]: 1,
        [`territory:${territory.id}`]: 1,
        'chat:ops': 1,
      },
      lastSeq: expect.any(Number),
      trailPending: 0,
    });
    expect(res.body.lastSeq).toBeGreaterThan(0);
    expect((await answered(rest(rep.token).GET('/v1/realtime/stats'))).status).toBe(403);
    expect((await answered(rest().GET('/v1/realtime/stats'))).status).toBe(401);
    for (const s of [dashboard, desk, phone]) s.close();
  });

  it('GET /v1/salesmen/online lists who is not offline with the latest location; a salesman sees himself', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const colleague = await createSalesmanUser(t);
    const absent = await createSalesmanUser(t);
    const phone = await welcomed(rep.token);
    const colleaguePhone = await welcomed(colleague.token);
    const ts = Date.now();
    await settled(phone, fix({ lat: 45.46, lng: 9.19, ts }));
    await settled(colleaguePhone, { type: 'presence', status: 'idle' });

    const res = await answered(rest(t.token).GET('/v1/salesmen/online'));
    expect(res.status).toBe(200);
    const byId = new Map(res.body.data.map((s: any) => [s.salesmanId, s]));
    expect(byId.size).toBe(2);
    expect(byId.get(rep.salesmanId)).toMatchObject({
      status: 'online',
      since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      location: { salesmanId: rep.salesmanId, lat: 45.46, lng: 9.19, ts },
    });
    expect(byId.get(colleague.salesmanId)).toMatchObject({ status: 'idle', location: null });
    expect(byId.has(absent.salesmanId)).toBe(false);

    const own = await answered(rest(rep.token).GET('/v1/salesmen/online'));
    expect(own.body.data.map((s: any) => s.salesmanId)).toEqual([rep.salesmanId]);
    phone.close();
    colleaguePhone.close();
  });

  it('GET /v1/salesmen/{id}/status gives presence, last location and the visit in progress', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const colleague = await createSalesmanUser(t);
    const customer = await createCustomer(t.token);
    const visit = await createVisit(t.token, { customerId: customer.id, salesmanId: rep.salesmanId });

    const never = await answered(
      rest(t.token).GET('/v1/salesmen/{id}/status', { params: { path: { id: rep.salesmanId } } }),
    );
    expect(never.status).toBe(200);
    expect(never.body).toMatchObject({ status: 'offline', connections: 0, location: null, currentVisit: null });

    const phone = await welcomed(rep.token);
    const ts = Date.now();
    await settled(phone, fix({ lat: 41.9, lng: 12.5, accuracy: 3, ts }));
    await answered(
      rest(rep.token).POST('/v1/visits/{id}/check-in', {
        params: { path: { id: visit.id } },
        body: { lat: 41.9, lng: 12.5, accuracy: 3 },
      }),
    );
    // The hand-off after the write may still be running; the hub's own catch-up makes it certain.
    await runAlarm(t.tenantId);

    const res = await answered(
      rest(t.token).GET('/v1/salesmen/{id}/status', { params: { path: { id: rep.salesmanId } } }),
    );
    expect(res.body).toMatchObject({
      salesmanId: rep.salesmanId,
      status: 'on_visit',
      connections: 1,
      location: { lat: 41.9, lng: 12.5, accuracy: 3, ts },
      currentVisit: { id: visit.id, customerId: customer.id, status: 'in_progress' },
    });
    expect(Number.isNaN(Date.parse(res.body.since))).toBe(false);
    expect(res.body.currentVisit).not.toHaveProperty('tenantId');

    const self = await answered(
      rest(rep.token).GET('/v1/salesmen/{id}/status', { params: { path: { id: rep.salesmanId } } }),
    );
    expect(self.status).toBe(200);
    const peek = await answered(
      rest(rep.token).GET('/v1/salesmen/{id}/status', { params: { path: { id: colleague.salesmanId } } }),
    );
    expect(peek.status).toBe(404);
    phone.close();
  });

  it('answers 404 for another tenant’s salesman or an unknown id', async () => {
    const t = await createTenant();
    const other = await createTenant('Other Co');
    const foreign = await createSalesmanUser(other);
    const foreignPhone = await welcomed(foreign.token);
    await settled(foreignPhone, fix());

    const client = rest(t.token);
    const status = (id: string) => answered(client.GET('/v1/salesmen/{id}/status', { params: { path: { id } } }));
    const everything = { from: '2020-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };
    const reads: [string, () => Promise<{ status: number; body: { code?: string } }>][] = [
      [`/v1/salesmen/${foreign.salesmanId}/status`, () => status(foreign.salesmanId)],
      [
        '/v1/salesmen/01900000-0000-7000-8000-000000000000/status',
        () => status('01900000-0000-7000-8000-000000000000'),
      ],
      [
        `/v1/salesmen/${foreign.salesmanId}/trail`,
        () =>
          answered(
            client.GET('/v1/salesmen/{id}/trail', { params: { path: { id: foreign.salesmanId }, query: everything } }),
          ),
      ],
    ];
    for (const [path, read] of reads) {
      const res = await read();
      expect(res.status, path).toBe(404);
      expect(res.body.code, path).toBe('NOT_FOUND');
    }
    const online = await answered(rest(t.token).GET('/v1/salesmen/online'));
    expect(online.body.data).toEqual([]);
    foreignPhone.close();
  });
});
