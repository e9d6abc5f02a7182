import { DurableObject } from 'cloudflare:workers';
import { CloseCode } from '@fieldline/client/protocol';
import { type Principal, systemPrincipal } from '../auth/principal';
import { openDatabase } from '../db/connection';
import type { LoggedEvent } from '../db/event-log';
import { type Config, loadConfig } from '../env';
import { ErrorCode, problem, problemResponse } from '../lib/errors';
import { createServiceContext, type ServiceContext } from '../services/context';
import { FILTER_HEADER, type ForwardedIdentity, IDENTITY_HEADER, type TenantHubPort } from '../services/hub-port';
import { runSearchIndexer } from '../services/search-indexer.service';
import { planAlarm } from './alarm-planner';
import { ClientMessages } from './client-messages';
import { EventRelay } from './event-relay';
import { GpsFeed } from './gps-feed';
import { principalOf } from './hub-identity';
import { HubStorage } from './hub-storage';
import { LogFollowers } from './log-followers';
import { PresenceTracker } from './presence-tracker';
import { canJoin, defaultRooms, handedAwayRooms, isSalesman } from './rooms';
import { type Attachment, SocketRegistry } from './socket-registry';
import { parseStreamFilter } from './stream-filter';
import { SyncPoker } from './sync-poke';

/**
 * One per tenant, addressed by tenant id. Holds what must be live and coordinated: sockets and their
 * rooms, presence, latest locations, and the recent event log for resume. It is not the system of record:
 * business data stays in D1, and every business rule runs through the same services as REST.
 *
 * This class is the runtime's entry points (upgrade, socket events, alarm, RPCs) wired over its parts:
 * SocketRegistry (sockets, rooms, fan-out), PresenceTracker, EventRelay (log relay, resume, revocation),
 * GpsFeed (intake, coalescing, trail), LogFollowers (search indexing, outbound kicks) and the pure alarm
 * planner. Uses the WebSocket Hibernation API:
 * everything needed after a wake-up is in socket attachments and the object's SQLite.
 */
