import { createMiddleware } from 'hono/factory';
import { ROLE_PERMISSIONS } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { verifyAccessToken } from '../auth/tokens';
import type { AppEnv } from '../env';
import { AppError, ErrorCode } from '../lib/errors';
import { API_KEY_PREFIX, authenticateApiKey } from '../services/api-keys.service';

/**
 * Resolves the caller from `Authorization: Bearer <JWT | API key>` (or `X-API-Key`). This is the only
 * place a tenant id enters a request: services read it from the principal set here.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  const apiKeyHeader = c.req.header('x-api-key');
  let credential: string | undefined;
  if (header) {
    const [scheme, value] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !value) {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Authorization header must be "Bearer <token>"');
    }
    credential = value.trim();
  } else if (apiKeyHeader) {
    credential = apiKeyHeader.trim();
  }
  if (!credential) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Missing credential');

  let principal: Principal;
  if (credential.startsWith(API_KEY_PREFIX)) {
    principal = await authenticateApiKey(c.get('db'), credential, c.executionCtx);
  } else {
    const claims = await verifyAccessToken(c.get('config'), credential);
    principal = {
      tenantId: claims.tid,
      kind: 'user',
      id: claims.sub,
      role: claims.role,
      salesmanId: claims.sal ?? null,
      permissions: ROLE_PERMISSIONS[claims.role],
    };
  }
  c.set('principal', principal);
  await next();
});
