import { and, eq, isNull } from 'drizzle-orm';
import { type PlanTier, tenants } from '../db/tables';
import { AppError, ErrorCode } from '../lib/errors';
import { toUtcIso } from '../lib/time';
import type { ServiceContext } from './context';

export interface TenantSettings {
  name: string;
  plan: PlanTier;
  currency: string;
  timezone: string;
  checkInRadiusM: number;
}

/**
 * The caller's tenant (never another's): its name and plan, currency for prices and orders, radius for
 * check-ins, timezone for reports.
 */
export async function tenantSettings(ctx: ServiceContext): Promise<TenantSettings> {
  const row = await findTenantSettings(ctx);
  // The credential was issued for this tenant, so the row exists unless the tenant was removed since.
  if (!row) throw new AppError(ErrorCode.UNAUTHENTICATED, 'This organisation no longer exists');
  return row;
}

/** The caller's tenant settings, or null once the tenant is removed (a job may outlive its tenant). */
export async function findTenantSettings(ctx: ServiceContext): Promise<TenantSettings | null> {
  const [row] = await ctx.db
    .select({
      name: tenants.name,
      plan: tenants.plan,
      currency: tenants.currency,
      timezone: tenants.timezone,
      checkInRadiusM: tenants.checkInRadiusM,
    })
    .from(tenants)
    .where(and(eq(tenants.id, ctx.principal.tenantId), isNull(tenants.deletedAt)))
    .limit(1);
  return row ?? null;
}

/** Devices drift: an offline device's timestamp may be a little ahead of the server, but not more. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * A client-supplied instant (the device's clock, for offline work) normalised to UTC ISO. The past is
 * accepted (the work happened offline); more than MAX_CLOCK_SKEW_MS in the future is refused.
 */
export function deviceTimestamp(ctx: ServiceContext, value: string | undefined, field: string): string {
  if (value === undefined) return ctx.now;
  const ms = Date.parse(value);
  if (ms > Date.parse(ctx.now) + MAX_CLOCK_SKEW_MS) {
    const message = `${field} may not be more than 5 minutes in the future`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, message, { errors: [{ path: `json.${field}`, message }] });
  }
  return toUtcIso(value);
}
