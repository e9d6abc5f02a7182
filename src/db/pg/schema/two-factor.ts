import { foreignKey, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { isoTimestamp } from './columns';
import { users } from './tenancy';

/** A user's TOTP second factor, its secret encrypted (see src/db/schema/two-factor.ts). */
export const twoFactor = pgTable(
  'two_factor',
  {
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    secret: text('secret').notNull(),
    enabledAt: isoTimestamp('enabled_at'),
    lastUsedStep: integer('last_used_step').notNull().default(0),
    createdAt: isoTimestamp('created_at').notNull(),
    updatedAt: isoTimestamp('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }),
  ],
);

/** Single-use recovery codes, stored as keyed hashes (see src/db/schema/two-factor.ts). */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: isoTimestamp('created_at').notNull(),
    usedAt: isoTimestamp('used_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('recovery_codes_user_hash_uq').on(t.tenantId, t.userId, t.codeHash),
    index('recovery_codes_user_idx').on(t.tenantId, t.userId),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }),
  ],
);
