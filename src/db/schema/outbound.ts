import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { entityColumns } from './columns';
import { NOTIFICATION_CHANNELS, NOTIFICATION_DELIVERY_STATUSES, WEBHOOK_DELIVERY_STATUSES } from './enums';

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

/**
 * A tenant's setting for one notification rule (docs/notifications.md). A rule without a row runs with
 * its defaults, so a new tenant has every rule on.
 */
export const notificationRules = sqliteTable(
  'notification_rules',
  {
    tenantId: text('tenant_id').notNull(),
    kind: text('kind').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    /** The rule's parameters (an amount, minutes, thresholds), merged over its defaults. */
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    updatedAt: text('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.kind] })],
);

/** One user's channels per notification kind and quiet hours; no row means the defaults. */
export const notificationPreferences = sqliteTable(
  'notification_preferences',
  {
    tenantId: text('tenant_id').notNull(),
    userId: text('user_id').notNull(),
    /** Per kind, the channels the user changed from their defaults: `{ "stock_low": { "push": false } }`. */
    channels: text('channels', { mode: 'json' }).$type<Record<string, Record<string, boolean>>>().notNull(),
    /** `HH:MM` in the tenant's timezone; push and e-mail wait until the end. Both set, or both null. */
    quietStart: text('quiet_start'),
    quietEnd: text('quiet_end'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] })],
);

/** A browser (or phone) a user allowed to receive web push, as its PushSubscription gave it. */
export const pushSubscriptions = sqliteTable(
  'push_subscriptions',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    userId: text('user_id').notNull(),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    /** What the device called itself when it subscribed, to tell a user's devices apart. */
    userAgent: text('user_agent'),
    createdAt: text('created_at').notNull(),
    lastSentAt: text('last_sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('push_subscriptions_endpoint_uq').on(t.tenantId, t.endpoint),
    index('push_subscriptions_user_idx').on(t.tenantId, t.userId),
  ],
);

/**
 * One notification on its way to one device (push) or one mailbox (e-mail). Its id comes from the
 * notification and the target, so deriving it twice is a no-op and a retry is the same delivery.
 */
export const notificationDeliveries = sqliteTable(
  'notification_deliveries',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    notificationId: text('notification_id').notNull(),
    userId: text('user_id').notNull(),
    channel: text('channel', { enum: NOTIFICATION_CHANNELS }).notNull(),
    /** The device, for push; null for e-mail. */
    subscriptionId: text('subscription_id'),
    status: text('status', { enum: NOTIFICATION_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due (the end of quiet hours, a retry); null once settled. */
    nextAttemptAt: text('next_attempt_at'),
    /** After this instant the notification no longer matters and is not sent (the push TTL starts here too). */
    expiresAt: text('expires_at').notNull(),
    lastAttemptAt: text('last_attempt_at'),
    responseStatus: integer('response_status'),
    error: text('error'),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('notification_deliveries_due_idx').on(t.tenantId, t.status, t.nextAttemptAt),
    index('notification_deliveries_notification_idx').on(t.tenantId, t.notificationId),
  ],
);
