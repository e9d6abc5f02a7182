// Order rows with priced lines, their life cycle (draft → confirmed → fulfilled / cancelled) and payments.
import { berlinTime, DAY_MS, officeHours } from './calendar.mjs';

const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;
const PRICE_RISE = 1.045;
const iso = (ms) => new Date(ms).toISOString();

const CANCEL_REASONS = [
  'Customer changed the order',
  'Duplicate order',
  'Out of stock',
  'Customer closed for holidays',
  'Entered for the wrong customer',
];
const ORDER_NOTES = [
  'Please deliver before 10:00.',
  'Call on arrival.',
  'Deliver to the back entrance.',
  'Take back empties.',
];

/** round_half_even(n / d) for non-negative safe integers, as src/services/order-totals.ts rounds lines. */
function divideHalfEven(n, d) {
  const q = Math.floor(n / d);
  const twice = (n - q * d) * 2;
  if (twice > d) return q + 1;
  if (twice < d) return q;
  return q % 2 === 0 ? q : q + 1;
}

/**
 * Turns simulated orders into rows. Every product's list price went up 4.5 % each 1 March, so older
 * lines carry the older price (lines snapshot the price when written). Returns rows plus what the
 * inventory and target builders need (open reservations, revenue per salesman and month).
 */
export function buildOrders(rnd, drafts, { tenantId, startMs, todayMs, days }) {
  const riseDays = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(startMs + d * DAY_MS);
    if (date.getUTCMonth() === 2 && date.getUTCDate() === 1) riseDays.push(d);
  }
  const priceOn = (product, day) => {
    const later = riseDays.filter((r) => r > day).length;
    return later === 0 ? product.priceMinor : Math.round(product.priceMinor / PRICE_RISE ** later);
  };

  for (const o of drafts) {
    const dayMs = startMs + o.day * DAY_MS;
    if (o.visit) o.orderedMs = o.visit.checkInMs + (o.visit.checkOutMs - o.visit.checkInMs) * rnd.range(0.4, 0.85);
    else if (o.salesman) o.orderedMs = berlinTime(dayMs, rnd.range(7.5, 17.5));
    else o.orderedMs = berlinTime(dayMs, rnd.range(6, 23));
    o.orderedMs = Math.min(Math.round(o.orderedMs), todayMs - MIN_MS);
  }
  drafts.sort((a, b) => a.orderedMs - b.orderedMs);

  const orders = [];
  const lines = [];
  const payments = [];
  const reserved = new Map();
  let invoiceNo = 0;
  for (const o of drafts) {
    const c = o.customer;
    const id = rnd.idAt(o.orderedMs);
    let subtotal = 0;
    let total = 0;
    o.lines.forEach((line, i) => {
      const unit = priceOn(line.product, o.day);
      const gross = line.quantity * unit;
      const lineTotal = divideHalfEven(gross * (10_000 - line.discountBps), 10_000);
      subtotal += gross;
      total += lineTotal;
      lines.push({
        tenant_id: tenantId,
        id: rnd.idAt(o.orderedMs),
        order_id: id,
        position: i + 1,
        product_id: line.product.row.id,
        quantity: line.quantity,
        unit_price_minor: unit,
        discount_bps: line.discountBps,
        line_total_minor: lineTotal,
      });
    });

    const life = lifeCycle(rnd, o, todayMs);
    const touches = [o.orderedMs, life.confirmedMs, life.fulfilledMs, life.cancelledMs].filter((t) => t != null);
    let version = touches.length;
    const orderPayments =
      life.status === 'fulfilled' || life.status === 'confirmed' ? paymentPlan(rnd, c, life, total, todayMs) : [];
    let paid = 0;
    let invoiceRef = null;
    for (const p of orderPayments) {
      if (p.status === 'failed') continue;
      if (p.method === 'bank_transfer' && !p.reference) {
        invoiceRef ??= `RE-${new Date(life.confirmedMs).getUTCFullYear()}-${String(++invoiceNo).padStart(6, '0')}`;
        p.reference = invoiceRef;
      }
      version += p.status === 'refunded' ? 2 : 1;
      touches.push(p.refundedMs ?? p.receivedMs);
      if (p.status === 'received') paid += p.amount;
    }
    for (const p of orderPayments) {
      payments.push({
        tenant_id: tenantId,
        id: rnd.idAt(p.receivedMs),
        created_at: iso(p.receivedMs),
        updated_at: iso(p.refundedMs ?? p.receivedMs),
        version: p.status === 'refunded' ? 2 : 1,
        deleted_at: null,
        order_id: id,
        amount_minor: p.amount,
        currency: 'EUR',
        method: p.method,
        status: p.status,
        reference: p.reference ?? null,
        received_at: iso(p.receivedMs),
        refunded_at: p.refundedMs ? iso(p.refundedMs) : null,
        notes: p.notes ?? null,
      });
    }
    if (life.status === 'confirmed') {
      for (const line of o.lines) reserved.set(line.product, (reserved.get(line.product) ?? 0) + line.quantity);
    }
    const row = {
      tenant_id: tenantId,
      id,
      created_at: iso(o.orderedMs),
      updated_at: iso(Math.max(...touches)),
      version,
      deleted_at: null,
      customer_id: c.row.id,
      salesman_id: o.salesman?.id ?? null,
      visit_id: o.visit?.row.id ?? null,
      status: life.status,
      currency: 'EUR',
      subtotal_minor: subtotal,
      discount_minor: subtotal - total,
      total_minor: total,
      paid_minor: paid,
      notes: rnd.chance(0.05) ? rnd.pick(ORDER_NOTES) : null,
      ordered_at: iso(o.orderedMs),
      confirmed_at: life.confirmedMs ? iso(life.confirmedMs) : null,
      fulfilled_at: life.fulfilledMs ? iso(life.fulfilledMs) : null,
      cancelled_at: life.cancelledMs ? iso(life.cancelledMs) : null,
      cancel_reason: life.cancelledMs ? rnd.pick(CANCEL_REASONS) : null,
    };
    orders.push(row);
    o.row = row;
  }
  return { orders, lines, payments, reserved };
}

