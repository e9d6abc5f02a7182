import { type BackoffOptions, DEFAULT_BACKOFF, ReconnectBackoff } from './backoff.js';
import {
  type ClientMessage,
  CloseCode,
  type LocationFix,
  type PresenceChange,
  type PresenceStatus,
  type ServerFrame,
  type ServerMessage,
} from './protocol.js';
import { PresenceMap, SeqTracker, tokenExpiry } from './stream-state.js';

/**
 * Typed client for `GET /v1/realtime` (protocol: docs/realtime.md), for browsers, Node 22 and workerd.
 * It keeps one socket open across network loss and token expiry: reconnects with backoff, resumes the
 * event stream from the last `seq` it delivered (dropping duplicates), rejoins the rooms the app asked
 * for, and keeps the presence map current. The protocol module is plain types and constants, so no
 * validation library is bundled into apps.
 */

/** The part of the WebSocket API the client uses; browsers', Node's, workerd's and `ws`'s all have it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
}

/**
 * Opens a socket to `url` (which already carries `since`) authenticated by `token`. May be async, and
 * may return a socket that is already open (workerd's `fetch` upgrade): the client waits for `welcome`,
 * not for `open`. Throwing or rejecting counts as a failed attempt.
 */
export type WebSocketFactory = (url: string, token: string) => WebSocketLike | Promise<WebSocketLike>;

/** Why a token is asked for: `rejected` means the hub refused the last one, so a cached token will not do. */
export type TokenReason = 'connect' | 'expiring' | 'rejected';

export interface RealtimeClientOptions {
  /** `https://host/v1/realtime` (or ws/wss). */
  url: string;
  /** Returns an access token; called before every connection and before the current token expires. */
  getToken: (reason: TokenReason) => string | Promise<string>;
  /** Defaults to the global WebSocket with the token in `access_token` (browsers cannot set headers). */
  createSocket?: WebSocketFactory;
  backoff?: Partial<BackoffOptions>;
  /** Send a fresh token this long before the current one expires, ms. */
  refreshBeforeExpiryMs?: number;
  /** Ping interval, ms; a socket silent for two intervals is presumed dead and replaced. 0 disables. */
  heartbeatMs?: number;
  /** Resume from this event seq on the first connection (e.g. the position a REST load was read at). */
  since?: number | null;
  random?: () => number;
  now?: () => number;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'waiting' | 'closed';
export interface StateChange {
  state: ConnectionState;
  /** Close code that caused a `waiting` or `closed` state. */
  code?: number;
  /** For `waiting`: when the next attempt starts, ms from now. */
  retryInMs?: number;
}

type Handler = (frame: never) => void;

/** Code the client closes a socket with when the heartbeat finds it dead (4000–4999: application codes). */
export const HEARTBEAT_TIMEOUT_CODE = 4000;
const ABNORMAL_CLOSURE = 1006;
const OPEN = 1;

const defaultSocket: WebSocketFactory = (url, token) => {
  const u = new URL(url);
  u.protocol = u.protocol === 'http:' ? 'ws:' : u.protocol === 'https:' ? 'wss:' : u.protocol;
  u.searchParams.set('access_token', token);
  return new WebSocket(u.toString());
};

export class RealtimeClient {
  private readonly options: Required<Omit<RealtimeClientOptions, 'backoff' | 'since'>>;
  private readonly backoff: ReconnectBackoff;
  private readonly seq: SeqTracker;
  private readonly presenceMap = new PresenceMap();
  /** Rooms the app joined (true) or left (false), replayed after every welcome. */
  private readonly roomIntents = new Map<string, boolean>();
  private readonly handlers = new Map<string, Set<Handler>>();
  private ws: WebSocketLike | null = null;
  private status: ConnectionState = 'idle';
  private tokenReason: TokenReason = 'connect';
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastFrameAt = 0;
  /** The token the hub currently holds for this socket. */
  private token = '';
  private joined: string[] = [];
  private identity: ServerFrame<'welcome'>['you'] | null = null;

