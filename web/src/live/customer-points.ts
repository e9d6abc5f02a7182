import { loadAll } from '../api/pages';

/** A customer as the Live map draws it: where he is, and what a click on him says. */
export interface CustomerPoint {
  id: string;
  name: string;
  city: string | null;
  lat: number;
  lng: number;
}

interface CustomerRow {
  id: string;
  name: string;
  city: string | null;
  lat: number | null;
  lng: number | null;
}

/** Customers beyond this are not drawn (the map says so): a few thousand is what the screen is for. */
export const CUSTOMER_CAP = 10_000;

/** Every customer with a position (`GET /v1/customers`, page by page), up to `cap`. */
export async function loadCustomerPoints(
  auth: { fetch<T>(path: string): Promise<T> },
  cap = CUSTOMER_CAP,
): Promise<{ points: CustomerPoint[]; read: number }> {
  const rows = await loadAll<CustomerRow>(auth, '/v1/customers', cap);
  return { points: located(rows), read: rows.length };
}

export function located(rows: CustomerRow[]): CustomerPoint[] {
  const points: CustomerPoint[] = [];
  for (const r of rows) {
    if (r.lat === null || r.lng === null || !Number.isFinite(r.lat) || !Number.isFinite(r.lng)) continue;
    points.push({ id: r.id, name: r.name, city: r.city, lat: r.lat, lng: r.lng });
  }
  return points;
}
