import { and, count, eq, isNull } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { containing } from '../db/sql';
import { customers } from '../db/tables';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { findEntitiesByIds, findEntity, insertEntity, newEntity, softDeleteEntity, updateEntity } from './entity';
import { assertSalesmanExists, assertTerritoryExists } from './references';

export type Customer = typeof customers.$inferSelect;

export interface CustomerInput {
  name: string;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  company?: string | null | undefined;
  address?: string | null | undefined;
  city?: string | null | undefined;
  lat?: number | null | undefined;
  lng?: number | null | undefined;
  territoryId?: string | null | undefined;
  salesmanId?: string | null | undefined;
  notes?: string | null | undefined;
  externalId?: string | null | undefined;
}

export interface CustomerFilters {
  territoryId?: string | undefined;
  salesmanId?: string | undefined;
  city?: string | undefined;
  q?: string | undefined;
}

export async function listCustomers(
  ctx: ServiceContext,
  filters: CustomerFilters,
  page: PageRequest,
): Promise<Page<Customer>> {
  requirePermission(ctx.principal, 'customers:read');
  return listPage(ctx.db, customers, {
    tenantId: ctx.principal.tenantId,
    filters: customerConditions(filters),
    sortable: {
      name: customers.name,
      createdAt: customers.createdAt,
      updatedAt: customers.updatedAt,
    },
    defaultSort: 'name',
    page,
  });
}

/** How many live customers `listCustomers` would page through with these filters. */
export async function countCustomers(ctx: ServiceContext, filters: CustomerFilters): Promise<number> {
  requirePermission(ctx.principal, 'customers:read');
  const [row] = await ctx.db
    .select({ n: count() })
    .from(customers)
    .where(
      and(eq(customers.tenantId, ctx.principal.tenantId), isNull(customers.deletedAt), ...customerConditions(filters)),
    );
  return row?.n ?? 0;
}

const customerConditions = (filters: CustomerFilters) => [
  filters.territoryId ? eq(customers.territoryId, filters.territoryId) : undefined,
  filters.salesmanId ? eq(customers.salesmanId, filters.salesmanId) : undefined,
  filters.city ? eq(customers.city, filters.city) : undefined,
  filters.q ? containing(filters.q, [customers.name, customers.company, customers.email]) : undefined,
];

export async function getCustomer(ctx: ServiceContext, id: string): Promise<Customer> {
  requirePermission(ctx.principal, 'customers:read');
  return findEntity(ctx, customers, id, 'Customer');
}

export async function getCustomersByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Customer[]> {
  requirePermission(ctx.principal, 'customers:read');
  return findEntitiesByIds(ctx, customers, ids);
}

export const CUSTOMER_CREATED = { event: 'customer:created', entityType: 'customer' } as const;
export const CUSTOMER_UPDATED = { event: 'customer:updated', entityType: 'customer' } as const;

/** A new customer row from validated input (references checked by the caller). */
export const newCustomerRow = (ctx: ServiceContext, input: CustomerInput & { id?: string | undefined }): Customer => ({
  ...newEntity(ctx, input.id ?? newId()),
  name: input.name,
  email: input.email ?? null,
  phone: input.phone ?? null,
  company: input.company ?? null,
  address: input.address ?? null,
  city: input.city ?? null,
  lat: input.lat ?? null,
  lng: input.lng ?? null,
  territoryId: input.territoryId ?? null,
  salesmanId: input.salesmanId ?? null,
  notes: input.notes ?? null,
  externalId: input.externalId ?? null,
});

export async function createCustomer(
  ctx: ServiceContext,
  input: CustomerInput & { id?: string | undefined },
): Promise<Customer> {
  requirePermission(ctx.principal, 'customers:write');
  await checkReferences(ctx, input);
  const row = newCustomerRow(ctx, input);
  return insertEntity(ctx, customers, row, CUSTOMER_CREATED);
}

export async function updateCustomer(
  ctx: ServiceContext,
  id: string,
  input: Partial<CustomerInput> & { expectedVersion?: number | undefined },
): Promise<Customer> {
  requirePermission(ctx.principal, 'customers:write');
  const existing = await findEntity(ctx, customers, id, 'Customer');
  await checkReferences(ctx, input);
  const { expectedVersion, ...patch } = input;
  return updateEntity(ctx, customers, existing, patch as Partial<Customer>, { ...CUSTOMER_UPDATED, expectedVersion });
}

export async function deleteCustomer(ctx: ServiceContext, id: string, expectedVersion?: number): Promise<Customer> {
  requirePermission(ctx.principal, 'customers:write');
  const existing = await findEntity(ctx, customers, id, 'Customer');
  return softDeleteEntity(ctx, customers, existing, {
    event: 'customer:deleted',
    entityType: 'customer',
    expectedVersion,
  });
}

/** Salesmen see every customer (they may visit any), but the assignment must name a real salesman. */
async function checkReferences(ctx: ServiceContext, input: Partial<CustomerInput>) {
  if (input.territoryId) await assertTerritoryExists(ctx, input.territoryId);
  if (input.salesmanId) await assertSalesmanExists(ctx, input.salesmanId);
}
