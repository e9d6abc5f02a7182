// Rows derived from the trading history: stock levels and their ledger, monthly targets, and events.
import { berlinOffsetHours, berlinTime, DAY_MS } from './calendar.mjs';

const iso = (ms) => new Date(ms).toISOString();

/**
 * Inventory as of the stock take at the end of yesterday: cover of 10–45 days of recent demand, a few
 * items low or sold out, and `reserved` exactly the quantities of confirmed (unfulfilled) orders, as
 * the order service keeps it. The ledger gets the opening count and the open reservations, so the sum
 * of movements equals the current levels (the per-order history before the import is not replayed).
 */
export function buildStock(rnd, { tenantId, products, orderDrafts, reserved, todayMs, days }) {
  const recent = new Map();
  for (const o of orderDrafts) {
    if (o.day < days - 90 || o.row.status === 'cancelled') continue;
    for (const l of o.lines) recent.set(l.product, (recent.get(l.product) ?? 0) + l.quantity);
  }
  const stockTakeMs = berlinTime(todayMs - DAY_MS, 18);
  const inventory = [];
  const movements = [];
  for (const p of products) {
    const perDay = (recent.get(p) ?? 0) / 90;
    const held = reserved.get(p) ?? 0;
    const threshold = Math.max(5, Math.round((perDay * 7) / 5) * 5);
    let onHand;
    if (!p.row.active) onHand = held;
    else if (rnd.chance(0.02)) onHand = held;
    else if (rnd.chance(0.06)) onHand = held + rnd.int(0, threshold);
    else onHand = held + Math.round(perDay * rnd.range(10, 45)) + rnd.int(5, 40);
    const move = (kind, onHandDelta, reservedDelta, onHandAfter, reservedAfter, reason, at) => ({
      tenant_id: tenantId,
      id: rnd.idAt(at),
      product_id: p.row.id,
      kind,
      on_hand_delta: onHandDelta,
      reserved_delta: reservedDelta,
      on_hand_after: onHandAfter,
      reserved_after: reservedAfter,
      reason,
      order_id: null,
      actor_id: null,
      created_at: iso(at),
    });
    let version = 1;
    if (onHand > 0) {
      movements.push(move('adjustment', onHand, 0, onHand, 0, 'Stock take (demo data import)', stockTakeMs));
      version++;
    }
    if (held > 0) {
      movements.push(
        move('reservation', 0, held, onHand, held, 'Open confirmed orders (demo data import)', stockTakeMs + 1000),
      );
      version++;
    }
    inventory.push({
      tenant_id: tenantId,
      product_id: p.row.id,
      on_hand: onHand,
      reserved: held,
      low_stock_threshold: threshold,
      created_at: p.row.created_at,
      updated_at: iso(version > 1 ? stockTakeMs + 1000 : Date.parse(p.row.created_at)),
      version,
    });
  }
  return { inventory, movements };
}

/** YYYY-MM of a timestamp in Berlin time. */
const localMonth = (ms) => {
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  return new Date(ms + berlinOffsetHours(day) * 3_600_000).toISOString().slice(0, 7);
};

/**
 * Monthly revenue and visit goals per salesman from the first month of the window to next month.
 * Past goals are set around what was achieved (so attainment ranges roughly 85–110 %); the current
 * and next month extrapolate the last three months.
 */
