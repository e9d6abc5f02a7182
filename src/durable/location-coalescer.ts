import type { LiveLocation } from './protocol';

/**
 * Coalesces GPS fixes for dashboards: about one update per salesman per `minIntervalMs`, the newest fix
 * winning, and everything due at the same moment leaves in one frame. A salesman whose phone sends ten
 * fixes a second costs dashboards one update a second.
 *
 * The interval is measured between the *arrivals* of the fixes that were sent, not between send times,
 * and with `slackMs` of tolerance: a phone reporting exactly once a second (with network jitter) has
 * every fix forwarded at once, instead of each one waiting for the previous one's batching delay, a
 * wait that would otherwise accumulate until fixes are dropped.
 */
export class LocationCoalescer {
  private readonly pending = new Map<string, { location: LiveLocation; receivedAt: number }>();
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly minIntervalMs = 1000,
    private readonly slackMs = 100,
  ) {}

  offer(location: LiveLocation, receivedAt: number): void {
    this.pending.set(location.salesmanId, { location, receivedAt });
  }

  get size(): number {
    return this.pending.size;
  }

  private dueAt(salesmanId: string): number {
    return (this.lastSent.get(salesmanId) ?? Number.NEGATIVE_INFINITY) + this.minIntervalMs - this.slackMs;
  }

  /** When the earliest pending fix may be sent, or null if nothing is pending. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const id of this.pending.keys()) {
      const due = this.dueAt(id);
      if (next === null || due < next) next = due;
    }
    return next;
  }

  /** Removes and returns every pending fix that may be sent at `now`. */
  takeDue(now: number): LiveLocation[] {
    const due: LiveLocation[] = [];
    for (const [id, { location, receivedAt }] of this.pending) {
      if (this.dueAt(id) <= now) {
        due.push(location);
        this.pending.delete(id);
        this.lastSent.set(id, receivedAt);
      }
    }
    return due;
  }
}
