import type { ServiceContext } from '../../services/context';
import type { DateRange } from '../domain/periods';
import { type SalesReport, type SalesReportKind, salesReport } from '../domain/sales-report';
import { addDays, addMonths, eachDay, isoWeekday, type LocalDate } from '../domain/timezone';
import {
  localDaySql,
  localHourSql,
  orderSums,
  Params,
  type Query,
  refundSums,
  revenueOrdersWhere,
  unitSums,
} from '../queries/activity-sql';
import { analyticsSql } from '../queries/dialect';
import { num, type Row, runQueries } from '../queries/run';
import { windowOf } from './activity-sums';
import { assertNotFuture, metaOf, type ReportMeta, type ReportScope, reportScope } from './report-scope';

/** The daily, weekly and monthly sales reports. */

type Meta = { meta: ReportMeta };

/** Sales of one range: totals, a breakdown (by local hour for one day, else by day) and the top 10 products. */
export async function salesReportFor(
  scope: ReportScope,
  kind: SalesReportKind,
  range: DateRange,
): Promise<SalesReport & Meta> {
  const w = windowOf(scope, range);
  const byHour = kind === 'daily';
  const key = (p: Params) => (byHour ? localHourSql('o.ordered_at', w, p) : localDaySql('o.ordered_at', w, p));
  const all = () => "'all'";
  const top: Query = (() => {
    const p = new Params();
    const join = analyticsSql().drivingJoin;
    const sql = `SELECT l.product_id AS id, p.sku AS sku, p.name AS name, SUM(l.quantity) AS units, SUM(l.line_total_minor) AS revenue
      FROM orders o ${join} order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
      ${join} products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
      WHERE ${revenueOrdersWhere(w, p)}
      GROUP BY l.product_id, p.sku, p.name ORDER BY revenue DESC, units DESC, p.sku LIMIT 10`;
    return { sql, params: p.values };
  })();
  const [orders, refunds, units, hOrders, hRefunds, hUnits, topRows] = await runQueries(scope.db, [
    orderSums(w, { key: all }),
    refundSums(w, { key: all }),
    unitSums(w, { key: all }),
    orderSums(w, { key }),
    refundSums(w, { key }),
    unitSums(w, { key }),
    top,
  ]);
  const keys = byHour
    ? Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'))
    : eachDay(range.start, range.end);
  const pick = (rows: Row[] | undefined, k: string, col: string) => num(rows?.find((r) => String(r.k) === k)?.[col]);
  const breakdown = keys.map((k) => ({
    key: byHour ? `${k}:00` : k,
    label: byHour ? `${k}:00–${k}:59` : k,
    revenueMinor: pick(hOrders, k, 'gross') - pick(hRefunds, k, 'refunds'),
    orders: pick(hOrders, k, 'orders'),
    items: pick(hUnits, k, 'units'),
  }));
  const report = salesReport(
    kind,
    range,
    {
      revenueMinor: pick(orders, 'all', 'gross') - pick(refunds, 'all', 'refunds'),
      refundsMinor: pick(refunds, 'all', 'refunds'),
      orders: pick(orders, 'all', 'orders'),
      items: pick(units, 'all', 'units'),
    },
    breakdown,
    (topRows ?? []).map((r) => ({
      productId: String(r.id),
      sku: String(r.sku),
      name: String(r.name),
      units: num(r.units),
      revenueMinor: num(r.revenue),
    })),
  );
  return { ...report, meta: metaOf(scope) };
}

const PERMISSIONS = ['orders:read'] as const;

export async function getDailySales(ctx: ServiceContext, query: { date?: LocalDate | undefined }) {
  const scope = await reportScope(ctx, [...PERMISSIONS]);
  const date = query.date ?? scope.today;
  assertNotFuture(scope, date, 'date');
  return salesReportFor(scope, 'daily', { start: date, end: date });
}

export async function getWeeklySales(ctx: ServiceContext, query: { startDate?: LocalDate | undefined }) {
  const scope = await reportScope(ctx, [...PERMISSIONS]);
  const start = query.startDate ?? addDays(scope.today, 1 - isoWeekday(scope.today));
  assertNotFuture(scope, start, 'startDate');
  return salesReportFor(scope, 'weekly', { start, end: addDays(start, 6) });
}

export async function getMonthlySales(
  ctx: ServiceContext,
  query: { year?: number | undefined; month?: number | undefined },
) {
  const scope = await reportScope(ctx, [...PERMISSIONS]);
  const year = query.year ?? Number(scope.today.slice(0, 4));
  const month = query.month ?? Number(scope.today.slice(5, 7));
  const start = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
  assertNotFuture(scope, start, 'month');
  return salesReportFor(scope, 'monthly', { start, end: addDays(addMonths(start, 1), -1) });
}
