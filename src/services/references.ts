import { and, eq, isNull } from 'drizzle-orm';
import { customers, products, salesmen, territories, visits } from '../db/tables';
import { AppError, ErrorCode } from '../lib/errors';
import { remembered, type ServiceContext } from './context';
import { type EntityTable, heldEntity } from './entity';

/**
 * Checks that an id given in a request body names a live record of the caller's tenant. The composite
 * foreign keys would refuse a cross-tenant reference anyway; this turns it into a clear 404 that names
 * the field, and also catches soft-deleted targets that a foreign key would accept.
 */
async function assertExists(ctx: ServiceContext, table: EntityTable, id: string, label: string) {
  const held = heldEntity(ctx, table, id);
  if (held === null) throw notFoundAs(label, id);
  if (held !== undefined) return;
  // Within a sync push a record found once stays found: no mutation deletes what these check.
  await remembered(ctx, `exists:${label}:${id}`, async () => {
    const rows = await ctx.db
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.tenantId, ctx.principal.tenantId), eq(table.id, id), isNull(table.deletedAt)))
      .limit(1);
    if (rows.length === 0) throw notFoundAs(label, id);
  });
}

const notFoundAs = (label: string, id: string) => new AppError(ErrorCode.NOT_FOUND, `${label} ${id} not found`);

export const assertTerritoryExists = (ctx: ServiceContext, id: string) =>
  assertExists(ctx, territories, id, 'Territory');
export const assertSalesmanExists = (ctx: ServiceContext, id: string) => assertExists(ctx, salesmen, id, 'Salesman');
export const assertCustomerExists = (ctx: ServiceContext, id: string) => assertExists(ctx, customers, id, 'Customer');
export const assertProductExists = (ctx: ServiceContext, id: string) => assertExists(ctx, products, id, 'Product');
export const assertVisitExists = (ctx: ServiceContext, id: string) => assertExists(ctx, visits, id, 'Visit');
