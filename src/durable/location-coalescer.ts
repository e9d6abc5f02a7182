import type { LiveLocation } from '@fieldline/client/protocol';

/**
 * Coalesces GPS fixes for dashboards: about one update per salesman per `minIntervalMs`, the newest fix
 * winning, and everything due at the same moment leaves in one frame. A salesman whose phone sends ten
 * fixes a second costs dashboards one update a second.
 *
 * The interval is measured between the *arrivals* of the fixes that were sent, not between send times,
 * and with `slackMs` of tolerance: a phone reporting exactly once a second (with network jitter) has
 * every fix forwarded at once, instead of each one waiting for the previous one's batching delay, a
 * wait that would otherwise accumulate until fixes are dropped.
 *
 * Frames leave at most once per batching window: a fix due after a quiet spell leaves at once, and under
 * load the due fixes gather until one window after the previous frame. Each fix so waits less than one
 * window, while the frames per dashboard stay bounded by the window.
 */
export class LocationCoalescer {
  private readonly pending = new Map<string, { location: LiveLocation; receivedAt: number }>();
  private readonly lastSent = new Map<string, number>();
  private lastFrameAt = Number.NEGATIVE_INFINITY;

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

  /** When the next frame should leave, with frames at least `windowMs` apart; null if nothing is pending. */
  nextFrameAt(now: number, windowMs: number): number | null {
    const due = this.nextDueAt();
    return due === null ? null : Math.max(now, due, this.lastFrameAt + windowMs);
  }

  /** Removes and returns every pending fix that may be sent at `now` (the frame that leaves then). */
  takeDue(now: number): LiveLocation[] {
    const due: LiveLocation[] = [];
    for (const [id, { location, receivedAt }] of this.pending) {
      if (this.dueAt(id) <= now) {
        due.push(location);
        this.pending.delete(id);
        this.lastSent.set(id, receivedAt);
      }
    }
    if (due.length > 0) this.lastFrameAt = now;
    return due;
  }
}
