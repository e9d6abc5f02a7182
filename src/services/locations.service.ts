import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { ownSalesmanScope, requirePermission } from '../auth/principal';
import { locationTrail } from '../db/tables';
import { chunk } from '../lib/chunk';
import { notFound } from '../lib/errors';
import type { ServiceContext } from './context';
import { assertSalesmanExists } from './references';
import { commit } from './write-pipeline';

export type TrailPoint = typeof locationTrail.$inferSelect;
export type NewTrailPoint = Omit<TrailPoint, 'tenantId'>;

/** 9 columns per row: 11 rows stay under D1's 100 bound parameters per statement. */
const ROWS_PER_INSERT = 11;

/**
 * Appends GPS fixes to the trail in one batch. Duplicates (a retried flush) are ignored by the primary
 * key, so the caller may deliver at least once.
 */
export async function recordTrail(ctx: ServiceContext, points: NewTrailPoint[]): Promise<void> {
  requirePermission(ctx.principal, 'visits:write');
  const tenantId = ctx.principal.tenantId;
  const statements = chunk(points, ROWS_PER_INSERT).map((part) =>
    ctx.db
      .insert(locationTrail)
      .values(part.map((p) => ({ ...p, tenantId })))
      .onConflictDoNothing(),
  );
  await commit(ctx, statements);
}

/** A salesman's trail between two instants, oldest first (a salesman may read only his own). */
export async function getTrail(
  ctx: ServiceContext,
  salesmanId: string,
  range: { from: string; to: string; limit: number },
): Promise<TrailPoint[]> {
  requirePermission(ctx.principal, 'salesmen:read');
  const scope = ownSalesmanScope(ctx.principal);
  if (scope && scope !== salesmanId) throw notFound('Salesman');
  await assertSalesmanExists(ctx, salesmanId);
  return ctx.db
    .select()
    .from(locationTrail)
    .where(
      and(
        eq(locationTrail.tenantId, ctx.principal.tenantId),
        eq(locationTrail.salesmanId, salesmanId),
        gte(locationTrail.recordedAt, new Date(range.from).toISOString()),
        lt(locationTrail.recordedAt, new Date(range.to).toISOString()),
      ),
    )
    .orderBy(asc(locationTrail.recordedAt))
    .limit(range.limit);
}
