// Deterministic randomness for the demo seed: the same seed and anchor day always produce the same data.
import { UUID } from 'uuidv7';

/** sfc32, seeded through splitmix32: fast, small, and good enough for synthetic data. */
export function createRandom(seed) {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();

  const float = () => next() / 4294967296;
  const rnd = {
    uint32: next,
    float,
    /** Integer in [min, max]. */
    int: (min, max) => min + Math.floor(float() * (max - min + 1)),
    range: (min, max) => min + float() * (max - min),
    chance: (p) => float() < p,
    pick: (items) => items[Math.floor(float() * items.length)],
    /** Picks from [[value, weight], ...]. */
    weighted: (pairs) => {
      let total = 0;
      for (const [, w] of pairs) total += w;
      let r = float() * total;
      for (const [value, w] of pairs) {
        r -= w;
        if (r < 0) return value;
      }
      return pairs[pairs.length - 1][0];
    },
    normal: (mean = 0, sd = 1) => {
      const u = 1 - float();
      const v = float();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(float() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    /** A UUIDv7 whose timestamp is `ms`, so ids sort like the history they describe. */
    idAt: (ms) =>
      UUID.fromFieldsV7(Math.max(0, Math.floor(ms)), next() & 0xfff, next() & 0x3fffffff, next()).toString(),
  };
  return rnd;
}

/**
 * A sampler over fixed weights (cumulative table + binary search), for picking among hundreds of
 * products millions of times without rescanning the list.
 */
export function weightedSampler(items, weights) {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    total += weights[i];
    cumulative[i] = total;
  }
  return (rnd) => {
    const r = rnd.float() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return items[lo];
  };
}
