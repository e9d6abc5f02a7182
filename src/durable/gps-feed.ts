import {
  deviceTimeProblem,
  type LiveLocation,
  type LocationFix,
  MAX_FIX_AGE_MS,
  RealtimeErrorCode,
} from '@fieldline/client/protocol';
import type { Config } from '../env';
import type { ServiceContext } from '../services/context';
import { recordTrail } from '../services/locations.service';
import type { HubStorage } from './hub-storage';
import { LocationCoalescer } from './location-coalescer';
import type { RoutedLocation } from './socket-registry';

const TRAIL_ROWS_PER_FLUSH = 500;
const TRAIL_BATCHES_PER_FLUSH = 10;
/** About one update per salesman per second reaches the sockets (LocationCoalescer). */
const COALESCE_MS = 1000;

export interface GpsDeps {
  store: Pick<HubStorage, 'saveLocation' | 'latestLocation' | 'trailBatch' | 'deleteTrailThrough' | 'trailPending'>;
  config: Pick<Config, 'REALTIME_LOCATION_BATCH_MS'>;
  /** Sends each socket one `locations` frame with what its rooms may see. */
  fanOut: (items: RoutedLocation[]) => void;
  /** A fix is activity for presence. */
  activity: (salesmanId: string) => void;
  /** Called for every accepted fix: a pending alarm flushes the trail, so make sure one exists. */
  ensureAlarm: () => void;
  /** A context to write the trail with; null while the hub does not know its tenant. */
  systemContext: () => ServiceContext | null;
  clock?: () => number;
}

/** Who reports a fix, as the feed needs it. */
export interface Reporter {
  salesmanId: string | null;
  territoryId: string | null;
}

/**
 * Live GPS: intake of salesmen's fixes (validated against the clock, kept as the latest location and
 * buffered for the trail), coalesced fan-out to the rooms that may see them, and the trail flush to D1.
 * The only timer of the hub is here: the short batching window of `locations` frames.
 */
export class GpsFeed {
  private readonly coalescer = new LocationCoalescer(COALESCE_MS);
  private readonly territoryOf = new Map<string, string | null>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private flushAt = 0;
  private readonly now: () => number;

  constructor(private readonly deps: GpsDeps) {
    this.now = deps.clock ?? Date.now;
  }

  /** A salesman's territory, learned when he connects (his fixes go to its room). */
  noteTerritory(salesmanId: string, territoryId: string | null): void {
    this.territoryOf.set(salesmanId, territoryId);
  }

  /** Takes one fix; answers why it is refused, or null when accepted. */
  intake(who: Reporter, fix: LocationFix, now: number): { code: RealtimeErrorCode; message: string } | null {
    const salesmanId = who.salesmanId;
    if (!salesmanId) return { code: RealtimeErrorCode.FORBIDDEN, message: 'Only salesmen report locations' };
    if (deviceTimeProblem(fix.ts, now, MAX_FIX_AGE_MS)) {
      return {
        code: RealtimeErrorCode.INVALID_MESSAGE,
        message: 'ts must be within the last 24 h and not more than 5 minutes in the future',
      };
    }
    const location: LiveLocation = { salesmanId, ...fix };
    this.deps.store.saveLocation(location, new Date(now).toISOString());
    this.noteTerritory(salesmanId, who.territoryId);
    this.deps.activity(salesmanId);
    if (this.deps.config.REALTIME_LOCATION_BATCH_MS === 0) {
      this.send([location]);
    } else {
      this.coalescer.offer(location, now);
      this.scheduleFlush(now);
    }
    this.deps.ensureAlarm();
    return null;
  }

  latest(salesmanId: string): LiveLocation | null {
    return this.deps.store.latestLocation(salesmanId);
  }

  get trailPending(): number {
    return this.deps.store.trailPending;
  }

  /** Writes the buffered trail to D1 in batches; a failed write is retried by the next alarm. */
  async flushTrail(): Promise<void> {
    const ctx = this.deps.systemContext();
    if (!ctx) return;
    for (let i = 0; i < TRAIL_BATCHES_PER_FLUSH; i++) {
      const rows = this.deps.store.trailBatch(TRAIL_ROWS_PER_FLUSH);
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
      this.deps.store.deleteTrailThrough(last.id);
    }
  }

  /** Sends the due fixes when the coalescer says the next frame may leave (see LocationCoalescer). */
  private scheduleFlush(now: number) {
    const at = this.coalescer.nextFrameAt(now, this.deps.config.REALTIME_LOCATION_BATCH_MS);
    if (at === null) return;
    if (this.flushTimer && this.flushAt <= at) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushAt = at;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = null;
        const t = this.now();
        this.send(this.coalescer.takeDue(t));
        this.scheduleFlush(t);
      },
      Math.max(0, at - now),
    );
  }

  /** Every location goes to `tenant`, the salesman's room and his territory's. */
  private send(locations: LiveLocation[]) {
    this.deps.fanOut(
      locations.map((location) => {
        const territory = this.territoryOf.get(location.salesmanId);
        const rooms = ['tenant', `salesman:${location.salesmanId}`];
        if (territory) rooms.push(`territory:${territory}`);
        return { location, rooms };
      }),
    );
  }
}
