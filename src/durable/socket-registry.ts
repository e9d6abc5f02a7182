import {
  type ClientFrame,
  CloseCode,
  type LiveLocation,
  type PresenceChange,
  RealtimeErrorCode,
  type ServerMessage,
} from '@fieldline/client/protocol';
import type { Config } from '../env';
import type { ForwardedIdentity, StreamFilter } from '../services/hub-port';
import { BROADCAST, canJoin } from './rooms';
import { admits, pickLocations, type Topic } from './stream-filter';

/** Per-socket state kept by the runtime across hibernation (serializeAttachment, ≤ 16 KiB). */
export interface Attachment {
  who: ForwardedIdentity;
  rooms: string[];
  connectedAt: number;
  /** Set on the sockets the Worker opens for GraphQL subscriptions: they get only these frames. */
  filter?: StreamFilter;
}

/** The runtime calls the registry makes: the Durable Object state's socket API. */
export type SocketHost = Pick<DurableObjectState, 'acceptWebSocket' | 'getWebSockets'>;

/** A location and the rooms it goes to (`tenant`, the salesman's, his territory's). */
export interface RoutedLocation {
  location: LiveLocation;
  rooms: string[];
}

const MAX_ROOMS_PER_SOCKET = 50;

export type SocketLimits = Pick<Config, 'REALTIME_MAX_SOCKETS' | 'REALTIME_MAX_SOCKETS_PER_PRINCIPAL'>;

/**
 * The hub's sockets: accepting them (tags for targeted lookups, the attachment that survives
 * hibernation), the room index rebuilt from attachments after a wake-up, room membership, fan-out and
 * sending. Knows nothing of events, presence or GPS: the other parts hand it frames and rooms.
 */
export class SocketRegistry {
  private index: Map<string, Set<WebSocket>> | null = null;
  /** Sockets accepted but not yet caught up; fan-out skips them until their replay is sent. */
  private readonly joining = new Set<WebSocket>();
  /** The filters of filtered sockets, cached with the room index (fan-out must not read attachments). */
  private readonly filters = new WeakMap<WebSocket, StreamFilter>();

  constructor(private readonly host: SocketHost) {}

  /** Open sockets: all, or those with a tag (`principal:<id>`, `owner:<id>`, `salesman:<id>`). */
  sockets(tag?: string): WebSocket[] {
    return this.host.getWebSockets(tag);
  }

  /**
   * Why another socket of `who` is refused (429), or null: the tenant's cap, and below it a cap per user
   * or API key, so one principal's sockets (a reconnect loop, a script) cannot lock everyone else out.
   */
  refusal(who: ForwardedIdentity, limits: SocketLimits): string | null {
    if (this.sockets().length >= limits.REALTIME_MAX_SOCKETS) {
      return 'This organisation has too many open realtime connections';
    }
    if (this.sockets(`principal:${who.principalId}`).length >= limits.REALTIME_MAX_SOCKETS_PER_PRINCIPAL) {
      return who.kind === 'api_key'
        ? 'This API key has too many open realtime connections'
        : 'You have too many open realtime connections';
    }
    return null;
  }

  /** The sockets in a room (settled ones: fan-out's view). */
  members(room: string): Iterable<WebSocket> {
    return this.rooms().get(room) ?? [];
  }

  /** Accepts a socket; fan-out skips it until `enter` puts it in its rooms. */
  accept(ws: WebSocket, a: Attachment): void {
    const tags = [
      `principal:${a.who.principalId}`,
      ...(a.who.owner ? [`owner:${a.who.owner.id}`] : []),
      ...(a.who.salesmanId ? [`salesman:${a.who.salesmanId}`] : []),
    ];
    this.host.acceptWebSocket(ws, tags);
    ws.serializeAttachment(a);
    if (a.filter) this.filters.set(ws, a.filter);
    this.joining.add(ws);
  }

  /** The socket's replay is settled (sent, or failed): it is no longer skipped. */
  settled(ws: WebSocket): void {
    this.joining.delete(ws);
  }