/** Status follows from age: delivery takes 1–3 days, so only the last few days hold open orders. */
function lifeCycle(rnd, o, todayMs) {
  const ageDays = (todayMs - o.orderedMs) / DAY_MS;
  if (rnd.chance(0.04)) {
    const cancelledMs = o.orderedMs + rnd.range(0.5, 48) * HOUR_MS;
    if (cancelledMs < todayMs) {
      const confirmedMs = rnd.chance(0.5) ? o.orderedMs + (cancelledMs - o.orderedMs) * rnd.range(0.05, 0.5) : null;
      return { status: 'cancelled', confirmedMs, cancelledMs };
    }
  }
  const confirmedMs = officeHours(o.orderedMs + rnd.range(3, 240) * MIN_MS, rnd);
  if ((ageDays <= 3 && rnd.chance(0.25)) || rnd.chance(0.0015) || confirmedMs >= todayMs) return { status: 'draft' };
  const deliveryDay =
    Math.floor(confirmedMs / DAY_MS) +
    rnd.weighted([
      [1, 5],
      [2, 3],
      [3, 1],
    ]);
  const weekday = new Date(deliveryDay * DAY_MS).getUTCDay();
  const shifted = deliveryDay + (weekday === 0 ? 1 : weekday === 6 ? 2 : 0);
  const fulfilledMs = berlinTime(shifted * DAY_MS, rnd.range(6, 14));
  if (fulfilledMs >= todayMs) return { status: 'confirmed', confirmedMs };
  return { status: 'fulfilled', confirmedMs, fulfilledMs };
}

/**
 * Who pays when: cash or card at the door, or by invoice within 14/30 days (some late, a few never).
 * Only payments before today exist. A few card payments fail first; a few payments are refunded and
 * paid again by transfer.
 */
function paymentPlan(rnd, c, life, total, todayMs) {
  const plan = [];
  if (life.status === 'confirmed') {
    if (!c.payOnDelivery && rnd.chance(0.05)) {
      const receivedMs = officeHours(life.confirmedMs + rnd.range(1, 40) * HOUR_MS, rnd);
      plan.push({ amount: total, method: 'bank_transfer', receivedMs, notes: 'Prepayment' });
    }
  } else if (c.payOnDelivery) {
    const at = life.fulfilledMs + rnd.range(2, 30) * MIN_MS;
    const method = rnd.chance(0.6) ? 'cash' : 'card';
    if (method === 'card' && rnd.chance(0.03)) {
      plan.push({ amount: total, method, status: 'failed', receivedMs: at - 3 * MIN_MS, notes: 'Card declined' });
    }
    plan.push({
      amount: total,
      method,
      receivedMs: at,
      reference: method === 'card' ? `TX-${rnd.uint32().toString(16).padStart(8, '0')}` : null,
    });
  } else if (!(c.payer === 'defaulting' && rnd.chance(0.6))) {
    const term = c.paymentTermDays;
    const delay = c.payer === 'late' ? rnd.range(term + 5, term * 3) : rnd.range(2, term + 3);
    const at = officeHours(life.fulfilledMs + delay * DAY_MS, rnd);
    const method = rnd.weighted([
      ['bank_transfer', 90],
      ['card', 5],
      ['cheque', 3],
      ['other', 2],
    ]);
    const reference = method === 'cheque' ? `CHQ ${rnd.int(100000, 999999)}` : null;
    if (c.payer === 'defaulting' || rnd.chance(0.07)) {
      const first = Math.max(1, Math.round(total * rnd.range(0.3, 0.7)));
      plan.push({ amount: first, method, receivedMs: at, reference, notes: 'Partial payment' });
      if (c.payer !== 'defaulting' && first < total) {
        plan.push({
          amount: total - first,
          method,
          receivedMs: officeHours(at + rnd.range(5, 25) * DAY_MS, rnd),
          reference,
        });
      }
    } else {
      plan.push({ amount: total, method, receivedMs: at, reference });
    }
  }
  const result = [];
  for (const p of plan) {
    if (p.receivedMs >= todayMs) break;
    p.receivedMs = Math.round(p.receivedMs);
    p.status ??= 'received';
    result.push(p);
    if (p.status === 'received' && rnd.chance(0.004)) {
      // Refunded (charged twice by the terminal, wrong account...) and paid again by transfer.
      p.refundedMs = officeHours(p.receivedMs + rnd.range(1, 10) * DAY_MS, rnd);
      if (p.refundedMs >= todayMs) {
        delete p.refundedMs;
        continue;
      }
      p.status = 'refunded';
      const again = officeHours(p.refundedMs + rnd.range(1, 7) * DAY_MS, rnd);
      if (again < todayMs)
        result.push({ amount: p.amount, method: 'bank_transfer', status: 'received', receivedMs: again });
    }
  }
  return result;
}
