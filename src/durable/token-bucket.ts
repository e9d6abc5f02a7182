/**
 * Per-socket message rate limit: `capacity` messages at once, refilled at `refillPerSecond`.
 * `strikes` counts refused messages so an abuser can be disconnected after a few warnings.
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
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.strikes += 1;
    return false;
  }
}
