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
    /** Where the write came from, for the audit log (null for jobs and the hub's own writes). */
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
 * The audit log's own entries: what the event log does not hold because it changes no record — sign-ins
 * (succeeded, failed, locked out), sign-outs, refresh-token reuse, exports and downloads (docs/security.md,
 * Audit log). Writes are audited through the event log itself (its actor and request columns), so a
 * mutation costs no second row. Append-only: no API updates or deletes an entry (a trigger refuses
 * updates); the retention sweep deletes entries older than the tenant's plan keeps.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    at: text('at').notNull(),
    action: text('action').notNull(),
    /** `user`, `api_key`, `system` or `anonymous` (a sign-in that named an account but did not open it). */
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    requestId: text('request_id'),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('audit_log_tenant_at_idx').on(t.tenantId, t.at, t.id)],
);
