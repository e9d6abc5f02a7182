/*
 * The value sets of enum-like text columns, and the JSON shapes stored in them: dialect-free, shared by the
 * SQLite (D1) schema in this folder and the Postgres schema in ../pg/schema, so both accept the same values.
 */

// Tenancy
export const PLAN_TIERS = ['free', 'pro', 'enterprise'] as const;
export const ROLES = ['owner', 'admin', 'manager', 'salesman', 'viewer'] as const;
export type PlanTier = (typeof PLAN_TIERS)[number];
export type Role = (typeof ROLES)[number];
/**
 * What a plan allows (src/limits/plans.ts holds each tier's values, docs/security.md the table). Every
 * rate is per minute.
 */
export interface PlanLimits {
  /** REST requests of the whole organisation. */
  requestsPerMinute: number;
  /** REST requests of one credential (a user's sessions together, or one API key). */
  credentialRequestsPerMinute: number;
  /** GraphQL: the sum of the operations' complexity scores, for the whole organisation. */
  graphqlCostPerMinute: number;
  /** GraphQL complexity of one credential. */
  credentialGraphqlCostPerMinute: number;
  /** Realtime (WebSocket) connections opened, per credential. */
  realtimeConnectsPerMinute: number;
  /** Days the audit log keeps its entries. */
  auditRetentionDays: number;
}
/** A day the organisation does not trade: `YYYY-MM-DD` once, or `MM-DD` every year. */
export interface Holiday {
  date: string;
  name: string;
}
/** The operator's per-organisation overrides of its plan's limits. */
export type LimitOverrides = Partial<PlanLimits>;
/** An idempotency record is claimed before the handler runs and completed with its response. */
/** An invitation by e-mail (src/services/invitations.service.ts); `expired` is a pending one past its date. */
export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
/** Whether the invitation's last e-mail left: `sending` until the send_email binding answered. */
export const INVITATION_EMAIL_STATUSES = ['sending', 'sent', 'failed'] as const;

export const IDEMPOTENCY_STATES = ['in_progress', 'completed'] as const;

// Field
export const VISIT_STATUSES = ['planned', 'in_progress', 'completed', 'cancelled'] as const;
export const VISIT_VERDICTS = ['verified', 'out_of_range', 'unverified'] as const;
export const VISIT_OUTCOMES = ['order_taken', 'no_order', 'follow_up', 'customer_unavailable', 'other'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];
export type VisitVerdict = (typeof VISIT_VERDICTS)[number];

export const TARGET_PERIODS = ['month', 'quarter', 'year'] as const;

export type GeoJsonGeometry =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

// Catalog
export const MOVEMENT_KINDS = ['adjustment', 'receipt', 'reservation', 'release', 'fulfilment'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

// Sales
export const ORDER_STATUSES = ['draft', 'confirmed', 'fulfilled', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAYMENT_METHODS = ['cash', 'card', 'bank_transfer', 'cheque', 'mobile_money', 'other'] as const;
export const PAYMENT_STATUSES = ['received', 'failed', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

// Analytics
/** scoring → notifying → completed: the nightly RFM run's resumable cursor. */
export const RFM_RUN_STATUSES = ['scoring', 'notifying', 'completed'] as const;

export const REPORT_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export const REPORT_FORMATS = ['pdf', 'csv', 'both'] as const;
export const REPORT_KINDS = ['executive'] as const;
export type ReportFrequency = (typeof REPORT_FREQUENCIES)[number];
/** A delivery is claimed (`sending`) before the e-mail goes out and marked `sent` after. */
export const REPORT_DELIVERY_STATUSES = ['sending', 'sent'] as const;

// Sync
/** What the server did with a pushed mutation (a skipped or duplicate one is never stored). */
export const SYNC_MUTATION_STATUSES = ['applied', 'refused'] as const;
export type SyncMutationStatus = (typeof SYNC_MUTATION_STATUSES)[number];

/** One field of a sync conflict: what the device sent, what the server had, and which one the record kept. */
export interface SyncConflictField {
  field: string;
  client: unknown;
  server: unknown;
  winner: 'client' | 'server';
}

/** pending: due or waiting for its next attempt; delivered: a 2xx came back; failed: every attempt failed. */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * What a notification is about. `message` is one a manager wrote; the others come from the tenant's
 * notification rules (docs/notifications.md).
 */
export const NOTIFICATION_KINDS = [
  'message',
  'stock_low',
  'large_order',
  'payment_failed',
  'visit_soon',
  'visit_missed',
  'target_attainment',
  'customer_at_risk',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Where a notification reaches its recipient besides the in-app list. */
export const NOTIFICATION_CHANNELS = ['push', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * pending: due at `next_attempt_at`; sent: the push service or mail relay took it; gone: the subscription
 * no longer exists (removed); expired: it would arrive after it stopped mattering (quiet hours, retries);
 * failed: refused for good, or out of retries.
 */
export const NOTIFICATION_DELIVERY_STATUSES = ['pending', 'sent', 'gone', 'expired', 'failed'] as const;
export type NotificationDeliveryStatus = (typeof NOTIFICATION_DELIVERY_STATUSES)[number];

/** What a CSV import creates or updates (docs/imports.md). */
export const IMPORT_KINDS = ['customers', 'products'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** all_or_nothing: any invalid row and nothing is written; valid_rows: invalid rows are skipped and listed. */
export const IMPORT_MODES = ['all_or_nothing', 'valid_rows'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** queued: waiting for the jobs queue; running: rows being written; completed / failed: finished. */
export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One refused row of an import: its line number in the file (the header is line 1) and why. */
export interface ImportRowError {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

/** The ids of the records sample data created, per kind (src/services/sample-data.service.ts). */
export interface SampleRecords {
  territories: string[];
  salesmen: string[];
  customers: string[];
  products: string[];
  visits: string[];
  orders: string[];
}
