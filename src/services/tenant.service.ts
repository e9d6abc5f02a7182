import { and, eq, isNull } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import { assertChanged } from '../db/batch';
import { type Holiday, orders, payments, products, tenants } from '../db/tables';
import { AppError, ErrorCode } from '../lib/errors';
import type { ServiceContext } from './context';
import { isTwoFactorEnabled, requireStepUp } from './two-factor.service';
import { appendEvent, commit } from './write-pipeline';

export type Tenant = typeof tenants.$inferSelect;

export interface TenantInput {
  name?: string | undefined;
  timezone?: string | undefined;
  currency?: string | undefined;
  checkInRadiusM?: number | undefined;
  locale?: string | undefined;
  holidays?: Holiday[] | undefined;
  twoFactorRequired?: boolean | undefined;
  expectedVersion?: number | undefined;
}

/** The caller's organisation (any signed-in user or API key of it). */
export async function getTenant(ctx: ServiceContext): Promise<Tenant> {
  const [row] = await ctx.db
    .select()
    .from(tenants)
    .where(and(eq(tenants.id, ctx.principal.tenantId), isNull(tenants.deletedAt)))
    .limit(1);
  // The credential was issued for this tenant, so the row exists unless the tenant was removed since.
  if (!row) throw new AppError(ErrorCode.UNAUTHENTICATED, 'This organisation no longer exists');
  return row;
}

/**
 * Changes the organisation's settings (owners and admins). What a change means for what exists
 * (docs/api.md, Organisation settings): a new timezone re-buckets reports from the next request on; a
 * new check-in radius applies to later check-ins; the currency can change only while nothing is priced
 * or paid in the old one (products, orders and payments keep their currency, and orders must be in the
 * tenant's). The plan is the operator's and not part of this.
 */
export async function updateTenant(ctx: ServiceContext, input: TenantInput): Promise<Tenant> {
  requirePermission(ctx.principal, 'tenant:write');
  const existing = await getTenant(ctx);
  const { expectedVersion, ...fields } = input;
  if (expectedVersion !== undefined && expectedVersion !== existing.version) {
    throw new AppError(
      ErrorCode.VERSION_MISMATCH,
      `The record is at version ${existing.version}, not ${expectedVersion}`,
      {
        currentVersion: existing.version,
      },
    );
  }
  const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Tenant>;
  if (patch.currency !== undefined && patch.currency !== existing.currency) await assertNothingPriced(ctx, existing);
  if (patch.twoFactorRequired !== undefined && patch.twoFactorRequired !== existing.twoFactorRequired) {
    await assertMayChangeTwoFactorRule(ctx);
  }
  const updated: Tenant = { ...existing, ...patch, updatedAt: ctx.now, version: existing.version + 1 };
  const { id: _i, createdAt: _c, ...columns } = updated;
  await commit(
    ctx,
    [
      ctx.db
        .update(tenants)
        .set(columns)
        .where(and(eq(tenants.id, ctx.principal.tenantId), eq(tenants.version, existing.version))),
      assertChanged(ctx.db),
      appendEvent(ctx, { type: 'tenant:updated', entityType: 'tenant', entityId: existing.id, payload: updated }),
    ],
    () => new AppError(ErrorCode.VERSION_MISMATCH, 'The settings were changed by someone else; reload and retry'),
  );
  return updated;
}

/**
 * The organisation's 2FA rule is changed only by a signed-in owner or admin who has two-factor
 * authentication on and proved it within the step-up window: an API key cannot (it could switch the rule
 * off unseen), and nobody imposes a rule he does not follow himself.
 */
async function assertMayChangeTwoFactorRule(ctx: ServiceContext): Promise<void> {
  if (ctx.principal.kind !== 'user') {
    throw new AppError(ErrorCode.FORBIDDEN, 'Only a signed-in owner or admin can change the two-factor rule');
  }
  if (!(await isTwoFactorEnabled(ctx.db, ctx.principal.tenantId, ctx.principal.id))) {
    throw new AppError(
      ErrorCode.FORBIDDEN,
      'Turn on two-factor authentication for yourself before changing the organisation’s rule',
      { reason: 'TWO_FACTOR_NOT_ENABLED' },
    );
  }
  await requireStepUp(ctx);
}

async function assertNothingPriced(ctx: ServiceContext, tenant: Tenant): Promise<void> {
  const tenantId = ctx.principal.tenantId;
  const [priced] = await Promise.all(
    [products, orders, payments].map((table) =>
      ctx.db.select({ id: table.id }).from(table).where(eq(table.tenantId, tenantId)).limit(1),
    ),
  ).then((found) => found.filter((rows) => rows.length > 0));
  if (priced) {
    throw new AppError(
      ErrorCode.INVALID_STATE,
      `The currency stays ${tenant.currency}: products, orders or payments are already priced in it`,
    );
  }
}
