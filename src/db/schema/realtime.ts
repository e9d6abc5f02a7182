import { foreignKey, index, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { entityColumns } from './columns';
import { NOTIFICATION_KINDS } from './enums';
import { salesmen } from './field';

/**
 * Salesmen's GPS trail, written in batches by the tenant hub (Durable Object), never one row per message.
 * The primary key makes a retried flush (alarms are at-least-once) insert nothing twice.
 */
export const locationTrail = sqliteTable(
  'location_trail',
  {
    tenantId: text('tenant_id').notNull(),
    salesmanId: text('salesman_id').notNull(),
    /** Device time of the fix. */
    recordedAt: text('recorded_at').notNull(),
    lat: real('lat').notNull(),
    lng: real('lng').notNull(),
    accuracyM: real('accuracy_m').notNull(),
    speedMps: real('speed_mps'),
    headingDeg: real('heading_deg'),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.salesmanId, t.recordedAt] }),
    foreignKey({ columns: [t.tenantId, t.salesmanId], foreignColumns: [salesmen.tenantId, salesmen.id] }),
  ],
);

/**
 * Messages from managers to one salesman (`salesmanId`) or to the whole field team (`salesmanId` and
 * `userId` null), and notifications the tenant's rules address to one user (`userId`; with `salesmanId`
 * too when that user is a salesman).
 */
export const notifications = sqliteTable(
  'notifications',
  {
    ...entityColumns(),
    salesmanId: text('salesman_id'),
    /** The user it is addressed to (rule notifications); null for a manager's message. */
    userId: text('user_id'),
    /** `message`, or the rule that raised it (NOTIFICATION_KINDS). */
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull().default('message'),
    senderId: text('sender_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    readAt: text('read_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('notifications_tenant_salesman_idx').on(t.tenantId, t.salesmanId, t.createdAt),
    index('notifications_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    index('notifications_tenant_user_idx').on(t.tenantId, t.userId, t.createdAt),
    foreignKey({ columns: [t.tenantId, t.salesmanId], foreignColumns: [salesmen.tenantId, salesmen.id] }),
  ],
);
