import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The domain event log (outbox). Every mutation appends here in the same D1 batch as its write, with a
 * per-tenant sequence number; realtime fan-out, webhooks and search indexing read it by (tenant, seq).
 */
export const events = sqliteTable(
  'events',
  {
    tenantId: text('tenant_id').notNull(),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    actorId: text('actor_id'),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.seq] }),
    index('events_tenant_entity_idx').on(t.tenantId, t.entityType, t.entityId),
  ],
);
