import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { entityColumns } from './columns';
import {
  type Holiday,
  IDEMPOTENCY_STATES,
  INVITATION_EMAIL_STATUSES,
  INVITATION_STATUSES,
  type LimitOverrides,
  PLAN_TIERS,
  ROLES,
} from './enums';

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  plan: text('plan', { enum: PLAN_TIERS }).notNull().default('free'),
  timezone: text('timezone').notNull().default('UTC'),
  currency: text('currency').notNull().default('USD'),
  checkInRadiusM: integer('check_in_radius_m').notNull().default(200),
  /** BCP 47 tag: how numbers and money are written in exports and e-mails (`de-DE`: 1.234,50 €). */
  locale: text('locale').notNull().default('en-US'),
  /** Days the organisation does not trade: a date, or a month-day every year (docs/analytics.md, Forecast). */
  holidays: text('holidays', { mode: 'json' }).$type<Holiday[]>().notNull().default([]),
  /** The operator's overrides of the plan's limits (src/limits/plans.ts); null: the plan's defaults. */
  limits: text('limits', { mode: 'json' }).$type<LimitOverrides>(),
  /** Owners and admins must have two-factor authentication on (docs/security.md, Two-factor authentication). */
  twoFactorRequired: integer('two_factor_required', { mode: 'boolean' }).notNull().default(false),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
  version: integer('version').notNull().default(1),
  deletedAt: text('deleted_at'),
});

export const users = sqliteTable(
  'users',
  {
    ...entityColumns(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    passwordHash: text('password_hash'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    lastLoginAt: text('last_login_at'),
    /** When the user's sessions were last ended (deactivation, role change): older access tokens are refused. */
    sessionsEndedAt: text('sessions_ended_at'),
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
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    userId: text('user_id').notNull(),
    familyId: text('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
    revokedAt: text('revoked_at'),
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
export const apiKeys = sqliteTable(
  'api_keys',
  {
    ...entityColumns(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    /** A user id, or the id of the API key that made this one. */
    createdBy: text('created_by').notNull(),
    /**
     * The user whose authority the key carries: its creator, or for a key made by a key, that key's owner.
     * The key works only while this user is active, and never beyond this user's current role.
     */
    ownerId: text('owner_id'),
    expiresAt: text('expires_at'),
    lastUsedAt: text('last_used_at'),
    revokedAt: text('revoked_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('api_keys_hash_uq').on(t.keyHash),
    index('api_keys_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
  ],
);

/**
 * Stripe-style idempotency records. `scope` is the tenant id (or `public` for unauthenticated routes).
 * The row is inserted before the handler runs, so a concurrent request with the same key sees it.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: IDEMPOTENCY_STATES }).notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: text('response_headers', { mode: 'json' }).$type<Record<string, string>>(),
    responseBody: text('response_body'),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_expires_idx').on(t.expiresAt)],
);

/**
 * D1 has no interactive transactions. A batch statement that must have changed a row is followed by
 * `INSERT INTO batch_guard SELECT NULL WHERE changes() = 0`; the NOT NULL violation aborts (and rolls
 * back) the whole batch. See db/batch.ts.
 */
export const batchGuard = sqliteTable('batch_guard', {
  rowChanged: text('row_changed').notNull(),
});

/**
 * Invitations by e-mail: an owner, admin or manager invites someone to the organisation with a role; the
 * e-mail's link carries a random token, stored here only as its SHA-256, and accepting it (with a
 * password of the invitee's choosing) creates the user. A salesman's invitation may name the salesman
 * profile the new user takes over (`salesmanId`), else accepting creates one (in `territoryId`).
 */
export const invitations = sqliteTable(
  'invitations',
  {
    ...entityColumns(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    salesmanId: text('salesman_id'),
    territoryId: text('territory_id'),
    tokenHash: text('token_hash').notNull(),
    status: text('status', { enum: INVITATION_STATUSES }).notNull(),
    invitedBy: text('invited_by').notNull(),
    expiresAt: text('expires_at').notNull(),
    emailStatus: text('email_status', { enum: INVITATION_EMAIL_STATUSES }).notNull(),
    emailError: text('email_error'),
    sentAt: text('sent_at'),
    sendCount: integer('send_count').notNull().default(0),
    acceptedAt: text('accepted_at'),
    userId: text('user_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('invitations_token_uq').on(t.tokenHash),
    // One open invitation per address and organisation: a second is a resend.
    uniqueIndex('invitations_tenant_email_pending_uq')
      .on(t.tenantId, t.email)
      .where(sql`status = 'pending' AND deleted_at IS NULL`),
    index('invitations_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
  ],
);
