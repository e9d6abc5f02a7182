// Visit rows: each salesman's day becomes a route with travel times and GPS check-ins.
import { berlinTime, DAY_MS, isWorkday } from './calendar.mjs';
import { offsetKm, round6 } from './places.mjs';

const MIN_MS = 60_000;
const RADIUS_M = 200;
const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg) => (deg * Math.PI) / 180;

/** Haversine, identical to src/lib/geo.ts so stored distances and verdicts match what the API computes. */
function distanceMetres(a, b) {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The visits service's rule: verified ⇔ distance ≤ r + min(accuracy, r). */
const verdictOf = (distance, accuracy) =>
  distance <= RADIUS_M + Math.min(accuracy, RADIUS_M) ? 'verified' : 'out_of_range';

const VISIT_NOTES = {
  order_taken: ['Summer promotion discussed.', 'Asked for a second fridge.', 'Reordered the usual range.', null],
  no_order: [
    'Stock still sufficient.',
    'Owner on holiday, order next week.',
    'Price comparison with competitor.',
    null,
  ],
  follow_up: ['Send price list for the new range.', 'Call back about the event next month.', 'Wants samples.'],
  customer_unavailable: ['Shop closed.', 'Owner not on site.', null],
  other: ['Handed over promotional material.', 'Empties collected.', 'Complaint about a late delivery.'],
};

/**
 * Times the simulated visits: per salesman and day a nearest-neighbour route from the territory
 * centre starting around 08:00 local time, then check-in fixes near (or, sometimes, far from) the
 * customer. Mutates each stub into a visit row; returns all rows.
 */
export function scheduleVisits(rnd, stubs, { tenantId, startMs }) {
  const byRoute = new Map();
  for (const v of stubs) {
    const key = `${v.salesman.id}|${v.day}`;
    const list = byRoute.get(key);
    if (list) list.push(v);
    else byRoute.set(key, [v]);
  }
  const rows = [];
  for (const route of byRoute.values()) {
    const dayMs = startMs + route[0].day * DAY_MS;
    let here = { lat: route[0].customer.territoryCenter[0], lng: route[0].customer.territoryCenter[1] };
    let clock = berlinTime(dayMs, 7.6 + rnd.float() * 0.9);
    const todo = [...route];
    while (todo.length > 0) {
      let best = 0;
      let bestDist = Infinity;
      todo.forEach((v, i) => {
        const dist = distanceMetres(here, v.customer.row);
        if (dist < bestDist) {
          best = i;
          bestDist = dist;
        }
      });
      const visit = todo.splice(best, 1)[0];
      const checkIn = clock + ((bestDist / 1000 / 28) * 60 + 4 + rnd.float() * 8) * MIN_MS;
      const minutes = {
        order_taken: [18, 45],
        no_order: [8, 25],
        follow_up: [12, 30],
        customer_unavailable: [2, 6],
        other: [8, 30],
      }[visit.outcome] ?? [8, 20];
      const checkOut = checkIn + rnd.range(minutes[0], minutes[1]) * MIN_MS;
      rows.push(visitRow(rnd, visit, tenantId, checkIn, checkOut));
      here = visit.customer.row;
      clock = checkOut;
    }
  }
  return rows;
}

function visitRow(rnd, visit, tenantId, checkIn, checkOut) {
  const customer = visit.customer.row;
  const accuracy = Math.round((rnd.chance(0.06) ? rnd.range(40, 150) : Math.exp(rnd.normal(2.4, 0.5))) * 10) / 10;
  // Mostly at the door; sometimes the check-in is done from the car park down the road or the office.
  const offset = rnd.chance(0.9) ? Math.abs(rnd.normal(0, 45)) + 3 : rnd.range(450, 6000);
  const bearing = rnd.range(0, 2 * Math.PI);
  const [lat, lng] = offsetKm(
    [customer.lat, customer.lng],
    (offset / 1000) * Math.cos(bearing),
    (offset / 1000) * Math.sin(bearing),
  );
  const fix = { lat: round6(lat), lng: round6(lng) };
  const distance = Math.round(distanceMetres(fix, customer) * 10) / 10;
  const [outLat, outLng] = offsetKm([fix.lat, fix.lng], rnd.normal(0, 0.02), rnd.normal(0, 0.02));
  const planned = rnd.chance(0.75);
  const plannedAt = planned ? Math.round((checkIn - rnd.normal(0, 12) * MIN_MS) / (15 * MIN_MS)) * 15 * MIN_MS : null;
  // Planned a few days ahead, but never before the customer existed.
  const customerCreated = Date.parse(customer.created_at) + 3_600_000;
  const createdMs = planned
    ? Math.max(customerCreated, berlinTime(startOfDay(plannedAt) - rnd.int(1, 7) * DAY_MS, rnd.range(7, 18)))
    : checkIn - rnd.int(1, 5) * MIN_MS;
  visit.checkInMs = checkIn;
  visit.checkOutMs = checkOut;
  visit.row = {
    tenant_id: tenantId,
    id: rnd.idAt(createdMs),
    created_at: iso(createdMs),
    updated_at: iso(checkOut),
    version: 3,
    deleted_at: null,
    customer_id: customer.id,
    salesman_id: visit.salesman.id,
    status: 'completed',
    planned_at: plannedAt === null ? null : iso(plannedAt),
    check_in_at: iso(checkIn),
    check_in_lat: fix.lat,
    check_in_lng: fix.lng,
    check_in_accuracy_m: accuracy,
    check_in_distance_m: distance,
    verdict: verdictOf(distance, accuracy),
    check_out_at: iso(checkOut),
    check_out_lat: round6(outLat),
    check_out_lng: round6(outLng),
    check_out_accuracy_m: Math.round(Math.exp(rnd.normal(2.4, 0.5)) * 10) / 10,
    outcome: visit.outcome,
    notes: visit.outcome && rnd.chance(0.3) ? rnd.pick(VISIT_NOTES[visit.outcome]) : null,
  };
  return visit.row;
}

/**
 * The schedule ahead: planned visits for the next two working weeks (what a salesman sees on his
 * route today), plus a few planned visits that were called off in the past.
 */
export function plannedVisits(rnd, { tenantId, salesmen, customers, todayMs, days, startMs }) {
  const rows = [];
  const bySalesman = new Map(salesmen.map((s) => [s.id, []]));
  for (const c of customers) if (c.lastDay >= days) bySalesman.get(c.salesman.id).push(c);
  for (const s of salesmen) {
    const mine = bySalesman.get(s.id);
    if (mine.length === 0) continue;
    for (let d = 0, workdays = 0; workdays < 10; d++) {
      const dayMs = todayMs + d * DAY_MS;
      if (!isWorkday(dayMs)) continue;
      workdays++;
      const count = rnd.int(3, 7);
      for (let i = 0; i < count; i++) {
        const plannedAt = berlinTime(dayMs, 8 + i * 1.25 + rnd.pick([0, 0.25, 0.5]));
        const createdMs = todayMs - rnd.int(1, 6) * DAY_MS + rnd.int(8, 17) * 3_600_000;
        rows.push(emptyVisit(rnd, tenantId, rnd.pick(mine), s, 'planned', plannedAt, createdMs, createdMs, 1));
      }
    }
    for (let i = 0; i < 12; i++) {
      const customer = rnd.pick(mine);
      const plannedAt = berlinTime(startMs + rnd.int(customer.firstDay + 7, days - 1) * DAY_MS, rnd.int(8, 16));
      const createdMs = berlinTime(startOfDay(plannedAt) - rnd.int(2, 6) * DAY_MS, rnd.range(7, 18));
      const cancelledMs = plannedAt - rnd.int(1, 20) * 3_600_000;
      const row = emptyVisit(rnd, tenantId, customer, s, 'cancelled', plannedAt, createdMs, cancelledMs, 2);
      row.notes = rnd.pick(['Customer asked to reschedule.', 'Sick leave.', 'Customer closed for renovation.']);
      rows.push(row);
    }
  }
  return rows;
}

function emptyVisit(rnd, tenantId, customer, salesman, status, plannedAt, createdMs, updatedMs, version) {
  return {
    tenant_id: tenantId,
    id: rnd.idAt(createdMs),
    created_at: iso(createdMs),
    updated_at: iso(updatedMs),
    version,
    deleted_at: null,
    customer_id: customer.row.id,
    salesman_id: salesman.id,
    status,
    planned_at: iso(plannedAt),
    check_in_at: null,
    check_in_lat: null,
    check_in_lng: null,
    check_in_accuracy_m: null,
    check_in_distance_m: null,
    verdict: null,
    check_out_at: null,
    check_out_lat: null,
    check_out_lng: null,
    check_out_accuracy_m: null,
    outcome: null,
    notes: null,
  };
}

const iso = (ms) => new Date(ms).toISOString();
const startOfDay = (ms) => Math.floor(ms / DAY_MS) * DAY_MS;
