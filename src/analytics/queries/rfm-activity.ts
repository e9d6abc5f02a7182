import { REVENUE_STATUSES } from './activity-sql';
import { analyticsSql } from './dialect';
import type { Query } from './query';

/**
 * What RFM needs per customer, as two GROUP BYs over the tenant's live customers' revenue orders placed
 * before `asOf` (positional params: ?1 tenant, ?2 as-of instant). Rows are read as arrays (runRows).
 */
const live = `o.tenant_id = ?1 AND o.status IN ${REVENUE_STATUSES} AND o.deleted_at IS NULL AND o.ordered_at < ?2
    AND c.deleted_at IS NULL`;
const customerOn = 'customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id';

/**
 * [customer, revenue orders, their gross total, last ordered_at in epoch ms] per customer. The instant
 * comes as a number: 100,000 timestamps to parse back from text cost the scoring step more than the sums.
 */
export function customerOrderTotals(tenantId: string, asOf: string): Query {
  const d = analyticsSql();
  return {
    sql: `SELECT o.customer_id, COUNT(*), SUM(o.total_minor), ${d.epochMs('MAX(o.ordered_at)')}
          FROM orders o JOIN ${customerOn} WHERE ${live} GROUP BY o.customer_id`,
    params: [tenantId, asOf],
  };
}

/** [customer, refunded amount] per customer, each order's refunds capped at its total. */
export function customerRefunds(tenantId: string, asOf: string): Query {
  const d = analyticsSql();
  return {
    sql: `SELECT o.customer_id, SUM(${d.least('r.refunded', 'o.total_minor')})
          FROM (SELECT order_id, SUM(amount_minor) AS refunded FROM payments
                WHERE tenant_id = ?1 AND status = 'refunded' AND deleted_at IS NULL GROUP BY order_id) r
          ${d.drivingJoin} orders o ON o.tenant_id = ?1 AND o.id = r.order_id ${d.drivingJoin} ${customerOn}
          WHERE ${live} GROUP BY o.customer_id`,
    params: [tenantId, asOf],
  };
}
