import type { Permission } from '../../auth/permissions';
import { ownSalesmanScope, requirePermission } from '../../auth/principal';
import type { Db } from '../../db/client';
import { AppError, ErrorCode } from '../../lib/errors';
import type { ServiceContext } from '../../services/context';
import { tenantSettings } from '../../services/tenant-settings';
import { type LocalDate, localDate, safeTimeZone } from '../domain/timezone';

/**
 * Who is asking and in which calendar: the tenant's timezone and currency, today's local date, and the
 * salesman the figures are limited to (a salesman user sees only his own; managers, viewers and API
 * keys with the scopes see the whole tenant).
 */
export interface ReportScope {
  db: Db;
  tenantId: string;
  timezone: string;
  currency: string;
  locale: string;
  salesmanId: string | null;
  nowMs: number;
  today: LocalDate;
}

export async function reportScope(ctx: ServiceContext, permissions: Permission[]): Promise<ReportScope> {
  for (const permission of permissions) requirePermission(ctx.principal, permission);
  const settings = await tenantSettings(ctx);
  const timezone = safeTimeZone(settings.timezone);
  const nowMs = Date.parse(ctx.now);
  return {
    db: ctx.db,
    tenantId: ctx.principal.tenantId,
    timezone,
    currency: settings.currency,
    locale: settings.locale,
    salesmanId: ownSalesmanScope(ctx.principal),
    nowMs,
    today: localDate(timezone, nowMs),
  };
}

/** What every analytics response says about itself. */
export interface ReportMeta {
  timezone: string;
  currency: string;
  locale: string;
  generatedAt: string;
  /** `salesman`: the figures are limited to the caller's own (a salesman user). */
  scope: 'tenant' | 'salesman';
}

export const metaOf = (scope: ReportScope): ReportMeta => ({
  timezone: scope.timezone,
  currency: scope.currency,
  locale: scope.locale,
  generatedAt: new Date(scope.nowMs).toISOString(),
  scope: scope.salesmanId ? 'salesman' : 'tenant',
});

export function assertNotFuture(scope: ReportScope, day: LocalDate, field: string) {
  if (day > scope.today) {
    const message = `${field} is in the future (today is ${scope.today} in ${scope.timezone})`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, message, { errors: [{ path: `query.${field}`, message }] });
  }
}
