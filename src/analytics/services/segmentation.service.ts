import { decodeCursor, encodeCursor } from '../../db/pagination';
import type { ServiceContext } from '../../services/context';
import { type RfmThresholds, rfmThresholds, type SegmentSummary, summarizeSegments } from '../domain/rfm';
import { isSegment, SEGMENT_RULES, type Segment } from '../domain/segments';
import { num, type Row, runQueries, runQuery } from '../queries/run';
import { metaOf, type ReportMeta, reportScope } from './report-scope';
import { computeRfm } from './rfm-scoring';

export interface SegmentedCustomer {
  customerId: string;
  name: string;
  salesmanId: string | null;
  segment: Segment;
  previousSegment: Segment | null;
  recencyDays: number | null;
  frequency: number;
  monetaryMinor: number;
  lastOrderDate: string | null;
  r: number | null;
  f: number | null;
  m: number | null;
}

export interface CustomerSegmentation {
  run: {
    runDate: string;
    asOf: string;
    completedAt: string | null;
    previousRunDate: string | null;
    live: boolean;
  } | null;
  rules: Record<Segment, string>;
  thresholds: RfmThresholds | null;
  segments: (SegmentSummary & { movedIn: number; movedOut: number })[];
  customers: { segment: Segment | null; data: SegmentedCustomer[]; nextCursor: string | null };
  meta: ReportMeta;
}

const SORT = 'rfm-monetary';

/**
 * The latest nightly snapshot: per-segment counts and revenue share, and one page of customers (of one
 * segment, or all), biggest spenders first. A salesman sees his own customers only. Before the first
 * nightly run the scores are computed live (and nobody has a previous segment yet).
 */
export async function getCustomerSegmentation(
  ctx: ServiceContext,
  query: { segment?: Segment | undefined; limit: number; cursor?: string | undefined },
): Promise<CustomerSegmentation> {
  const scope = await reportScope(ctx, ['orders:read', 'customers:read']);
  const after = query.cursor ? decodeCursor(query.cursor, SORT) : null;
  const [run] = await runQuery(scope.db, {
    sql: `SELECT run_date, as_of, completed_at, previous_run_date, thresholds FROM rfm_runs
          WHERE tenant_id = ?1 AND status = 'completed' ORDER BY run_date DESC LIMIT 1`,
    params: [scope.tenantId],
  });
  const own = scope.salesmanId;
  if (!run) return liveSegmentation(scope, query, after, own);

  const runDate = String(run.run_date);
  const base = own
    ? 'JOIN customers c ON c.tenant_id = s.tenant_id AND c.id = s.customer_id AND c.salesman_id = ?3'
    : '';
  const params = [scope.tenantId, runDate, ...(own ? [own] : [])];
  const [summary, moves] = await runQueries(scope.db, [
    {
      sql: `SELECT s.segment, COUNT(*) AS customers, SUM(s.monetary_minor) AS revenue FROM rfm_scores s ${base}
            WHERE s.tenant_id = ?1 AND s.run_date = ?2 GROUP BY s.segment`,
      params,
    },
    {
      sql: `SELECT s.segment, s.previous_segment, COUNT(*) AS n FROM rfm_scores s ${base}
            WHERE s.tenant_id = ?1 AND s.run_date = ?2 AND s.previous_segment IS NOT NULL AND s.segment <> s.previous_segment
            GROUP BY s.segment, s.previous_segment`,
      params,
    },
  ]);
  const p: unknown[] = [...params];
  const conditions = ['s.tenant_id = ?1', 's.run_date = ?2'];
  if (query.segment) conditions.push(`s.segment = ?${p.push(query.segment)}`);
  if (after) {
    const v = `?${p.push(after.v)}`;
    const id = `?${p.push(after.id)}`;
    conditions.push(`(s.monetary_minor < ${v} OR (s.monetary_minor = ${v} AND s.customer_id > ${id}))`);
  }
  const rows = await runQuery(scope.db, {
    sql: `SELECT s.*, c.name AS name, c.salesman_id AS salesman_id FROM rfm_scores s
          JOIN customers c ON c.tenant_id = s.tenant_id AND c.id = s.customer_id${own ? ' AND c.salesman_id = ?3' : ''}
          WHERE ${conditions.join(' AND ')}
          ORDER BY s.monetary_minor DESC, s.customer_id LIMIT ?${p.push(query.limit + 1)}`,
    params: p,
  });
  const thresholds = run.thresholds ? (JSON.parse(String(run.thresholds)) as RfmThresholds) : null;
  return {
    run: {
      runDate,
      asOf: String(run.as_of),
      completedAt: (run.completed_at as string | null) ?? null,
      previousRunDate: (run.previous_run_date as string | null) ?? null,
      live: false,
    },
    rules: SEGMENT_RULES,
    thresholds,
    segments: withMoves(
      summarizeSegments(
        (summary ?? []).flatMap((r) =>
          isSegment(String(r.segment))
            ? [{ segment: r.segment as Segment, monetaryMinor: num(r.revenue), customers: num(r.customers) }]
            : [],
        ),
      ),
      moves ?? [],
    ),
    customers: page(rows.map(storedCustomer), query),
    meta: metaOf(scope),
  };
}

