import { errors, jwtVerify, SignJWT } from 'jose';
import { ROLES, type Role } from '../db/tables';
import type { Config } from '../env';
import { AppError, ErrorCode } from '../lib/errors';
import { newId } from '../lib/ids';

/** Only HMAC-SHA256 is accepted: `none`, RS/ES (key confusion) and other HMAC sizes are refused. */
const ALGORITHMS = ['HS256'];
const TOKEN_TYPE = 'at+jwt';
const encoder = new TextEncoder();

export interface AccessClaims {
  sub: string;
  tid: string;
  role: Role;
  sal?: string;
  /** The login (refresh-token family) the token belongs to: logging out ends its access tokens too. */
  sid?: string;
  /** When the user last proved his second factor (seconds since the epoch): step-up for sensitive actions. */
  mfa?: number;
  /** The organisation requires two-factor authentication of this owner/admin, who has none yet: enrol only. */
  tfe?: true;
}

export interface VerifiedClaims extends AccessClaims {
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issue time, seconds since the epoch, with milliseconds as a fraction (tokens of this service). */
  iat: number;
}

/**
 * HMAC keys imported once per isolate: importing a raw secret on every verification costs more than
 * the verification itself. The resolved key is cached, not the promise, so no request ever waits on a
 * promise that belongs to another request.
 */
const keyCache = new Map<string, CryptoKey>();
async function hmacKey(secret: string): Promise<CryptoKey> {
  const cached = keyCache.get(secret);
  if (cached) return cached;
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  keyCache.set(secret, key);
  return key;
}

export async function signAccessToken(config: Config, claims: AccessClaims): Promise<string> {
  const signing = config.JWT_KEYS[0];
  if (!signing) throw new Error('No JWT signing key configured');
  const jwt = new SignJWT({
    tid: claims.tid,
    role: claims.role,
    ...(claims.sal ? { sal: claims.sal } : {}),
    ...(claims.sid ? { sid: claims.sid } : {}),
    ...(claims.mfa !== undefined ? { mfa: claims.mfa } : {}),
    ...(claims.tfe ? { tfe: true } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', kid: signing.kid, typ: TOKEN_TYPE })
    .setSubject(claims.sub)
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    // Fractional seconds (a NumericDate may be one): a token is then ordered exactly against the moment its
    // user's sessions ended (src/auth/session-ends.ts), even within the same second.
    .setIssuedAt(Date.now() / 1000)
    .setNotBefore('0s')
    .setJti(newId())
    .setExpirationTime(`${config.ACCESS_TOKEN_TTL_SECONDS}s`);
  return jwt.sign(await hmacKey(signing.secret));
}

/** Tokens already verified in this isolate, per configuration (key rotation makes a new one), oldest first. */
const verified = new WeakMap<Config, Map<string, VerifiedClaims>>();
const VERIFIED_MAX = 1_000;
const CLOCK_TOLERANCE_S = 5;

/**
 * Verifies an access token (signature, kid, alg, typ, issuer, audience, lifetime, claim types). A client
 * sends the same token on every request for its whole lifetime, so a verified token is remembered until
 * it expires: the exact same string needs no second HMAC and parse.
 */
export async function verifyAccessToken(config: Config, token: string): Promise<VerifiedClaims> {
  let cache = verified.get(config);
  if (!cache) {
    cache = new Map();
    verified.set(config, cache);
  }
  const known = cache.get(token);
  if (known && Date.now() / 1000 <= known.exp + CLOCK_TOLERANCE_S) return known;
  if (known) cache.delete(token);
  const claims = await verifyAccessTokenOnce(config, token);
  if (cache.size >= VERIFIED_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(token, claims);
  return claims;
}

async function verifyAccessTokenOnce(config: Config, token: string): Promise<VerifiedClaims> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = config.JWT_KEYS.find((k) => k.kid === header.kid);
        if (!key) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Unknown signing key');
        return hmacKey(key.secret);
      },
      {
        algorithms: ALGORITHMS,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        typ: TOKEN_TYPE,
        requiredClaims: ['sub', 'exp', 'iat', 'tid', 'role'],
        clockTolerance: CLOCK_TOLERANCE_S,
      },
    );
    const { sub, tid, role, sal, sid, mfa, tfe, exp, iat } = payload as Record<string, unknown>;
    if (
      typeof sub !== 'string' ||
      typeof tid !== 'string' ||
      !ROLES.includes(role as Role) ||
      (sal !== undefined && typeof sal !== 'string') ||
      (sid !== undefined && typeof sid !== 'string') ||
      (mfa !== undefined && typeof mfa !== 'number') ||
      (tfe !== undefined && tfe !== true)
    ) {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Malformed access token');
    }
    return {
      sub,
      tid,
      role: role as Role,
      exp: Number(exp),
      iat: Number(iat),
      ...(typeof sal === 'string' ? { sal } : {}),
      ...(typeof sid === 'string' ? { sid } : {}),
      ...(typeof mfa === 'number' ? { mfa } : {}),
      ...(tfe === true ? { tfe } : {}),
    };
  } catch (err) {
    if (err instanceof AppError) throw err;
    const detail =
      err instanceof errors.JWTExpired
        ? 'Access token expired'
        : err instanceof errors.JOSEError
          ? `Invalid access token (${err.code})`
          : 'Invalid access token';
    throw new AppError(ErrorCode.UNAUTHENTICATED, detail);
  }
}

/**
 * The proof that a password was right, for a user who must still give his second factor: a short-lived
 * JWT of its own type, so it is never taken for an access token (nor an access token for it).
 */
const CHALLENGE_TYPE = 'tfa-challenge+jwt';
export const CHALLENGE_TTL_SECONDS = 300;

export async function signChallengeToken(config: Config, user: { sub: string; tid: string }): Promise<string> {
  const signing = config.JWT_KEYS[0];
  if (!signing) throw new Error('No JWT signing key configured');
  return new SignJWT({ tid: user.tid })
    .setProtectedHeader({ alg: 'HS256', kid: signing.kid, typ: CHALLENGE_TYPE })
    .setSubject(user.sub)
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setIssuedAt(Date.now() / 1000)
    .setJti(newId())
    .setExpirationTime(`${CHALLENGE_TTL_SECONDS}s`)
    .sign(await hmacKey(signing.secret));
}

/** The user a challenge token was issued to; 401 when it is not one, expired or forged. */
export async function verifyChallengeToken(config: Config, token: string): Promise<{ sub: string; tid: string }> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = config.JWT_KEYS.find((k) => k.kid === header.kid);
        if (!key) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Unknown signing key');
        return hmacKey(key.secret);
      },
      {
        algorithms: ALGORITHMS,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        typ: CHALLENGE_TYPE,
        requiredClaims: ['sub', 'exp', 'tid'],
        clockTolerance: CLOCK_TOLERANCE_S,
      },
    );
    if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string') throw new Error('malformed');
    return { sub: payload.sub, tid: payload.tid };
  } catch (err) {
    const expired = err instanceof errors.JWTExpired;
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      expired ? 'The sign-in challenge expired; sign in again' : 'Invalid sign-in challenge; sign in again',
    );
  }
}
