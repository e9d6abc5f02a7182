import type { Role } from '../db/tables';

export const PERMISSIONS = [
  'tenant:write',
  'users:read',
  'users:write',
  'api_keys:manage',
  'webhooks:manage',
  'customers:read',
  'customers:write',
  'products:read',
  'products:write',
  'inventory:read',
  'inventory:write',
  'salesmen:read',
  'salesmen:write',
  'territories:read',
  'territories:write',
  'visits:read',
  'visits:write',
  'orders:read',
  'orders:write',
  'payments:read',
  'payments:write',
  'targets:read',
  'targets:write',
  'events:read',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ADMIN_ONLY: Permission[] = ['tenant:write', 'users:write', 'api_keys:manage', 'webhooks:manage', 'audit:read'];
const READ_ALL = PERMISSIONS.filter((p) => p.endsWith(':read') && !ADMIN_ONLY.includes(p));

/**
 * What each role may do. Row-level rules (a salesman only sees his own visits, orders and payments) are
 * applied by the services on top of these, from `principal.salesmanId`.
 */
export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(PERMISSIONS),
  manager: new Set(PERMISSIONS.filter((p) => !ADMIN_ONLY.includes(p))),
  salesman: new Set<Permission>([
    'customers:read',
    'products:read',
    'inventory:read',
    'salesmen:read',
    'territories:read',
    'visits:read',
    'visits:write',
    'orders:read',
    'orders:write',
    'payments:read',
    'payments:write',
    'targets:read',
  ]),
  // Viewers watch: every list, and the live event stream that dashboards are built on.
  viewer: new Set(READ_ALL),
};

/** Roles a user may grant: nobody can create or promote someone above themselves. */
export const ROLE_RANK: Record<Role, number> = { owner: 4, admin: 3, manager: 2, salesman: 1, viewer: 0 };
