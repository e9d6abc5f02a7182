import { and, between, eq, isNull, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { customers } from '../db/tables';
import { distanceMetres } from '../lib/geo';
import { loadByIds } from './records';
import type { NearQuery, NearResult } from './search-port';

/** Metres per degree of latitude on the mean Earth sphere (the radius src/lib/geo.ts uses). */
const METRES_PER_DEGREE = (Math.PI * 6_371_008.8) / 180;

export interface BoundingBox {
  minLat: number;
  maxLat: number;
  /** One range, or two when the box crosses the antimeridian; null when every longitude qualifies. */
  lngRanges: [number, number][] | null;
}

/**
 * A box that contains every point within `radiusM` of (lat, lng): the cheap SQL prefilter before the
 * exact haversine distance. Near a pole every longitude qualifies.
 */
export function boundingBox(lat: number, lng: number, radiusM: number): BoundingBox {
  const dLat = radiusM / METRES_PER_DEGREE;
  const minLat = Math.max(-90, lat - dLat);
  const maxLat = Math.min(90, lat + dLat);
  const cosLat = Math.cos((Math.max(Math.abs(minLat), Math.abs(maxLat)) * Math.PI) / 180);
  if (maxLat >= 90 || minLat <= -90 || cosLat < 1e-6) return { minLat, maxLat, lngRanges: null };
  const dLng = Math.min(180, dLat / cosLat);
  if (dLng >= 180) return { minLat, maxLat, lngRanges: null };
  const west = lng - dLng;
  const east = lng + dLng;
  if (west < -180)
    return {
      minLat,
      maxLat,
      lngRanges: [
        [west + 360, 180],
        [-180, east],
      ],
    };
  if (east > 180)
    return {
      minLat,
      maxLat,
      lngRanges: [
        [west, 180],
        [-180, east - 360],
      ],
    };
  return { minLat, maxLat, lngRanges: [[west, east]] };
}

/**
 * `GET /v1/customers/near` for the backends that read the database (FTS5 on D1, Postgres): the bounding
 * box is a latitude range scan on customers(tenant_id, lat, lng) with the longitude checked from the same
 * index; exact great-circle distances are computed here and the nearest `limit` are loaded.
 */
export async function customersNear(db: Db, tenantId: string, query: NearQuery): Promise<NearResult> {
  const box = boundingBox(query.lat, query.lng, query.radiusM);
  const lng = box.lngRanges?.map(([west, east]) => between(customers.lng, west, east));
  const inBox = await db
    .select({ id: customers.id, lat: customers.lat, lng: customers.lng })
    .from(customers)
    .where(
      and(
        eq(customers.tenantId, tenantId),
        isNull(customers.deletedAt),
        between(customers.lat, box.minLat, box.maxLat),
        lng ? or(...lng) : undefined,
      ),
    );
  const within = inBox
    .flatMap((r) => (r.lat === null || r.lng === null ? [] : [{ id: r.id, lat: r.lat, lng: r.lng }]))
    .map((r) => ({ id: r.id, distanceM: distanceMetres(query, r) }))
    .filter((r) => r.distanceM <= query.radiusM)
    .sort((a, b) => a.distanceM - b.distanceM || a.id.localeCompare(b.id));
  const page = within.slice(0, query.limit);
  const records = await loadByIds(
    db,
    'customers',
    tenantId,
    page.map((p) => p.id),
  );
  const hits = page.flatMap((p) => {
    const entity = records.get(p.id);
    return entity ? [{ id: p.id, distanceM: Math.round(p.distanceM * 10) / 10, entity }] : [];
  });
  return { hits, total: within.length };
}
