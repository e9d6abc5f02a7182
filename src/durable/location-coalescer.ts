import type { LiveLocation } from './protocol';

/**
 * Coalesces GPS fixes for dashboards: at most one update per salesman per `minIntervalMs`, the newest
 * fix winning, and everything due at the same moment leaves in one frame. A salesman whose phone sends
 * ten fixes a second costs dashboards one update a second.
 */
export class LocationCoalescer {
  private readonly pending = new Map<string, LiveLocation>();
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly minIntervalMs = 1000) {}

  offer(location: LiveLocation): void {
    this.pending.set(location.salesmanId, location);
  }

  get size(): number {
    return this.pending.size;
  }

  /** When the earliest pending fix may be sent, or null if nothing is pending. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const id of this.pending.keys()) {
      const due = (this.lastSent.get(id) ?? Number.NEGATIVE_INFINITY) + this.minIntervalMs;
      if (next === null || due < next) next = due;
    }
    return next;
  }

  /** Removes and returns every pending fix that may be sent at `now`. */
  takeDue(now: number): LiveLocation[] {
    const due: LiveLocation[] = [];
    for (const [id, location] of this.pending) {
      if ((this.lastSent.get(id) ?? Number.NEGATIVE_INFINITY) + this.minIntervalMs <= now) {
        due.push(location);
        this.pending.delete(id);
        this.lastSent.set(id, now);
      }
    }
    return due;
  }
}
