import { analyticsSql, type LocalClock } from './dialect';
import { Params, type Query } from './query';

export type { LocalClock };
export { Params, type Query };

/**
 * The SQL behind analytics: aggregations pushed down to the database as plain GROUP BYs (no correlated
 * subqueries: they are slow in D1 and have crashed local D1 on large tables). The statements are the same
 * on D1 and Postgres except for the few expressions dialect.ts names (local time, joins, a few functions).
 */

const iso = (ms: number) => new Date(ms).toISOString();

/** The local date (YYYY-MM-DD) of a stored UTC instant. */
export const localDaySql = (column: string, clock: LocalClock, p: Params) => analyticsSql().localDay(column, clock, p);

/** The local hour ('00'..'23') of a stored UTC instant. */
export const localHourSql = (column: string, clock: LocalClock, p: Params) =>
  analyticsSql().localHour(column, clock, p);

export const REVENUE_STATUSES = "('confirmed', 'fulfilled')";

export interface Window {
  tenantId: string;
  startMs: number;
  endMs: number;
  /** Only this salesman's rows (a salesman reading his own figures), or null for the whole tenant. */
  salesmanId: string | null;
}

/** WHERE clause for the revenue orders (`o`) of a window. */
export function revenueOrdersWhere(w: Window, p: Params): string {
  const t = p.add(w.tenantId);
  return [
    `o.tenant_id = ${t}`,
    `o.status IN ${REVENUE_STATUSES}`,
    'o.deleted_at IS NULL',
    `o.ordered_at >= ${p.add(iso(w.startMs))}`,
    `o.ordered_at < ${p.add(iso(w.endMs))}`,
    ...(w.salesmanId ? [`o.salesman_id = ${p.add(w.salesmanId)}`] : []),
  ].join(' AND ');
}

/** Grouping: a SQL expression (over `o`, and `c` for customers when `joinCustomers`) named `k`. */
export interface Grouping {
  key: (p: Params) => string;
  joinCustomers?: boolean;
  /** Extra condition on the joined rows, e.g. customers with coordinates. */
  where?: string;
}

/*
 * The driving join (CROSS JOIN in SQLite) fixes the join order: the orders of the window drive, and each
 * finds its customer (or lines, or visit) by primary key. Without it SQLite's planner, lacking statistics,
 * may walk customers in GROUP BY order and rescan the window's orders for each one (seconds instead of
 * milliseconds).
 */
const customerJoin = () =>
  `${analyticsSql().drivingJoin} customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id`;

/** Orders, gross revenue and buying customers per group. */
export function orderSums(w: Window, g: Grouping): Query {
  const p = new Params();
  const key = g.key(p);
  const sql = `SELECT ${key} AS k, COUNT(*) AS orders, SUM(o.total_minor) AS gross,
      COUNT(DISTINCT o.customer_id) AS customers
    FROM orders o ${g.joinCustomers ? customerJoin() : ''}
    WHERE ${revenueOrdersWhere(w, p)}${g.where ? ` AND ${g.where}` : ''}
    GROUP BY k`;
  return { sql, params: p.values };
}

/**
 * Refunded payments per group of the orders they belong to (each order's refunds capped at its total),
 * attributed to the order's day. Refunds are few: they are summed per order first, then joined.
 */
export function refundSums(w: Window, g: Grouping): Query {
  const p = new Params();
  const key = g.key(p);
  const t = p.add(w.tenantId);
  const d = analyticsSql();
  const sql = `SELECT ${key} AS k, SUM(${d.least('r.refunded', 'o.total_minor')}) AS refunds
    FROM (SELECT order_id, SUM(amount_minor) AS refunded FROM payments
          WHERE tenant_id = ${t} AND status = 'refunded' AND deleted_at IS NULL GROUP BY order_id) r
    ${d.drivingJoin} orders o ON o.tenant_id = ${t} AND o.id = r.order_id
    ${g.joinCustomers ? customerJoin() : ''}
    WHERE ${revenueOrdersWhere(w, p)}${g.where ? ` AND ${g.where}` : ''}
    GROUP BY k`;
  return { sql, params: p.values };
}

/** Units sold per group. */
export function unitSums(w: Window, g: Grouping): Query {
  const p = new Params();
  const key = g.key(p);
  const sql = `SELECT ${key} AS k, SUM(l.quantity) AS units
    FROM orders o ${analyticsSql().drivingJoin} order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
    ${g.joinCustomers ? customerJoin() : ''}
    WHERE ${revenueOrdersWhere(w, p)}${g.where ? ` AND ${g.where}` : ''}
    GROUP BY k`;
  return { sql, params: p.values };
}

