import type { HubIdentity } from '../services/hub-port';
/**
 * Who may be in which room, and which rooms a domain event goes to. Pure, so the rules are unit-tested
 * without the runtime.
 */

/** Everyone receives events addressed to this pseudo-room (tenant-wide notifications). */
export const BROADCAST = '*';

/**
 * Sync clients join this room to be poked (`sync:poke`) when a change their pull would return is
 * committed. It carries no events itself.
 */
export const SYNC_ROOM = 'sync';

/** Entity types in every sync working set (the catalogue, territories): a change to one pokes everyone. */
const EVERYONE_SYNCS: ReadonlySet<string> = new Set(['product', 'inventory', 'territory']);

/**
 * Whether an event delivered to `rooms` concerns the working set of `who` (docs/sync.md): it reached one of
 * the rooms `who` belongs to by default, went to everyone, or is about the catalogue. For the sync poke,
 * `rooms` also holds the rooms a record was handed away from (`handedAwayRooms`), so its old salesman pulls
 * its removal at once.
 */
export function concernsSync(who: HubIdentity, event: { entityType: string }, rooms: readonly string[]): boolean {
  if (rooms.includes(BROADCAST) || EVERYONE_SYNCS.has(event.entityType)) return true;
  return defaultRooms(who).some((room) => rooms.includes(room));
}

export const isSalesman = (who: HubIdentity) => who.role === 'salesman';

/** A user's own room: the notices a rule addressed to him alone (docs/realtime.md, Rooms). */
const personalRoom = (who: HubIdentity) => (who.kind === 'user' ? `user:${who.principalId}` : null);

export function defaultRooms(who: HubIdentity): string[] {
  const personal = personalRoom(who);
  const rooms: string[] = personal ? [personal] : [];
  if (!isSalesman(who)) return ['tenant', ...rooms];
  if (who.salesmanId) rooms.push(`salesman:${who.salesmanId}`);
  if (who.territoryId) rooms.push(`territory:${who.territoryId}`);
  return rooms;
}

/** Managers, viewers and integrations may watch any room; a salesman only his own, his territory's and chats. */
export function canJoin(who: HubIdentity, room: string): boolean {
  if (room.startsWith('chat:') || room === SYNC_ROOM) return true;
  if (room.startsWith('user:')) return room === personalRoom(who);
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
 * The salesman and territory rooms an update took its record away from (`payload.previous`, written by
 * services/entity.ts): not where the event is delivered (the record is no longer theirs to watch), but
 * whom a sync poke must reach.
 */
export function handedAwayRooms(event: RoutableEvent): string[] {
  const previous = event.payload.previous;
  if (!previous || typeof previous !== 'object') return [];
  const p = previous as Record<string, unknown>;
  const rooms: string[] = [];
  if (typeof p.salesmanId === 'string') rooms.push(`salesman:${p.salesmanId}`);
  if (typeof p.territoryId === 'string') rooms.push(`territory:${p.territoryId}`);
  return rooms;
}

/**
 * The rooms a domain event is delivered to: the tenant room and the salesman and territory rooms it
 * concerns (from the payload); a manager's message to the whole team goes to everybody, and a notice a
 * rule addressed to one user only to that user's room.
 */
export function roomsForEvent(event: RoutableEvent): string[] {
  const p = event.payload;
  if (event.type === 'notification' && typeof p.userId === 'string') return [`user:${p.userId}`];
  const rooms = new Set<string>(['tenant']);
  if (event.type === 'notification' && p.salesmanId == null && p.userId == null) rooms.add(BROADCAST);
  if (typeof p.salesmanId === 'string') rooms.add(`salesman:${p.salesmanId}`);
  if (typeof p.territoryId === 'string') rooms.add(`territory:${p.territoryId}`);
  if (event.entityType === 'salesman') rooms.add(`salesman:${event.entityId}`);
  if (event.entityType === 'territory') rooms.add(`territory:${event.entityId}`);
  return [...rooms];
}
