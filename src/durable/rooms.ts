import type { HubIdentity } from '../services/hub-port';
/**
 * Who may be in which room, and which rooms a domain event goes to. Pure, so the rules are unit-tested
 * without the runtime.
 */

/** Everyone receives events addressed to this pseudo-room (tenant-wide notifications). */
export const BROADCAST = '*';

export const isSalesman = (who: HubIdentity) => who.role === 'salesman';

export function defaultRooms(who: HubIdentity): string[] {
  if (!isSalesman(who)) return ['tenant'];
  const rooms: string[] = [];
  if (who.salesmanId) rooms.push(`salesman:${who.salesmanId}`);
  if (who.territoryId) rooms.push(`territory:${who.territoryId}`);
  return rooms;
}

/** Managers, viewers and integrations may watch any room; a salesman only his own, his territory's and chats. */
export function canJoin(who: HubIdentity, room: string): boolean {
  if (room.startsWith('chat:')) return true;
  if (!isSalesman(who)) return true;
  return (
    (who.salesmanId !== null && room === `salesman:${who.salesmanId}`) ||
    (who.territoryId !== null && room === `territory:${who.territoryId}`)
  );
}

interface RoutableEvent {
  type: string;
  entityType: string;
  entityId: string;
  payload: Record<string, unknown>;
}

/**
 * The rooms a domain event is delivered to: always the tenant room; the salesman and territory rooms it
 * concerns (from the payload); a tenant-wide notification goes to everybody.
 */
export function roomsForEvent(event: RoutableEvent): string[] {
  const rooms = new Set<string>(['tenant']);
  const p = event.payload;
  if (event.type === 'notification' && (p.salesmanId === null || p.salesmanId === undefined)) rooms.add(BROADCAST);
  if (typeof p.salesmanId === 'string') rooms.add(`salesman:${p.salesmanId}`);
  if (typeof p.territoryId === 'string') rooms.add(`territory:${p.territoryId}`);
  if (event.entityType === 'salesman') rooms.add(`salesman:${event.entityId}`);
  if (event.entityType === 'territory') rooms.add(`territory:${event.entityId}`);
  return [...rooms];
}
