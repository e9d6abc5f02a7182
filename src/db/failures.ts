import { AppError, ErrorCode } from '../lib/errors';

export const databaseUnavailable = (detail: string): AppError => new AppError(ErrorCode.DATABASE_UNAVAILABLE, detail);

/**
 * The failures that mean "the database cannot be used" rather than "this query is wrong": the proxy or
 * Neon unreachable (a WebSocket error), and the SQLSTATE classes for connection problems (08), refused
 * credentials (28), a missing database (3D000), a server shutting down (57P01-57P03) or out of
 * connections (53300). They answer 503 DATABASE_UNAVAILABLE naming DATABASE_URL, never a driver stack.
 */
export function databaseFailure(err: unknown): AppError | undefined {
  const bad = badValue(err);
  if (bad) return bad;
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

/**
 * A value that reached SQL without fitting its column (Postgres 22P02 invalid text, 22007/22008 bad
 * date or time, 22003 out of range, 22021/22P05 a character Postgres text cannot hold, NUL): validation
 * should have refused it first, and where it did not the caller still gets a 400, never a 500. D1
 * compares such values without complaint.
 */
function badValue(err: unknown): AppError | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 3 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (['22P02', '22007', '22008', '22003', '22021', '22P05'].includes(code as string)) {
      return new AppError(ErrorCode.BAD_REQUEST, 'A value in the request does not fit its field');
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
