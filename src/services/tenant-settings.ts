import { deviceTimeProblem, MAX_RECORDED_FIX_AGE_MS } from '@fieldline/client/protocol';
import { and, eq, isNull } from 'drizzle-orm';
import { type Holiday, type PlanTier, tenants } from '../db/tables';
import { AppError, ErrorCode } from '../lib/errors';
import { toUtcIso } from '../lib/time';
import { remembered, type ServiceContext } from './context';

export interface TenantSettings {
  name: string;
  plan: PlanTier;
  currency: string;
  timezone: string;
  checkInRadiusM: number;
  /** BCP 47 tag for exports and e-mails. */
  locale: string;
  /** Days without trade (the forecast). */
  holidays: Holiday[];
  /** Owners and admins must use two-factor authentication. */
  twoFactorRequired: boolean;
}

/**
 * The caller's tenant (never another's): its name and plan, currency for prices and orders, radius for
 * check-ins, timezone for reports.
 */
export async function tenantSettings(ctx: ServiceContext): Promise<TenantSettings> {
  const row = await remembered(ctx, 'tenant-settings', () => findTenantSettings(ctx));
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
      locale: tenants.locale,
      holidays: tenants.holidays,
      twoFactorRequired: tenants.twoFactorRequired,
    })
    .from(tenants)
    .where(and(eq(tenants.id, ctx.principal.tenantId), isNull(tenants.deletedAt)))
    .limit(1);
  return row ?? null;
}

/** A fix that reaches the server more than this after the device captured it was captured offline. */
export const OFFLINE_FIX_AFTER_MS = 60 * 1000;

function refuseDeviceTime(field: string, message: string): never {
  throw new AppError(ErrorCode.VALIDATION_FAILED, message, { errors: [{ path: `json.${field}`, message }] });
}

/**
 * A client-supplied instant (the device's clock, for offline work) normalised to UTC ISO, under the one
 * device-clock rule the realtime hub applies too (`deviceTimeProblem`): the past is accepted (the work
 * happened offline), more than MAX_FUTURE_SKEW_MS in the future is refused.
 */
export function deviceTimestamp(ctx: ServiceContext, value: string | undefined, field: string): string {
  if (value === undefined) return ctx.now;
  if (deviceTimeProblem(Date.parse(value), Date.parse(ctx.now)) === 'ahead') {
    refuseDeviceTime(field, `${field} may not be more than 5 minutes in the future`);
  }
  return toUtcIso(value);
}

/**
 * The device time of a GPS fix (check-in, check-out) under the same rule, plus a lower bound
 * (MAX_RECORDED_FIX_AGE_MS), and whether the fix was captured offline: a phone that queued it for more
 * than OFFLINE_FIX_AFTER_MS. Its position and time are kept as the device captured them either way.
 */
export function fixTimestamp(ctx: ServiceContext, value: string | undefined, field: string) {
  const at = deviceTimestamp(ctx, value, field);
  if (deviceTimeProblem(Date.parse(at), Date.parse(ctx.now), MAX_RECORDED_FIX_AGE_MS) === 'too_old') {
    refuseDeviceTime(field, `${field} may not be more than 7 days in the past`);
  }
  const age = Date.parse(ctx.now) - Date.parse(at);
  return { at, offline: age > OFFLINE_FIX_AFTER_MS };
}
