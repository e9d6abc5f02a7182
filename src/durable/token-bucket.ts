/**
 * Per-socket message rate limit: `capacity` messages at once, refilled at `refillPerSecond`.
 * `strikes` counts refused messages so an abuser can be disconnected after a few warnings; a client that
 * slows down until its bucket is full again starts over with a clean record.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  strikes = 0;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerSecond);
    if (this.tokens >= this.capacity) this.strikes = 0;
    // Never move the reference back: a clock step backwards would otherwise credit the same time twice.
    this.updatedAt = Math.max(this.updatedAt, now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.strikes += 1;
    return false;
  }
}
