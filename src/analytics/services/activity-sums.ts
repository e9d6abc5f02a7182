import { type ActivityTotals, type DailyPoint, fillDaily, ZERO_TOTALS } from '../domain/metrics';
import type { DateRange } from '../domain/periods';
import { eachDay, localRange, offsetSegments } from '../domain/timezone';
import {
  cancelledCount,
  type LocalClock,
  localDaySql,
  newCustomersCount,
  orderSums,
  refundSums,
  strikeSums,
  visitSums,
  type Window,
} from '../queries/activity-sql';
import { num, type Row, runQueries } from '../queries/run';
import type { ReportScope } from './report-scope';

/** The activity sums every report is built from (orders, refunds, visits, strikes), loaded per date range. */

/** A range as UTC instants, with the tenant's clock over it (for local days and hours in SQL). */
export function windowOf(scope: ReportScope, range: DateRange): Window & LocalClock {
  const local = localRange(scope.timezone, range.start, range.end);
  const startMs = local.startMs;
  // A running period stops at its `until` (now, or the same time of day in the span it is compared with).
  const endMs = range.until ? Math.min(local.endMs, Date.parse(range.until)) : local.endMs;
  return {
    tenantId: scope.tenantId,
    startMs,
    endMs,
    salesmanId: scope.salesmanId,
    timezone: scope.timezone,
    segments: offsetSegments(scope.timezone, startMs, endMs),
  };
}

/** Merges the four sums (orders, refunds, visits, strikes) by group key into ActivityTotals. */
function mergeActivity(orders: Row[], refunds: Row[], visits: Row[], strikes: Row[]): Map<string, ActivityTotals> {
  const out = new Map<string, ActivityTotals>();
  const at = (k: unknown) => {
    const key = String(k ?? '');
    let t = out.get(key);
    if (!t) {
      t = { ...ZERO_TOTALS };
      out.set(key, t);
    }
    return t;
  };
  for (const r of orders) {
    const t = at(r.k);
    t.orders = num(r.orders);
    t.revenueMinor += num(r.gross);
    t.customers = num(r.customers);
  }
  for (const r of refunds) {
    const t = at(r.k);
    t.refundsMinor = num(r.refunds);
    t.revenueMinor -= num(r.refunds);
  }
  for (const r of visits) {
    const t = at(r.k);
    t.visits = num(r.visits);
    t.timeOnSiteMinutes = num(r.minutes);
    t.timedVisits = num(r.timed);
  }
  for (const r of strikes) at(r.k).visitsWithOrder = num(r.with_order);
  return out;
}

export type ActivityGroup = 'all' | 'day' | 'salesman';

/** Activity sums for a date range, in one round trip, grouped by nothing, local day or salesman. */
export async function activityBy(
  scope: ReportScope,
  range: DateRange,
  group: ActivityGroup,
): Promise<Map<string, ActivityTotals>> {
  const w = windowOf(scope, range);
  const orderKey = (p: Parameters<typeof localDaySql>[2]) =>
    group === 'day' ? localDaySql('o.ordered_at', w, p) : group === 'salesman' ? 'o.salesman_id' : "'all'";
  const visitKey = (p: Parameters<typeof localDaySql>[2]) =>
    group === 'day' ? localDaySql('v.check_in_at', w, p) : group === 'salesman' ? 'v.salesman_id' : "'all'";
  const [orders, refunds, visits, strikes] = await runQueries(scope.db, [
    orderSums(w, { key: orderKey }),
    refundSums(w, { key: orderKey }),
    visitSums(w, { key: visitKey }),
    strikeSums(w, { key: visitKey }),
  ]);
  return mergeActivity(orders ?? [], refunds ?? [], visits ?? [], strikes ?? []);
}

export async function activityTotals(scope: ReportScope, range: DateRange): Promise<ActivityTotals> {
  return (await activityBy(scope, range, 'all')).get('all') ?? { ...ZERO_TOTALS };
}

/** One point per local day of the range (zeros included). */
export async function dailySeries(scope: ReportScope, range: DateRange): Promise<DailyPoint[]> {
  const byDay = await activityBy(scope, range, 'day');
  const revenue = new Map([...byDay].map(([day, t]) => [day, { revenueMinor: t.revenueMinor, orders: t.orders }]));
  const visits = new Map([...byDay].map(([day, t]) => [day, t.visits]));
  return fillDaily(eachDay(range.start, range.end), revenue, visits);
}

/** Cancelled orders and new customers of a range. */
export async function extrasFor(
  scope: ReportScope,
  range: DateRange,
): Promise<{ cancelledOrders: number; newCustomers: number }> {
  const w = windowOf(scope, range);
  const [cancelled, created] = await runQueries(scope.db, [cancelledCount(w), newCustomersCount(w)]);
  return { cancelledOrders: num(cancelled?.[0]?.n), newCustomers: num(created?.[0]?.n) };
}

export async function activityTotalsWithExtras(scope: ReportScope, range: DateRange) {
  const [totals, extras] = await Promise.all([activityTotals(scope, range), extrasFor(scope, range)]);
  return { ...totals, ...extras };
}
