import { getTableColumns, type Table } from 'drizzle-orm';
import { customers, products } from '../db/tables';
import type { CustomerRecord, ProductRecord } from './search-port';

/** Raw D1 rows (snake_case) of products and customers, as the search SQL selects them. */
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
});

/** Live rows of one tenant by id, in the order of `ids` (used to hydrate hits from an external index). */
export async function loadByIds(
  d1: D1Database,
  table: 'products' | 'customers',
  tenantId: string,
  ids: string[],
): Promise<Map<string, Row>> {
  const rows = new Map<string, Row>();
  const columns = table === 'products' ? PRODUCT_COLUMNS : CUSTOMER_COLUMNS;
  // D1 allows 100 bound parameters per statement; one is the tenant.
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const { results } = await d1
      .prepare(
        `SELECT ${selectColumns('t', columns)} FROM ${table} t WHERE t.tenant_id = ? AND t.deleted_at IS NULL AND t.id IN (${chunk.map(() => '?').join(', ')})`,
      )
      .bind(tenantId, ...chunk)
      .all<Row>();
    for (const r of results) rows.set(r.id as string, r);
  }
  return rows;
}
