import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ROLE_PERMISSIONS } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { assertSessionLive } from '../auth/session-ends';
import { verifyAccessToken } from '../auth/tokens';
import type { AppEnv } from '../env';
import { AppError, ErrorCode } from '../lib/errors';
import { API_KEY_PREFIX, authenticateApiKey } from '../services/api-keys.service';

/**
 * Resolves the caller from `Authorization: Bearer <JWT | API key>` (or `X-API-Key`). This is the only
 * place a tenant id enters a request: services read it from the principal set here.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  c.set('principal', await resolvePrincipal(c, credentialFromHeaders(c)));
  await next();
});

export function credentialFromHeaders(c: Context<AppEnv>): string | undefined {
  const header = c.req.header('authorization');
  if (header) {
    const [scheme, value] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !value) {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Authorization header must be "Bearer <token>"');
    }
    return value.trim();
  }
  return c.req.header('x-api-key')?.trim() || undefined;
}

/** Verifies a JWT or API key; `expiresAt` (ms) is set for JWTs so long-lived sockets can honour it. */
export async function resolvePrincipal(
  c: Context<AppEnv>,
  credential: string | undefined,
): Promise<Principal & { expiresAt?: number }> {
  if (!credential) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Missing credential');
  if (credential.startsWith(API_KEY_PREFIX)) {
    return authenticateApiKey(c.get('db'), credential, c.executionCtx);
  }
  const claims = await verifyAccessToken(c.get('config'), credential);
  await assertSessionLive(c.get('db'), c.get('config'), claims);
  return {
    tenantId: claims.tid,
    kind: 'user',
    id: claims.sub,
    role: claims.role,
    salesmanId: claims.sal ?? null,
    permissions: ROLE_PERMISSIONS[claims.role],
    expiresAt: claims.exp * 1000,
  };
}
