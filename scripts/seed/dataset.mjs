// Builds the whole demo tenant in memory: rows per table, in foreign-key order.
import { DAY_MS } from './calendar.mjs';
import { buildEvents, buildStock, buildTargets } from './derived.mjs';
import { buildMaster } from './master.mjs';
import { buildOrders } from './orders.mjs';
import { createRandom } from './random.mjs';
import { simulateTrading } from './simulate.mjs';
import { plannedVisits, scheduleVisits } from './visits.mjs';

export const HISTORY_DAYS = 548; // 18 months

/**
 * `todayMs` (UTC midnight) anchors the history: the same seed and day give byte-identical data.
 * Ids are UUIDv7 drawn from the seeded generator with the row's own creation time.
 */
export async function buildDataset({ seed, todayMs, orderTarget, customerCount }) {
  const rnd = createRandom(seed);
  const startMs = todayMs - HISTORY_DAYS * DAY_MS;
  const tenantCreatedMs = startMs - 30 * DAY_MS + 9 * 3_600_000;
  const tenantId = rnd.idAt(tenantCreatedMs);
  const master = await buildMaster(rnd, { tenantId, tenantCreatedMs, startMs, todayMs, customerCount });
  const { customers, products, salesmen, days } = master;
  for (const c of customers)
    c.territoryCenter = master.territories.find((t) => t.id === c.row.territory_id).meta.center;

  const trading = simulateTrading(rnd, { customers, products, days, startMs, orderTarget });
  const visitRows = scheduleVisits(rnd, trading.visits, { tenantId, startMs });
  visitRows.push(...plannedVisits(rnd, { tenantId, salesmen, customers, todayMs, days, startMs }));
  visitRows.sort((a, b) => a.created_at.localeCompare(b.created_at));
  const { orders, lines, payments, reserved } = buildOrders(rnd, trading.orders, { tenantId, startMs, todayMs, days });
  const { inventory, movements } = buildStock(rnd, {
    tenantId,
    products,
    orderDrafts: trading.orders,
    reserved,
    todayMs,
    days,
  });
  const targets = buildTargets(rnd, { tenantId, salesmen, orders, visits: visitRows, startMs, todayMs });
  const events = buildEvents(master);

  const tables = {
    tenants: [master.tenant],
    users: master.users,
    territories: master.territories,
    salesmen,
    customers: customers.map((c) => c.row),
    products: products.map((p) => p.row),
    inventory,
    stock_movements: movements,
    visits: visitRows,
    orders,
    order_lines: lines,
    payments,
    targets,
    events,
  };
  const segments = {};
  for (const c of customers) segments[c.segment] = (segments[c.segment] ?? 0) + 1;
  return { tenantId, tables, segments };
}