  /** Puts a settled socket in its rooms: from here on fan-out reaches it. */
  enter(ws: WebSocket, a: Attachment): void {
    for (const room of a.rooms) this.addToRoom(room, ws);
  }

  /** Takes a closing socket out of every room. */
  forget(ws: WebSocket): void {
    for (const set of this.rooms().values()) set.delete(ws);
  }

  attachmentOf(ws: WebSocket): Attachment | null {
    return (ws.deserializeAttachment() as Attachment | null) ?? null;
  }

  save(ws: WebSocket, a: Attachment): void {
    ws.serializeAttachment(a);
  }

  /** `subscribe`: joins a room the identity may join; answers the frame to send back. */
  subscribe(ws: WebSocket, a: Attachment, room: string): ServerMessage {
    if (!canJoin(a.who, room)) return errorFrame(RealtimeErrorCode.FORBIDDEN, `You may not join ${room}`, 'subscribe');
    if (!a.rooms.includes(room)) {
      if (a.rooms.length >= MAX_ROOMS_PER_SOCKET) {
        return errorFrame(RealtimeErrorCode.INVALID_MESSAGE, 'Too many rooms on one connection', 'subscribe');
      }
      a.rooms.push(room);
      this.save(ws, a);
      this.addToRoom(room, ws);
    }
    return { type: 'subscribed', room };
  }

  unsubscribe(ws: WebSocket, a: Attachment, room: string): ServerMessage {
    a.rooms = a.rooms.filter((r) => r !== room);
    this.save(ws, a);
    this.rooms().get(room)?.delete(ws);
    return { type: 'unsubscribed', room };
  }

  /** `chat` and `typing`: relayed to the other members of the room (the sender must be `inChatRoom`). */
  relayChat(ws: WebSocket, a: Attachment, msg: ClientFrame<'chat'> | ClientFrame<'typing'>, now: number): void {
    const frame: ServerMessage =
      msg.type === 'chat'
        ? {
            type: 'chat',
            room: msg.room,
            from: { userId: a.who.principalId, role: a.who.role },
            text: msg.text,
            ts: now,
          }
        : { type: 'typing', room: msg.room, userId: a.who.principalId, typing: msg.typing };
    this.fanOut([msg.room], JSON.stringify(frame), { kind: 'chat' }, ws);
  }

  /**
   * Sends `frame` once to every socket in any of `rooms` (everyone for BROADCAST) whose filter, if any,
   * admits the topic; never to `except`.
   */
  fanOut(rooms: string[], frame: string, topic: Topic, except?: WebSocket): void {
    const index = this.rooms();
    const targets = new Set<WebSocket>();
    if (rooms.includes(BROADCAST)) {
      for (const set of index.values()) for (const ws of set) targets.add(ws);
    } else {
      for (const room of rooms) for (const ws of index.get(room) ?? []) targets.add(ws);
    }
    for (const ws of targets) {
      if (ws !== except && admits(this.filters.get(ws), topic)) this.sendRaw(ws, frame);
    }
  }

  /** Presence diffs go to the `tenant` room (dashboards). */
  fanOutPresence(changes: PresenceChange[]): void {
    this.fanOut(['tenant'], JSON.stringify({ type: 'presence', changes } satisfies ServerMessage), {
      kind: 'presence',
    });
  }