  constructor(options: RealtimeClientOptions) {
    this.options = {
      createSocket: defaultSocket,
      refreshBeforeExpiryMs: 60_000,
      heartbeatMs: 25_000,
      random: Math.random,
      now: Date.now,
      ...options,
    };
    this.backoff = new ReconnectBackoff({ ...DEFAULT_BACKOFF, ...options.backoff }, this.options.random);
    this.seq = new SeqTracker(options.since ?? null);
  }

  get state(): ConnectionState {
    return this.status;
  }
  /** Last event seq delivered to the app; reconnects resume after it. */
  get lastSeq(): number | null {
    return this.seq.last;
  }
  /** Salesman id → status, from the welcome snapshot and `presence` diffs (dashboards only). */
  get presence(): ReadonlyMap<string, PresenceStatus> {
    return this.presenceMap.view;
  }
  /** Rooms the hub confirmed in the last welcome plus those joined since. */
  get rooms(): readonly string[] {
    return this.joined;
  }
  get you(): ServerFrame<'welcome'>['you'] | null {
    return this.identity;
  }

  connect(): void {
    if (this.status !== 'idle' && this.status !== 'closed') return;
    void this.open();
  }

  /** Closes for good (code 1000, which also ends a salesman's presence at once). */
  close(): void {
    this.setState({ state: 'closed', code: CloseCode.NORMAL });
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    try {
      ws?.close(CloseCode.NORMAL, 'client closed');
    } catch {}
  }

  /** Sends a frame if connected (returns false otherwise). Room changes are remembered and replayed on reconnect. */
  send(message: ClientMessage): boolean {
    if (message.type === 'subscribe') this.roomIntents.set(message.room, true);
    if (message.type === 'unsubscribe') this.roomIntents.set(message.room, false);
    if (this.status !== 'open' || !this.ws) return false;
    try {
      this.ws.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  subscribe(room: string): boolean {
    return this.send({ type: 'subscribe', room });
  }

  unsubscribe(room: string): boolean {
    return this.send({ type: 'unsubscribe', room });
  }

  /** Reports a GPS fix (salesmen only); `ts` defaults to now. Fixes are not queued while disconnected. */
  location(fix: Omit<LocationFix, 'ts'> & { ts?: number }): boolean {
    return this.send({ type: 'location', ...fix, ts: fix.ts ?? this.options.now() });
  }

  /** Listens to one server frame type; returns a function that stops listening. */
  on<T extends ServerMessage['type']>(type: T, handler: (frame: ServerFrame<T>) => void): () => void {
    return this.listen(type, handler);
  }

  /** Presence changes as the map sees them, including those missed while disconnected. */
  onPresence(handler: (changes: PresenceChange[], presence: ReadonlyMap<string, PresenceStatus>) => void): () => void {
    return this.listen('#presence', handler);
  }

  onState(handler: (change: StateChange) => void): () => void {
    return this.listen('#state', handler);
  }

  // ------------------------------------------------------------------ connection lifecycle

  private async open(): Promise<void> {
    this.setState({ state: 'connecting' });
    let ws: WebSocketLike;
    try {
      const token = await this.options.getToken(this.tokenReason);
      if (this.status !== 'connecting') return;
      const url = new URL(this.options.url);
      if (this.seq.last !== null) url.searchParams.set('since', String(this.seq.last));
      ws = await this.options.createSocket(url.toString(), token);
      this.token = token;
    } catch {
      if (this.status === 'connecting') this.lost(null, ABNORMAL_CLOSURE);
      return;
    }
    if (this.status !== 'connecting') {
      ws.close(CloseCode.NORMAL, 'client closed');
      return;
    }
    this.ws = ws;
    this.lastFrameAt = this.options.now();
    ws.addEventListener('message', (e: { data: unknown }) => {
      if (this.ws === ws) this.receive(e.data);
    });
    ws.addEventListener('close', (e: { code?: number }) => {
      if (this.ws === ws) this.lost(ws, e.code ?? ABNORMAL_CLOSURE);
    });
    this.startHeartbeat(ws);
  }

  /** The socket closed, failed to open (`ws` null) or was found dead: plan the next attempt. */
  private lost(ws: WebSocketLike | null, code: number): void {
    if (ws && this.ws !== ws) return;
    this.ws = null;
    this.clearTimers();
    if (this.status === 'closed') return;
    const plan = this.backoff.next(code, this.options.now());
    if (!plan.retry) {
      this.setState({ state: 'closed', code });
      return;
    }
    this.tokenReason = plan.freshToken ? 'rejected' : 'connect';
    this.setState({ state: 'waiting', code, retryInMs: plan.delayMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.status === 'waiting') void this.open();
    }, plan.delayMs);
  }

  private startHeartbeat(ws: WebSocketLike): void {
    const every = this.options.heartbeatMs;
    if (every <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      if (this.ws !== ws) return;
      if (this.options.now() - this.lastFrameAt > 2 * every) {
        try {
          ws.close(HEARTBEAT_TIMEOUT_CODE, 'heartbeat timeout');
        } catch {}
        this.lost(ws, HEARTBEAT_TIMEOUT_CODE);
        return;
      }
      // This exact text is answered by the hub's runtime without waking it (auto-response).
      if (ws.readyState === OPEN) ws.send('{"type":"ping"}');
    }, every);
  }

