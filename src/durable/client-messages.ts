import { type ClientMessage, CloseCode, RealtimeErrorCode, type ServerMessage } from '@fieldline/client/protocol';
import { verifyAccessToken } from '../auth/tokens';
import type { Config } from '../env';
import { AppError } from '../lib/errors';
import type { ServiceContext } from '../services/context';
import type { ForwardedIdentity } from '../services/hub-port';
import { sendNotification } from '../services/notifications.service';
import type { GpsFeed } from './gps-feed';
import type { PresenceTracker } from './presence-tracker';
import { parseClientFrame } from './protocol';
import { type Attachment, inChatRoom, type SocketRegistry } from './socket-registry';
import { TokenBucket } from './token-bucket';

/** Refused messages tolerated before the socket is closed with 1008. */
const MAX_STRIKES = 20;

export interface ClientMessageDeps {
  sockets: SocketRegistry;
  presence: PresenceTracker;
  gps: GpsFeed;
  /** A context acting as the socket's principal (a manager's `notify` runs as him). */
  contextFor: (who: ForwardedIdentity) => ServiceContext;
  /** Rate limits, and the token keys `auth` verifies with. */
  config: Config;
}

/**
 * What a socket sends: expiry and the per-socket rate limit first, then the frame (parsed by the protocol
 * module), then the part of the hub it is for. Every refusal is an `error` frame on that socket; only an
 * expired token (4001) and a flood (1008) close it.
 */
export class ClientMessages {
  private readonly buckets = new WeakMap<WebSocket, TokenBucket>();

  constructor(private readonly deps: ClientMessageDeps) {}

  async receive(ws: WebSocket, a: Attachment, message: string | ArrayBuffer, now: number): Promise<void> {
    const { sockets } = this.deps;
    if (a.who.expiresAt !== null && a.who.expiresAt <= now) {
      return ws.close(CloseCode.TOKEN_EXPIRED, 'Access token expired');
    }
    if (!this.allow(ws, now)) return;
    const parsed = parseClientFrame(message);
    if (!parsed.ok) return sockets.error(ws, parsed.code, parsed.message, parsed.ref);
    try {
      await this.handle(ws, a, parsed.msg, now);
    } catch (err) {
      if (err instanceof AppError) {
        const code = err.status === 403 ? RealtimeErrorCode.FORBIDDEN : RealtimeErrorCode.INVALID_MESSAGE;
        return sockets.error(ws, code, err.message, parsed.msg.type);
      }
      console.error(JSON.stringify({ level: 'error', where: 'tenant-hub', message: String(err) }));
      return sockets.error(ws, RealtimeErrorCode.INTERNAL, 'The message could not be processed', parsed.msg.type);
    }
  }

  private async handle(ws: WebSocket, a: Attachment, msg: ClientMessage, now: number) {
    const { sockets, presence, gps } = this.deps;
    const reply = (frame: ServerMessage) => sockets.send(ws, frame);
    const refuse = (code: RealtimeErrorCode, message: string) => sockets.error(ws, code, message, msg.type);
    const salesmanId = a.who.salesmanId;
    switch (msg.type) {
      case 'subscribe':
        return reply(sockets.subscribe(ws, a, msg.room));
      case 'unsubscribe':
        return reply(sockets.unsubscribe(ws, a, msg.room));
      case 'location': {
        const { type: _t, ...fix } = msg;
        const refused = gps.intake(a.who, fix, now);
        return refused ? refuse(refused.code, refused.message) : undefined;
      }
      case 'presence':
        if (!salesmanId) return refuse(RealtimeErrorCode.FORBIDDEN, 'Only salesmen have presence');
        return presence.update(salesmanId, { kind: 'reported', status: msg.status });
      case 'chat':
      case 'typing':
        if (!inChatRoom(a, msg.room))
          return refuse(RealtimeErrorCode.FORBIDDEN, `Join ${msg.room} (a chat: room) first`);
        if (salesmanId) presence.update(salesmanId, { kind: 'activity' });
        return sockets.relayChat(ws, a, msg, now);
      case 'notify':
        // The write's events come straight back to the hub through the context's sink.
        await sendNotification(this.deps.contextFor(a.who), {
          salesmanId: msg.salesmanId ?? null,
          title: msg.title,
          body: msg.body,
        });
        return;
      case 'auth': {
        const claims = await verifyAccessToken(this.deps.config, msg.token).catch(() => null);
        if (!claims || claims.sub !== a.who.principalId || claims.tid !== a.who.tenantId) {
          return refuse(RealtimeErrorCode.UNAUTHENTICATED, 'That token is not valid for this connection');
        }
        a.who.expiresAt = (claims.exp ?? 0) * 1000;
        sockets.save(ws, a);
        return reply({ type: 'authenticated', expiresAt: a.who.expiresAt });
      }
      case 'ping':
        return reply({ type: 'pong', id: msg.id, ts: now });
    }
  }

  /** The per-socket token bucket; a socket that keeps flooding is closed with 1008. */
  private allow(ws: WebSocket, now: number): boolean {
    let bucket = this.buckets.get(ws);
    if (!bucket) {
      bucket = new TokenBucket(this.deps.config.REALTIME_BURST, this.deps.config.REALTIME_MESSAGES_PER_SECOND, now);
      this.buckets.set(ws, bucket);
    }
    if (bucket.take(now)) return true;
    if (bucket.strikes > MAX_STRIKES) ws.close(CloseCode.POLICY_VIOLATION, 'Message rate limit exceeded');
    else this.deps.sockets.error(ws, RealtimeErrorCode.RATE_LIMITED, 'Too many messages; slow down');
    return false;
  }
}
