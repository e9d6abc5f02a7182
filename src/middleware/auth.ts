import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { BEARER_FORMAT, bearerToken } from '../auth/credentials';
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
  c.set('principal', await resolvePrincipal(c, credentialOf(c)));
  await next();
});

/**
 * The request's credential, read the same way by every route (REST, GraphQL, the realtime upgrade):
 * `Authorization: Bearer <token>` with exactly one token (any other scheme or shape is refused, never
 * skipped), else `X-API-Key`, else, with `allowQuery` (the WebSocket upgrade: browsers cannot set headers
 * on a WebSocket), `access_token` in the query.
 */
export function credentialOf(c: Context<AppEnv>, { allowQuery = false } = {}): string | undefined {
  const header = c.req.header('authorization');
  if (header) {
    const token = bearerToken(header);
    if (!token) throw new AppError(ErrorCode.UNAUTHENTICATED, BEARER_FORMAT);
    return token;
  }
  const apiKey = c.req.header('x-api-key')?.trim();
  if (apiKey) return apiKey;
  return (allowQuery && c.req.query('access_token')?.trim()) || undefined;
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
  if (claims.tfe && !enrolmentAllows(c.req.method, c.req.path)) {
    throw new AppError(
      ErrorCode.TWO_FACTOR_ENROLMENT_REQUIRED,
      'Your organisation requires two-factor authentication of owners and admins: set it up first (/v1/auth/two-factor)',
      { enrol: '/v1/auth/two-factor/enrolment' },
    );
  }
  return {
    tenantId: claims.tid,
    kind: 'user',
    id: claims.sub,
    role: claims.role,
    salesmanId: claims.sal ?? null,
    permissions: ROLE_PERMISSIONS[claims.role],
    expiresAt: claims.exp * 1000,
    ...(claims.sid ? { sessionId: claims.sid } : {}),
    ...(claims.mfa !== undefined ? { secondFactorAt: claims.mfa * 1000 } : {}),
    ...(claims.tfe ? { mustEnrolTwoFactor: true } : {}),
  };
}

/**
 * What an owner or admin may do while his organisation requires two-factor authentication he has not set
 * up (an access token with `tfe`): read who he is and his organisation, and enrol. Nothing else, GraphQL
 * and realtime included.
 */
function enrolmentAllows(method: string, path: string): boolean {
  if (path === '/v1/auth/two-factor' || path.startsWith('/v1/auth/two-factor/')) return true;
  return method === 'GET' && (path === '/v1/users/me' || path === '/v1/tenant');
}
