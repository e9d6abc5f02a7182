import {
  type ConnectionState,
  type EventFrame,
  type LiveLocation,
  type PresenceStatus,
  RealtimeClient,
} from '@fieldline/client';
import { ApiError } from '../api/http';
import type { ExecutiveReport, OnlineSalesman, Page, Salesman, Territory } from '../api/types';
import type { AuthSession } from '../auth/session';

export interface LiveSalesman {
  id: string;
  name: string;
  employeeCode: string | null;
  territoryId: string | null;
  status: PresenceStatus;
  /** When the status began, ms since the epoch (null: never seen by the hub). */
  since: number | null;
  location: { lat: number; lng: number; accuracy: number; ts: number } | null;
}

export interface FeedItem {
  seq: number;
  type: string;
  entityType: string;
  entityId: string;
  salesmanId: string | null;
  amountMinor: number | null;
  createdAt: string;
}

export type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; message: string };

/** The most recent events kept in the feed. */
const FEED_LENGTH = 50;
/** Events that change today's figures; the KPI tiles reload (once) after a burst of them. */
const KPI_EVENT = /^(order|visit|payment):/;
const KPI_RELOAD_DELAY_MS = 800;

/**
 * The Live screen's state: the team (REST, then presence and GPS from the tenant hub), territories,
 * today's figures and the event feed. Views subscribe to `change`; the map also subscribes to
 * `locations` to move markers without re-rendering the page for every fix.
 */
export class LiveModel {
  salesmen: Loadable<Map<string, LiveSalesman>> = { state: 'loading' };
  territories: Loadable<Territory[]> = { state: 'loading' };
  kpis: Loadable<ExecutiveReport> = { state: 'loading' };
  feed: FeedItem[] = [];
  connection: ConnectionState = 'idle';
  /** When the socket last dropped and is being re-opened: ms until the next attempt. */
  retryInMs: number | null = null;

  readonly realtime: RealtimeClient;
  #changeListeners = new Set<() => void>();
  #locationListeners = new Set<(moved: LiveSalesman[]) => void>();
  #kpiTimer: ReturnType<typeof setTimeout> | undefined;
  #stops: (() => void)[] = [];

  constructor(
    private readonly auth: AuthSession,
    origin: string = location.origin,
  ) {
    this.realtime = new RealtimeClient({
      url: `${origin}/v1/realtime`,
      // `rejected`: the hub refused the last token, so a cached one will not do.
      getToken: (reason) => (reason === 'connect' ? auth.accessToken() : auth.refresh()),
    });
  }

