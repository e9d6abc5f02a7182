import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Failed sign-ins per account (`account:<sha256 of the email>`, whether or not the account exists) and
 * per client address (`ip:<address, IPv6 by /64>`), for the login throttle (src/services/login-throttle.ts,
 * docs/security.md). Times are epoch milliseconds: the lock is computed in the claiming statement itself,
 * so concurrent attempts cannot slip past it.
 */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  /** Attempts counted as failed so far (an attempt counts before its password is checked). */
  failures: integer('failures').notNull(),
  lastFailureAt: integer('last_failure_at').notNull(),
  /** No attempt is checked before this moment (0: none pending). */
  lockedUntil: integer('locked_until').notNull().default(0),
});
