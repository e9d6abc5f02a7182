import { and, eq, isNull } from 'drizzle-orm';
import { sessionsEnded } from '../auth/session-ends';
import { assertChanged, runBatch } from '../db/batch';
import type { Db } from '../db/client';
import { refreshTokens, users } from '../db/tables';
import type { Config } from '../env';
import { sha256Hex } from '../lib/crypto';
import { AppError, ErrorCode } from '../lib/errors';
import { nowIso } from '../lib/time';
import { auditStatement } from './audit.service';
import type { RequestOrigin } from './context';
import { issueAccessToken, newRefreshToken, type TokenPair, tokenPair } from './session-tokens';

/** A login after sign-in: its refresh token rotated (once each) or ended (logout). */

/**
 * A token presented again this soon after its rotation is a concurrent refresh of the same client (two
 * tabs, a retry racing its original), not a leak: it is refused without ending the login.
 */
export const REFRESH_RACE_GRACE_MS = 10_000;

const refreshRaced = () =>
  new AppError(
    ErrorCode.CONFLICT,
    'This refresh token was rotated a moment ago by a concurrent refresh; continue with the tokens it returned',
    { reason: 'REFRESH_RACED' },
  );

/**
 * Rotates a refresh token. Each token works once; presenting a used (or revoked) one means it leaked,
 * so the whole family (every token descended from that login) is revoked — unless it was rotated within
 * REFRESH_RACE_GRACE_MS, which is a concurrent refresh (409, the login survives).
 */
export async function refresh(
  db: Db,
  config: Config,
  presented: string,
  origin: RequestOrigin | null = null,
): Promise<TokenPair> {
  const tokenHash = await sha256Hex(presented);
  const existing = await db.query.refreshTokens.findFirst({ where: eq(refreshTokens.tokenHash, tokenHash) });
  const now = nowIso();
  if (!existing) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Invalid refresh token');
  if (existing.revokedAt) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Refresh token revoked');
  if (existing.usedAt) {
    if (Date.parse(now) - Date.parse(existing.usedAt) < REFRESH_RACE_GRACE_MS) throw refreshRaced();
    await runBatch(db, [
      revokeFamily(db, existing.familyId, now),
      auditStatement(
        { db, now, origin },
        {
          tenantId: existing.tenantId,
          action: 'auth:refresh_reused',
          actor: { type: 'anonymous', id: null },
          entity: { type: 'user', id: existing.userId },
          detail: { login: existing.familyId },
        },
      ),
    ]);
    sessionsEnded(db, existing.tenantId);
    throw new AppError(
      ErrorCode.TOKEN_REUSED,
      'Refresh token was already used; all sessions of this login are revoked',
    );
  }
  if (existing.expiresAt <= now) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Refresh token expired');

  const user = await db.query.users.findFirst({
    where: and(eq(users.tenantId, existing.tenantId), eq(users.id, existing.userId), isNull(users.deletedAt)),
  });
  if (!user?.active) {
    await revokeFamily(db, existing.familyId, now);
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'This account is deactivated');
  }
  // The conditional update is the lock: of concurrent refreshes with one token only one succeeds; the
  // others lost a race that started together with the winner's, so they are refused as racing, and the
  // winner's new tokens stay valid. Marking the token used and inserting its successor in one batch means
  // a later reuse, which revokes the family, always sees (and revokes) the successor too.
  const next = await newRefreshToken(db, config, user, existing.familyId, now);
  const markUsed = db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(and(eq(refreshTokens.id, existing.id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)));
  await runBatch(db, [markUsed, assertChanged(db), next.statement], refreshRaced);
  const accessToken = await issueAccessToken(db, config, user, existing.familyId);
  return tokenPair(config, accessToken, next.token);
}

/** Ends the login the refresh token belongs to. Unknown tokens are ignored (logout is idempotent). */
export async function logout(db: Db, presented: string, origin: RequestOrigin | null = null): Promise<void> {
  const tokenHash = await sha256Hex(presented);
  const existing = await db.query.refreshTokens.findFirst({ where: eq(refreshTokens.tokenHash, tokenHash) });
  if (!existing) return;
  const now = nowIso();
  await runBatch(db, [
    revokeFamily(db, existing.familyId, now),
    auditStatement(
      { db, now, origin },
      {
        tenantId: existing.tenantId,
        action: 'auth:signed_out',
        actor: { type: 'user', id: existing.userId },
        entity: { type: 'user', id: existing.userId },
        detail: { login: existing.familyId, alreadyEnded: existing.revokedAt !== null },
      },
    ),
  ]);
  // The login's access tokens end with it: at once in this isolate, within 30 s in the others.
  sessionsEnded(db, existing.tenantId);
}

const revokeFamily = (db: Db, familyId: string, now: string) =>
  db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
