// The parts of the API's response bodies the app reads (the full shapes: /openapi.json).

export type Role = 'owner' | 'admin' | 'manager' | 'salesman' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Tenant {
  id: string;
  name: string;
  timezone: string;
  currency: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Access token lifetime, seconds. */
  expiresIn: number;
}

export interface SessionBody extends TokenPair {
  user: User;
  tenant: Tenant;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type AreaGeometry =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

export interface Territory {
  id: string;
  name: string;
  description: string | null;
  boundary: AreaGeometry | null;
}

export interface Salesman {
  id: string;
  userId: string | null;
  territoryId: string | null;
  name: string;
  employeeCode: string | null;
  active: boolean;
}

export interface LiveLocationBody {
  salesmanId: string;
  lat: number;
  lng: number;
  accuracy: number;
  ts: number;
}

export interface OnlineSalesman {
  salesmanId: string;
  status: 'online' | 'idle' | 'on_visit' | 'offline';
  since: string;
  location: LiveLocationBody | null;
}

export interface Kpis {
  revenueMinor: number;
  orders: number;
  visits: number;
  strikeRatePct: number | null;
}

export interface ExecutiveReport {
  period: { type: string; start: string; end: string; complete: boolean };
  kpis: Kpis;
  meta: { timezone: string; currency: string; generatedAt: string };
}
