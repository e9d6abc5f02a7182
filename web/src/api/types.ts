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

export type Verdict = 'verified' | 'out_of_range' | 'unverified';

export interface Visit {
  id: string;
  customerId: string;
  salesmanId: string;
  status: 'planned' | 'in_progress' | 'completed' | 'cancelled';
  plannedAt: string | null;
  checkInAt: string | null;
  checkInLat: number | null;
  checkInLng: number | null;
  checkInDistanceM: number | null;
  verdict: Verdict | null;
  checkOutAt: string | null;
  outcome: string | null;
  createdAt: string;
}

export interface Order {
  id: string;
  customerId: string;
  salesmanId: string | null;
  visitId: string | null;
  status: 'draft' | 'confirmed' | 'fulfilled' | 'cancelled';
  currency: string;
  totalMinor: number;
  paidMinor: number;
  orderedAt: string;
}

export interface Customer {
  id: string;
  name: string;
}

export interface TargetAttainment {
  asOf: string | null;
  revenueMinor: number;
  visits: number;
  revenuePct: number | null;
  visitPct: number | null;
  elapsedPct: number;
}

export interface Target {
  id: string;
  salesmanId: string;
  periodType: 'month' | 'quarter' | 'year';
  periodStart: string;
  periodEnd: string;
  revenueGoalMinor: number;
  visitGoal: number;
  attainment?: TargetAttainment;
}