  /**
   * One `locations` frame to each socket with the locations of its rooms, in order (dashboards: all), less
   * what its filter leaves out.
   */
  fanOutLocations(items: RoutedLocation[]): void {
    if (items.length === 0) return;
    const index = this.rooms();
    // Unfiltered sockets of the tenant room (dashboards) see every location: one serialized frame for
    // all of them, without routing each location to each socket (the cost that grows with both).
    const whole = JSON.stringify({
      type: 'locations',
      locations: items.map((i) => i.location),
    } satisfies ServerMessage);
    const everything = new Set<WebSocket>();
    for (const ws of index.get('tenant') ?? []) {
      if (this.filters.has(ws)) continue;
      everything.add(ws);
      this.sendRaw(ws, whole);
    }
    const perSocket = new Map<WebSocket, LiveLocation[]>();
    for (const { location, rooms } of items) {
      const targets = new Set<WebSocket>();
      for (const room of rooms) for (const ws of index.get(room) ?? []) if (!everything.has(ws)) targets.add(ws);
      for (const ws of targets) {
        const list = perSocket.get(ws);
        if (list) list.push(location);
        else perSocket.set(ws, [location]);
      }
    }
    for (const [ws, all] of perSocket) {
      const locations = pickLocations(this.filters.get(ws), all);
      if (locations.length === items.length) this.sendRaw(ws, whole);
      else if (locations.length > 0) this.send(ws, { type: 'locations', locations });
    }
  }

  /** Closes every socket carrying one of the tags. */
  closeTagged(tags: string[], code: number, reason: string): void {
    for (const tag of tags) {
      for (const ws of this.sockets(tag)) {
        try {
          ws.close(code, reason);
        } catch {
          // Already closing.
        }
      }
    }
  }

  /** Closes, with 4001, the sockets whose access token has expired (API keys' never do). */
  closeExpired(now: number): void {
    for (const ws of this.sockets()) {
      const a = this.attachmentOf(ws);
      if (a?.who.expiresAt != null && a.who.expiresAt <= now) ws.close(CloseCode.TOKEN_EXPIRED, 'Access token expired');
    }
  }

  /**
   * Drops a socket accepted for a caller that left before the upgrade was answered. Both ends are still
   * here: closing both completes the close handshake, so the socket is gone at once.
   */
  abandon(server: WebSocket, client: WebSocket): void {
    client.accept();
    client.close(CloseCode.NORMAL, 'The connection was abandoned');
    server.close(CloseCode.NORMAL, 'The connection was abandoned');
  }

  /** Members per room (non-empty rooms), and open sockets per role: the stats view. */
  census(): { byRole: Record<string, number>; rooms: Record<string, number>; total: number } {
    const byRole: Record<string, number> = {};
    const sockets = this.sockets();
    for (const ws of sockets) {
      const role = this.attachmentOf(ws)?.who.role ?? 'unknown';
      byRole[role] = (byRole[role] ?? 0) + 1;
    }
    const rooms: Record<string, number> = {};
    for (const [room, set] of this.rooms()) if (set.size > 0) rooms[room] = set.size;
    return { byRole, rooms, total: sockets.length };
  }

  error(ws: WebSocket, code: RealtimeErrorCode, message: string, ref?: string): void {
    this.send(ws, errorFrame(code, message, ref));
  }

  send(ws: WebSocket, message: ServerMessage): void {
    this.sendRaw(ws, JSON.stringify(message));
  }

  sendRaw(ws: WebSocket, frame: string): void {
    try {
      ws.send(frame);
    } catch {
      // The socket is closing; its close handler cleans up.
    }
  }

  /** Room membership, rebuilt from socket attachments after a wake-up. */
  private rooms(): Map<string, Set<WebSocket>> {
    if (!this.index) {
      this.index = new Map();
      for (const ws of this.sockets()) {
        if (this.joining.has(ws)) continue;
        const a = this.attachmentOf(ws);
        if (a?.filter) this.filters.set(ws, a.filter);
        for (const room of a?.rooms ?? []) this.addToRoom(room, ws);
      }
    }
    return this.index;
  }

  private addToRoom(room: string, ws: WebSocket): void {
    const rooms = this.rooms();
    let set = rooms.get(room);
    if (!set) {
      set = new Set();
      rooms.set(room, set);
    }
    set.add(ws);
  }
}

/** Chat and typing go only to `chat:` rooms the sender is in. */
export const inChatRoom = (a: Attachment, room: string) => room.startsWith('chat:') && a.rooms.includes(room);

const errorFrame = (code: RealtimeErrorCode, message: string, ref?: string): ServerMessage => ({
  type: 'error',
  code,
  message,
  ...(ref ? { ref } : {}),
});
