import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Statement } from '../db/client';
import { refreshTokens, users } from '../db/tables';

/**
 * Ends every session of a user (role change, deactivation, salesman profile gone): revokes the refresh
 * tokens and records the moment, so access tokens issued before it are refused (src/auth/session-ends.ts).
 * Statements for the caller's batch; after it commits, call `sessionsEnded` for this isolate to see it.
 */
export const endUserSessions = (db: Db, tenantId: string, userId: string, now: string): Statement[] => [
  db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(
      and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)),
    ),
  db
    .update(users)
    .set({ sessionsEndedAt: now })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId))),
];