export class TenantHub extends DurableObject<Env> implements TenantHubPort {
  private config: Config;
  private readonly store: HubStorage;
  private readonly sockets: SocketRegistry;
  private readonly presence: PresenceTracker;
  private readonly relay: EventRelay;
  private readonly gps: GpsFeed;
  private readonly messages: ClientMessages;
  /** The scheduled alarm as last read or set (undefined until read from storage after a wake-up). */
  private alarmAt: number | null | undefined;
  private readonly startedAt = Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = loadConfig(env);
    this.store = new HubStorage(ctx.storage.sql);
    const sockets = new SocketRegistry(ctx);
    const systemContext = () => {
      const tenantId = this.store.getMeta('tenant_id');
      return tenantId ? this.contextFor(systemPrincipal(tenantId, 'tenant-hub')) : null;
    };
    this.sockets = sockets;
    this.presence = new PresenceTracker({
      store: this.store,
      announce: (changes) => sockets.fanOutPresence(changes),
      socketsOf: (salesmanId) => sockets.sockets(`salesman:${salesmanId}`).length,
    });
    const poker = new SyncPoker({
      members: (room) => sockets.members(room),
      identityOf: (ws) => sockets.attachmentOf(ws)?.who ?? null,
      sendRaw: (ws, frame) => sockets.sendRaw(ws, frame),
    });
    const followers = new LogFollowers({
      store: this.store,
      sendOutbound: (message) => env.OUTBOUND.send(message, { contentType: 'json' }),
      index: (tenantId) => runSearchIndexer(env, tenantId),
      waitUntil: (promise) => ctx.waitUntil(promise),
      logFailure: (step, err) => this.logFailure(step, err),
    });
    this.relay = new EventRelay({
      store: this.store,
      systemContext,
      fanOut: (rooms, frame, event) => sockets.fanOut(rooms, frame, { kind: 'event', type: event.type }),
      closeTagged: (tags, code, reason) => sockets.closeTagged(tags, code, reason),
      observe: (event, rooms) => {
        this.presence.followEvent(event);
        followers.observe(event);
        poker.delivered(event, [...rooms, ...handedAwayRooms(event)]);
      },
      followers: () => followers.follow(),
    });
    const gps = new GpsFeed({
      store: this.store,
      config: this.config,
      fanOut: (items) => sockets.fanOutLocations(items),
      activity: (salesmanId) => this.presence.update(salesmanId, { kind: 'activity' }),
      ensureAlarm: () => {
        if (this.alarmAt === null || this.alarmAt === undefined) void this.scheduleAlarm();
      },
      systemContext,
    });
    this.gps = gps;
    this.messages = new ClientMessages({
      sockets,
      presence: this.presence,
      gps,
      contextFor: (who) => this.contextFor(principalOf(who)),
      config: this.config,
    });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    // Hubs are addressed by tenant id (getByName). The name is kept: an alarm wakes the object without it.
    if (ctx.id.name) this.rememberTenant(ctx.id.name);
    void ctx.blockConcurrencyWhile(async () => {
      this.presence.reconcile();
      await this.scheduleAlarm();
    });
  }

  /** The WebSocket upgrade, forwarded by the Worker after it verified the credential. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Expected a WebSocket upgrade', { status: 426 });
    }
    const who = JSON.parse(request.headers.get(IDENTITY_HEADER) ?? 'null') as ForwardedIdentity | null;
    if (!who) return new Response('Missing identity', { status: 401 });
    this.rememberTenant(who.tenantId);
    const full = this.sockets.refusal(who, this.config);
    if (full) return problemResponse(problem(ErrorCode.RATE_LIMITED, full), { 'retry-after': '30' });
    // A GraphQL subscription's socket: its rooms and what it wants of them (docs/realtime.md, Subscription sockets).
    const filtered = parseStreamFilter(request.headers.get(FILTER_HEADER));
    if (!filtered.ok) return problemResponse(problem(ErrorCode.VALIDATION_FAILED, filtered.message));
    const filter = filtered.filter;
    const rooms = [...new Set(filter?.rooms ?? defaultRooms(who))];
    const denied = rooms.find((room) => !canJoin(who, room));
    if (denied) return problemResponse(problem(ErrorCode.FORBIDDEN, `You may not watch ${denied}`));
    // Filtered sockets do not resume: they start live.
    const sinceParam = filter ? null : new URL(request.url).searchParams.get('since');
    const since = sinceParam === null || sinceParam === '' ? null : Number(sinceParam);

    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const a: Attachment = { who, rooms, connectedAt: Date.now(), ...(filter ? { filter } : {}) };
    this.sockets.accept(server, a);
    try {
      await this.relay.catchUp();
    } finally {
      this.sockets.settled(server);
    }
    // The caller left meanwhile (a GraphQL subscription's client went away): keep no socket nobody reads.
    if (request.signal.aborted) {
      this.sockets.abandon(server, client);
      return new Response(null, { status: 499 });
    }
    // From here to the end nothing awaits, so no event can slip between the replay and live delivery.
    this.sockets.send(server, {
      type: 'welcome',
      seq: this.store.lastSeq,
      you: { userId: who.principalId, role: who.role, salesmanId: who.salesmanId },
      rooms: a.rooms,
      presence: isSalesman(who) || (filter && !filter.presence) ? [] : this.presence.snapshot(),
    });
    if (since !== null && since !== this.store.lastSeq) {
      const replay = this.relay.replay(since, a.rooms);
      if ('resync' in replay) this.sockets.send(server, replay.resync);
      else for (const frame of replay.frames) this.sockets.sendRaw(server, frame);
    }
    this.sockets.enter(server, a);
    if (who.salesmanId) {
      this.gps.noteTerritory(who.salesmanId, who.territoryId);
      this.presence.update(who.salesmanId, { kind: 'connected' });
    }
    await this.scheduleAlarm();
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const a = this.sockets.attachmentOf(ws);
    if (!a) return ws.close(CloseCode.POLICY_VIOLATION, 'Unknown connection');
    await this.messages.receive(ws, a, message, Date.now());
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
    const salesmanId = this.sockets.attachmentOf(ws)?.who.salesmanId;
    this.sockets.forget(ws);
    if (salesmanId) {
      const remaining = this.sockets.sockets(`salesman:${salesmanId}`).filter((s) => s !== ws).length;
      this.presence.update(salesmanId, { kind: 'disconnected', abrupt, remaining });
    }
    await this.scheduleAlarm();
  }

  /** Called by the write pipeline right after a commit, with the events the commit appended. */
  async publish(events: LoggedEvent[]): Promise<void> {
    await this.relay.publish(events);
    await this.scheduleAlarm();
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    // The alarm that is running is used up; scheduleAlarm() below sets the next one.
    this.alarmAt = null;
    // A failing step must not stop the others (presence, expiry, rescheduling): log it and go on; the
    // next alarm retries it.
    await this.relay.catchUp().catch((err) => this.logFailure('catch-up', err));
    await this.gps.flushTrail().catch((err) => this.logFailure('trail flush', err));
    this.presence.tick();
    this.sockets.closeExpired(now);
    this.store.trimRing(now);
    await this.scheduleAlarm();
  }

  private async scheduleAlarm() {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    const at = planAlarm({
      now: Date.now(),
      socketsOpen: this.sockets.sockets().length,
      trailPending: this.gps.trailPending,
      presenceDeadlines: this.presence.deadlines(),
      current: this.alarmAt,
    });
    if (at === null) return;
    await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }

  // ---------------------------------------------------------------- REST views (RPC)

  async stats() {
    const { total, byRole, rooms } = this.sockets.census();
    const delivered = this.relay.delivered;
    const seconds = Math.max(1, (Date.now() - this.startedAt) / 1000);
    return {
      connections: { total, byRole },
      rooms,
      lastSeq: this.store.lastSeq,
      eventsDelivered: delivered,
      eventsPerSecond: Math.round((delivered / seconds) * 100) / 100,
      trailPending: this.gps.trailPending,
    };
  }

  /** Salesmen not offline, with their latest location. */
  async online() {
    return this.presence.present().map((v) => ({
      salesmanId: v.salesmanId,
      status: v.status,
      since: v.since,
      location: this.gps.latest(v.salesmanId),
    }));
  }

  async status(salesmanId: string) {
    const { status, since, connections, visitId } = this.presence.view(salesmanId);
    return { status, since, connections, visitId, location: this.gps.latest(salesmanId) };
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
  private contextFor(principal: Principal): ServiceContext {
    return createServiceContext(
      {
        db: openDatabase(this.env, this.config).db,
        hubs: this.env.TENANT_HUB,
        waitUntil: (promise) => this.ctx.waitUntil(promise),
        sink: (_tenant, events) => {
          this.ctx.waitUntil(this.publish(events).catch((err) => this.logFailure('own events', err)));
        },
      },
      principal,
    );
  }
}
