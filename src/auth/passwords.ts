import { fromBase64Url, timingSafeEqual, toBase64Url } from '../lib/crypto';

/**
 * Password hashing (docs/security.md, Passwords): PBKDF2-HMAC-SHA256 over an HMAC-SHA256 of the password
 * keyed with a secret pepper.
 *
 * Workers' WebCrypto refuses PBKDF2 above 100,000 iterations in production (wrangler dev and the tests do
 * not enforce it, so a higher count would pass every test and fail every deployed signup and login). The
 * pepper makes up for the gap to OWASP's 600,000: a leaked database alone cannot be attacked at all
 * without the secret, which lives in the Worker's configuration, not in D1.
 */
export const PBKDF2_MAX_ITERATIONS = 100_000;
export const PBKDF2_ITERATIONS = 100_000;

/** A pepper key from PASSWORD_PEPPER; the first one configured hashes, the others only verify. */
export interface Pepper {
  id: string;
  secret: string;
}

/** `pbkdf2_sha256_hmac$<pepper id>$<iterations>$<salt b64url>$<hash b64url>` */
const SCHEME = 'pbkdf2_sha256_hmac';
/** Before peppers: `pbkdf2_sha256$<iterations>$<salt>$<hash>`, PBKDF2 over the password's UTF-8 bytes. */
const LEGACY_SCHEME = 'pbkdf2_sha256';

export interface Verification {
  valid: boolean;
  /** Valid, but not in today's format (no or an older pepper, other iterations): rehash it now. */
  stale: boolean;
}

const encoder = new TextEncoder();
const INVALID: Verification = { valid: false, stale: false };

/** HMAC keys imported once per isolate (importing costs more than signing). */
const pepperKeys = new Map<string, CryptoKey>();
async function pepperKey(secret: string): Promise<CryptoKey> {
  const cached = pepperKeys.get(secret);
  if (cached) return cached;
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  pepperKeys.set(secret, key);
  return key;
}

/**
 * The pepper's HMAC of the password in Unicode normal form (NFKC, as NIST SP 800-63B asks, so the same
 * password typed on another keyboard or OS still matches). 32 bytes whatever the password's length.
 */
async function peppered(pepper: Pepper, password: string): Promise<Uint8Array> {
  const mac = await crypto.subtle.sign(
    'HMAC',
    await pepperKey(pepper.secret),
    encoder.encode(password.normalize('NFKC')),
  );
  return new Uint8Array(mac);
}

async function pbkdf2(input: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  if (iterations > PBKDF2_MAX_ITERATIONS) throw new Error(`PBKDF2 above ${PBKDF2_MAX_ITERATIONS} iterations`);
  const key = await crypto.subtle.importKey('raw', input as BufferSource, 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** The pepper new hashes use: the first configured. */
export const currentPepper = (peppers: readonly Pepper[]): Pepper => {
  const pepper = peppers[0];
  if (!pepper) throw new Error('No password pepper configured');
  return pepper;
};

/** Hashes with the current (first) pepper. */
export async function hashPassword(peppers: readonly Pepper[], password: string): Promise<string> {
  const pepper = currentPepper(peppers);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(await peppered(pepper, password), salt, PBKDF2_ITERATIONS);
  return [SCHEME, pepper.id, PBKDF2_ITERATIONS, toBase64Url(salt), toBase64Url(hash)].join('$');
}

const iterationsOf = (text: string | undefined) => {
  const n = Number(text);
  return /^\d+$/.test(text ?? '') && n >= 1 && n <= PBKDF2_MAX_ITERATIONS ? n : null;
};

/**
 * Checks a password against a stored hash of any format this service has written. Malformed and foreign
 * hashes, iteration counts Workers cannot run and peppers no longer configured are simply not valid.
 */
export async function verifyPassword(
  peppers: readonly Pepper[],
  password: string,
  stored: string,
): Promise<Verification> {
  const parts = stored.split('$');
  try {
    if (parts[0] === SCHEME && parts.length === 5) {
      const [, pepperId, iter, salt, hash] = parts;
      const iterations = iterationsOf(iter);
      const pepper = peppers.find((p) => p.id === pepperId);
      if (iterations === null || !salt || !hash) return INVALID;
      if (!pepper) {
        // A retired pepper that hashes still need: every such user is locked out until it is configured again.
        console.error(JSON.stringify({ level: 'error', where: 'passwords', message: `unknown pepper id ${pepperId}` }));
        return INVALID;
      }
      const actual = await pbkdf2(await peppered(pepper, password), fromBase64Url(salt), iterations);
      if (!timingSafeEqual(actual, fromBase64Url(hash))) return INVALID;
      return { valid: true, stale: pepper.id !== currentPepper(peppers).id || iterations !== PBKDF2_ITERATIONS };
    }
    if (parts[0] === LEGACY_SCHEME && parts.length === 4) {
      const [, iter, salt, hash] = parts;
      const iterations = iterationsOf(iter);
      if (iterations === null || !salt || !hash) return INVALID;
      const actual = await pbkdf2(encoder.encode(password), fromBase64Url(salt), iterations);
      return timingSafeEqual(actual, fromBase64Url(hash)) ? { valid: true, stale: true } : INVALID;
    }
  } catch {
    // Bad base64 in a stored hash.
    return INVALID;
  }
  return INVALID;
}

/**
 * A well-formed hash in today's format that no password opens: verified against when the email is unknown,
 * so an unknown account costs the same time as a wrong password.
 */
export const dummyHash = (peppers: readonly Pepper[]) =>
  [SCHEME, currentPepper(peppers).id, PBKDF2_ITERATIONS, 'A'.repeat(22), 'A'.repeat(43)].join('$');