export function buildTargets(rnd, { tenantId, salesmen, orders, visits, startMs, todayMs }) {
  const revenue = new Map();
  const visitCount = new Map();
  const add = (map, key, n) => map.set(key, (map.get(key) ?? 0) + n);
  for (const o of orders) {
    if (o.salesman_id && (o.status === 'confirmed' || o.status === 'fulfilled')) {
      add(revenue, `${o.salesman_id}|${localMonth(Date.parse(o.ordered_at))}`, o.total_minor);
    }
  }
  for (const v of visits)
    if (v.status === 'completed') add(visitCount, `${v.salesman_id}|${localMonth(Date.parse(v.check_in_at))}`, 1);

  const months = [];
  const first = new Date(startMs);
  const current = localMonth(todayMs);
  for (let y = first.getUTCFullYear(), m = first.getUTCMonth(); ; m++) {
    if (m === 12) {
      m = 0;
      y++;
    }
    const key = `${y}-${String(m + 1).padStart(2, '0')}`;
    months.push({ key, y, m });
    if (months.length > 1 && months.at(-2).key === current) break;
  }
  const rows = [];
  for (const s of salesmen) {
    const history = [];
    for (const { key, y, m } of months) {
      const isPast = key < current;
      const actual = revenue.get(`${s.id}|${key}`) ?? 0;
      const actualVisits = visitCount.get(`${s.id}|${key}`) ?? 0;
      const trailing = history.slice(-3);
      const avg = (f) => trailing.reduce((n, h) => n + f(h), 0) / Math.max(1, trailing.length);
      const revenueBase = isPast ? actual * rnd.range(0.9, 1.17) : avg((h) => h.actual) * 1.05;
      const visitBase = isPast ? actualVisits * rnd.range(0.95, 1.2) : avg((h) => h.actualVisits) * 1.05;
      history.push({ actual, actualVisits });
      const start = Date.UTC(y, m, 1);
      const end = Date.UTC(y, m + 1, 0);
      const createdMs = Math.max(Date.parse(s.created_at) + 3_600_000, berlinTime(Date.UTC(y, m - 1, 25), 10));
      rows.push({
        tenant_id: tenantId,
        id: rnd.idAt(createdMs),
        created_at: iso(createdMs),
        updated_at: iso(createdMs),
        version: 1,
        deleted_at: null,
        salesman_id: s.id,
        period_type: 'month',
        period_start: iso(start).slice(0, 10),
        period_end: iso(end).slice(0, 10),
        revenue_goal_minor: Math.max(100_000, Math.round(revenueBase / 50_000) * 50_000),
        visit_goal: Math.max(10, Math.round(visitBase)),
      });
    }
  }
  return rows;
}

const camel = (row) =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([k]) => k !== 'tenant_id' && k !== 'password_hash')
      .map(([k, v]) => [k.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase()), v]),
  );

/**
 * The event log of the setup: tenant, users, territories and salesmen as the services would have
 * logged them. The imported trading history (customers, orders, visits...) has no per-row events.
 */
export function buildEvents({ tenant, users, territories, salesmen }) {
  const owner = users[0];
  const entries = [
    {
      type: 'tenant:created',
      entityType: 'tenant',
      row: tenant,
      payload: { ...camel(tenant), checkInRadiusM: tenant.check_in_radius_m },
    },
    ...users.map((u) => ({
      type: 'user:created',
      entityType: 'user',
      row: u,
      payload: { ...camel(u), lastLoginAt: null },
    })),
    ...territories.map((t) => ({
      type: 'territory:created',
      entityType: 'territory',
      row: t,
      payload: camel({
        id: t.id,
        created_at: t.created_at,
        updated_at: t.updated_at,
        version: t.version,
        deleted_at: null,
        name: t.name,
        description: t.description,
        boundary: t.boundary,
      }),
    })),
    ...salesmen.map((s) => ({
      type: 'salesman:created',
      entityType: 'salesman',
      row: s,
      payload: camel({
        id: s.id,
        created_at: s.created_at,
        updated_at: s.updated_at,
        version: s.version,
        deleted_at: null,
        user_id: s.user_id,
        territory_id: s.territory_id,
        name: s.name,
        phone: s.phone,
        employee_code: s.employee_code,
        active: s.active,
      }),
    })),
  ];
  entries.sort((a, b) => a.row.created_at.localeCompare(b.row.created_at));
  return entries.map((e, i) => ({
    tenant_id: tenant.id,
    seq: i + 1,
    type: e.type,
    entity_type: e.entityType,
    entity_id: e.row.id,
    actor_id: owner.id,
    payload: e.payload,
    created_at: e.row.created_at,
  }));
}
