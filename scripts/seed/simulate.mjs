// 18 months of trading: which customer orders what on which day, and the visits behind the orders.
import { DAY_MS, dayFactors } from './calendar.mjs';
import { CATEGORIES } from './catalog.mjs';
import { weightedSampler } from './random.mjs';

const SEASON = new Map(CATEGORIES.map((c) => [c.code, c.season]));
const MAX_SEASON = new Map(CATEGORIES.map((c) => [c.code, Math.max(...c.season)]));
// How many lines an order has (1..8), by segment.
const LINE_COUNTS = {
  big_spender: [2, 4, 8, 12, 14, 14, 12, 10],
  loyal: [6, 10, 14, 16, 14, 11, 8, 5],
  occasional: [22, 22, 18, 12, 8, 5, 3, 2],
  default: [12, 16, 18, 16, 12, 9, 6, 4],
};

/**
 * Simulates order and visit days per customer. The daily order probability is the customer's rate ×
 * the calendar factor × a constant calibrated so the expected total is `orderTarget`; visits without
 * an order (no interest, follow-ups, nobody there) happen at a fraction of that rate.
 * Returns draft orders (lines priced later) and visit stubs (timed by `scheduleVisits`).
 */
export function simulateTrading(rnd, { customers, products, days, startMs, orderTarget }) {
  const factors = dayFactors(startMs, days);
  const prefix = new Float64Array(days + 1);
  for (let d = 0; d < days; d++) prefix[d + 1] = prefix[d] + factors[d];
  let expected = 0;
  for (const c of customers) expected += c.rate * (prefix[c.lastDay] - prefix[c.firstDay]);
  const k = orderTarget / expected;

  const global = weightedSampler(
    products,
    products.map((p) => p.popularity),
  );
  const orders = [];
  const visits = [];
  for (const c of customers) {
    const month = (d) => new Date(startMs + d * DAY_MS).getUTCMonth();
    for (let d = c.firstDay; d < c.lastDay; d++) {
      const p = Math.min(0.9, c.rate * k * factors[d]);
      const r = rnd.float();
      if (r < p) {
        const viaSalesman = rnd.chance(0.96);
        const visit = viaSalesman && rnd.chance(0.62) ? newVisit(c, d, 'order_taken') : null;
        if (visit) visits.push(visit);
        orders.push({
          customer: c,
          day: d,
          salesman: viaSalesman ? c.salesman : null,
          visit,
          lines: pickLines(rnd, c, d, month(d), products, global),
        });
      } else if (r < p * 1.3 && factors[d] > 0.5) {
        const outcome = rnd.weighted([
          ['no_order', 45],
          ['follow_up', 25],
          ['customer_unavailable', 18],
          ['other', 7],
          [null, 5],
        ]);
        visits.push(newVisit(c, d, outcome));
      }
    }
  }
  return { orders, visits };
}

const newVisit = (customer, day, outcome) => ({ customer, salesman: customer.salesman, day, outcome, order: null });

function pickLines(rnd, c, d, month, products, global) {
  const counts = LINE_COUNTS[c.segment] ?? LINE_COUNTS.default;
  const count = rnd.weighted(counts.map((w, i) => [i + 1, w]));
  const chosen = new Set();
  for (let attempt = 0; chosen.size < count && attempt < count * 12; attempt++) {
    const product = rnd.chance(c.favouriteShare) ? rnd.pick(c.favourites) : global(rnd);
    if (d < product.fromDay || d >= product.untilDay || chosen.has(product)) continue;
    // Seasonal categories (ice cream in July, chocolate in December) are kept or skipped by their curve.
    if (!rnd.chance(SEASON.get(product.categoryCode)[month] / MAX_SEASON.get(product.categoryCode))) continue;
    chosen.add(product);
  }
  if (chosen.size === 0) chosen.add(c.favourites.find((p) => d >= p.fromDay && d < p.untilDay) ?? products[0]);
  return [...chosen].map((product) => {
    const quantity = Math.max(1, Math.round(product.typicalQty * c.size * Math.exp(rnd.normal(0, 0.55))));
    let discountBps = 0;
    if (c.segment === 'big_spender' && rnd.chance(0.45)) discountBps = rnd.pick([500, 750, 1000]);
    else if (c.segment === 'loyal' && rnd.chance(0.25)) discountBps = rnd.pick([200, 300, 500]);
    else if (rnd.chance(0.07)) discountBps = rnd.pick([200, 500, 1000, 1500]);
    return { product, quantity, discountBps };
  });
}
