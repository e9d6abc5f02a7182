import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Statement } from '../../db/batch';
import { customers, type ImportKind, products, salesmen, territories, users } from '../../db/tables';
import { chunk } from '../../lib/chunk';
import type { ServiceContext } from '../context';
import { CUSTOMER_CREATED, CUSTOMER_UPDATED, type Customer, newCustomerRow } from '../customers.service';
import { insertEntityStatements, updateEntityStatements } from '../entity';
import { newProductStatements, PRODUCT_UPDATED, type Product, tenantCurrency } from '../products.service';
import type { ImportLookups, RowValues } from './row-values';

/**
 * The records an import's rows land in: the territories and salesmen a row's references resolve
 * against, the live customers or products that already hold a row's key, and the statements that create
 * or update one record from a row. The statements are the customer and product services' own, so an
 * imported record is written, and its event appended, as a REST write would do it.
 */

export type RowWrite = { outcome: 'created' | 'updated' | 'unchanged'; statements: Statement[] };

/**
 * The statements that create a row's record, or update the existing one with the same key; none when the
 * record already holds the row's values (re-importing a file changes nothing and appends no event).
 */
export function rowStatements(
  ctx: ServiceContext,
  values: RowValues,
  existing: Map<string, Customer | Product>,
  currency: string,
): RowWrite {
  const current = values.key === null ? undefined : existing.get(values.key);
  const patch = Object.fromEntries(Object.entries(values.input).filter(([, v]) => v !== undefined));
  if (current && Object.entries(patch).every(([k, v]) => (current as Record<string, unknown>)[k] === v)) {
    return { outcome: 'unchanged', statements: [] };
  }
  if (values.kind === 'customers') {
    if (!current) {
      const row = newCustomerRow(ctx, values.input);
      return { outcome: 'created', statements: insertEntityStatements(ctx, customers, row, CUSTOMER_CREATED) };
    }
    const update = updateEntityStatements(ctx, customers, current as Customer, patch, CUSTOMER_UPDATED);
    return { outcome: 'updated', statements: update.statements };
  }
  if (!current) return { outcome: 'created', statements: newProductStatements(ctx, values.input, currency).statements };
  const update = updateEntityStatements(ctx, products, current as Product, patch, PRODUCT_UPDATED);
  return { outcome: 'updated', statements: update.statements };
}

/** Live records of the caller's tenant with these keys (exact, as the unique indexes compare them). */
export async function existingByKey(
  ctx: ServiceContext,
  kind: ImportKind,
  keys: string[],
): Promise<Map<string, Customer | Product>> {
  const found = new Map<string, Customer | Product>();
  if (!keys.length) return found;
  for (const part of chunk(keys, 90)) {
    const rows =
      kind === 'customers'
        ? await ctx.db
            .select()
            .from(customers)
            .where(
              and(
                eq(customers.tenantId, ctx.principal.tenantId),
                isNull(customers.deletedAt),
                inArray(customers.externalId, part),
              ),
            )
        : await ctx.db
            .select()
            .from(products)
            .where(
              and(
                eq(products.tenantId, ctx.principal.tenantId),
                isNull(products.deletedAt),
                inArray(products.sku, part),
              ),
            );
    for (const row of rows) {
      const key = kind === 'customers' ? (row as Customer).externalId : (row as Product).sku;
      if (key) found.set(key, row);
    }
  }
  return found;
}

/** Territories by id or name, salesmen by id, employee code or their user's e-mail (case-insensitive). */
export async function loadLookups(ctx: ServiceContext): Promise<ImportLookups> {
  const tenantId = ctx.principal.tenantId;
  const [territoryRows, salesmanRows, currency] = await Promise.all([
    ctx.db
      .select({ id: territories.id, name: territories.name })
      .from(territories)
      .where(and(eq(territories.tenantId, tenantId), isNull(territories.deletedAt))),
    ctx.db
      .select({ id: salesmen.id, code: salesmen.employeeCode, email: users.email })
      .from(salesmen)
      .leftJoin(users, and(eq(users.tenantId, salesmen.tenantId), eq(users.id, salesmen.userId)))
      .where(and(eq(salesmen.tenantId, tenantId), isNull(salesmen.deletedAt))),
    tenantCurrency(ctx, undefined),
  ]);
  const territoryBy = new Map<string, string>();
  for (const t of territoryRows) {
    territoryBy.set(t.id.toLowerCase(), t.id);
    territoryBy.set(t.name.toLowerCase(), t.id);
  }
  const salesmanBy = new Map<string, string>();
  for (const s of salesmanRows) {
    salesmanBy.set(s.id.toLowerCase(), s.id);
    if (s.code) salesmanBy.set(s.code.toLowerCase(), s.id);
    if (s.email) salesmanBy.set(s.email.toLowerCase(), s.id);
  }
  return {
    currency,
    territory: (value) => territoryBy.get(value.toLowerCase()),
    salesman: (value) => salesmanBy.get(value.toLowerCase()),
  };
}
