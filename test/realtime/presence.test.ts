import { evictDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PRESENCE_GRACE_MS } from '../../src/durable/presence';
import { createCustomer, createTenant } from '../helpers/factories';
import { createSalesmanUser, createVisit } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';
import { connect } from '../helpers/ws';
import { fix, hubOf, hubSql, inHub, nextOrAlarm, presenceOf, runAlarm } from './support';

const welcomed = async (token: string) => {
  const socket = await connect(token);
  await socket.next((f) => f.type === 'welcome');
  return socket;
};

const statusOf = async (token: string, salesmanId: string) =>
  (await answered(rest(token).GET('/v1/salesmen/{id}/status', { params: { path: { id: salesmanId } } }))).body;

/** Presence changes of one salesman a dashboard has received, in order. */
const diffsOf = (frames: any[], salesmanId: string) =>
  frames
    .filter((f) => f.type === 'presence')
    .flatMap((f) => f.changes)
    .filter((c: any) => c.salesmanId === salesmanId)
    .map((c: any) => c.status);

describe('presence over the socket', () => {
  it('sends dashboards a diff for each change: online, idle, online, on_visit, online, offline', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const customer = await createCustomer(t.token);
    const visit = await createVisit(t.token, { customerId: customer.id, salesmanId: rep.salesmanId });
    const dashboard = await welcomed(t.token);

    const phone = await welcomed(rep.token);
    await dashboard.next(presenceOf(rep.salesmanId, 'online'));
    phone.send({ type: 'presence', status: 'idle' });
    await dashboard.next(presenceOf(rep.salesmanId, 'idle'));
    phone.send(fix());
    await dashboard.collect(presenceOf(rep.salesmanId, 'online'), 2);

    const fixBody = { lat: 52.52, lng: 13.405, accuracy: 10 };
    await answered(
      rest(rep.token).POST('/v1/visits/{id}/check-in', { params: { path: { id: visit.id } }, body: fixBody }),
    );
    const onVisit = await nextOrAlarm(dashboard, t.tenantId, presenceOf(rep.salesmanId, 'on_visit'));
    expect(onVisit.changes[0].since).toEqual(expect.any(Number));
    const during = await statusOf(t.token, rep.salesmanId);
    expect(during).toMatchObject({ status: 'on_visit', connections: 1 });
    expect(during.currentVisit).toMatchObject({ id: visit.id, status: 'in_progress' });

    await answered(
      rest(rep.token).POST('/v1/visits/{id}/check-out', {
        params: { path: { id: visit.id } },
        body: { ...fixBody, outcome: 'order_taken' },
      }),
    );
    const visitStarted = onVisit.changes[0].since as number;
    await nextOrAlarm(
      dashboard,
      t.tenantId,
      (f) =>
        f.type === 'presence' &&
        f.changes.some((c: any) => c.salesmanId === rep.salesmanId && c.status === 'online' && c.since >= visitStarted),
    );

    phone.close(1000);
    await dashboard.next(presenceOf(rep.salesmanId, 'offline'));
    expect(diffsOf(dashboard.frames, rep.salesmanId)).toEqual([
      'online',
      'idle',
      'online',
      'on_visit',
      'online',
      'offline',
    ]);
    expect((await statusOf(t.token, rep.salesmanId)).status).toBe('offline');
    dashboard.close();
  });

  it('does not tell a salesman about the team’s presence', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const colleague = await createSalesmanUser(t);
    const phone = await welcomed(rep.token);
    const colleaguePhone = await welcomed(colleague.token);
    colleaguePhone.send({ type: 'presence', status: 'idle' });
    colleaguePhone.send({ type: 'ping', id: 'sync' });
    await colleaguePhone.next((f) => f.type === 'pong');
    phone.send({ type: 'ping', id: 'sync' });
    await phone.next((f) => f.type === 'pong');
    expect(phone.frames.filter((f) => f.type === 'presence')).toEqual([]);
    colleaguePhone.close();
    phone.close();
  });

  it('keeps a salesman present through the grace window after an abrupt drop, then offline by the alarm', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const dashboard = await welcomed(t.token);
    const phone = await welcomed(rep.token);
    await dashboard.next(presenceOf(rep.salesmanId, 'online'));

    phone.close(4000);
    await phone.closed;
    // Nothing announced yet: the phone may be in a tunnel.
    const status = await statusOf(t.token, rep.salesmanId);
    expect(status).toMatchObject({ status: 'online', connections: 0 });
    const [row] = await hubSql<{ facts: string }>(
      t.tenantId,
      'SELECT facts FROM presence WHERE salesman_id = ?',
      rep.salesmanId,
    );
    const graceUntil = JSON.parse(row?.facts ?? '{}').graceUntil as number;
    expect(graceUntil).toBeGreaterThan(Date.now());
    expect(graceUntil).toBeLessThanOrEqual(Date.now() + PRESENCE_GRACE_MS);
    const alarm = await inHub(t.tenantId, (_hub, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm).toBeLessThanOrEqual(graceUntil);

    // An alarm before the deadline changes nothing.
    await runAlarm(t.tenantId);
    expect((await statusOf(t.token, rep.salesmanId)).status).toBe('online');
    expect(diffsOf(dashboard.frames, rep.salesmanId)).toEqual(['online']);

    // Let the grace window pass: backdate the deadline in the hub's SQLite and evict the object so it
    // reloads it, as it would after waking up 15 s later.
    await inHub(t.tenantId, (_hub, state) => {
      state.storage.sql.exec(
        "UPDATE presence SET facts = json_set(facts, '$.graceUntil', ?) WHERE salesman_id = ?",
        Date.now() - 1,
        rep.salesmanId,
      );
    });
    await evictDurableObject(hubOf(t.tenantId));
    await runAlarm(t.tenantId);
    await dashboard.next(presenceOf(rep.salesmanId, 'offline'));
    expect((await statusOf(t.token, rep.salesmanId)).status).toBe('offline');
    dashboard.close();
  });

  it('does not flap when the salesman reconnects within the grace window', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const dashboard = await welcomed(t.token);
    const phone = await welcomed(rep.token);
    await dashboard.next(presenceOf(rep.salesmanId, 'online'));
    phone.close(4000);
    await phone.closed;
    const again = await welcomed(rep.token);
    await runAlarm(t.tenantId);
    expect(await statusOf(t.token, rep.salesmanId)).toMatchObject({ status: 'online', connections: 1 });
    dashboard.send({ type: 'ping', id: 'sync' });
    await dashboard.next((f) => f.type === 'pong');
    expect(diffsOf(dashboard.frames, rep.salesmanId)).toEqual(['online']);
    again.close();
    dashboard.close();
  });

  it('stays online while a second device of the same salesman is connected', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const dashboard = await welcomed(t.token);
    const phone = await welcomed(rep.token);
    const tablet = await welcomed(rep.token);
    expect((await statusOf(t.token, rep.salesmanId)).connections).toBe(2);
    phone.close(1000);
    await phone.closed;
    expect(await statusOf(t.token, rep.salesmanId)).toMatchObject({ status: 'online', connections: 1 });
    tablet.close(1000);
    await dashboard.next(presenceOf(rep.salesmanId, 'offline'));
    expect(diffsOf(dashboard.frames, rep.salesmanId)).toEqual(['online', 'offline']);
    dashboard.close();
  });

  it('refuses presence reports from someone who is not a salesman', async () => {
    const t = await createTenant();
    const dashboard = await welcomed(t.token);
    dashboard.send({ type: 'presence', status: 'idle' });
    expect(await dashboard.next((f) => f.type === 'error')).toMatchObject({ code: 'FORBIDDEN', ref: 'presence' });
    dashboard.send({ type: 'presence', status: 'on_visit' });
    expect(await dashboard.next((f) => f.type === 'error' && f.code === 'INVALID_MESSAGE')).toMatchObject({
      ref: 'presence',
    });
    dashboard.close();
  });
});
