import { and, eq, isNull } from 'drizzle-orm';
import { signAccessToken } from '../auth/tokens';
import type { Db } from '../db/client';
import { refreshTokens, salesmen } from '../db/tables';
import type { Config } from '../env';
import { randomToken, sha256Hex } from '../lib/crypto';
import { newId } from '../lib/ids';
import { addSeconds } from '../lib/time';
import { mustEnrol } from './two-factor.service';
import type { UserRow } from './users.service';

/** The tokens of a login: a short-lived access token (JWT) and the opaque refresh token that renews it. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export async function issueAccessToken(
  db: Db,
  config: Config,
  user: UserRow,
  family: string | undefined,
  secondFactorAt?: number,
): Promise<string> {
  let sal: string | undefined;
  if (user.role === 'salesman') {
    const profile = await db.query.salesmen.findFirst({
      columns: { id: true },
      where: and(eq(salesmen.tenantId, user.tenantId), eq(salesmen.userId, user.id), isNull(salesmen.deletedAt)),
    });
    sal = profile?.id;
  }
  return signAccessToken(config, {
    sub: user.id,
    tid: user.tenantId,
    role: user.role,
    ...(family ? { sid: family } : {}),
    ...(sal ? { sal } : {}),
    ...(secondFactorAt !== undefined ? { mfa: Math.floor(secondFactorAt / 1000) } : {}),
    // Read at every issue (sign-in, refresh): the organisation's rule applies from the user's next token on.
    ...((await mustEnrol(db, user)) ? { tfe: true as const } : {}),
  });
}

export async function newRefreshToken(db: Db, config: Config, user: UserRow, familyId: string, now: string) {
  const token = randomToken(32);
  const statement = db.insert(refreshTokens).values({
    id: newId(),
    tenantId: user.tenantId,
    userId: user.id,
    familyId,
    tokenHash: await sha256Hex(token),
    createdAt: now,
    expiresAt: addSeconds(now, config.REFRESH_TOKEN_TTL_DAYS * 86_400),
  });
  return { token, statement };
}

export const tokenPair = (config: Config, accessToken: string, refreshToken: string): TokenPair => ({
  accessToken,
  refreshToken,
  tokenType: 'Bearer',
  expiresIn: config.ACCESS_TOKEN_TTL_SECONDS,
});
