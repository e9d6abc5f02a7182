import { doublePrecision, foreignKey, index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { NOTIFICATION_KINDS } from '../../schema/enums';
import { entityColumns, isoTimestamp } from './columns';
import { salesmen } from './field';

/**
 * Salesmen's GPS trail, written in batches by the tenant hub (Durable Object), never one row per message.
 * The primary key makes a retried flush (alarms are at-least-once) insert nothing twice.
 */
export const locationTrail = pgTable(
  'location_trail',
  {
    tenantId: uuid('tenant_id').notNull(),
    salesmanId: uuid('salesman_id').notNull(),
    /** Device time of the fix. */
    recordedAt: isoTimestamp('recorded_at').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    accuracyM: doublePrecision('accuracy_m').notNull(),
    speedMps: doublePrecision('speed_mps'),
    headingDeg: doublePrecision('heading_deg'),
    receivedAt: isoTimestamp('received_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.salesmanId, t.recordedAt] }),
    foreignKey({ columns: [t.tenantId, t.salesmanId], foreignColumns: [salesmen.tenantId, salesmen.id] }),
  ],
);

/** Messages from managers to one salesman (`salesmanId`) or to the whole tenant (`salesmanId` null). */
export const notifications = pgTable(
  'notifications',
  {
    ...entityColumns(),
    salesmanId: uuid('salesman_id'),
    userId: uuid('user_id'),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull().default('message'),
    /** The sending principal's id (a user, an API key, or `system:<component>`). */
    senderId: text('sender_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    data: jsonb('data').$type<Record<string, unknown> | null>(),
    readAt: isoTimestamp('read_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('notifications_tenant_salesman_idx').on(t.tenantId, t.salesmanId, t.createdAt),
    index('notifications_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    index('notifications_tenant_user_idx').on(t.tenantId, t.userId, t.createdAt),
    foreignKey({ columns: [t.tenantId, t.salesmanId], foreignColumns: [salesmen.tenantId, salesmen.id] }),
  ],
);
