import { and, eq, getTableColumns, inArray, isNull, type Table } from 'drizzle-orm';
import type { Db } from '../db/client';
import { customers, products } from '../db/tables';
import { chunk } from '../lib/chunk';
import type { CustomerRecord, ProductRecord } from './search-port';

/** Raw rows (snake_case) of products and customers, as the search SQL selects them. */
export type Row = Record<string, unknown>;

/** Search reads whole rows: the SQL column names, in declaration order, come from the schema. */
const columnsOf = (table: Table) => Object.values(getTableColumns(table)).map((column) => column.name);

export const PRODUCT_COLUMNS = columnsOf(products);

export const CUSTOMER_COLUMNS = columnsOf(customers);

export const selectColumns = (alias: string, columns: readonly string[]) =>
  columns.map((c) => `${alias}.${c}`).join(', ');

const str = (v: unknown) => v as string;
const strOrNull = (v: unknown) => (v ?? null) as string | null;
const numOrNull = (v: unknown) => (v ?? null) as number | null;

const entityFields = (r: Row) => ({
  tenantId: str(r.tenant_id),
  id: str(r.id),
  createdAt: str(r.created_at),
  updatedAt: str(r.updated_at),
  version: Number(r.version),
  deletedAt: strOrNull(r.deleted_at),
});

export const productFromRow = (r: Row): ProductRecord => ({
  ...entityFields(r),
  sku: str(r.sku),
  name: str(r.name),
  description: strOrNull(r.description),
  category: strOrNull(r.category),
  priceMinor: Number(r.price_minor),
  currency: str(r.currency),
  active: Boolean(r.active),
});

export const customerFromRow = (r: Row): CustomerRecord => ({
  ...entityFields(r),
  name: str(r.name),
  email: strOrNull(r.email),
  phone: strOrNull(r.phone),
  company: strOrNull(r.company),
  address: strOrNull(r.address),
  city: strOrNull(r.city),
  lat: numOrNull(r.lat),
  lng: numOrNull(r.lng),
  territoryId: strOrNull(r.territory_id),
  salesmanId: strOrNull(r.salesman_id),
  notes: strOrNull(r.notes),
  externalId: strOrNull(r.external_id),
});

/**
 * Live records of one tenant by id (hits of an external index, the nearest customers), read through drizzle,
 * so on whichever database the deployment runs. Ids that are not live records of the tenant are absent.
 */
export async function loadByIds(
  db: Db,
  table: 'products',
  tenantId: string,
  ids: string[],
): Promise<Map<string, ProductRecord>>;
export async function loadByIds(
  db: Db,
  table: 'customers',
  tenantId: string,
  ids: string[],
): Promise<Map<string, CustomerRecord>>;
export async function loadByIds(
  db: Db,
  table: 'products' | 'customers',
  tenantId: string,
  ids: string[],
): Promise<Map<string, ProductRecord | CustomerRecord>> {
  const records = new Map<string, ProductRecord | CustomerRecord>();
  const source = table === 'products' ? products : customers;
  // D1 allows 100 bound parameters per statement; one is the tenant. One part after the other: on
  // Postgres, parallel reads would each open a connection of the request's pool.
  for (const part of chunk(ids, 90)) {
    const rows = await db
      .select()
      .from(source)
      .where(and(eq(source.tenantId, tenantId), isNull(source.deletedAt), inArray(source.id, part)));
    for (const r of rows) records.set(r.id, r);
  }
  return records;
}
