import type { ServiceContext } from '../../services/context';
import { type ProductAnalytics, type ProductSales, productAnalytics } from '../domain/products';
import { addDays, type LocalDate } from '../domain/timezone';
import { Params, type Query, revenueOrdersWhere, type Window } from '../queries/activity-sql';
import { analyticsSql } from '../queries/dialect';
import { num, type Row, runQueries } from '../queries/run';
import { windowOf } from './activity-sums';
import { metaOf, type ReportMeta, reportScope } from './report-scope';

/**
 * Line sums of the revenue orders of a window (lines `l`, their products `p`, stock `i`), grouped by
 * `groupBy`. Written into the caller's Params so it can be nested in a larger statement.
 */
function lineSums(w: Window, p: Params, select: string, groupBy: string): string {
  const join = analyticsSql().drivingJoin;
  return `SELECT ${select}, SUM(l.quantity) AS units, SUM(l.line_total_minor) AS revenue, COUNT(DISTINCT o.id) AS orders
    FROM orders o
    ${join} order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
    ${join} products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
    LEFT JOIN inventory i ON i.tenant_id = p.tenant_id AND i.product_id = p.id
    WHERE ${revenueOrdersWhere(w, p)}
    GROUP BY ${groupBy}`;
}

function query(build: (p: Params) => string): Query {
  const p = new Params();
  const sql = build(p);
  return { sql, params: p.values };
}

const productSales = (r: Row): ProductSales => ({
  productId: String(r.id),
  sku: String(r.sku),
  name: String(r.name),
  category: (r.category as string | null) ?? null,
  active: num(r.active) === 1,
  onHand: num(r.on_hand),
  units: num(r.units),
  revenueMinor: num(r.revenue),
  orders: num(r.orders),
});

const PRODUCT_COLUMNS = 'p.id AS id, p.sku AS sku, p.name AS name, p.category AS category, p.active AS active';
/** The product columns again, for GROUP BY (Postgres wants every selected column grouped or aggregated). */
const PRODUCT_GROUP = 'p.id, p.sku, p.name, p.category, p.active';

/** Top sellers, category comparison, velocity and slow movers over the last `days` local days. */
export async function getProductAnalytics(
  ctx: ServiceContext,
  queryArgs: { days: number; limit: number },
): Promise<ProductAnalytics & { range: { start: LocalDate; end: LocalDate }; meta: ReportMeta }> {
  const scope = await reportScope(ctx, ['orders:read', 'products:read']);
  const range = { start: addDays(scope.today, 1 - queryArgs.days), end: scope.today };
  const w = windowOf(scope, range);
  const limit = queryArgs.limit;
  const [totals, top, categories, slow] = await runQueries(scope.db, [
    query(
      (p) => `SELECT SUM(l.quantity) AS units, SUM(l.line_total_minor) AS revenue, COUNT(DISTINCT o.id) AS orders,
          COUNT(DISTINCT l.product_id) AS products
        FROM orders o ${analyticsSql().drivingJoin} order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
        WHERE ${revenueOrdersWhere(w, p)}`,
    ),
    query(
      (p) =>
        `${lineSums(w, p, `${PRODUCT_COLUMNS}, i.on_hand AS on_hand`, `l.product_id, ${PRODUCT_GROUP}, i.on_hand`)}
         ORDER BY revenue DESC, units DESC, p.sku LIMIT ${p.add(limit)}`,
    ),
    query((p) => lineSums(w, p, 'p.category AS category, COUNT(DISTINCT l.product_id) AS products', 'p.category')),
    // Active products with stock on hand, joined with their sales (none: 0), slowest first.
    query(
      (p) => `SELECT ${PRODUCT_COLUMNS}, i.on_hand AS on_hand, COALESCE(s.units, 0) AS units,
          COALESCE(s.revenue, 0) AS revenue, COALESCE(s.orders, 0) AS orders
        FROM products p
        JOIN inventory i ON i.tenant_id = p.tenant_id AND i.product_id = p.id
        LEFT JOIN (${lineSums(w, p, 'l.product_id AS product_id', 'l.product_id')}) s ON s.product_id = p.id
        WHERE p.tenant_id = ${p.add(scope.tenantId)} AND p.deleted_at IS NULL AND p.active AND i.on_hand > 0
        ORDER BY units ASC, i.on_hand DESC, p.sku LIMIT ${p.add(limit)}`,
    ),
  ]);
  const t = totals?.[0] ?? {};
  const report = productAnalytics({
    days: queryArgs.days,
    totals: { units: num(t.units), revenueMinor: num(t.revenue), orders: num(t.orders), productsSold: num(t.products) },
    top: (top ?? []).map(productSales),
    categories: (categories ?? []).map((r) => ({
      category: (r.category as string | null) ?? null,
      products: num(r.products),
      units: num(r.units),
      revenueMinor: num(r.revenue),
    })),
    slow: (slow ?? []).map(productSales),
  });
  return { ...report, range, meta: metaOf(scope) };
}
