/** The one way a request's `Authorization` header is read (src/middleware/auth.ts `credentialOf`). */

export const BEARER_FORMAT = 'Authorization header must be "Bearer <token>"';

/** RFC 6750 §2.1: the scheme (any case), one or more spaces, exactly one b64token, nothing after it. */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** The token of an `Authorization: Bearer <token>` header value, or null when it is not exactly that. */
export function bearerToken(header: string): string | null {
  return BEARER.exec(header.trim())?.[1] ?? null;
}
