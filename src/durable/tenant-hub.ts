import { DurableObject } from 'cloudflare:workers';
import {
  CloseCode,
  type LiveLocation,
  MAX_FIX_AGE_MS,
  MAX_FRAME_BYTES,
  MAX_FUTURE_SKEW_MS,
  type PresenceChange,
  RealtimeErrorCode,
  type ServerMessage,
} from '@fieldline/client/protocol';
import { systemPrincipal } from '../auth/principal';
import { verifyAccessToken } from '../auth/tokens';
import { createDb } from '../db/client';
import type { LoggedEvent } from '../db/event-log';
import { type Config, loadConfig } from '../env';
import { AppError, ErrorCode, problem, problemResponse } from '../lib/errors';
import { createServiceContext, type ServiceContext } from '../services/context';
import { listEvents } from '../services/events.service';
import { type ForwardedIdentity, IDENTITY_HEADER, type TenantHubPort } from '../services/hub-port';
import { recordTrail } from '../services/locations.service';
import { sendNotification } from '../services/notifications.service';
import { runSearchIndexer } from '../services/search-indexer.service';
import { principalOf } from './hub-identity';
import { HubStorage } from './hub-storage';
import { LocationCoalescer } from './location-coalescer';
import { applyPresence, initialFacts, nextPresenceDeadline, type PresenceFacts, type PresenceInput } from './presence';
import { ClientMessage } from './protocol';
import { BROADCAST, canJoin, defaultRooms, isSalesman, roomsForEvent } from './rooms';
import { TokenBucket } from './token-bucket';

/** Per-socket state kept by the runtime across hibernation (serializeAttachment, ≤ 16 KiB). */
interface Attachment {
  who: ForwardedIdentity;
  rooms: string[];
  connectedAt: number;
}

const MAX_ROOMS_PER_SOCKET = 50;
/** Refused messages tolerated before the socket is closed with 1008. */
const MAX_STRIKES = 20;
const CATCH_UP_POLL_MS = 10_000;
const TRAIL_FLUSH_MS = 5_000;
const TRAIL_ROWS_PER_FLUSH = 500;
const EVENTS_PER_PULL = 500;
const utf8 = new TextEncoder();
const KNOWN_TYPES = new Set(ClientMessage.options.map((o) => o.shape.type.value));

/**
 * One per tenant, addressed by tenant id. Holds what must be live and coordinated: sockets and their
 * rooms, presence, latest locations, and the recent event log for resume. It is not the system of record:
 * business data stays in D1, and every business rule runs through the same services as REST.
 *
 * Uses the WebSocket Hibernation API: idle sockets cost nothing, and everything needed after a wake-up
 * is in socket attachments and the object's SQLite. Alarms (not timers) drive catch-up, GPS trail
 * flushes and presence deadlines; the only timer is the short batching window for GPS frames.
 */
export class TenantHub extends DurableObject<Env> implements TenantHubPort {
  private readonly store: HubStorage;
  private readonly config: Config;
  private readonly coalescer = new LocationCoalescer(1000);
  private readonly buckets = new WeakMap<WebSocket, TokenBucket>();
  /** Sockets accepted but not yet caught up; fan-out skips them until their replay is sent. */
  private readonly joining = new Set<WebSocket>();
  private index: Map<string, Set<WebSocket>> | null = null;
  private presence: Map<string, PresenceFacts> | null = null;
  private territoryOfSalesman = new Map<string, string | null>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** The scheduled alarm as last read or set (undefined until read from storage after a wake-up). */
  private alarmAt: number | null | undefined;
  private flushAt = 0;
  private catchUpRun: Promise<void> | null = null;
  private catchUpAgain = false;
  private eventsDelivered = 0;
  private readonly startedAt = Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new HubStorage(ctx.storage.sql);
    this.config = loadConfig(env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    // Hubs are addressed by tenant id (getByName). The name is kept: an alarm wakes the object without it.
    if (ctx.id.name) this.rememberTenant(ctx.id.name);
    void ctx.blockConcurrencyWhile(async () => {
      this.reconcilePresence();
      await this.scheduleAlarm();
    });
  }

  // ---------------------------------------------------------------- connections

