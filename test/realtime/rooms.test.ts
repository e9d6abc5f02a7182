import { describe, expect, it } from 'vitest';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { createSalesmanUser, createTerritory } from '../helpers/field-factories';
import { connect, type TestSocket } from '../helpers/ws';
import { isError } from './support';

const welcomed = async (token: string) => {
  const socket = await connect(token);
  await socket.next((f) => f.type === 'welcome');
  return socket;
};

const subscribe = async (socket: TestSocket, room: string) => {
  socket.send({ type: 'subscribe', room });
  return socket.next(
    (f) => (f.type === 'subscribed' && f.room === room) || (f.type === 'error' && f.ref === 'subscribe'),
  );
};

describe('realtime rooms', () => {
  it('lets a salesman join his own rooms and chats, and refuses the others with FORBIDDEN', async () => {
    const t = await createTenant();
    const north = await createTerritory(t.token);
    const south = await createTerritory(t.token);
    const rep = await createSalesmanUser(t, { territoryId: north.id });
    const other = await createSalesmanUser(t, { territoryId: south.id });
    const phone = await welcomed(rep.token);

    for (const room of [`salesman:${rep.salesmanId}`, `territory:${north.id}`, 'chat:north-team']) {
      expect(await subscribe(phone, room), room).toEqual({ type: 'subscribed', room });
    }
    for (const room of ['tenant', `salesman:${other.salesmanId}`, `territory:${south.id}`]) {
      phone.frames.length = 0;
      expect(await subscribe(phone, room), room).toMatchObject({ type: 'error', code: 'FORBIDDEN', ref: 'subscribe' });
    }
    phone.close();
  });

  it('lets a manager join any room', async () => {
    const t = await createTenant();
    const territory = await createTerritory(t.token);
    const rep = await createSalesmanUser(t);
    const manager = await createUserWithRole(t, 'manager');
    const dashboard = await welcomed(manager.token);
    for (const room of [`salesman:${rep.salesmanId}`, `territory:${territory.id}`, 'chat:ops', 'tenant']) {
      expect(await subscribe(dashboard, room), room).toEqual({ type: 'subscribed', room });
    }
    dashboard.close();
  });

  it('refuses unknown room names as invalid messages', async () => {
    const t = await createTenant();
    const dashboard = await welcomed(t.token);
    for (const room of ['everyone', 'salesman:42', 'chat:', 'chat:with space']) {
      dashboard.frames.length = 0;
      expect(await subscribe(dashboard, room), room).toMatchObject({ code: 'INVALID_MESSAGE', ref: 'subscribe' });
    }
    dashboard.close();
  });

  it('delivers chat and typing only to the room’s members, not back to the sender', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const outsider = await createSalesmanUser(t);
    const manager = await createUserWithRole(t, 'manager');
    const phone = await welcomed(rep.token);
    const dashboard = await welcomed(manager.token);
    const outsiderPhone = await welcomed(outsider.token);
    await subscribe(phone, 'chat:team');
    await subscribe(dashboard, 'chat:team');

    dashboard.send({ type: 'chat', room: 'chat:team', text: 'Meet at 3' });
    const chat = await phone.next((f) => f.type === 'chat');
    expect(chat).toEqual({
      type: 'chat',
      room: 'chat:team',
      from: { userId: manager.id, role: 'manager' },
      text: 'Meet at 3',
      ts: expect.any(Number),
    });
    phone.send({ type: 'typing', room: 'chat:team', typing: true });
    expect(await dashboard.next((f) => f.type === 'typing')).toEqual({
      type: 'typing',
      room: 'chat:team',
      userId: rep.userId,
      typing: true,
    });

    // Frames from one socket arrive in order, so once this ping is answered the outsider would have had the chat.
    outsiderPhone.send({ type: 'ping', id: 'after' });
    await outsiderPhone.next((f) => f.type === 'pong');
    expect(outsiderPhone.frames.filter((f) => f.type === 'chat' || f.type === 'typing')).toEqual([]);
    expect(dashboard.frames.filter((f) => f.type === 'chat')).toEqual([]);

    outsiderPhone.send({ type: 'chat', room: 'chat:team', text: 'let me in' });
    expect(await outsiderPhone.next(isError('FORBIDDEN'))).toMatchObject({ ref: 'chat' });
    dashboard.send({ type: 'chat', room: 'tenant', text: 'not a chat room' });
    expect(await dashboard.next(isError('FORBIDDEN'))).toMatchObject({ ref: 'chat' });
    phone.close();
    dashboard.close();
    outsiderPhone.close();
  });

  it('stops delivering a room after unsubscribe', async () => {
    const t = await createTenant();
    const a = await welcomed(t.token);
    const b = await welcomed(t.token);
    await subscribe(a, 'chat:x');
    await subscribe(b, 'chat:x');
    a.send({ type: 'chat', room: 'chat:x', text: 'one' });
    await b.next((f) => f.type === 'chat' && f.text === 'one');

    b.send({ type: 'unsubscribe', room: 'chat:x' });
    expect(await b.next((f) => f.type === 'unsubscribed')).toEqual({ type: 'unsubscribed', room: 'chat:x' });
    a.send({ type: 'chat', room: 'chat:x', text: 'two' });
    a.send({ type: 'ping', id: 'a' });
    await a.next((f) => f.type === 'pong');
    // b's pong leaves after anything the hub sent b while handling 'two'.
    b.send({ type: 'chat', room: 'chat:x', text: 'three' });
    b.send({ type: 'ping', id: 'b' });
    await b.next((f) => f.type === 'pong');
    expect(await b.next(isError('FORBIDDEN'))).toMatchObject({ ref: 'chat' });
    expect(b.frames.filter((f) => f.type === 'chat').map((f) => f.text)).toEqual(['one']);
    a.close();
    b.close();
  });
});
