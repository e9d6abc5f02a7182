import { foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import {
  IMPORT_KINDS,
  IMPORT_MODES,
  IMPORT_STATUSES,
  type ImportRowError,
  type SampleRecords,
} from '../../schema/enums';
import { entityColumns, isoTimestamp } from './columns';
import { tenants } from './tenancy';

/** A CSV import of customers or products (see src/db/schema/imports.ts). */
export const imports = pgTable(
  'imports',
  {
    ...entityColumns(),
    kind: text('kind', { enum: IMPORT_KINDS }).notNull(),
    mode: text('mode', { enum: IMPORT_MODES }).notNull(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull(),
    fileName: text('file_name'),
    source: text('source'),
    totalRows: integer('total_rows').notNull().default(0),
    processedRows: integer('processed_rows').notNull().default(0),
    createdRows: integer('created_rows').notNull().default(0),
    updatedRows: integer('updated_rows').notNull().default(0),
    /** Rows whose record already held exactly those values: nothing written. */
    unchangedRows: integer('unchanged_rows').notNull().default(0),
    failedRows: integer('failed_rows').notNull().default(0),
    errors: jsonb('errors').$type<ImportRowError[]>().notNull(),
    errorCount: integer('error_count').notNull().default(0),
    failure: text('failure'),
    /** The importing user's id, or the API key's. */
    createdBy: text('created_by').notNull(),
    finishedAt: isoTimestamp('finished_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('imports_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
  ],
);

/** The sample data an organisation loaded (see src/db/schema/imports.ts). */
export const sampleData = pgTable(
  'sample_data',
  {
    tenantId: uuid('tenant_id').primaryKey(),
    loadedAt: isoTimestamp('loaded_at').notNull(),
    loadedBy: text('loaded_by').notNull(),
    records: jsonb('records').$type<SampleRecords>().notNull(),
  },
  (t) => [foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] })],
);