  start(): void {
    const rt = this.realtime;
    this.#stops.push(
      rt.onState(({ state, retryInMs }) => {
        this.connection = state;
        this.retryInMs = retryInMs ?? null;
        this.#changed();
      }),
      rt.on('welcome', (frame) => this.#applyPresence(frame.presence)),
      rt.onPresence((changes) => this.#applyPresence(changes)),
      rt.on('locations', (frame) => this.#applyLocations(frame.locations)),
      rt.on('event', (frame) => this.#applyEvent(frame)),
      // The hub cannot replay what was missed: read the current state over REST again.
      rt.on('resync', () => void this.loadTeam()),
    );
    rt.connect();
    void this.loadTeam();
    void this.loadTerritories();
    void this.loadKpis();
  }

  stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
    clearTimeout(this.#kpiTimer);
    if (this.#pendingChange !== null) clearTimeout(this.#pendingChange);
    this.#pendingChange = null;
    this.realtime.close();
  }

  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  onLocations(listener: (moved: LiveSalesman[]) => void): () => void {
    this.#locationListeners.add(listener);
    return () => this.#locationListeners.delete(listener);
  }

  /** The team: every active salesman (paged list), merged with who is in the field now. */
  async loadTeam(): Promise<void> {
    try {
      const [all, online] = await Promise.all([
        this.#allPages<Salesman>('/v1/salesmen?limit=100'),
        this.auth.fetch<{ data: OnlineSalesman[] }>('/v1/salesmen/online'),
      ]);
      const previous = this.salesmen.state === 'ready' ? this.salesmen.value : new Map<string, LiveSalesman>();
      const team = new Map<string, LiveSalesman>();
      for (const s of all) {
        if (!s.active) continue;
        const known = previous.get(s.id);
        team.set(s.id, {
          id: s.id,
          name: s.name,
          employeeCode: s.employeeCode,
          territoryId: s.territoryId,
          status: known?.status ?? this.realtime.presence.get(s.id) ?? 'offline',
          since: known?.since ?? null,
          location: known?.location ?? null,
        });
      }
      for (const o of online.data) {
        const member = team.get(o.salesmanId);
        if (!member) continue;
        member.status = o.status;
        member.since = Date.parse(o.since);
        if (o.location && (!member.location || o.location.ts >= member.location.ts)) {
          const { lat, lng, accuracy, ts } = o.location;
          member.location = { lat, lng, accuracy, ts };
        }
      }
      this.salesmen = { state: 'ready', value: team };
      this.#changed();
      for (const listener of this.#locationListeners) listener([...team.values()]);
    } catch (err) {
      this.salesmen = { state: 'error', message: messageOf(err) };
      this.#changed();
    }
  }

  async loadTerritories(): Promise<void> {
    try {
      this.territories = { state: 'ready', value: await this.#allPages<Territory>('/v1/territories?limit=100') };
    } catch (err) {
      this.territories = { state: 'error', message: messageOf(err) };
    }
    this.#changed();
  }

  /** Today's figures in the tenant's timezone (the executive report for the current day). */
  async loadKpis(): Promise<void> {
    try {
      const report = await this.auth.fetch<ExecutiveReport>('/v1/analytics/executive-report?period=day');
      this.kpis = { state: 'ready', value: report };
    } catch (err) {
      // Keep the last figures when a reload fails; say so only when there are none.
      if (this.kpis.state !== 'ready') this.kpis = { state: 'error', message: messageOf(err) };
    }
    this.#changed();
  }

  async #allPages<T>(path: string): Promise<T[]> {
    const rows: T[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<T> = await this.auth.fetch<Page<T>>(
        cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path,
      );
      rows.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor && rows.length < 10_000);
    return rows;
  }

  #applyPresence(changes: { salesmanId: string; status: PresenceStatus; since: number }[]): void {
    if (this.salesmen.state !== 'ready' || changes.length === 0) return;
    for (const change of changes) {
      const member = this.salesmen.value.get(change.salesmanId);
      if (!member) continue;
      member.status = change.status;
      member.since = change.since;
    }
    this.#changed();
  }

  #applyLocations(locations: LiveLocation[]): void {
    if (this.salesmen.state !== 'ready') return;
    const moved: LiveSalesman[] = [];
    for (const fix of locations) {
      const member = this.salesmen.value.get(fix.salesmanId);
      if (!member || (member.location && member.location.ts > fix.ts)) continue;
      member.location = { lat: fix.lat, lng: fix.lng, accuracy: fix.accuracy, ts: fix.ts };
      moved.push(member);
    }
    if (moved.length === 0) return;
    // The map moves its markers itself; the page (the team list's "fix 12 s ago") follows at most once a
    // second: with hundreds of salesmen streaming, a render per frame cost the map two thirds of its frames.
    for (const listener of this.#locationListeners) listener(moved);
    this.#changedWithin(1000);
  }

  #applyEvent({ seq, event }: EventFrame): void {
    const payload = event.payload;
    const item: FeedItem = {
      seq,
      type: event.type,
      entityType: event.entityType,
      entityId: event.entityId,
      salesmanId: typeof payload.salesmanId === 'string' ? payload.salesmanId : null,
      amountMinor: typeof payload.totalMinor === 'number' ? payload.totalMinor : null,
      createdAt: event.createdAt,
    };
    this.feed = [item, ...this.feed].slice(0, FEED_LENGTH);
    if (KPI_EVENT.test(event.type)) {
      clearTimeout(this.#kpiTimer);
      this.#kpiTimer = setTimeout(() => void this.loadKpis(), KPI_RELOAD_DELAY_MS);
    }
    if (event.entityType === 'salesman' || event.entityType === 'territory') {
      void (event.entityType === 'salesman' ? this.loadTeam() : this.loadTerritories());
    }
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#changeListeners) listener();
  }

  #pendingChange: ReturnType<typeof setTimeout> | null = null;

  /** Tells the listeners within `ms`, once for however many changes come meanwhile. */
  #changedWithin(ms: number): void {
    if (this.#pendingChange !== null) return;
    this.#pendingChange = setTimeout(() => {
      this.#pendingChange = null;
      this.#changed();
    }, ms);
  }
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return 'The server cannot be reached. Check the connection and retry.';
    if (err.status === 403) return 'Your role may not see this.';
    return err.message;
  }
  return 'Something went wrong.';
}
