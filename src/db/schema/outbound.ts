import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { entityColumns } from './columns';
import { WEBHOOK_DELIVERY_STATUSES } from './enums';

/**
 * How far each consumer of the event log that sends things out (webhooks; notification rules and web
 * push later) has read a tenant's log. A consumer moves `last_seq` in the same unit as the deliveries it
 * derived from those events, so an outage or a redeploy loses nothing and a re-run derives nothing twice.
 */
export const outboundCursors = sqliteTable(
  'outbound_cursors',
  {
    tenantId: text('tenant_id').notNull(),
    consumer: text('consumer').notNull(),
    lastSeq: integer('last_seq').notNull().default(0),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.consumer] })],
);

/** An integrator's HTTPS endpoint that receives the tenant's events, signed (docs/webhooks.md). */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    ...entityColumns(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Event types it receives: exact (`order:created`), a family (`order:*`), or everything (`*`). */
    eventTypes: text('event_types', { mode: 'json' }).$type<string[]>().notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** Why it is disabled when the platform disabled it (`failing`); null when enabled or turned off by hand. */
    disabledReason: text('disabled_reason'),
    /** The signing secret (`whsec_…`); shown once, when created or rotated. */
    secret: text('secret').notNull(),
    /** After a rotation, the previous secret still signs (as a second signature) until this instant. */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: text('previous_secret_expires_at'),
    /** Events after this seq are delivered: an endpoint receives what happens after it was created. */
    startSeq: integer('start_seq').notNull(),
    /** Since when every attempt has failed (null while it answers). */
    failingSince: text('failing_since'),
    /** One sender at a time per endpoint, so deliveries leave in seq order: the holder's lease ends here. */
    sendingUntil: text('sending_until'),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('webhook_endpoints_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
  ],
);

/**
 * One event for one endpoint. Its id is derived from the endpoint and the event's seq, so deriving it
 * again is a no-op and the receiver sees the same `webhook-id` on every attempt and replay.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    seq: integer('seq').notNull(),
    eventType: text('event_type').notNull(),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due (null once delivered or given up). */
    nextAttemptAt: text('next_attempt_at'),
    lastAttemptAt: text('last_attempt_at'),
    /** The last attempt: the receiver's status code (null when it never answered), its latency and why it failed. */
    responseStatus: integer('response_status'),
    responseMs: integer('response_ms'),
    /** The start of the receiver's answer, at most 256 characters; nothing more is kept. */
    responseExcerpt: text('response_excerpt'),
    error: text('error'),
    createdAt: text('created_at').notNull(),
    deliveredAt: text('delivered_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('webhook_deliveries_due_idx').on(t.tenantId, t.endpointId, t.status, t.seq),
    index('webhook_deliveries_endpoint_idx').on(t.tenantId, t.endpointId, t.seq),
  ],
);
