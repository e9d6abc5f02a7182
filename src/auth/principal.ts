import type { Role } from '../db/tables';
import { AppError, ErrorCode } from '../lib/errors';
import { PERMISSIONS, type Permission } from './permissions';

/** Who is calling, derived only from a verified credential (JWT or API key). */
export interface Principal {
  tenantId: string;
  /** `system` is the platform itself acting for the tenant (the realtime hub, cron jobs). */
  kind: 'user' | 'api_key' | 'system';
  /** User id, API key id, or the name of the system component. */
  id: string;
  role: Role | null;
  /** Set for salesman users: their salesman profile. Services restrict rows to it. */
  salesmanId: string | null;
  permissions: ReadonlySet<Permission>;
  /** For an API key: the user whose authority it carries (see `api_keys.owner_id`). */
  owner?: { id: string; role: Role };
  /** For a signed-in user: the login (refresh-token family) his access token belongs to. */
  sessionId?: string;
  /** For a signed-in user: when he last proved his second factor (ms since the epoch), for step-up. */
  secondFactorAt?: number;
  /** The organisation requires 2FA of this owner/admin, who has not enrolled: he may only enrol. */
  mustEnrolTwoFactor?: boolean;
}

export function requirePermission(principal: Principal, permission: Permission): void {
  if (!principal.permissions.has(permission)) {
    throw new AppError(ErrorCode.FORBIDDEN, `Missing permission ${permission}`);
  }
}

/**
 * The salesman whose rows this principal is limited to, or null when it may see the whole tenant.
 * A salesman user without a salesman profile is limited to nothing at all: the nil UUID, which no
 * salesman has (and which is still a valid id where the column is a Postgres uuid).
 */
export function ownSalesmanScope(principal: Principal): string | null {
  if (principal.role !== 'salesman') return null;
  return principal.salesmanId ?? NO_SALESMAN;
}

const NO_SALESMAN = '00000000-0000-0000-0000-000000000000';

/** The platform acting inside one tenant (hub catch-up, GPS trail flush, scheduled jobs). */
export const systemPrincipal = (tenantId: string, component: string): Principal => ({
  tenantId,
  kind: 'system',
  id: `system:${component}`,
  role: null,
  salesmanId: null,
  permissions: new Set(PERMISSIONS),
});
