import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * How far an external search index (Meilisearch) has consumed each tenant's event log. The indexer moves
 * `last_seq` forward only after the index accepted the changes, so a failed push is retried from here.
 * The FTS5 index needs no cursor: triggers update it in the same transaction as the write (migration 0002).
 */
export const searchCursors = sqliteTable(
  'search_cursors',
  {
    tenantId: text('tenant_id').notNull(),
    /** `meilisearch` (one row per backend that is fed from the log). */
    backend: text('backend').notNull(),
    lastSeq: integer('last_seq').notNull().default(0),
    updatedAt: text('updated_at').notNull(),
  },
  // No foreign key to tenants: removing a tenant's data must not depend on knowing about this table.
  (t) => [primaryKey({ columns: [t.tenantId, t.backend] })],
);
