import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  REPORT_DELIVERY_STATUSES,
  REPORT_FORMATS,
  REPORT_FREQUENCIES,
  REPORT_KINDS,
  RFM_RUN_STATUSES,
} from '../../schema/enums';
import { entityColumns, isoTimestamp } from './columns';

/*
 * Analytics state written by the scheduled jobs. No foreign key to tenants or customers: snapshots are
 * history (a deleted customer's past scores stay valid), and removing a tenant's data must not depend on
 * knowing about these tables.
 */

/** One nightly RFM run per tenant and local date; `status` is the job's idempotent cursor. */
export const rfmRuns = pgTable(
  'rfm_runs',
  {
    tenantId: uuid('tenant_id').notNull(),
    /** The tenant's local date of the run; recency is counted in days up to it. */
    runDate: date('run_date', { mode: 'string' }).notNull(),
    /** scoring → notifying → completed. A retried job resumes from the stored status. */
    status: text('status', { enum: RFM_RUN_STATUSES }).notNull(),
    /** Orders up to this instant are scored; fixed at the first attempt so a retry scores the same data. */
    asOf: isoTimestamp('as_of').notNull(),
    /** The run the segments are compared with (the latest completed one before this). */
    previousRunDate: date('previous_run_date', { mode: 'string' }),
    startedAt: isoTimestamp('started_at').notNull(),
    scoredAt: isoTimestamp('scored_at'),
    completedAt: isoTimestamp('completed_at'),
    customers: integer('customers').notNull().default(0),
    scored: integer('scored').notNull().default(0),
    changed: integer('changed').notNull().default(0),
    eventsAppended: integer('events_appended').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    /** Wall time of the scoring step in ms (load, score, write). */
    scoringMs: integer('scoring_ms'),
    /** Quintile boundaries of this run, shown with the segmentation. */
    thresholds: jsonb('thresholds').$type<Record<string, (number | null)[]>>(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.runDate] })],
);

/** Every customer's scores in one run (prospects too, unscored), and the segment of the previous run. */
export const rfmScores = pgTable(
  'rfm_scores',
  {
    tenantId: uuid('tenant_id').notNull(),
    runDate: date('run_date', { mode: 'string' }).notNull(),
    customerId: uuid('customer_id').notNull(),
    recencyDays: integer('recency_days'),
    frequency: integer('frequency').notNull(),
    monetaryMinor: bigint('monetary_minor', { mode: 'number' }).notNull(),
    lastOrderDate: date('last_order_date', { mode: 'string' }),
    r: integer('r'),
    f: integer('f'),
    m: integer('m'),
    segment: text('segment').notNull(),
    previousSegment: text('previous_segment'),
    /**
     * 1 once its `segment:changed` event is in the log (the notify step's cursor). An integer, not a boolean,
     * because the SQLite column is a plain integer: the code reads and writes 0/1.
     */
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
export const reportSubscriptions = pgTable(
  'report_subscriptions',
  {
    ...entityColumns(),
    name: text('name').notNull(),
    report: text('report', { enum: REPORT_KINDS }).notNull().default('executive'),
    frequency: text('frequency', { enum: REPORT_FREQUENCIES }).notNull(),
    /** Attachments: the PDF, the CSV, or both. */
    format: text('format', { enum: REPORT_FORMATS }).notNull().default('both'),
    recipients: jsonb('recipients').$type<string[]>().notNull(),
    active: boolean('active').notNull().default(true),
    /** The creating principal's id (a user, an API key, or `system:<component>`). */
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
export const reportDeliveries = pgTable(
  'report_deliveries',
  {
    tenantId: uuid('tenant_id').notNull(),
    subscriptionId: uuid('subscription_id').notNull(),
    /** e.g. `daily:2025-03-04`, `weekly:2025-03-03`, `monthly:2025-03-01`. */
    periodKey: text('period_key').notNull(),
    recipient: text('recipient').notNull(),
    status: text('status', { enum: REPORT_DELIVERY_STATUSES }).notNull(),
    claimedAt: isoTimestamp('claimed_at').notNull(),
    sentAt: isoTimestamp('sent_at'),
    messageId: text('message_id'),
  },
  (t) => [
    // Named: the generated name (67 characters) would pass Postgres' 63-character limit and be truncated.
    primaryKey({ name: 'report_deliveries_pk', columns: [t.tenantId, t.subscriptionId, t.periodKey, t.recipient] }),
    check('report_deliveries_status', sql`status IN ('sending', 'sent')`),
  ],
);