function withMoves(summary: SegmentSummary[], moves: Row[]) {
  return summary.map((s) => ({
    ...s,
    movedIn: moves.filter((m) => m.segment === s.segment).reduce((n, m) => n + num(m.n), 0),
    movedOut: moves.filter((m) => m.previous_segment === s.segment).reduce((n, m) => n + num(m.n), 0),
  }));
}

const storedCustomer = (r: Row): SegmentedCustomer => ({
  customerId: String(r.customer_id),
  name: String(r.name),
  salesmanId: (r.salesman_id as string | null) ?? null,
  segment: r.segment as Segment,
  previousSegment: isSegment(r.previous_segment as string | null) ? (r.previous_segment as Segment) : null,
  recencyDays: (r.recency_days as number | null) ?? null,
  frequency: num(r.frequency),
  monetaryMinor: num(r.monetary_minor),
  lastOrderDate: (r.last_order_date as string | null) ?? null,
  r: (r.r as number | null) ?? null,
  f: (r.f as number | null) ?? null,
  m: (r.m as number | null) ?? null,
});

/** The most customers one export (CSV or PDF) lists; beyond it the document says how many were left out. */
export const SEGMENTATION_EXPORT_MAX = 50_000;

/**
 * The segmentation with every customer (of the segment, or all) instead of one page: what CSV and PDF
 * exports carry. Read page by page (200 at a time) from the same query the API pages with.
 */
export async function getCustomerSegmentationExport(
  ctx: ServiceContext,
  query: { segment?: Segment | undefined },
  max = SEGMENTATION_EXPORT_MAX,
): Promise<CustomerSegmentation> {
  const first = await getCustomerSegmentation(ctx, { segment: query.segment, limit: 200 });
  const data = [...first.customers.data];
  let cursor = first.customers.nextCursor;
  while (cursor && data.length < max) {
    const next = await getCustomerSegmentation(ctx, { segment: query.segment, limit: 200, cursor });
    data.push(...next.customers.data);
    cursor = next.customers.nextCursor;
  }
  const kept = data.slice(0, max);
  return {
    ...first,
    customers: { ...first.customers, data: kept, nextCursor: data.length > max || cursor ? cursor : null },
  };
}

function page(rows: SegmentedCustomer[], query: { segment?: Segment | undefined; limit: number }) {
  const hasMore = rows.length > query.limit;
  const data = hasMore ? rows.slice(0, query.limit) : rows;
  const last = data.at(-1);
  return {
    segment: query.segment ?? null,
    data,
    nextCursor: hasMore && last ? encodeCursor({ s: SORT, v: last.monetaryMinor, id: last.customerId }) : null,
  };
}

async function liveSegmentation(
  scope: Awaited<ReturnType<typeof reportScope>>,
  query: { segment?: Segment | undefined; limit: number },
  after: { v: string | number; id: string } | null,
  own: string | null,
): Promise<CustomerSegmentation> {
  const scored = await computeRfm(scope.db, scope.tenantId, scope.timezone, scope.nowMs);
  const customers = await runQuery(scope.db, {
    sql: `SELECT id, name, salesman_id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL${own ? ' AND salesman_id = ?2' : ''}`,
    params: own ? [scope.tenantId, own] : [scope.tenantId],
  });
  const byId = new Map(scored.map((r) => [r.customerId, r]));
  const all: SegmentedCustomer[] = customers.map((c) => {
    const r = byId.get(String(c.id));
    return {
      customerId: String(c.id),
      name: String(c.name),
      salesmanId: (c.salesman_id as string | null) ?? null,
      segment: r?.segment ?? 'prospect',
      previousSegment: null,
      recencyDays: r?.recencyDays ?? null,
      frequency: r?.frequency ?? 0,
      monetaryMinor: r?.monetaryMinor ?? 0,
      lastOrderDate: null,
      r: r?.r ?? null,
      f: r?.f ?? null,
      m: r?.m ?? null,
    };
  });
  const listed = all
    .filter((c) => !query.segment || c.segment === query.segment)
    .sort((a, b) => b.monetaryMinor - a.monetaryMinor || a.customerId.localeCompare(b.customerId))
    .filter(
      (c) =>
        !after || c.monetaryMinor < Number(after.v) || (c.monetaryMinor === Number(after.v) && c.customerId > after.id),
    );
  return {
    run: {
      runDate: scope.today,
      asOf: new Date(scope.nowMs).toISOString(),
      completedAt: null,
      previousRunDate: null,
      live: true,
    },
    rules: SEGMENT_RULES,
    thresholds: rfmThresholds(scored),
    segments: withMoves(summarizeSegments(all), []),
    customers: page(listed.slice(0, query.limit + 1), query),
    meta: metaOf(scope),
  };
}
