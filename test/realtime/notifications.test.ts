import type { components } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';
import { connect } from '../helpers/ws';
import { isError, isEvent, logSeq, nextOrAlarm } from './support';

const welcomed = async (token: string, since?: number) => {
  const socket = await connect(token, since === undefined ? {} : { since });
  await socket.next((f) => f.type === 'welcome');
  return socket;
};

const notify = (token: string, body: components['schemas']['SendNotification']) =>
  answered(rest(token).POST('/v1/notifications', { body }));

/** An object `levels` deep: {"a":{"a":…{"a":1}}} (the outer object is level 1). */
const nested = (levels: number): Record<string, unknown> => {
  let value: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
};

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

    const listed = await answered(rest(rep.token).GET('/v1/notifications'));
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((n: any) => n.id).sort()).toEqual([mine.body.id, all.body.id].sort());
    const peek = await answered(
      rest(rep.token).GET('/v1/notifications', { params: { query: { salesmanId: colleague.salesmanId } } }),
    );
    expect(peek.status).toBe(403);
    const manager = await answered(rest(t.token).GET('/v1/notifications'));
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
    // Untyped: a field a notification does not have.
    const urgent = { title: 'x', body: 'y', urgent: true };
    expect((await api('POST', '/v1/notifications', urgent, { token: t.token })).status).toBe(400);
    expect((await notify(t.token, { title: ' ', body: 'y' })).status).toBe(400);
  });

  it('bounds the free-form data: 32 levels deep and 16 KiB serialized, refused with a clear 400 beyond', async () => {
    const t = await createTenant();
    const refusal = async (data: Record<string, unknown>, message: RegExp) => {
      const res = await notify(t.token, { title: 'x', body: 'y', data });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ path: 'json.data', message: expect.stringMatching(message) }]);
    };
    // Deep enough to overflow the stack of a recursive serializer.
    await refusal(nested(6000), /at most 32 levels/);
    await refusal(nested(33), /at most 32 levels/);
    let arrays: unknown[] = [];
    for (let i = 0; i < 40; i++) arrays = [arrays];
    await refusal({ list: arrays }, /at most 32 levels/);
    await refusal({ blob: 'x'.repeat(16 * 1024) }, /at most 16384 bytes/);
    // Multi-byte characters count as bytes.
    await refusal({ text: 'é'.repeat(8200) }, /at most 16384 bytes/);

    const deepest = await notify(t.token, { title: 'x', body: 'y', data: nested(32) });
    expect(deepest.status).toBe(201);
    expect(deepest.body.data).toEqual(nested(32));
    const largest = await notify(t.token, { title: 'x', body: 'y', data: { blob: 'x'.repeat(16 * 1024 - 20) } });
    expect(largest.status).toBe(201);
    // Nothing refused was stored.
    const list = await answered(rest(t.token).GET('/v1/notifications'));
    expect(list.body.data).toHaveLength(2);
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
    const stored = await answered(rest(rep.token).GET('/v1/notifications'));
    expect(stored.body.data.map((n: any) => n.id)).toEqual([live.event.entityId]);

    phone.send({ type: 'notify', title: 'Me too', body: 'please' });
    expect(await phone.next(isError('FORBIDDEN'))).toMatchObject({ ref: 'notify' });
    dashboard.send({ type: 'notify', salesmanId: '01900000-0000-7000-8000-000000000000', title: 'x', body: 'y' });
    expect(await dashboard.next(isError('INVALID_MESSAGE'))).toMatchObject({ ref: 'notify' });
    const after = await answered(rest(t.token).GET('/v1/notifications'));
    expect(after.body.data).toHaveLength(1);
    phone.close();
    dashboard.close();
  });
});