  /** The WebSocket upgrade, forwarded by the Worker after it verified the credential. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Expected a WebSocket upgrade', { status: 426 });
    }
    const who = JSON.parse(request.headers.get(IDENTITY_HEADER) ?? 'null') as ForwardedIdentity | null;
    if (!who) return new Response('Missing identity', { status: 401 });
    this.rememberTenant(who.tenantId);
    if (this.ctx.getWebSockets().length >= this.config.REALTIME_MAX_SOCKETS) {
      return problemResponse(
        problem(ErrorCode.RATE_LIMITED, 'This organisation has too many open realtime connections'),
        { 'retry-after': '30' },
      );
    }
    const sinceParam = new URL(request.url).searchParams.get('since');
    const since = sinceParam === null || sinceParam === '' ? null : Number(sinceParam);

    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const attachment: Attachment = { who, rooms: defaultRooms(who), connectedAt: Date.now() };
    const tags = [
      `principal:${who.principalId}`,
      ...(who.owner ? [`owner:${who.owner.id}`] : []),
      ...(who.salesmanId ? [`salesman:${who.salesmanId}`] : []),
    ];
    this.ctx.acceptWebSocket(server, tags);
    server.serializeAttachment(attachment);
    this.joining.add(server);
    try {
      await this.catchUp();
    } finally {
      this.joining.delete(server);
    }
    // From here to the end nothing awaits, so no event can slip between the replay and live delivery.
    this.welcome(server, attachment, since);
    for (const room of attachment.rooms) this.addToRoom(room, server);
    if (who.salesmanId) {
      this.territoryOfSalesman.set(who.salesmanId, who.territoryId);
      this.updatePresence(who.salesmanId, { kind: 'connected' });
    }
    await this.scheduleAlarm();
    return new Response(null, { status: 101, webSocket: client });
  }

  private welcome(ws: WebSocket, a: Attachment, since: number | null) {
    const lastSeq = this.store.lastSeq;
    const presence = isSalesman(a.who)
      ? []
      : [...this.presenceFacts().values()].map((f) => ({ salesmanId: f.salesmanId, status: f.status, since: f.since }));
    this.send(ws, {
      type: 'welcome',
      seq: lastSeq,
      you: { userId: a.who.principalId, role: a.who.role, salesmanId: a.who.salesmanId },
      rooms: a.rooms,
      presence,
    });
    if (since === null || since === lastSeq) return;
    if (!Number.isInteger(since) || since < this.store.trimmedThrough || since > lastSeq) {
      this.send(ws, {
        type: 'resync',
        seq: lastSeq,
        reason:
          since !== null && since > lastSeq
            ? 'The requested position is ahead of the event log; reload over REST'
            : 'Events since the requested position are no longer kept; reload over REST',
      });
      return;
    }
    const rooms = new Set(a.rooms);
    for (const event of this.store.eventsAfter(since)) {
      if (event.rooms.includes(BROADCAST) || event.rooms.some((r) => rooms.has(r))) ws.send(event.frame);
    }
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const a = this.attachmentOf(ws);
    if (!a) {
      ws.close(CloseCode.POLICY_VIOLATION, 'Unknown connection');
      return;
    }
    const now = Date.now();
    if (a.who.expiresAt !== null && a.who.expiresAt <= now) {
      ws.close(CloseCode.TOKEN_EXPIRED, 'Access token expired');
      return;
    }
    if (!this.allow(ws, now)) return;
    if (typeof message !== 'string') {
      return this.error(ws, RealtimeErrorCode.UNSUPPORTED_FRAME, 'Binary frames are not supported; send JSON text');
    }
    // A UTF-16 unit is 1 to 3 UTF-8 bytes: count the bytes only when the length alone cannot decide.
    if (
      message.length > MAX_FRAME_BYTES ||
      (message.length * 3 > MAX_FRAME_BYTES && utf8.encode(message).byteLength > MAX_FRAME_BYTES)
    ) {
      return this.error(ws, RealtimeErrorCode.FRAME_TOO_LARGE, `Frames are limited to ${MAX_FRAME_BYTES} bytes`);
    }
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      return this.error(ws, RealtimeErrorCode.BAD_FRAME, 'Frames must be JSON objects');
    }
    const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
    if (typeof type !== 'string') return this.error(ws, RealtimeErrorCode.BAD_FRAME, 'Frames need a string "type"');
    if (!KNOWN_TYPES.has(type as never))
      return this.error(ws, RealtimeErrorCode.UNKNOWN_TYPE, `Unknown type "${type}"`);
    const parsed = ClientMessage.safeParse(json);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || type}: ${i.message}`).join('; ');
      return this.error(ws, RealtimeErrorCode.INVALID_MESSAGE, detail, type);
    }
    try {
      await this.handle(ws, a, parsed.data, now);
    } catch (err) {
      if (err instanceof AppError) {
        const code = err.status === 403 ? RealtimeErrorCode.FORBIDDEN : RealtimeErrorCode.INVALID_MESSAGE;
        return this.error(ws, code, err.message, type);
      }
      console.error(JSON.stringify({ level: 'error', where: 'tenant-hub', message: String(err) }));
      return this.error(ws, RealtimeErrorCode.INTERNAL, 'The message could not be processed', type);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // Answer the client's Close frame: the runtime does not do it for hibernatable sockets, and a client
    // left waiting sees its close end as 1006 or never complete.
    try {
      ws.close(code === 1005 || code === 1006 ? CloseCode.NORMAL : code, reason);
    } catch {
      // Already closed.
    }
    await this.disconnected(ws, code !== CloseCode.NORMAL);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.disconnected(ws, true);
  }

  private async disconnected(ws: WebSocket, abrupt: boolean) {
    const a = this.attachmentOf(ws);
    for (const set of this.rooms().values()) set.delete(ws);
    const salesmanId = a?.who.salesmanId;
    if (salesmanId) {
      const remaining = this.ctx.getWebSockets(`salesman:${salesmanId}`).filter((s) => s !== ws).length;
      this.updatePresence(salesmanId, { kind: 'disconnected', abrupt, remaining });
    }
    await this.scheduleAlarm();
  }

  // ---------------------------------------------------------------- client messages

  private async handle(ws: WebSocket, a: Attachment, msg: ClientMessage, now: number) {
    switch (msg.type) {
      case 'subscribe': {
        if (!canJoin(a.who, msg.room)) {
          return this.error(ws, RealtimeErrorCode.FORBIDDEN, `You may not join ${msg.room}`, msg.type);
        }
        if (!a.rooms.includes(msg.room)) {
          if (a.rooms.length >= MAX_ROOMS_PER_SOCKET) {
            return this.error(ws, RealtimeErrorCode.INVALID_MESSAGE, 'Too many rooms on one connection', msg.type);
          }
          a.rooms.push(msg.room);
          ws.serializeAttachment(a);
          this.addToRoom(msg.room, ws);
        }
        return this.send(ws, { type: 'subscribed', room: msg.room });
      }
      case 'unsubscribe': {
        a.rooms = a.rooms.filter((r) => r !== msg.room);
        ws.serializeAttachment(a);
        this.rooms().get(msg.room)?.delete(ws);
        return this.send(ws, { type: 'unsubscribed', room: msg.room });
      }
      case 'location': {
        const { type: _t, ...fix } = msg;
        return this.location(ws, a, fix, now);
      }
      case 'presence': {
        if (!a.who.salesmanId)
          return this.error(ws, RealtimeErrorCode.FORBIDDEN, 'Only salesmen have presence', msg.type);
        this.updatePresence(a.who.salesmanId, { kind: 'reported', status: msg.status });
        return;
      }
      case 'chat':
      case 'typing': {
        if (!msg.room.startsWith('chat:') || !a.rooms.includes(msg.room)) {
          return this.error(ws, RealtimeErrorCode.FORBIDDEN, `Join ${msg.room} (a chat: room) first`, msg.type);
        }
        if (a.who.salesmanId) this.updatePresence(a.who.salesmanId, { kind: 'activity' });
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
        return this.fanOut([msg.room], JSON.stringify(frame), ws);
      }
      case 'notify': {
        // The write's events come straight back to this hub through the context's sink.
        await sendNotification(this.contextFor(principalOf(a.who)), {
          salesmanId: msg.salesmanId ?? null,
          title: msg.title,
          body: msg.body,
        });
        return;
      }
      case 'auth': {
        const claims = await verifyAccessToken(this.config, msg.token).catch(() => null);
        if (!claims || claims.sub !== a.who.principalId || claims.tid !== a.who.tenantId) {
          return this.error(
            ws,
            RealtimeErrorCode.UNAUTHENTICATED,
            'That token is not valid for this connection',
            msg.type,
          );
        }
        a.who.expiresAt = (claims.exp ?? 0) * 1000;
        ws.serializeAttachment(a);
        return this.send(ws, { type: 'authenticated', expiresAt: a.who.expiresAt });
      }
      case 'ping':
        return this.send(ws, { type: 'pong', id: msg.id, ts: now });
    }
  }

  private location(ws: WebSocket, a: Attachment, fix: Omit<LiveLocation, 'salesmanId'>, now: number) {
    const salesmanId = a.who.salesmanId;
    if (!salesmanId) return this.error(ws, RealtimeErrorCode.FORBIDDEN, 'Only salesmen report locations', 'location');
    if (fix.ts > now + MAX_FUTURE_SKEW_MS || fix.ts < now - MAX_FIX_AGE_MS) {
      return this.error(
        ws,
        RealtimeErrorCode.INVALID_MESSAGE,
        'ts must be within the last 24 h and not in the future',
        'location',
      );
    }
    const location: LiveLocation = { salesmanId, ...fix };
    this.store.saveLocation(location, new Date(now).toISOString());
    this.territoryOfSalesman.set(salesmanId, a.who.territoryId);
    this.updatePresence(salesmanId, { kind: 'activity' });
    if (this.config.REALTIME_LOCATION_BATCH_MS === 0) {
      this.sendLocations([location]);
    } else {
      this.coalescer.offer(location, now);
      this.scheduleLocationFlush(now);
    }
    // Any pending alarm also flushes the trail; only make sure one exists (this runs for every fix).
    if (this.alarmAt === null || this.alarmAt === undefined) void this.scheduleAlarm();
  }

  // ---------------------------------------------------------------- GPS fan-out

  /** Sends the due fixes when the coalescer says the next frame may leave (see LocationCoalescer). */
  private scheduleLocationFlush(now: number) {
    const at = this.coalescer.nextFrameAt(now, this.config.REALTIME_LOCATION_BATCH_MS);
    if (at === null) return;
    if (this.flushTimer && this.flushAt <= at) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushAt = at;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = null;
        const t = Date.now();
        this.sendLocations(this.coalescer.takeDue(t));
        this.scheduleLocationFlush(t);
      },
      Math.max(0, at - now),
    );
  }

  /** One frame to each socket with every location it may see: dashboards get them all at once. */
  private sendLocations(locations: LiveLocation[]) {
    if (locations.length === 0) return;
    const rooms = this.rooms();
    const tenantRoom = rooms.get('tenant') ?? new Set<WebSocket>();
    const whole = JSON.stringify({ type: 'locations', locations } satisfies ServerMessage);
    for (const ws of tenantRoom) this.sendRaw(ws, whole);
    const partial = new Map<WebSocket, LiveLocation[]>();
    for (const loc of locations) {
      const territory = this.territoryOfSalesman.get(loc.salesmanId);
      const watchers = [
        rooms.get(`salesman:${loc.salesmanId}`),
        territory ? rooms.get(`territory:${territory}`) : undefined,
      ];
      for (const set of watchers) {
        for (const ws of set ?? []) {
          if (tenantRoom.has(ws)) continue;
          const list = partial.get(ws) ?? [];
          if (!list.includes(loc)) list.push(loc);
          partial.set(ws, list);
        }
      }
    }
    for (const [ws, list] of partial) this.send(ws, { type: 'locations', locations: list });
  }

  // ---------------------------------------------------------------- domain events

  /**
   * Called by the write pipeline right after a commit, with the events the commit appended. They are
   * delivered as given when they continue the log; a gap (another writer's hand-off not here yet, or a
   * hub that has not followed the log so far) is filled from D1 first, so the order stays the log's.
   */
  async publish(events: LoggedEvent[]): Promise<void> {
    let gap = false;
    for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
      const last = this.store.lastSeq;
      if (event.seq <= last) continue;
      if (event.seq !== last + 1) {
        gap = true;
        break;
      }
      this.deliver(event);
    }
    if (gap) await this.catchUp();
    else this.followers();
    await this.scheduleAlarm();
  }

  /** Pulls the event log from D1 after the last seq seen, in order, once; concurrent callers share a run. */
  private catchUp(): Promise<void> {
    if (this.catchUpRun) {
      this.catchUpAgain = true;
      return this.catchUpRun;
    }
    this.catchUpRun = (async () => {
      try {
        do {
          this.catchUpAgain = false;
          await this.pullEvents();
        } while (this.catchUpAgain);
        this.followers();
      } finally {
        this.catchUpRun = null;
      }
    })();
    return this.catchUpRun;
  }

  private async pullEvents() {
    const tenantId = this.store.getMeta('tenant_id');
    if (!tenantId) return;
    const ctx = this.contextFor(systemPrincipal(tenantId, 'tenant-hub'));
    for (;;) {
      const page = await listEvents(ctx, { since: this.store.lastSeq, limit: EVENTS_PER_PULL });
      for (const { tenantId: _t, ...event } of page.data) this.deliver(event);
      if (!page.nextCursor) return;
    }
  }

  /** The search index (when Meilisearch is configured) follows the same log; it keeps its own cursor. */
  private followers() {
    const tenantId = this.store.getMeta('tenant_id');
    if (tenantId) this.ctx.waitUntil(runSearchIndexer(this.env, tenantId));
  }

  /** Relays one event; each seq once and in order, whether it came from a hand-off or from D1. */
  private deliver(event: LoggedEvent) {
    if (event.seq <= this.store.lastSeq) return;
    const rooms = roomsForEvent(event);
    const frame = JSON.stringify({
      type: 'event',
      seq: event.seq,
      event: {
        type: event.type,
        entityType: event.entityType,
        entityId: event.entityId,
        actorId: event.actorId,
        payload: event.payload,
        createdAt: event.createdAt,
      },
    } satisfies ServerMessage);
    this.store.appendEvent({ seq: event.seq, rooms, frame }, Date.now());
    this.eventsDelivered += 1;
    this.followVisits(event);
    this.fanOut(rooms, frame);
    this.closeRevoked(event);
  }

  /**
   * A revoked API key, and a user whose sessions ended (deactivated or re-roled: `sessionsEnded` in the
   * event, decided by the users service), lose their open sockets with 4003, and so do the sockets of the
   * API keys that user owns: their rooms and permissions were granted for the old access. Reconnecting
   * needs a new sign-in, or for a key, an owner who is active again.
   */
  private closeRevoked(event: { type: string; entityId: string; payload: Record<string, unknown> }) {
    const ended =
      event.type === 'api_key:revoked' || (event.type.startsWith('user:') && event.payload.sessionsEnded === true);
    if (!ended) return;
    for (const tag of [`principal:${event.entityId}`, `owner:${event.entityId}`]) {
      for (const ws of this.ctx.getWebSockets(tag)) {
        try {
          ws.close(CloseCode.ACCESS_REVOKED, 'Access revoked');
        } catch {
          // Already closing.
        }
      }
    }
  }

  /** Check-ins and check-outs move a salesman's presence to and from on_visit. */
  private followVisits(event: { type: string; entityId: string; payload: Record<string, unknown> }) {
    const salesmanId = event.payload.salesmanId;
    if (typeof salesmanId !== 'string' || !event.type.startsWith('visit:')) return;
    if (event.type === 'visit:checked_in')
      this.updatePresence(salesmanId, { kind: 'visit_started', visitId: event.entityId });
    else if (event.payload.status !== 'in_progress') {
      this.updatePresence(salesmanId, { kind: 'visit_ended', visitId: event.entityId });
    }
  }

  // ---------------------------------------------------------------- presence

  private presenceFacts(): Map<string, PresenceFacts> {
    if (!this.presence) this.presence = new Map(this.store.loadPresence().map((f) => [f.salesmanId, f]));
    return this.presence;
  }

  /**
   * A restart that dropped sockets (deploy, crash) delivers no close events, so stored connection counts
   * can exceed what is open: the sockets that are gone count as an abrupt disconnect. Counts are set to
   * the sockets really open (here and on close), so a close event that follows cannot count twice.
   */
  private reconcilePresence() {
    for (const f of [...this.presenceFacts().values()]) {
      const remaining = this.ctx.getWebSockets(`salesman:${f.salesmanId}`).length;
      if (remaining < f.connections)
        this.updatePresence(f.salesmanId, { kind: 'disconnected', abrupt: true, remaining });
    }
  }

  private updatePresence(salesmanId: string, input: PresenceInput) {
    const now = Date.now();
    const facts = this.presenceFacts();
    const before = facts.get(salesmanId) ?? initialFacts(salesmanId, now);
    const { facts: after, change } = applyPresence(before, input, now);
    facts.set(salesmanId, after);
    this.store.savePresence(after);
    if (change) this.announcePresence([change]);
  }

  private announcePresence(changes: PresenceChange[]) {
    this.fanOut(['tenant'], JSON.stringify({ type: 'presence', changes } satisfies ServerMessage));
  }

  // ---------------------------------------------------------------- alarm

  override async alarm(): Promise<void> {
    const now = Date.now();
    // The alarm that is running is used up; scheduleAlarm() below sets the next one.
    this.alarmAt = null;
    // A failing step must not stop the others (presence, expiry, rescheduling): log it and go on; the
    // next alarm retries it.
    await this.catchUp().catch((err) => this.logFailure('catch-up', err));
    await this.flushTrail().catch((err) => this.logFailure('trail flush', err));
    for (const id of this.presenceFacts().keys()) this.updatePresence(id, { kind: 'tick' });
    for (const ws of this.ctx.getWebSockets()) {
      const a = this.attachmentOf(ws);
      if (a?.who.expiresAt != null && a.who.expiresAt <= now) ws.close(CloseCode.TOKEN_EXPIRED, 'Access token expired');
    }
    this.store.trimRing(now);
    await this.scheduleAlarm();
  }

  /** Writes the buffered GPS trail to D1 in batches; a failed write is retried by the next alarm. */
  private async flushTrail() {
    const tenantId = this.store.getMeta('tenant_id');
    if (!tenantId) return;
    const ctx = this.contextFor(systemPrincipal(tenantId, 'tenant-hub'));
    for (let i = 0; i < 10; i++) {
      const rows = this.store.trailBatch(TRAIL_ROWS_PER_FLUSH);
      const last = rows.at(-1);
      if (!last) return;
      await recordTrail(
        ctx,
        rows.map((r) => ({
          salesmanId: r.salesmanId,
          recordedAt: r.recordedAt,
          lat: r.lat,
          lng: r.lng,
          accuracyM: r.accuracy,
          speedMps: r.speed,
          headingDeg: r.heading,
          receivedAt: r.receivedAt,
        })),
      );
      this.store.deleteTrailThrough(last.id);
    }
  }

  private async scheduleAlarm() {
    const now = Date.now();
    const candidates: number[] = [];
    if (this.ctx.getWebSockets().length > 0) candidates.push(now + CATCH_UP_POLL_MS);
    if (this.store.trailPending > 0) candidates.push(now + TRAIL_FLUSH_MS);
    for (const f of this.presenceFacts().values()) {
      const deadline = nextPresenceDeadline(f);
      if (deadline !== null) candidates.push(Math.max(deadline, now + 100));
    }
    if (candidates.length === 0) return;
    const at = Math.min(...candidates);
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt === null || this.alarmAt > at || this.alarmAt < now - 60_000) {
      await this.ctx.storage.setAlarm(at);
      this.alarmAt = at;
    }
  }

  // ---------------------------------------------------------------- REST views (RPC)

  async stats() {
    const byRole: Record<string, number> = {};
    for (const ws of this.ctx.getWebSockets()) {
      const role = this.attachmentOf(ws)?.who.role ?? 'unknown';
      byRole[role] = (byRole[role] ?? 0) + 1;
    }
    const rooms: Record<string, number> = {};
    for (const [room, set] of this.rooms()) if (set.size > 0) rooms[room] = set.size;
    const seconds = Math.max(1, (Date.now() - this.startedAt) / 1000);
    return {
      connections: { total: this.ctx.getWebSockets().length, byRole },
      rooms,
      lastSeq: this.store.lastSeq,
      eventsDelivered: this.eventsDelivered,
      eventsPerSecond: Math.round((this.eventsDelivered / seconds) * 100) / 100,
      trailPending: this.store.trailPending,
    };
  }

  /** Salesmen not offline, with their latest location. */
  async online() {
    const now = Date.now();
    const out = [];
    for (const f of this.presenceFacts().values()) {
      const { facts } = applyPresence(f, { kind: 'tick' }, now);
      if (facts.status === 'offline') continue;
      out.push({
        salesmanId: f.salesmanId,
        status: facts.status,
        since: facts.since,
        location: this.store.latestLocation(f.salesmanId),
      });
    }
    return out;
  }

  async status(salesmanId: string) {
    const f = this.presenceFacts().get(salesmanId) ?? initialFacts(salesmanId, 0);
    const { facts } = applyPresence(f, { kind: 'tick' }, Date.now());
    return {
      status: facts.status,
      since: facts.since,
      connections: facts.connections,
      visitId: facts.visitId,
      location: this.store.latestLocation(salesmanId),
    };
  }

  // ---------------------------------------------------------------- plumbing

  private rememberTenant(tenantId: string) {
    const known = this.store.getMeta('tenant_id');
    if (known === null) this.store.setMeta('tenant_id', tenantId);
    else if (known !== tenantId) throw new Error('Tenant hub addressed with another tenant id');
  }

  private logFailure(step: string, err: unknown) {
    console.error(JSON.stringify({ level: 'error', where: 'tenant-hub alarm', step, message: String(err) }));
  }

  /** A context whose writes' events come straight back here (no round trip through the namespace). */
  private contextFor(principal: ServiceContext['principal']): ServiceContext {
    return createServiceContext(
      {
        db: createDb(this.env.DB),
        hubs: this.env.TENANT_HUB,
        waitUntil: (promise) => this.ctx.waitUntil(promise),
        sink: (_tenant, events) => {
          this.ctx.waitUntil(this.publish(events).catch((err) => this.logFailure('own events', err)));
        },
      },
      principal,
    );
  }

  private attachmentOf(ws: WebSocket): Attachment | null {
    return (ws.deserializeAttachment() as Attachment | null) ?? null;
  }

  /** Room membership, rebuilt from socket attachments after a wake-up. */
  private rooms(): Map<string, Set<WebSocket>> {
    if (!this.index) {
      this.index = new Map();
      for (const ws of this.ctx.getWebSockets()) {
        if (this.joining.has(ws)) continue;
        for (const room of this.attachmentOf(ws)?.rooms ?? []) this.addToRoom(room, ws);
      }
    }
    return this.index;
  }

  private addToRoom(room: string, ws: WebSocket) {
    const rooms = this.rooms();
    let set = rooms.get(room);
    if (!set) {
      set = new Set();
      rooms.set(room, set);
    }
    set.add(ws);
  }

  private fanOut(rooms: string[], frame: string, except?: WebSocket) {
    const index = this.rooms();
    const targets = new Set<WebSocket>();
    if (rooms.includes(BROADCAST)) {
      for (const set of index.values()) for (const ws of set) targets.add(ws);
    } else {
      for (const room of rooms) for (const ws of index.get(room) ?? []) targets.add(ws);
    }
    for (const ws of targets) if (ws !== except) this.sendRaw(ws, frame);
  }

  private allow(ws: WebSocket, now: number): boolean {
    let bucket = this.buckets.get(ws);
    if (!bucket) {
      bucket = new TokenBucket(this.config.REALTIME_BURST, this.config.REALTIME_MESSAGES_PER_SECOND, now);
      this.buckets.set(ws, bucket);
    }
    if (bucket.take(now)) return true;
    if (bucket.strikes > MAX_STRIKES) {
      ws.close(CloseCode.POLICY_VIOLATION, 'Message rate limit exceeded');
    } else {
      this.error(ws, RealtimeErrorCode.RATE_LIMITED, 'Too many messages; slow down');
    }
    return false;
  }

  private error(ws: WebSocket, code: RealtimeErrorCode, message: string, ref?: string) {
    this.send(ws, { type: 'error', code, message, ...(ref ? { ref } : {}) });
  }

  private send(ws: WebSocket, message: ServerMessage) {
    this.sendRaw(ws, JSON.stringify(message));
  }

  private sendRaw(ws: WebSocket, frame: string) {
    try {
      ws.send(frame);
    } catch {
      // The socket is closing; its close handler cleans up.
    }
  }
}