  private scheduleTokenRefresh(expiresAt: number | null): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    if (expiresAt === null) return;
    const ws = this.ws;
    // Timers overflow past 2^31 - 1 ms (about 24.8 days) and would fire at once.
    const delay = Math.min(
      2 ** 31 - 1,
      Math.max(1000, expiresAt - this.options.refreshBeforeExpiryMs - this.options.now()),
    );
    this.refreshTimer = setTimeout(async () => {
      this.refreshTimer = null;
      try {
        const token = await this.options.getToken('expiring');
        // The same token again would only be refused at expiry; the 4001 reconnect asks for a new one then.
        if (this.ws !== ws || token === this.token) return;
        if (this.send({ type: 'auth', token })) this.token = token;
      } catch {
        // No token now: the hub closes with 4001 at expiry and the reconnect asks again.
      }
    }, delay);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.retryTimer = this.refreshTimer = this.heartbeatTimer = null;
  }

  // ------------------------------------------------------------------ frames

  private receive(data: unknown): void {
    this.lastFrameAt = this.options.now();
    let frame: ServerMessage;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
    } catch {
      return;
    }
    switch (frame.type) {
      case 'welcome':
        this.welcomed(frame);
        return;
      case 'event':
        if (!this.seq.accept(frame.seq)) return;
        break;
      case 'resync':
        this.seq.resync(frame.seq);
        break;
      case 'presence':
        this.emitPresence(this.presenceMap.apply(frame.changes));
        break;
      case 'subscribed':
        if (!this.joined.includes(frame.room)) this.joined = [...this.joined, frame.room];
        break;
      case 'unsubscribed':
        this.joined = this.joined.filter((r) => r !== frame.room);
        break;
      case 'authenticated':
        this.scheduleTokenRefresh(frame.expiresAt);
        break;
    }
    this.emit(frame.type, frame);
  }

  private welcomed(frame: ServerFrame<'welcome'>): void {
    this.backoff.connected(this.options.now());
    this.seq.welcome(frame.seq);
    this.identity = frame.you;
    this.joined = [...frame.rooms];
    this.setState({ state: 'open' });
    for (const [room, join] of this.roomIntents) {
      if (join !== frame.rooms.includes(room)) this.send({ type: join ? 'subscribe' : 'unsubscribe', room });
    }
    this.scheduleTokenRefresh(tokenExpiry(this.token));
    this.emit('welcome', frame);
    this.emitPresence(this.presenceMap.reset(frame.presence, this.options.now()));
  }

  private emitPresence(changes: PresenceChange[]): void {
    if (changes.length > 0) this.emit('#presence', changes, this.presenceMap.view);
  }

  private setState(change: StateChange): void {
    this.status = change.state;
    this.emit('#state', change);
  }

  private listen(key: string, handler: (...args: never[]) => void): () => void {
    let set = this.handlers.get(key);
    if (!set) {
      set = new Set();
      this.handlers.set(key, set);
    }
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  private emit(key: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(key) ?? []) {
      try {
        (handler as (...a: unknown[]) => void)(...args);
      } catch (err) {
        // One failing handler must not stop delivery to the others or break the connection.
        console.error(err);
      }
    }
  }
}
