import type { GeoJsonGeometry } from '../../db/tables';
import type { ServiceContext } from '../../services/context';
import { type Band, bands, type CellAggregate, type CellFeature, cellFeatures, gridSpec } from '../domain/heatmap';
import { addDays, daysBetween, type LocalDate, localDate } from '../domain/timezone';
import { orderSums, type Params, refundSums, visitSums } from '../queries/activity-sql';
import { analyticsSql } from '../queries/dialect';
import { num, type Row, runQueries } from '../queries/run';
import { windowOf } from './activity-sums';
import { metaOf, type ReportMeta, type ReportScope, reportScope } from './report-scope';

export interface HeatmapQuery {
  days: number;
  precision: number;
  gapDays: number;
  gapLimit: number;
}

export interface TerritoryStats {
  territoryId: string | null;
  name: string;
  visits: number;
  orders: number;
  revenueMinor: number;
  revenueBand: Band;
  visitBand: Band;
}

export interface CoverageGap {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: [number, number] } | null;
  properties: {
    customerId: string;
    name: string;
    salesmanId: string | null;
    territoryId: string | null;
    lastVisitAt: string | null;
    /** Local days since the last completed visit; null: never visited. */
    daysSinceVisit: number | null;
  };
}

export interface TerritoryHeatmap {
  range: { start: LocalDate; end: LocalDate };
  precision: number;
  cells: { type: 'FeatureCollection'; features: CellFeature[] };
  territories: {
    type: 'FeatureCollection';
    features: { type: 'Feature'; id: string; geometry: GeoJsonGeometry | null; properties: TerritoryStats }[];
  };
  coverageGaps: { gapDays: number; total: number; type: 'FeatureCollection'; features: CoverageGap[] };
  meta: ReportMeta;
}

/**
 * Visits (by check-in position, else the customer's) and revenue (by the customer's position) on a
 * geohash grid, per territory (the customer's), and the customers nobody visited for `gapDays` days.
 */
export async function getTerritoryHeatmap(ctx: ServiceContext, query: HeatmapQuery): Promise<TerritoryHeatmap> {
  const scope = await reportScope(ctx, ['orders:read', 'visits:read', 'customers:read']);
  const range = { start: addDays(scope.today, 1 - query.days), end: scope.today };
  const w = windowOf(scope, range);
  const g = gridSpec(query.precision);
  const d = analyticsSql();
  const cell = (lat: string, lng: string) => (p: Params) =>
    `${d.least(d.truncInt(`(${lng} + 180.0) * ${p.add(g.columns)} / 360.0`), p.add(g.columns - 1))} || ':' || ` +
    `${d.least(d.truncInt(`(${lat} + 90.0) * ${p.add(g.rows)} / 180.0`), p.add(g.rows - 1))}`;
  const visitLat = 'COALESCE(v.check_in_lat, c.lat)';
  const visitLng = 'COALESCE(v.check_in_lng, c.lng)';
  const located = (lat: string, lng: string) => `${lat} IS NOT NULL AND ${lng} IS NOT NULL`;
  const territoryKey = () => 'c.territory_id';
  const [visitCells, orderCells, refundCells, visitTerr, orderTerr, refundTerr, territories] = await runQueries(
    scope.db,
    [
      visitSums(w, { key: cell(visitLat, visitLng), joinCustomers: true, where: located(visitLat, visitLng) }),
      orderSums(w, { key: cell('c.lat', 'c.lng'), joinCustomers: true, where: located('c.lat', 'c.lng') }),
      refundSums(w, { key: cell('c.lat', 'c.lng'), joinCustomers: true, where: located('c.lat', 'c.lng') }),
      visitSums(w, { key: territoryKey, joinCustomers: true }),
      orderSums(w, { key: territoryKey, joinCustomers: true }),
      refundSums(w, { key: territoryKey, joinCustomers: true }),
      {
        sql: 'SELECT id, name, boundary FROM territories WHERE tenant_id = ?1 AND deleted_at IS NULL',
        params: [scope.tenantId],
      },
    ],
  );
  const cells = new Map<string, CellAggregate>();
  const cellAt = (k: unknown) => {
    const [x, y] = String(k).split(':').map(Number) as [number, number];
    const key = `${x}:${y}`;
    const c = cells.get(key) ?? { x, y, visits: 0, orders: 0, revenueMinor: 0 };
    cells.set(key, c);
    return c;
  };
  for (const r of visitCells ?? []) cellAt(r.k).visits += num(r.visits);
  for (const r of orderCells ?? []) {
    const c = cellAt(r.k);
    c.orders += num(r.orders);
    c.revenueMinor += num(r.gross);
  }
  for (const r of refundCells ?? []) cellAt(r.k).revenueMinor -= num(r.refunds);

  return {
    range,
    precision: query.precision,
    cells: { type: 'FeatureCollection', features: cellFeatures([...cells.values()], query.precision) },
    territories: {
      type: 'FeatureCollection',
      features: territoryFeatures(territories ?? [], visitTerr ?? [], orderTerr ?? [], refundTerr ?? []),
    },
    coverageGaps: await coverageGaps(scope, query.gapDays, query.gapLimit),
    meta: metaOf(scope),
  };
}

