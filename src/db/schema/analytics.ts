import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { entityColumns } from './columns';
import { REPORT_DELIVERY_STATUSES, REPORT_FORMATS, REPORT_FREQUENCIES, REPORT_KINDS, RFM_RUN_STATUSES } from './enums';

/*
 * Analytics state written by the scheduled jobs. No foreign key to tenants or customers: snapshots are
 * history (a deleted customer's past scores stay valid), and removing a tenant's data must not depend on
 * knowing about these tables.
 */

/** One nightly RFM run per tenant and local date; `status` is the job's idempotent cursor. */
export const rfmRuns = sqliteTable(
  'rfm_runs',
  {
    tenantId: text('tenant_id').notNull(),
    /** The tenant's local date of the run (YYYY-MM-DD); recency is counted in days up to it. */
    runDate: text('run_date').notNull(),
    /** scoring → notifying → completed. A retried job resumes from the stored status. */
    status: text('status', { enum: RFM_RUN_STATUSES }).notNull(),
    /** Orders up to this instant are scored; fixed at the first attempt so a retry scores the same data. */
    asOf: text('as_of').notNull(),
    /** The run the segments are compared with (the latest completed one before this). */
    previousRunDate: text('previous_run_date'),
    startedAt: text('started_at').notNull(),
    scoredAt: text('scored_at'),
    completedAt: text('completed_at'),
    customers: integer('customers').notNull().default(0),
    scored: integer('scored').notNull().default(0),
    changed: integer('changed').notNull().default(0),
    eventsAppended: integer('events_appended').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    /** Wall time of the scoring step in ms (load, score, write). */
    scoringMs: integer('scoring_ms'),
    /** Quintile boundaries of this run (JSON), shown with the segmentation. */
    thresholds: text('thresholds', { mode: 'json' }).$type<Record<string, (number | null)[]>>(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.runDate] })],
);

/** Every customer's scores in one run (prospects too, unscored), and the segment of the previous run. */
export const rfmScores = sqliteTable(
  'rfm_scores',
  {
    tenantId: text('tenant_id').notNull(),
    runDate: text('run_date').notNull(),
    customerId: text('customer_id').notNull(),
    recencyDays: integer('recency_days'),
    frequency: integer('frequency').notNull(),
    monetaryMinor: integer('monetary_minor').notNull(),
    lastOrderDate: text('last_order_date'),
    r: integer('r'),
    f: integer('f'),
    m: integer('m'),
    segment: text('segment').notNull(),
    previousSegment: text('previous_segment'),
    /** 1 once its `segment:changed` event is in the log (the notify step's cursor). */
    notified: integer('notified').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.runDate, t.customerId] }),
    index('rfm_scores_segment_idx').on(t.tenantId, t.runDate, t.segment, t.monetaryMinor, t.customerId),
    index('rfm_scores_money_idx').on(t.tenantId, t.runDate, t.monetaryMinor, t.customerId),
    // Only the changes still waiting for their event: the notify step reads this index, nothing else.
    index('rfm_scores_pending_idx')
      .on(t.tenantId, t.runDate, t.customerId)
      .where(sql`previous_segment IS NOT NULL AND segment <> previous_segment AND notified = 0`),
  ],
);

/** Scheduled report e-mails: who gets which report how often (in the tenant's timezone). */
export const reportSubscriptions = sqliteTable(
  'report_subscriptions',
  {
    ...entityColumns(),
    name: text('name').notNull(),
    report: text('report', { enum: REPORT_KINDS }).notNull().default('executive'),
    frequency: text('frequency', { enum: REPORT_FREQUENCIES }).notNull(),
    /** Attachments: the PDF, the CSV, or both. */
    format: text('format', { enum: REPORT_FORMATS }).notNull().default('both'),
    recipients: text('recipients', { mode: 'json' }).$type<string[]>().notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdBy: text('created_by').notNull(),
    /** Random, per subscription: part of every unsubscribe link, rotated never (links in old mail keep working). */
    unsubscribeKey: text('unsubscribe_key').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('report_subscriptions_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    index('report_subscriptions_active_idx').on(t.active, t.tenantId),
  ],
);

/**
 * One row per (subscription, period, recipient): the idempotency key of scheduled e-mail. It is claimed
 * (inserted) before sending; the unique key makes a second claim — a retried cron — fail, so nobody
 * gets a report twice. A send that failed releases its claim so the retry can try again.
 */
export const reportDeliveries = sqliteTable(
  'report_deliveries',
  {
    tenantId: text('tenant_id').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    /** e.g. `daily:2025-03-04`, `weekly:2025-03-03`, `monthly:2025-03-01`. */
    periodKey: text('period_key').notNull(),
    recipient: text('recipient').notNull(),
    status: text('status', { enum: REPORT_DELIVERY_STATUSES }).notNull(),
    claimedAt: text('claimed_at').notNull(),
    sentAt: text('sent_at'),
    messageId: text('message_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.subscriptionId, t.periodKey, t.recipient] }),
    check('report_deliveries_status', sql`status IN ('sending', 'sent')`),
  ],
);
