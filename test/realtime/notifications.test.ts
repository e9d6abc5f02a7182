import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { connect } from '../helpers/ws';
import { isError, isEvent, logSeq, nextOrAlarm } from './support';

const welcomed = async (token: string, since?: number) => {
  const socket = await connect(token, since === undefined ? {} : { since });
  await socket.next((f) => f.type === 'welcome');
  return socket;
};

const notify = (token: string, body: Record<string, unknown>) => api('POST', '/v1/notifications', body, { token });

describe('notifications', () => {
  it('delivers a personal notification live to its salesman only, and a team-wide one to everyone', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const colleague = await createSalesmanUser(t);
    const phone = await welcomed(rep.token);
    const colleaguePhone = await welcomed(colleague.token);
    const dashboard = await welcomed(t.token);

    const personal = await notify(t.token, { salesmanId: rep.salesmanId, title: 'Call HQ', body: 'Before noon' });
    expect(personal.status).toBe(201);
    expect(personal.body).toMatchObject({ salesmanId: rep.salesmanId, senderId: t.ownerId, readAt: null });
    const live = await nextOrAlarm(phone, t.tenantId, isEvent('notification', personal.body.id));
    expect(live.event).toMatchObject({
      entityType: 'notification',
      actorId: t.ownerId,
      payload: expect.objectContaining({ salesmanId: rep.salesmanId, title: 'Call HQ', body: 'Before noon' }),
    });
    await nextOrAlarm(dashboard, t.tenantId, isEvent('notification', personal.body.id));

    const team = await notify(t.token, { title: 'Team meeting', body: 'Friday 9:00' });
    expect(team.body.salesmanId).toBeNull();
    for (const socket of [phone, colleaguePhone, dashboard]) {
      await nextOrAlarm(socket, t.tenantId, isEvent('notification', team.body.id));
    }
    // In seq order, the colleague would have had the personal one before the team-wide one.
    expect(colleaguePhone.events().map((f) => f.event.entityId)).toEqual([team.body.id]);
    for (const s of [phone, colleaguePhone, dashboard]) s.close();
  });

  it('gives a salesman who was offline his notifications on resume and in GET /v1/notifications', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const colleague = await createSalesmanUser(t);
    const phone = await welcomed(rep.token);
    const seenUpTo = (await phone.next((f) => f.type === 'welcome')).seq;
    phone.close();
    await phone.closed;

    const mine = await notify(t.token, { salesmanId: rep.salesmanId, title: 'Yours', body: 'only' });
    const theirs = await notify(t.token, { salesmanId: colleague.salesmanId, title: 'Theirs', body: 'not yours' });
    const all = await notify(t.token, { title: 'Everyone', body: 'all hands' });
    const last = await logSeq(t);

    const back = await welcomed(rep.token, seenUpTo);
    await nextOrAlarm(back, t.tenantId, isEvent('notification', all.body.id));
    expect(back.events().map((f) => f.event.entityId)).toEqual([mine.body.id, all.body.id]);
    expect(back.events().every((f) => f.seq > seenUpTo && f.seq <= last)).toBe(true);
    back.close();

    const listed = await api('GET', '/v1/notifications', undefined, { token: rep.token });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((n: any) => n.id).sort()).toEqual([mine.body.id, all.body.id].sort());
    const peek = await api('GET', `/v1/notifications?salesmanId=${colleague.salesmanId}`, undefined, {
      token: rep.token,
    });
    expect(peek.status).toBe(403);
    const manager = await api('GET', '/v1/notifications', undefined, { token: t.token });
    expect(manager.body.data.map((n: any) => n.id)).toEqual(
      expect.arrayContaining([mine.body.id, theirs.body.id, all.body.id]),
    );
  });

  it('refuses REST notifications from a salesman, to an unknown salesman, or with unknown fields', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const other = await createTenant('Other Co');
    const foreign = await createSalesmanUser(other);
    expect((await notify(rep.token, { title: 'x', body: 'y' })).status).toBe(403);
    expect((await notify(t.token, { salesmanId: foreign.salesmanId, title: 'x', body: 'y' })).status).toBe(404);
    expect((await notify(t.token, { title: 'x', body: 'y', urgent: true })).status).toBe(400);
    expect((await notify(t.token, { title: ' ', body: 'y' })).status).toBe(400);
  });

  it('lets a manager notify over the socket; a salesman gets FORBIDDEN', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const manager = await createUserWithRole(t, 'manager');
    const phone = await welcomed(rep.token);
    const dashboard = await welcomed(manager.token);

    dashboard.send({ type: 'notify', salesmanId: rep.salesmanId, title: 'From the socket', body: 'Hi' });
    const live = await phone.next((f) => f.type === 'event' && f.event.type === 'notification');
    expect(live.event).toMatchObject({
      actorId: manager.id,
      payload: expect.objectContaining({ salesmanId: rep.salesmanId, title: 'From the socket', senderId: manager.id }),
    });
    const stored = await api('GET', '/v1/notifications', undefined, { token: rep.token });
    expect(stored.body.data.map((n: any) => n.id)).toEqual([live.event.entityId]);

    phone.send({ type: 'notify', title: 'Me too', body: 'please' });
    expect(await phone.next(isError('FORBIDDEN'))).toMatchObject({ ref: 'notify' });
    dashboard.send({ type: 'notify', salesmanId: '01900000-0000-7000-8000-000000000000', title: 'x', body: 'y' });
    expect(await dashboard.next(isError('INVALID_MESSAGE'))).toMatchObject({ ref: 'notify' });
    const after = await api('GET', '/v1/notifications', undefined, { token: t.token });
    expect(after.body.data).toHaveLength(1);
    phone.close();
    dashboard.close();
  });
});