function territoryFeatures(territories: Row[], visits: Row[], orders: Row[], refunds: Row[]) {
  const stats = new Map<string, TerritoryStats>();
  const at = (k: unknown) => {
    const key = k === null || k === undefined ? '' : String(k);
    let s = stats.get(key);
    if (!s) {
      s = {
        territoryId: key || null,
        name: key ? '(deleted territory)' : '(no territory)',
        visits: 0,
        orders: 0,
        revenueMinor: 0,
        revenueBand: 'low',
        visitBand: 'low',
      };
      stats.set(key, s);
    }
    return s;
  };
  const geometry = new Map<string, GeoJsonGeometry | null>();
  for (const t of territories) {
    at(t.id).name = String(t.name);
    geometry.set(String(t.id), t.boundary ? (JSON.parse(String(t.boundary)) as GeoJsonGeometry) : null);
  }
  for (const r of visits) at(r.k).visits += num(r.visits);
  for (const r of orders) {
    const s = at(r.k);
    s.orders += num(r.orders);
    s.revenueMinor += num(r.gross);
  }
  for (const r of refunds) at(r.k).revenueMinor -= num(r.refunds);
  const list = [...stats.values()].filter((s) => s.territoryId !== null || s.visits > 0 || s.orders > 0);
  const revenueBands = bands(list.map((s) => s.revenueMinor));
  const visitBands = bands(list.map((s) => s.visits));
  return list
    .map((s, i) => ({
      type: 'Feature' as const,
      id: s.territoryId ?? 'none',
      geometry: s.territoryId ? (geometry.get(s.territoryId) ?? null) : null,
      properties: { ...s, revenueBand: revenueBands[i] as Band, visitBand: visitBands[i] as Band },
    }))
    .sort(
      (a, b) =>
        b.properties.revenueMinor - a.properties.revenueMinor || a.properties.name.localeCompare(b.properties.name),
    );
}

/** Customers without a completed visit since `gapDays` local days ago (never visited first). */
async function coverageGaps(scope: ReportScope, gapDays: number, limit: number) {
  const cutoff = windowOf(scope, { start: addDays(scope.today, -gapDays + 1), end: scope.today }).startMs;
  const own = scope.salesmanId;
  const [rows] = await runQueries(scope.db, [
    {
      sql: `SELECT c.id, c.name, c.lat, c.lng, c.salesman_id, c.territory_id, lv.last, COUNT(*) OVER () AS total
            FROM customers c
            LEFT JOIN (SELECT customer_id, MAX(check_in_at) AS last FROM visits
                       WHERE tenant_id = ?1 AND status = 'completed' AND deleted_at IS NULL GROUP BY customer_id) lv
              ON lv.customer_id = c.id
            WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND (lv.last IS NULL OR lv.last < ?2)${own ? ' AND c.salesman_id = ?4' : ''}
            ORDER BY lv.last IS NOT NULL, lv.last, c.name, c.id LIMIT ?3`,
      params: [scope.tenantId, new Date(cutoff).toISOString(), limit, ...(own ? [own] : [])],
    },
  ]);
  const features: CoverageGap[] = (rows ?? []).map((r) => {
    const last = r.last === null || r.last === undefined ? null : String(r.last);
    return {
      type: 'Feature',
      id: String(r.id),
      geometry: r.lat === null || r.lng === null ? null : { type: 'Point', coordinates: [num(r.lng), num(r.lat)] },
      properties: {
        customerId: String(r.id),
        name: String(r.name),
        salesmanId: (r.salesman_id as string | null) ?? null,
        territoryId: (r.territory_id as string | null) ?? null,
        lastVisitAt: last,
        daysSinceVisit: last === null ? null : daysBetween(localDate(scope.timezone, Date.parse(last)), scope.today),
      },
    };
  });
  return { gapDays, total: num(rows?.[0]?.total), type: 'FeatureCollection' as const, features };
}
