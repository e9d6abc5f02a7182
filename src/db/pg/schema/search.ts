import { bigint, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { isoTimestamp } from './columns';

/*
 * How far an external search index (Meilisearch) has consumed each tenant's event log. The indexer moves
 * `last_seq` forward only after the index accepted the changes, so a failed push is retried from here.
 * SQLite's FTS5 index (tables and triggers of migration 0002) has no counterpart here: search on Postgres
 * comes as its own backend (migrations-pg installs pg_trgm for it).
 */
export const searchCursors = pgTable(
  'search_cursors',
  {
    tenantId: uuid('tenant_id').notNull(),
    /** `meilisearch` (one row per backend that is fed from the log). */
    backend: text('backend').notNull(),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    updatedAt: isoTimestamp('updated_at').notNull(),
  },
  // No foreign key to tenants: removing a tenant's data must not depend on knowing about this table.
  (t) => [primaryKey({ columns: [t.tenantId, t.backend] })],
);
