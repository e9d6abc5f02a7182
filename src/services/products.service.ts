import { and, count, eq, gte, isNull, lte } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import type { Statement } from '../db/batch';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { containing } from '../db/sql';
import { inventory, products } from '../db/tables';
import { AppError, ErrorCode } from '../lib/errors';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import {
  findEntitiesByIds,
  findEntity,
  insertEntityStatements,
  newEntity,
  softDeleteEntity,
  updateEntity,
} from './entity';
import { stockChangeStatements } from './stock';
import { tenantSettings } from './tenant-settings';
import { commit } from './write-pipeline';

export type Product = typeof products.$inferSelect;

export interface ProductInput {
  sku: string;
  name: string;
  description?: string | null | undefined;
  category?: string | null | undefined;
  priceMinor: number;
  currency?: string | undefined;
  active?: boolean | undefined;
}

export interface NewProductInput extends ProductInput {
  id?: string | undefined;
  /** Stock on hand when the product is created; booked as a `receipt` so the ledger explains it. */
  initialStock?: number | undefined;
  lowStockThreshold?: number | undefined;
}

export interface ProductFilters {
  category?: string | undefined;
  active?: boolean | undefined;
  q?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
}

export async function listProducts(
  ctx: ServiceContext,
  filters: ProductFilters,
  page: PageRequest,
): Promise<Page<Product>> {
  requirePermission(ctx.principal, 'products:read');
  return listPage(ctx.db, products, {
    tenantId: ctx.principal.tenantId,
    filters: productConditions(filters),
    sortable: {
      name: products.name,
      sku: products.sku,
      priceMinor: products.priceMinor,
      createdAt: products.createdAt,
      updatedAt: products.updatedAt,
    },
    defaultSort: 'name',
    page,
  });
}

/** How many live products `listProducts` would page through with these filters. */
export async function countProducts(ctx: ServiceContext, filters: ProductFilters): Promise<number> {
  requirePermission(ctx.principal, 'products:read');
  const [row] = await ctx.db
    .select({ n: count() })
    .from(products)
    .where(
      and(eq(products.tenantId, ctx.principal.tenantId), isNull(products.deletedAt), ...productConditions(filters)),
    );
  return row?.n ?? 0;
}

const productConditions = (filters: ProductFilters) => [
  filters.category ? eq(products.category, filters.category) : undefined,
  filters.active !== undefined ? eq(products.active, filters.active) : undefined,
  filters.q ? containing(filters.q, [products.name, products.sku]) : undefined,
  filters.minPrice !== undefined ? gte(products.priceMinor, filters.minPrice) : undefined,
  filters.maxPrice !== undefined ? lte(products.priceMinor, filters.maxPrice) : undefined,
];

export async function getProduct(ctx: ServiceContext, id: string): Promise<Product> {
  requirePermission(ctx.principal, 'products:read');
  return findEntity(ctx, products, id, 'Product');
}

export async function getProductsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Product[]> {
  requirePermission(ctx.principal, 'products:read');
  return findEntitiesByIds(ctx, products, ids);
}

/**
 * A product never exists without its inventory row: both are written in one batch, so stock changes and
 * order reservations can rely on the row being there.
 */
export async function createProduct(ctx: ServiceContext, input: NewProductInput): Promise<Product> {
  requirePermission(ctx.principal, 'products:write');
  const { row, statements } = newProductStatements(ctx, input, await tenantCurrency(ctx, input.currency));
  await commit(ctx, statements);
  return row;
}

export const PRODUCT_CREATED = { event: 'product:created', entityType: 'product' } as const;
export const PRODUCT_UPDATED = { event: 'product:updated', entityType: 'product' } as const;

/**
 * A new product with its inventory row (and the initial stock's receipt) as statements of one unit, priced
 * in `currency` (the organisation's, checked by the caller).
 */
export function newProductStatements(
  ctx: ServiceContext,
  input: NewProductInput,
  currency: string,
): { row: Product; statements: Statement[] } {
  const row: Product = {
    ...newEntity(ctx, input.id ?? newId()),
    sku: input.sku,
    name: input.name,
    description: input.description ?? null,
    category: input.category ?? null,
    priceMinor: input.priceMinor,
    currency,
    active: input.active ?? true,
  };
  const initialStock = input.initialStock ?? 0;
  const stockRow = ctx.db.insert(inventory).values({
    tenantId: row.tenantId,
    productId: row.id,
    onHand: 0,
    reserved: 0,
    lowStockThreshold: input.lowStockThreshold ?? 0,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  });
  const receipt =
    initialStock > 0
      ? stockChangeStatements(ctx, {
          productId: row.id,
          kind: 'receipt',
          onHandDelta: initialStock,
          reservedDelta: 0,
          reason: 'Initial stock',
        })
      : [];
  return {
    row,
    statements: insertEntityStatements(ctx, products, row, { ...PRODUCT_CREATED, also: [stockRow, ...receipt] }),
  };
}

export async function updateProduct(
  ctx: ServiceContext,
  id: string,
  input: Partial<ProductInput> & { expectedVersion?: number | undefined },
): Promise<Product> {
  requirePermission(ctx.principal, 'products:write');
  const existing = await findEntity(ctx, products, id, 'Product');
  const { expectedVersion, ...patch } = input;
  if (patch.currency !== undefined && patch.currency !== existing.currency) await tenantCurrency(ctx, patch.currency);
  return updateEntity(ctx, products, existing, patch as Partial<Product>, { ...PRODUCT_UPDATED, expectedVersion });
}

/**
 * Products are priced in the organisation's currency: orders are in that currency and a product priced
 * in another could never be ordered (docs/api.md, Products). `currency` may be omitted (the tenant's).
 */
export async function tenantCurrency(ctx: ServiceContext, currency: string | undefined): Promise<string> {
  const tenant = (await tenantSettings(ctx)).currency;
  if (currency === undefined || currency === tenant) return tenant;
  const message = `Products are priced in the organisation's currency, ${tenant}; ${currency} cannot be ordered`;
  throw new AppError(ErrorCode.VALIDATION_FAILED, message, { errors: [{ path: 'json.currency', message }] });
}

/**
 * Soft delete. The inventory row and ledger stay: confirmed orders may still hold reservations that
 * must be fulfilled or released, and the partial unique index frees the SKU for a new product.
 */
export async function deleteProduct(ctx: ServiceContext, id: string, expectedVersion?: number): Promise<Product> {
  requirePermission(ctx.principal, 'products:write');
  const existing = await findEntity(ctx, products, id, 'Product');
  return softDeleteEntity(ctx, products, existing, {
    event: 'product:deleted',
    entityType: 'product',
    expectedVersion,
  });
}
