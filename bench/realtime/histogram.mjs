/** Latency histogram with 0.1 ms buckets up to 30 s (one overflow bucket), so millions of samples cost O(1) memory. */
export class Histogram {
  static RESOLUTION_MS = 0.1;
  static MAX_MS = 30_000;

  constructor() {
    this.buckets = new Uint32Array(Histogram.MAX_MS / Histogram.RESOLUTION_MS + 1);
    this.count = 0;
    this.max = 0;
  }

  add(ms) {
    const i = Math.min(this.buckets.length - 1, Math.max(0, Math.floor(ms / Histogram.RESOLUTION_MS)));
    this.buckets[i] += 1;
    this.count += 1;
    if (ms > this.max) this.max = ms;
  }

  /** The value below which `p` (0–1) of the samples fall, at bucket resolution; null when empty. */
  percentile(p) {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= rank) return (i + 1) * Histogram.RESOLUTION_MS;
    }
    return this.max;
  }
}
