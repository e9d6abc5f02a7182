import { CloseCode, type ServerMessage } from '@fieldline/client/protocol';
import type { LoggedEvent } from '../db/event-log';
import type { ServiceContext } from '../services/context';
import { listEvents } from '../services/events.service';
import type { HubStorage } from './hub-storage';
import { BROADCAST, roomsForEvent } from './rooms';

const EVENTS_PER_PULL = 500;

export interface RelayDeps {
  store: Pick<HubStorage, 'lastSeq' | 'trimmedThrough' | 'appendEvent' | 'eventsAfter'>;
  /** A context to read the tenant's log with; null while the hub does not know its tenant. */
  systemContext: () => ServiceContext | null;
  /** Sends an `event` frame to the sockets of its rooms. */
  fanOut: (rooms: string[], frame: string, event: LoggedEvent) => void;
  /** Closes the sockets carrying any of the tags. */
  closeTagged: (tags: string[], code: number, reason: string) => void;
  /** Sees each event as it is relayed, with its rooms (presence follows visits; sync clients are poked). */
  observe: (event: LoggedEvent, rooms: string[]) => void;
  /** Runs after events were relayed: other followers of the log (the search indexer). */
  followers: () => void;
  clock?: () => number;
}

/** What a resuming socket gets after `welcome`: the kept events of its rooms, or a resync. */
export type Replay = { frames: string[] } | { resync: ServerMessage };

/**
 * The tenant's event log, relayed to sockets: each seq once and in order, whether it came from the write
 * pipeline's hand-off (`publish`) or from D1 (`catchUp`, which fills gaps); the ring of recent frames in
 * the hub's SQLite for resume; and revocation (sockets of a principal whose access ended close with 4003).
 */
export class EventRelay {
  /** Events relayed since this instance started (stats). */
  delivered = 0;
  private catchUpRun: Promise<void> | null = null;
  private catchUpAgain = false;
  private readonly now: () => number;

  constructor(private readonly deps: RelayDeps) {
    this.now = deps.clock ?? Date.now;
  }

  /**
   * Events a commit appended, right after it. They are relayed as given when they continue the log; a gap
   * (another writer's hand-off not here yet, or a hub that has not followed the log so far) is filled from
   * D1 first, so the order stays the log's.
   */
  async publish(events: LoggedEvent[]): Promise<void> {
    let gap = false;
    for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
      const last = this.deps.store.lastSeq;
      if (event.seq <= last) continue;
      if (event.seq !== last + 1) {
        gap = true;
        break;
      }
      this.deliver(event);
    }
    if (gap) await this.catchUp();
    else this.deps.followers();
  }

  /** Pulls the event log from D1 after the last seq seen, in order, once; concurrent callers share a run. */
  catchUp(): Promise<void> {
    if (this.catchUpRun) {
      this.catchUpAgain = true;
      return this.catchUpRun;
    }
    this.catchUpRun = (async () => {
      try {
        do {
          this.catchUpAgain = false;
          await this.pull();
        } while (this.catchUpAgain);
        this.deps.followers();
      } finally {
        this.catchUpRun = null;
      }
    })();
    return this.catchUpRun;
  }

  /** The kept events after `since` that belong to `rooms`, or the resync a position out of reach gets. */
  replay(since: number, rooms: readonly string[]): Replay {
    const { lastSeq, trimmedThrough } = this.deps.store;
    if (!Number.isInteger(since) || since < trimmedThrough || since > lastSeq) {
      return {
        resync: {
          type: 'resync',
          seq: lastSeq,
          reason:
            since > lastSeq
              ? 'The requested position is ahead of the event log; reload over REST'
              : 'Events since the requested position are no longer kept; reload over REST',
        },
      };
    }
    const wanted = new Set(rooms);
    const frames: string[] = [];
    for (const event of this.deps.store.eventsAfter(since)) {
      if (event.rooms.includes(BROADCAST) || event.rooms.some((r) => wanted.has(r))) frames.push(event.frame);
    }
    return { frames };
  }

  private async pull() {
    const ctx = this.deps.systemContext();
    if (!ctx) return;
    for (;;) {
      const page = await listEvents(ctx, { since: this.deps.store.lastSeq, limit: EVENTS_PER_PULL });
      for (const { tenantId: _t, ...event } of page.data) this.deliver(event);
      if (!page.nextCursor) return;
    }
  }

  private deliver(event: LoggedEvent) {
    if (event.seq <= this.deps.store.lastSeq) return;
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
    this.deps.store.appendEvent({ seq: event.seq, rooms, frame }, this.now());
    this.delivered += 1;
    this.deps.observe(event, rooms);
    this.deps.fanOut(rooms, frame, event);
    this.closeRevoked(event);
  }

  /**
   * A revoked API key, and a user whose sessions ended (deactivated or re-roled: `sessionsEnded` in the
   * event, decided by the users service), lose their open sockets with 4003, and so do the sockets of the
   * API keys that user owns: their rooms and permissions were granted for the old access. Reconnecting
   * needs a new sign-in, or for a key, an owner who is active again.
   */
  private closeRevoked(event: LoggedEvent) {
    const ended =
      event.type === 'api_key:revoked' || (event.type.startsWith('user:') && event.payload.sessionsEnded === true);
    if (!ended) return;
    this.deps.closeTagged(
      [`principal:${event.entityId}`, `owner:${event.entityId}`],
      CloseCode.ACCESS_REVOKED,
      'Access revoked',
    );
  }
}
