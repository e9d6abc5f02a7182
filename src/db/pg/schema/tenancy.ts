import { sql } from 'drizzle-orm';
import {
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  type Holiday,
  IDEMPOTENCY_STATES,
  INVITATION_EMAIL_STATUSES,
  INVITATION_STATUSES,
  type LimitOverrides,
  PLAN_TIERS,
  ROLES,
} from '../../schema/enums';
import { entityColumns, isoTimestamp } from './columns';

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  plan: text('plan', { enum: PLAN_TIERS }).notNull().default('free'),
  timezone: text('timezone').notNull().default('UTC'),
  currency: text('currency').notNull().default('USD'),
  checkInRadiusM: integer('check_in_radius_m').notNull().default(200),
  /** BCP 47 tag: how numbers and money are written in exports and e-mails (`de-DE`: 1.234,50 €). */
  locale: text('locale').notNull().default('en-US'),
  /** Days the organisation does not trade: a date, or a month-day every year (docs/analytics.md, Forecast). */
  holidays: jsonb('holidays').$type<Holiday[]>().notNull().default([]),
  /** The operator's overrides of the plan's limits (src/limits/plans.ts); null: the plan's defaults. */
  limits: jsonb('limits').$type<LimitOverrides>(),
  /** Owners and admins must have two-factor authentication on. */
  twoFactorRequired: boolean('two_factor_required').notNull().default(false),
  createdAt: isoTimestamp('created_at').notNull(),
  updatedAt: isoTimestamp('updated_at').notNull(),
  version: integer('version').notNull().default(1),
  deletedAt: isoTimestamp('deleted_at'),
});

export const users = pgTable(
  'users',
  {
    ...entityColumns(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    passwordHash: text('password_hash'),
    active: boolean('active').notNull().default(true),
    lastLoginAt: isoTimestamp('last_login_at'),
    /** When the user's sessions were last ended (deactivation, role change): older access tokens are refused. */
    sessionsEndedAt: isoTimestamp('sessions_ended_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('users_tenant_email_uq').on(t.tenantId, t.email),
    index('users_email_idx').on(t.email),
    index('users_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
  ],
);

/** Opaque refresh tokens, stored as SHA-256 hashes. A family is one login; reuse revokes the family. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: isoTimestamp('created_at').notNull(),
    expiresAt: isoTimestamp('expires_at').notNull(),
    usedAt: isoTimestamp('used_at'),
    revokedAt: isoTimestamp('revoked_at'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_uq').on(t.tokenHash),
    index('refresh_tokens_family_idx').on(t.familyId),
    index('refresh_tokens_user_idx').on(t.tenantId, t.userId),
    // Logins that ended lately, read by every isolate's session check (src/auth/session-ends.ts).
    index('refresh_tokens_revoked_idx').on(t.tenantId, t.revokedAt),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }),
  ],
);

/** Integration keys: only a SHA-256 hash and a display prefix are stored. */
export const apiKeys = pgTable(
  'api_keys',
  {
    ...entityColumns(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    /** A user id, or the id of the API key that made this one. */
    createdBy: uuid('created_by').notNull(),
    /**
     * The user whose authority the key carries: its creator, or for a key made by a key, that key's owner.
     * The key works only while this user is active, and never beyond this user's current role.
     */
    ownerId: uuid('owner_id'),
    expiresAt: isoTimestamp('expires_at'),
    lastUsedAt: isoTimestamp('last_used_at'),
    revokedAt: isoTimestamp('revoked_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('api_keys_hash_uq').on(t.keyHash),
    index('api_keys_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
  ],
);

/**
 * Stripe-style idempotency records. `scope` is `<tenant>:<principal kind>:<principal id>` (or `public` for
 * unauthenticated routes), so it stays text. The row is inserted before the handler runs, so a concurrent
 * request with the same key sees it.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: IDEMPOTENCY_STATES }).notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    /** The response body exactly as sent (not parsed): text, as in SQLite. */
    responseBody: text('response_body'),
    createdAt: isoTimestamp('created_at').notNull(),
    expiresAt: isoTimestamp('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_expires_idx').on(t.expiresAt)],
);

// No twin of SQLite's `batch_guard`: on Postgres a conditional write runs in a transaction that checks the
// affected row count itself.

/** Invitations by e-mail (see src/db/schema/tenancy.ts). */
export const invitations = pgTable(
  'invitations',
  {
    ...entityColumns(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    salesmanId: uuid('salesman_id'),
    territoryId: uuid('territory_id'),
    tokenHash: text('token_hash').notNull(),
    status: text('status', { enum: INVITATION_STATUSES }).notNull(),
    invitedBy: text('invited_by').notNull(),
    expiresAt: isoTimestamp('expires_at').notNull(),
    emailStatus: text('email_status', { enum: INVITATION_EMAIL_STATUSES }).notNull(),
    emailError: text('email_error'),
    sentAt: isoTimestamp('sent_at'),
    sendCount: integer('send_count').notNull().default(0),
    acceptedAt: isoTimestamp('accepted_at'),
    userId: uuid('user_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('invitations_token_uq').on(t.tokenHash),
    uniqueIndex('invitations_tenant_email_pending_uq')
      .on(t.tenantId, t.email)
      .where(sql`status = 'pending' AND deleted_at IS NULL`),
    index('invitations_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
  ],
);
