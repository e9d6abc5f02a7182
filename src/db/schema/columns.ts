import { integer, text } from 'drizzle-orm/sqlite-core';

/**
 * Columns every tenant-owned entity carries. Ids are UUIDv7 strings that an offline client may mint;
 * the primary key is (tenant_id, id) so a client-chosen id can never collide with, or reveal, another
 * tenant's row, and composite foreign keys keep every reference inside one tenant.
 * Timestamps are ISO-8601 UTC strings (sortable as text, readable in the sqlite shell).
 */
export const entityColumns = () => ({
  tenantId: text('tenant_id').notNull(),
  id: text('id').notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
  version: integer('version').notNull().default(1),
  /** Soft delete: the row stays as a tombstone so offline clients learn about the deletion. */
  deletedAt: text('deleted_at'),
});
