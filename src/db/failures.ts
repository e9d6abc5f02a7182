import { AppError, ErrorCode } from '../lib/errors';

export const databaseUnavailable = (detail: string): AppError => new AppError(ErrorCode.DATABASE_UNAVAILABLE, detail);

/**
 * The failures that mean "the database cannot be used" rather than "this query is wrong": the proxy or
 * Neon unreachable (a WebSocket error), and the SQLSTATE classes for connection problems (08), refused
 * credentials (28), a missing database (3D000), a server shutting down (57P01-57P03) or out of
 * connections (53300). They answer 503 DATABASE_UNAVAILABLE naming DATABASE_URL, never a driver stack.
 */
export function databaseFailure(err: unknown): AppError | undefined {
  if (err instanceof AppError) return undefined;
  let e: unknown = err;
  for (let depth = 0; depth < 3 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(08|28)|^3D000$|^57P0[123]$|^53300$/.test(code)) {
      return databaseUnavailable(`The database named by DATABASE_URL refused the connection (SQLSTATE ${code})`);
    }
    if ((e as { type?: unknown }).type === 'error' && 'message' in e && !(e instanceof Error)) {
      // The driver's WebSocket failed: nothing answered at the address.
      return databaseUnavailable('The database named by DATABASE_URL cannot be reached');
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
