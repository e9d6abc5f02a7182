import { describe, expect, it } from 'vitest';
import { RoomName } from '../../src/durable/protocol';
import { BROADCAST, canJoin, defaultRooms, roomsForEvent } from '../../src/durable/rooms';
import type { HubIdentity } from '../../src/services/hub-port';

const S1 = '01900000-0000-7000-8000-000000000001';
const S2 = '01900000-0000-7000-8000-000000000002';
const T1 = '01900000-0000-7000-8000-0000000000a1';
const T2 = '01900000-0000-7000-8000-0000000000a2';

const who = (role: string, salesmanId: string | null = null, territoryId: string | null = null): HubIdentity => ({
  tenantId: 'tenant',
  principalId: 'user',
  kind: role === 'integration' ? 'api_key' : 'user',
  role,
  salesmanId,
  territoryId,
  expiresAt: null,
});

describe('rooms', () => {
  it('puts managers and viewers in the tenant room and their own, integrations in the tenant room', () => {
    for (const role of ['owner', 'admin', 'manager', 'viewer']) {
      expect(defaultRooms(who(role))).toEqual(['tenant', 'user:user']);
    }
    expect(defaultRooms(who('integration'))).toEqual(['tenant']);
  });

  it('puts a salesman in his own rooms and his territory’s, never the tenant room', () => {
    expect(defaultRooms(who('salesman', S1, T1))).toEqual(['user:user', `salesman:${S1}`, `territory:${T1}`]);
    expect(defaultRooms(who('salesman', S1, null))).toEqual(['user:user', `salesman:${S1}`]);
    expect(defaultRooms(who('salesman', null, null))).toEqual(['user:user']);
  });

  it('lets a user, and nobody else, join his own room', () => {
    for (const role of ['owner', 'manager', 'salesman']) {
      expect(canJoin(who(role, S1), 'user:user')).toBe(true);
      expect(canJoin(who(role, S1), `user:${S2}`)).toBe(false);
    }
    expect(canJoin(who('integration'), 'user:user')).toBe(false);
  });

  it('lets a salesman join only his own rooms and chats', () => {
    const rep = who('salesman', S1, T1);
    expect(canJoin(rep, `salesman:${S1}`)).toBe(true);
    expect(canJoin(rep, `territory:${T1}`)).toBe(true);
    expect(canJoin(rep, 'chat:team')).toBe(true);
    expect(canJoin(rep, `salesman:${S2}`)).toBe(false);
    expect(canJoin(rep, `territory:${T2}`)).toBe(false);
    expect(canJoin(rep, 'tenant')).toBe(false);
  });

  it('lets a salesman without a territory join no territory room', () => {
    expect(canJoin(who('salesman', S1, null), `territory:${T1}`)).toBe(false);
    expect(canJoin(who('salesman', null, null), `salesman:${S1}`)).toBe(false);
  });

  it('lets everyone else join any room but another user’s', () => {
    for (const role of ['owner', 'manager', 'viewer', 'integration']) {
      for (const room of ['tenant', `salesman:${S2}`, `territory:${T2}`, 'chat:x']) {
        expect(canJoin(who(role), room)).toBe(true);
      }
    }
  });

  it('validates room names', () => {
    for (const ok of ['tenant', `salesman:${S1}`, `territory:${T1}`, `user:${S1}`, 'chat:team-north_1.a']) {
      expect(RoomName.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ['', 'tenants', 'salesman:42', 'chat:', 'chat:has space', `chat:${'x'.repeat(65)}`, 'other:1']) {
      expect(RoomName.safeParse(bad).success, bad).toBe(false);
    }
  });

  describe('event routing', () => {
    const event = (type: string, entityType: string, entityId: string, payload: Record<string, unknown>) => ({
      type,
      entityType,
      entityId,
      payload,
    });

    it('sends every event to the tenant room', () => {
      expect(roomsForEvent(event('customer:created', 'customer', 'c1', {}))).toEqual(['tenant']);
    });

    it('adds the salesman and territory an event concerns', () => {
      const rooms = roomsForEvent(event('order:created', 'order', 'o1', { salesmanId: S1, territoryId: T1 }));
      expect(rooms.sort()).toEqual(['tenant', `salesman:${S1}`, `territory:${T1}`].sort());
    });

    it('routes salesman and territory entities to their own rooms', () => {
      expect(roomsForEvent(event('salesman:updated', 'salesman', S1, {})).sort()).toEqual(
        ['tenant', `salesman:${S1}`].sort(),
      );
      expect(roomsForEvent(event('territory:updated', 'territory', T1, {})).sort()).toEqual(
        ['tenant', `territory:${T1}`].sort(),
      );
    });

    it('broadcasts a tenant-wide notification and targets a personal one', () => {
      expect(roomsForEvent(event('notification', 'notification', 'n1', { salesmanId: null }))).toContain(BROADCAST);
      const personal = roomsForEvent(event('notification', 'notification', 'n2', { salesmanId: S1 }));
      expect(personal).not.toContain(BROADCAST);
      expect(personal.sort()).toEqual(['tenant', `salesman:${S1}`].sort());
    });

    it('sends a notice a rule addressed to one user to his room alone', () => {
      const notice = { salesmanId: S1, userId: S2, kind: 'visit_soon' };
      expect(roomsForEvent(event('notification', 'notification', 'n3', notice))).toEqual([`user:${S2}`]);
      const managers = { salesmanId: null, userId: S2, kind: 'stock_low' };
      expect(roomsForEvent(event('notification', 'notification', 'n4', managers))).toEqual([`user:${S2}`]);
    });

    it('never broadcasts other events without a salesman', () => {
      expect(roomsForEvent(event('order:created', 'order', 'o1', { salesmanId: null }))).toEqual(['tenant']);
    });

    it('ignores non-string ids in the payload', () => {
      expect(roomsForEvent(event('x:y', 'x', 'x1', { salesmanId: 42, territoryId: { id: T1 } }))).toEqual(['tenant']);
    });
  });
});
