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
