import { fromBase64Url, toBase64Url } from '../lib/crypto';
import { currentPepper, type Pepper } from './passwords';

/**
 * How the second factor's credentials are kept (docs/security.md, Two-factor authentication).
 *
 * TOTP secrets must be read back to check a code, so they are encrypted, not hashed: AES-256-GCM under a
 * key derived from the password pepper (HMAC(pepper, purpose), so the pepper itself only keys passwords),
 * which lives in the Worker's secrets and never in the database. The tenant and user are the
 * authenticated data: a ciphertext copied onto another user's row does not decrypt. Stored as
 * `v1$<pepper id>$<iv b64url>$<ciphertext b64url>`; a secret under an older pepper still decrypts while
 * that pepper is configured and is re-encrypted under the current one when next used.
 *
 * Recovery codes are only ever compared, so they are hashed: HMAC-SHA-256 under another derived key,
 * `hmac$<pepper id>$<hex>`. A code holds 50 random bits; unkeyed, a copy of the database could be searched
 * for them offline.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SECRET_PURPOSE = 'fieldline totp secret v1';
const RECOVERY_PURPOSE = 'fieldline recovery code v1';

const derivedKeys = new Map<string, CryptoKey>();

async function derive(pepper: Pepper, purpose: string, algorithm: 'AES-GCM' | 'HMAC'): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${pepper.secret}`;
  const cached = derivedKeys.get(cacheKey);
  if (cached) return cached;
  const hmac = { name: 'HMAC', hash: 'SHA-256' };
  const root = await crypto.subtle.importKey('raw', encoder.encode(pepper.secret), hmac, false, ['sign']);
  const bytes = await crypto.subtle.sign('HMAC', root, encoder.encode(purpose));
  const key =
    algorithm === 'AES-GCM'
      ? await crypto.subtle.importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
      : await crypto.subtle.importKey('raw', bytes, hmac, false, ['sign']);
  derivedKeys.set(cacheKey, key);
  return key;
}

const boundTo = (owner: { tenantId: string; userId: string }) => encoder.encode(`${owner.tenantId}:${owner.userId}`);

/** Encrypts a base32 TOTP secret for its owner under the current pepper. */
export async function sealTotpSecret(
  peppers: readonly Pepper[],
  owner: { tenantId: string; userId: string },
  secret: string,
): Promise<string> {
  const pepper = currentPepper(peppers);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await derive(pepper, SECRET_PURPOSE, 'AES-GCM');
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: boundTo(owner) },
    key,
    encoder.encode(secret),
  );
  return ['v1', pepper.id, toBase64Url(iv), toBase64Url(new Uint8Array(sealed))].join('$');
}

export interface OpenedSecret {
  secret: string;
  /** Sealed under a pepper that is no longer the current one: seal it again. */
  stale: boolean;
}

/** Decrypts a stored TOTP secret; null when its pepper is not configured or it was tampered with. */
export async function openTotpSecret(
  peppers: readonly Pepper[],
  owner: { tenantId: string; userId: string },
  stored: string,
): Promise<OpenedSecret | null> {
  const [version, pepperId, iv, sealed] = stored.split('$');
  const pepper = peppers.find((p) => p.id === pepperId);
  if (version !== 'v1' || !pepper || !iv || !sealed) return null;
  try {
    const key = await derive(pepper, SECRET_PURPOSE, 'AES-GCM');
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(iv) as BufferSource, additionalData: boundTo(owner) },
      key,
      fromBase64Url(sealed) as BufferSource,
    );
    return { secret: decoder.decode(plain), stale: pepper.id !== currentPepper(peppers).id };
  } catch {
    return null;
  }
}

/** Recovery codes: 10 characters of an alphabet without look-alikes (0/o, 1/l/i), shown as `xxxxx-xxxxx`. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;

export function newRecoveryCode(): string {
  const chars: string[] = [];
  // Rejection sampling keeps every character equally likely (256 is not a multiple of the alphabet).
  while (chars.length < 10) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) {
      if (b < 248 && chars.length < 10) chars.push(ALPHABET[b % ALPHABET.length] as string);
    }
  }
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** A recovery code as typed: case, spaces and dashes ignored; null when it cannot be one. */
export function normalizeRecoveryCode(code: string): string | null {
  const plain = code.toLowerCase().replace(/[\s-]/g, '');
  return /^[a-z0-9]{10}$/.test(plain) ? plain : null;
}

async function hashWith(pepper: Pepper, normalized: string): Promise<string> {
  const key = await derive(pepper, RECOVERY_PURPOSE, 'HMAC');
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(normalized)));
  return `hmac$${pepper.id}$${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The stored form of a new recovery code (current pepper). */
export async function hashRecoveryCode(peppers: readonly Pepper[], code: string): Promise<string> {
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) throw new Error('Not a recovery code');
  return hashWith(currentPepper(peppers), normalized);
}

/** Every stored form a typed code may have, one per configured pepper (to look it up with IN). */
export async function recoveryCodeCandidates(peppers: readonly Pepper[], code: string): Promise<string[]> {
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) return [];
  return Promise.all(peppers.map((p) => hashWith(p, normalized)));
}
