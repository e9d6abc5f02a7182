// The admin fields of users, salesmen and territories the Team screen reads (full shapes: /openapi.json).
import type { Role, Salesman, Territory } from '../api/types';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  lastLoginAt: string | null;
  version: number;
}

export interface SalesmanRecord extends Salesman {
  phone: string | null;
  version: number;
}

export interface TerritoryRecord extends Territory {
  version: number;
}
