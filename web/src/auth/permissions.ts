import type { Role } from '../api/types';

/**
 * The API's permissions (src/auth/permissions.ts, docs/api.md "Tenancy and roles"), mirrored so the app
 * offers only what the server will accept: a button that can only answer 403 is not shown. The server
 * stays the judge; this only decides what to show.
 */
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

const ADMIN_ONLY: readonly Permission[] = [
  'tenant:write',
  'users:write',
  'api_keys:manage',
  'webhooks:manage',
  'audit:read',
];
const READ_ALL = PERMISSIONS.filter((p) => p.endsWith(':read') && !ADMIN_ONLY.includes(p));

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
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
  viewer: new Set(READ_ALL),
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

/** Report e-mails go to outside addresses with tenant-wide figures: owners, admins and managers only. */
export const canManageReports = (role: Role): boolean => role === 'owner' || role === 'admin' || role === 'manager';

export const ROLES: readonly Role[] = ['owner', 'admin', 'manager', 'salesman', 'viewer'];
const RANK: Record<Role, number> = { owner: 4, admin: 3, manager: 2, salesman: 1, viewer: 0 };

/** Roles `role` may give (nobody grants above their own), highest first. */
export function grantableRoles(role: Role): Role[] {
  return can(role, 'users:write') ? ROLES.filter((r) => RANK[r] <= RANK[role]) : [];
}

/** Whether `role` may change a user who has `target` (nobody manages someone ranked above them). */
export const canManageUser = (role: Role, target: Role): boolean =>
  can(role, 'users:write') && RANK[target] <= RANK[role];

/** The scopes an API key made by `role` may carry: never more than its creator has. */
export const grantableScopes = (role: Role): Permission[] => PERMISSIONS.filter((p) => can(role, p));
