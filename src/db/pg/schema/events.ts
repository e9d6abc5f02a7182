import { bigint, index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { isoTimestamp } from './columns';
import { tenants } from './tenancy';

/**
 * The domain event log (outbox). Every mutation appends here in the same transaction as its write, with a
 * per-tenant sequence number; realtime fan-out, webhooks and search indexing read it by (tenant, seq).
 */
export const events = pgTable(
  'events',
  {
    tenantId: uuid('tenant_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    /** The acting principal's id (a user, an API key, or `system:<component>`). */
    actorId: text('actor_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: isoTimestamp('created_at').notNull(),
    requestId: text('request_id'),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.seq] }),
    index('events_tenant_entity_idx').on(t.tenantId, t.entityType, t.entityId),
  ],
);

/**
 * Postgres only: the last sequence number handed out in each tenant's event log. D1 serializes writers, so
 * `MAX(seq) + 1` inside the batch is safe there. Postgres runs transactions concurrently: two of them would
 * read the same MAX and one would fail on the primary key, or, with a sequence, commit out of order and leave
 * gaps that a reader following `seq` would skip past. An append instead takes the next number from this row
 * (`UPDATE ... SET last_seq = last_seq + 1 RETURNING`), which holds the row lock until the transaction ends:
 * appends of one tenant wait for each other, so the log stays gap-free and in commit order.
 */
export const eventCounters = pgTable('event_counters', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
});

/** The audit log's own entries (see src/db/schema/events.ts). */
export const auditLog = pgTable(
  'audit_log',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    at: isoTimestamp('at').notNull(),
    action: text('action').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    requestId: text('request_id'),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('audit_log_tenant_at_idx').on(t.tenantId, t.at, t.id)],
);
