import type { Role } from '../db/schema';
import { AppError, ErrorCode } from '../lib/errors';
import type { Permission } from './permissions';

/** Who is calling, derived only from a verified credential (JWT or API key). */
export interface Principal {
  tenantId: string;
  kind: 'user' | 'api_key';
  /** User id, or API key id. */
  id: string;
  role: Role | null;
  /** Set for salesman users: their salesman profile. Services restrict rows to it. */
  salesmanId: string | null;
  permissions: ReadonlySet<Permission>;
}

export function requirePermission(principal: Principal, permission: Permission): void {
  if (!principal.permissions.has(permission)) {
    throw new AppError(ErrorCode.FORBIDDEN, `Missing permission ${permission}`);
  }
}

/**
 * The salesman whose rows this principal is limited to, or null when it may see the whole tenant.
 * A salesman user without a salesman profile is limited to nothing at all.
 */
export function ownSalesmanScope(principal: Principal): string | null {
  if (principal.role !== 'salesman') return null;
  return principal.salesmanId ?? '__no_salesman_profile__';
}
