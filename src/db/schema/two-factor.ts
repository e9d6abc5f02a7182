import { foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './tenancy';

/**
 * A user's TOTP second factor (RFC 6238; src/services/two-factor.service.ts, docs/security.md). One row per
 * user from the start of an enrolment; `enabledAt` is set once a first code confirmed it. The secret is
 * never stored in clear: `v1$<pepper id>$<iv>$<AES-GCM ciphertext>`, under a key derived from
 * PASSWORD_PEPPER and bound to the tenant and user (src/auth/totp-secrets.ts).
 */
export const twoFactor = sqliteTable(
  'two_factor',
  {
    tenantId: text('tenant_id').notNull(),
    userId: text('user_id').notNull(),
    secret: text('secret').notNull(),
    /** Null while the enrolment waits for its first code: until then the user has no second factor. */
    enabledAt: text('enabled_at'),
    /** The last 30-second time step whose code was accepted: a code of that step or an earlier one is refused. */
    lastUsedStep: integer('last_used_step').notNull().default(0),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }),
  ],
);

/** Single-use recovery codes of a user's second factor, stored as keyed hashes (`hmac$<pepper id>$<hex>`). */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    userId: text('user_id').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: text('created_at').notNull(),
    /** Set when the code was used: it never works again. */
    usedAt: text('used_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('recovery_codes_user_hash_uq').on(t.tenantId, t.userId, t.codeHash),
    index('recovery_codes_user_idx').on(t.tenantId, t.userId),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }),
  ],
);
