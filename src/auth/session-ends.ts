import { and, eq, gt, max } from 'drizzle-orm';
import type { Db } from '../db/client';
import { databaseIdentity } from '../db/connection';
import { readTogether } from '../db/sql';
import { refreshTokens, users } from '../db/tables';
import type { Config } from '../env';
import { AppError, ErrorCode } from '../lib/errors';
import type { VerifiedClaims } from './tokens';

/**
 * Access tokens are verified without reading the database, so on its own a token would outlive its
 * user's deactivation or role change, or its login's logout, by up to its lifetime. Each isolate keeps,
 * per tenant, the users whose sessions ended within one access-token lifetime (`users.sessions_ended_at`)
 * and the logins (refresh-token families, the token's `sid`) revoked within it, re-read at most every
 * SESSION_ENDS_TTL_MS, and refuses tokens issued before that moment. The isolate that ended the
 * sessions forgets its copy at once (`sessionsEnded`); any other isolate follows within the TTL.
 */
export const SESSION_ENDS_TTL_MS = 30_000;
/** Tenants remembered per isolate (the least recently refreshed is dropped first). */
const MAX_TENANTS = 10_000;

interface TenantSessionEnds {
  loadedAt: number;
  /** User id → when their sessions ended (ms since the epoch). */
  endedAt: Map<string, number>;
  /** Login (refresh-token family) → when it ended: logout, or a refresh token presented twice. */
  loginEndedAt: Map<string, number>;
}

const byDatabase = new WeakMap<object, Map<string, TenantSessionEnds>>();

function tenantsOf(db: Db): Map<string, TenantSessionEnds> {
  // Keyed by the database, not the client: a Postgres client lives for one request.
  const key = databaseIdentity(db);
  let tenants = byDatabase.get(key);
  if (!tenants) {
    tenants = new Map();
    byDatabase.set(key, tenants);
  }
  return tenants;
}

/** Refuses an access token issued before its user's sessions last ended. */
export async function assertSessionLive(db: Db, config: Config, claims: VerifiedClaims, now = Date.now()) {
  const tenants = tenantsOf(db);
  let current = tenants.get(claims.tid);
  if (!current || now - current.loadedAt >= SESSION_ENDS_TTL_MS) {
    const since = new Date(now - config.ACCESS_TOKEN_TTL_SECONDS * 1000 - 60_000).toISOString();
    // One round trip for both lists.
    const [rows, logins] = await readTogether(db, [
      db
        .select({ id: users.id, endedAt: users.sessionsEndedAt })
        .from(users)
        .where(and(eq(users.tenantId, claims.tid), gt(users.sessionsEndedAt, since))),
      db
        .select({ id: refreshTokens.familyId, endedAt: max(refreshTokens.revokedAt) })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.tenantId, claims.tid), gt(refreshTokens.revokedAt, since)))
        .groupBy(refreshTokens.familyId),
    ]);
    current = {
      loadedAt: now,
      endedAt: new Map(rows.map((r) => [r.id, Date.parse(r.endedAt ?? '')])),
      loginEndedAt: new Map(logins.map((r) => [r.id, Date.parse(r.endedAt ?? '')])),
    };
    tenants.delete(claims.tid);
    tenants.set(claims.tid, current);
    if (tenants.size > MAX_TENANTS) tenants.delete(tenants.keys().next().value as string);
  }
  const issuedAt = Math.round(claims.iat * 1000);
  const endedAt = current.endedAt.get(claims.sub);
  // Issued in the very millisecond the sessions ended counts as before: the doubt goes to refusing.
  if (endedAt !== undefined && issuedAt <= endedAt) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Your access has changed; sign in again');
  }
  const loginEndedAt = claims.sid === undefined ? undefined : current.loginEndedAt.get(claims.sid);
  if (loginEndedAt !== undefined && issuedAt <= loginEndedAt) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'This login has ended; sign in again');
  }
}

/** Called after a batch from `endUserSessions` committed: this isolate re-reads the tenant's list. */
export function sessionsEnded(db: Db, tenantId: string) {
  tenantsOf(db).delete(tenantId);
}
