import { bigint, integer, pgTable, text } from 'drizzle-orm/pg-core';

/** Failed sign-ins per account and per client address (see src/db/schema/auth.ts); times in epoch ms. */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: bigint('last_failure_at', { mode: 'number' }).notNull(),
  lockedUntil: bigint('locked_until', { mode: 'number' }).notNull().default(0),
});
