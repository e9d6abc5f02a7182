import { foreignKey, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { entityColumns } from './columns';
import { IMPORT_KINDS, IMPORT_MODES, IMPORT_STATUSES, type ImportRowError, type SampleRecords } from './enums';
import { tenants } from './tenancy';

/**
 * A CSV import of customers or products (docs/imports.md). The file is kept in `source` until the import
 * finishes (a queued import is worked through from it, `processed_rows` at a time), then dropped; the
 * row errors stay for the downloadable report.
 */
export const imports = sqliteTable(
  'imports',
  {
    ...entityColumns(),
    kind: text('kind', { enum: IMPORT_KINDS }).notNull(),
    mode: text('mode', { enum: IMPORT_MODES }).notNull(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull(),
    fileName: text('file_name'),
    /** The CSV as uploaded, until the import finishes. */
    source: text('source'),
    totalRows: integer('total_rows').notNull().default(0),
    /** Data rows handled so far (written or refused), in file order. */
    processedRows: integer('processed_rows').notNull().default(0),
    createdRows: integer('created_rows').notNull().default(0),
    updatedRows: integer('updated_rows').notNull().default(0),
    /** Rows whose record already held exactly those values: nothing written. */
    unchangedRows: integer('unchanged_rows').notNull().default(0),
    failedRows: integer('failed_rows').notNull().default(0),
    /** The first MAX_STORED_ERRORS row errors (a D1 row holds at most 2 MB, the file included). */
    errors: text('errors', { mode: 'json' }).$type<ImportRowError[]>().notNull(),
    /** Every row error, including those beyond the stored ones. */
    errorCount: integer('error_count').notNull().default(0),
    /** Why the import as a whole failed (all-or-nothing with invalid rows, an unreadable file); null otherwise. */
    failure: text('failure'),
    createdBy: text('created_by').notNull(),
    finishedAt: text('finished_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('imports_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
  ],
);

/**
 * The sample data an organisation loaded from its onboarding checklist: which records it is, so that
 * removing it removes exactly those (docs/api.md, Onboarding). One per organisation at a time.
 */
export const sampleData = sqliteTable(
  'sample_data',
  {
    tenantId: text('tenant_id').primaryKey(),
    loadedAt: text('loaded_at').notNull(),
    loadedBy: text('loaded_by').notNull(),
    records: text('records', { mode: 'json' }).$type<SampleRecords>().notNull(),
  },
  (t) => [foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] })],
);
