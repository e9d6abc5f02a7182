import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { NOTIFICATION_CHANNELS, NOTIFICATION_DELIVERY_STATUSES, WEBHOOK_DELIVERY_STATUSES } from '../../schema/enums';
import { entityColumns, isoTimestamp } from './columns';

/** See src/db/schema/outbound.ts for what each table and column means. */
export const outboundCursors = pgTable(
  'outbound_cursors',
  {
    tenantId: uuid('tenant_id').notNull(),
    consumer: text('consumer').notNull(),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    updatedAt: isoTimestamp('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.consumer] })],
);

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    ...entityColumns(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    eventTypes: jsonb('event_types').$type<string[]>().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: isoTimestamp('previous_secret_expires_at'),
    startSeq: bigint('start_seq', { mode: 'number' }).notNull(),
    failingSince: isoTimestamp('failing_since'),
    sendingUntil: isoTimestamp('sending_until'),
    /** The creating principal's id (a user, an API key, or `system:<component>`). */
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('webhook_endpoints_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
  ],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    tenantId: uuid('tenant_id').notNull(),
    /** `msg_…`, derived from the endpoint and the seq: not a UUID. */
    id: text('id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    eventType: text('event_type').notNull(),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: isoTimestamp('next_attempt_at'),
    lastAttemptAt: isoTimestamp('last_attempt_at'),
    responseStatus: integer('response_status'),
    responseMs: integer('response_ms'),
    responseExcerpt: text('response_excerpt'),
    error: text('error'),
    createdAt: isoTimestamp('created_at').notNull(),
    deliveredAt: isoTimestamp('delivered_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('webhook_deliveries_due_idx').on(t.tenantId, t.endpointId, t.status, t.seq),
    index('webhook_deliveries_endpoint_idx').on(t.tenantId, t.endpointId, t.seq),
  ],
);

export const notificationRules = pgTable(
  'notification_rules',
  {
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind').notNull(),
    enabled: boolean('enabled').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    updatedAt: isoTimestamp('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.kind] })],
);

export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    channels: jsonb('channels').$type<Record<string, Record<string, boolean>>>().notNull(),
    quietStart: text('quiet_start'),
    quietEnd: text('quiet_end'),
    updatedAt: isoTimestamp('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] })],
);

export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    userAgent: text('user_agent'),
    createdAt: isoTimestamp('created_at').notNull(),
    lastSentAt: isoTimestamp('last_sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('push_subscriptions_endpoint_uq').on(t.tenantId, t.endpoint),
    index('push_subscriptions_user_idx').on(t.tenantId, t.userId),
  ],
);

export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: text('id').notNull(),
    notificationId: uuid('notification_id').notNull(),
    userId: uuid('user_id').notNull(),
    channel: text('channel', { enum: NOTIFICATION_CHANNELS }).notNull(),
    subscriptionId: uuid('subscription_id'),
    status: text('status', { enum: NOTIFICATION_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: isoTimestamp('next_attempt_at'),
    expiresAt: isoTimestamp('expires_at').notNull(),
    lastAttemptAt: isoTimestamp('last_attempt_at'),
    responseStatus: integer('response_status'),
    error: text('error'),
    createdAt: isoTimestamp('created_at').notNull(),
    sentAt: isoTimestamp('sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('notification_deliveries_due_idx').on(t.tenantId, t.status, t.nextAttemptAt),
    index('notification_deliveries_notification_idx').on(t.tenantId, t.notificationId),
  ],
);
