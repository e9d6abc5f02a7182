import type { Permission } from '../auth/permissions';

export const ACTIONS = ['read', 'write', 'manage'] as const;
export type ScopeAction = (typeof ACTIONS)[number];

export interface ScopeGroup {
  resource: string;
  label: string;
  /** The scope for each action the resource has, e.g. { read: 'orders:read', write: 'orders:write' }. */
  scopes: Partial<Record<ScopeAction, Permission>>;
}

const LABEL: Record<string, string> = {
  tenant: 'Organisation settings',
  users: 'Users',
  api_keys: 'API keys',
  webhooks: 'Webhooks',
  customers: 'Customers',
  products: 'Products',
  inventory: 'Inventory',
  salesmen: 'Salesmen',
  territories: 'Territories',
  visits: 'Visits',
  orders: 'Orders',
  payments: 'Payments',
  targets: 'Targets',
  events: 'Event log',
};

/** Scopes as a grid: one row per resource, a column per action, in the API's order. */
export function scopeGroups(scopes: readonly Permission[]): ScopeGroup[] {
  const groups = new Map<string, ScopeGroup>();
  for (const scope of scopes) {
    const [resource = scope, action] = scope.split(':') as [string, ScopeAction];
    const group = groups.get(resource) ?? { resource, label: LABEL[resource] ?? resource, scopes: {} };
    group.scopes[action] = scope;
    groups.set(resource, group);
  }
  return [...groups.values()];
}

/** The read scopes among `scopes`: a key for dashboards and exports. */
export const readOnly = (scopes: readonly Permission[]): Permission[] => scopes.filter((s) => s.endsWith(':read'));
