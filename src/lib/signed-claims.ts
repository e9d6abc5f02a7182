import { fromBase64Url, timingSafeEqual, toBase64Url } from './crypto';

/**
 * Small claims the server hands a client and must get back unaltered (a sync cursor): base64url JSON
 * followed by an HMAC-SHA256 of it, `<claims>.<mac>`. The HMAC key is derived from a deployment secret
 * and a purpose, so a token minted for one purpose (or a JWT) never verifies as another. The first
 * secret signs; every secret verifies, so the secrets rotate like the JWT keys they come from.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const;
const derivedKeys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string, purpose: string): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    key = (async () => {
      const root = await crypto.subtle.importKey('raw', encoder.encode(secret), HMAC, false, ['sign']);
      const derived = await crypto.subtle.sign('HMAC', root, encoder.encode(`fieldline ${purpose}`));
      return crypto.subtle.importKey('raw', derived, HMAC, false, ['sign']);
    })();
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

async function mac(secret: string, purpose: string, data: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await keyFor(secret, purpose), encoder.encode(data)));
}

export async function signClaims(secrets: readonly string[], purpose: string, claims: unknown): Promise<string> {
  const [secret] = secrets;
  if (!secret) throw new Error('signClaims needs at least one secret');
  const body = toBase64Url(encoder.encode(JSON.stringify(claims)));
  return `${body}.${toBase64Url(await mac(secret, purpose, body))}`;
}

/** The claims of a token one of `secrets` signed for `purpose`, or null (malformed, forged, another purpose). */
export async function verifyClaims(secrets: readonly string[], purpose: string, token: string): Promise<unknown> {
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [body, signature] = parts as [string, string];
  let given: Uint8Array;
  try {
    given = fromBase64Url(signature);
  } catch {
    return null;
  }
  for (const secret of secrets) {
    if (!timingSafeEqual(given, await mac(secret, purpose, body))) continue;
    try {
      return JSON.parse(decoder.decode(fromBase64Url(body)));
    } catch {
      return null;
    }
  }
  return null;
}