/** WHERE clause for the completed visits (`v`) checked in during a window. */
function completedVisitsWhere(w: Window, p: Params): string {
  return [
    `v.tenant_id = ${p.add(w.tenantId)}`,
    "v.status = 'completed'",
    'v.deleted_at IS NULL',
    `v.check_in_at >= ${p.add(iso(w.startMs))}`,
    `v.check_in_at < ${p.add(iso(w.endMs))}`,
    ...(w.salesmanId ? [`v.salesman_id = ${p.add(w.salesmanId)}`] : []),
  ].join(' AND ');
}

export interface VisitGrouping {
  /** Expression over `v` (and `c`, the visit's customer, when `joinCustomers`). */
  key: (p: Params) => string;
  joinCustomers?: boolean;
  where?: string;
}

const visitCustomerJoin = 'LEFT JOIN customers c ON c.tenant_id = v.tenant_id AND c.id = v.customer_id';

/** Completed visits and their time on site per group. */
export function visitSums(w: Window, g: VisitGrouping): Query {
  const p = new Params();
  const key = g.key(p);
  const minutes = analyticsSql().minutesBetween('v.check_in_at', 'v.check_out_at');
  const sql = `SELECT ${key} AS k, COUNT(*) AS visits,
      SUM(CASE WHEN v.check_out_at IS NOT NULL AND v.check_out_at >= v.check_in_at THEN ${minutes} END) AS minutes,
      COUNT(CASE WHEN v.check_out_at IS NOT NULL AND v.check_out_at >= v.check_in_at THEN 1 END) AS timed
    FROM visits v ${g.joinCustomers ? visitCustomerJoin : ''}
    WHERE ${completedVisitsWhere(w, p)}${g.where ? ` AND ${g.where}` : ''}
    GROUP BY k`;
  return { sql, params: p.values };
}

/**
 * Completed visits that produced a revenue order, per group. Orders have no index on visit_id, so the
 * orders are found through their own time index: an order taken at a visit is dated within a day of it.
 */
export function strikeSums(w: Window, g: VisitGrouping): Query {
  const p = new Params();
  const key = g.key(p);
  const widened: Window = { ...w, startMs: w.startMs - 86_400_000, endMs: w.endMs + 86_400_000, salesmanId: null };
  const sql = `SELECT ${key} AS k, COUNT(DISTINCT v.id) AS with_order
    FROM orders o ${analyticsSql().drivingJoin} visits v ON v.tenant_id = o.tenant_id AND v.id = o.visit_id
    ${g.joinCustomers ? visitCustomerJoin : ''}
    WHERE ${revenueOrdersWhere(widened, p)} AND o.visit_id IS NOT NULL AND ${completedVisitsWhere(w, p)}
      ${g.where ? ` AND ${g.where}` : ''}
    GROUP BY k`;
  return { sql, params: p.values };
}

/** Orders cancelled in the window (by order date). */
export function cancelledCount(w: Window): Query {
  const p = new Params();
  const conditions = [
    `tenant_id = ${p.add(w.tenantId)}`,
    "status = 'cancelled'",
    'deleted_at IS NULL',
    `ordered_at >= ${p.add(iso(w.startMs))}`,
    `ordered_at < ${p.add(iso(w.endMs))}`,
    ...(w.salesmanId ? [`salesman_id = ${p.add(w.salesmanId)}`] : []),
  ];
  return { sql: `SELECT COUNT(*) AS n FROM orders WHERE ${conditions.join(' AND ')}`, params: p.values };
}

/** Customers created in the window (a salesman counts the customers assigned to him). */
export function newCustomersCount(w: Window): Query {
  const p = new Params();
  const conditions = [
    `tenant_id = ${p.add(w.tenantId)}`,
    'deleted_at IS NULL',
    `created_at >= ${p.add(iso(w.startMs))}`,
    `created_at < ${p.add(iso(w.endMs))}`,
    ...(w.salesmanId ? [`salesman_id = ${p.add(w.salesmanId)}`] : []),
  ];
  return { sql: `SELECT COUNT(*) AS n FROM customers WHERE ${conditions.join(' AND ')}`, params: p.values };
}
