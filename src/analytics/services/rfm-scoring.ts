import type { Db } from '../../db/client';
import { type CustomerActivity, type RfmRow, scoreRfm } from '../domain/rfm';
import { localDate, localDateIn, offsetSegments } from '../domain/timezone';
import { customerOrderTotals, customerRefunds } from '../queries/rfm-activity';
import { runRows } from '../queries/run';

/**
 * Loads what RFM needs per customer with two GROUP BYs (orders; refunds capped per order) over the
 * tenant's live customers, and scores it (domain/rfm.ts). Customers without a revenue order are not
 * returned here: the nightly job stores them as prospects with one INSERT … SELECT.
 */
export async function computeRfm(db: Db, tenantId: string, timezone: string, asOfMs: number): Promise<RfmRow[]> {
  const asOf = new Date(asOfMs).toISOString();
  const [orders, refunds] = await Promise.all([
    runRows<[string, number, number, number]>(db, customerOrderTotals(tenantId, asOf)),
    runRows<[string, number]>(db, customerRefunds(tenantId, asOf)),
  ]);
  const refunded = new Map(refunds.map(([id, amount]) => [id, amount]));
  let earliest = asOfMs;
  for (const row of orders) earliest = Math.min(earliest, row[3]);
  // One Intl pass for the DST transitions, then each last order's local date by binary search.
  const segments = offsetSegments(timezone, earliest, asOfMs + 1);
  const activity: CustomerActivity[] = orders.map(([id, n, total, last]) => ({
    customerId: id,
    lastOrderDate: localDateIn(segments, last),
    frequency: n,
    monetaryMinor: total - (refunded.get(id) ?? 0),
  }));
  return scoreRfm(activity, localDate(timezone, asOfMs));
}
