// The receiving side of Web Push, as a browser and a push service do it: decrypting an RFC 8291
// `aes128gcm` message (RFC 8188 framing) and checking an RFC 8292 VAPID `Authorization` header.
//
// WebCrypto only, so the same module runs in workerd (the unit tests) and in Node (the local push
// service, test/receivers/push-service.ts). It deliberately shares no code with src/outbound: it is
// the independent oracle the sending side is checked against, so it does not reuse the product's
// base64url helpers, nor jose or web-push.

const encoder = new TextEncoder();

/** RFC 8188 section 2.1: salt (16) || rs (uint32) || idlen (1) || keyid (idlen). */
const SALT_LENGTH = 16;
/** An uncompressed P-256 point: 0x04 || x || y. RFC 8291 puts the sender's one in keyid. */
const P256_POINT_LENGTH = 65;
const AUTH_SECRET_LENGTH = 16;
const TAG_LENGTH = 16;
/** RFC 8030 section 7.2: a push service must accept, and need not accept more than, 4096 octets. */
export const MAX_PUSH_BODY_BYTES = 4096;
/** Seconds: RFC 8292 section 2 says `exp` MUST NOT be more than 24 hours from the request. */
const MAX_VAPID_LIFETIME = 24 * 60 * 60;

/** Why a body could not be decrypted; a push service answers 400 with the message. */
export class PushDecryptError extends Error {
  override name = 'PushDecryptError';
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Strict: the URL-safe alphabet without padding, as web push keys and JWT segments are written. */
export function base64UrlDecode(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new TypeError('not base64url');
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A copy backed by a plain ArrayBuffer, which WebCrypto's typings ask for. */
const bytes = (view: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(view);

async function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const hmacKey = await crypto.subtle.importKey('raw', bytes(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, bytes(data)));
}

/** The P-256 private key `d` (32 bytes) with its public point, as a WebCrypto key. */
export function importP256PrivateKey(
  d: Uint8Array,
  publicKey: Uint8Array,
  algorithm: 'ECDH' | 'ECDSA',
): Promise<CryptoKey> {
  if (d.length !== 32) throw new TypeError('a P-256 private key is 32 bytes');
  if (publicKey.length !== P256_POINT_LENGTH || publicKey[0] !== 0x04) {
    throw new TypeError('a P-256 public key is a 65-byte uncompressed point');
  }
  const jwk: JsonWebKey = {
    kty: 'EC',
    crv: 'P-256',
    d: base64UrlEncode(d),
    x: base64UrlEncode(publicKey.subarray(1, 33)),
    y: base64UrlEncode(publicKey.subarray(33)),
  };
  const usages = algorithm === 'ECDH' ? ['deriveBits'] : ['sign'];
  return crypto.subtle.importKey('jwk', jwk, { name: algorithm, namedCurve: 'P-256' }, false, usages);
}

/** What a subscription's browser keeps: its ECDH key pair and the auth secret it handed out. */
export interface ReceiverKeys {
  /** `d`, 32 bytes (RFC 8291 calls it ua_private). */
  privateKey: Uint8Array;
  /** The uncompressed point, 65 bytes: the subscription's `p256dh` (ua_public). */
  publicKey: Uint8Array;
  /** The subscription's `auth`, 16 bytes. */
  authSecret: Uint8Array;
}

/** RFC 8188 section 2.1, with the constraints RFC 8291 section 4 adds. */
export interface Aes128gcmHeader {
  salt: Uint8Array;
  recordSize: number;
  /** The application server's ephemeral public key (as_public). */
  senderPublicKey: Uint8Array;
  /** Where the (single) record starts. */
  length: number;
}

export function parseAes128gcmHeader(body: Uint8Array): Aes128gcmHeader {
  if (body.length < SALT_LENGTH + 5) throw new PushDecryptError('body shorter than an aes128gcm header');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const recordSize = view.getUint32(SALT_LENGTH);
  const idLength = view.getUint8(SALT_LENGTH + 4);
  const length = SALT_LENGTH + 5 + idLength;
  // RFC 8188: a record holds at least the tag, a delimiter and one octet, so rs below 18 is invalid.
  if (recordSize < 18) throw new PushDecryptError(`record size ${recordSize} is below 18`);
  if (idLength !== P256_POINT_LENGTH) {
    throw new PushDecryptError(`keyid is ${idLength} bytes, RFC 8291 wants the 65-byte sender key`);
  }
  if (body.length < length) throw new PushDecryptError('body ends inside the header');
  const senderPublicKey = body.slice(SALT_LENGTH + 5, length);
  if (senderPublicKey[0] !== 0x04) throw new PushDecryptError('keyid is not an uncompressed P-256 point');
  return { salt: body.slice(0, SALT_LENGTH), recordSize, senderPublicKey, length };
}

/** Every value RFC 8291 section 3.4 derives, named as in its Appendix A. */
export interface WebPushKeySchedule {
  ecdhSecret: Uint8Array;
  prkKey: Uint8Array;
  keyInfo: Uint8Array;
  ikm: Uint8Array;
  prk: Uint8Array;
  cekInfo: Uint8Array;
  cek: Uint8Array;
  nonceInfo: Uint8Array;
  nonce: Uint8Array;
}

/**
 * RFC 8291 section 3.4 from the receiver's side. HKDF is spelt out as its HMAC steps (every output
 * here is at most one hash long, so Expand is a single HMAC over info || 0x01) to expose the
 * intermediate values the RFC's appendix lists.
 */
export async function deriveWebPushKeys(
  receiver: ReceiverKeys,
  senderPublicKey: Uint8Array,
  salt: Uint8Array,
): Promise<WebPushKeySchedule> {
  if (receiver.authSecret.length !== AUTH_SECRET_LENGTH) throw new PushDecryptError('auth secret is not 16 bytes');
  const privateKey = await importP256PrivateKey(receiver.privateKey, receiver.publicKey, 'ECDH');
  let sender: CryptoKey;
  try {
    // Importing validates the point is on the curve (RFC 8291 section 6 requires the check).
    sender = await crypto.subtle.importKey(
      'raw',
      bytes(senderPublicKey),
      { name: 'ECDH', namedCurve: 'P-256' },
      false,
      [],
    );
  } catch {
    throw new PushDecryptError('sender key is not a P-256 point');
  }
  // WebCrypto names the peer key `public`; the generated Workers types spell it `$public` (a reserved
  // word in their generator), which no runtime reads.
  const ecdh = { name: 'ECDH', public: sender } as SubtleCryptoDeriveKeyAlgorithm;
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdh, privateKey, 256));

  // HKDF-Extract(salt = auth_secret, IKM = ecdh_secret), then Expand with key_info: the IKM.
  const prkKey = await hmacSha256(receiver.authSecret, ecdhSecret);
  const keyInfo = concat(encoder.encode('WebPush: info\0'), receiver.publicKey, senderPublicKey);
  const ikm = await hmacSha256(prkKey, concat(keyInfo, Uint8Array.of(1)));
  // HKDF-Extract(salt, IKM), then Expand to the RFC 8188 content encryption key and nonce.
  const prk = await hmacSha256(salt, ikm);
  const cekInfo = encoder.encode('Content-Encoding: aes128gcm\0');
  const cek = (await hmacSha256(prk, concat(cekInfo, Uint8Array.of(1)))).slice(0, 16);
  const nonceInfo = encoder.encode('Content-Encoding: nonce\0');
  const nonce = (await hmacSha256(prk, concat(nonceInfo, Uint8Array.of(1)))).slice(0, 12);
  return { ecdhSecret, prkKey, keyInfo, ikm, prk, cekInfo, cek, nonceInfo, nonce };
}

/**
 * Decrypts a push message body. RFC 8291 section 4 makes a push message a single record, so a body
 * longer than one record is refused rather than split (the record's nonce is then NONCE XOR 0).
 * Throws PushDecryptError for anything that is not a well-formed message for these keys.
 */
export async function decryptWebPushMessage(
  body: Uint8Array,
  receiver: ReceiverKeys,
): Promise<{ plaintext: Uint8Array; header: Aes128gcmHeader; keys: WebPushKeySchedule }> {
  const header = parseAes128gcmHeader(body);
  const record = body.subarray(header.length);
  if (record.length > header.recordSize) throw new PushDecryptError('more than one record');
  if (record.length < TAG_LENGTH + 1) throw new PushDecryptError('record shorter than its tag and delimiter');
  const keys = await deriveWebPushKeys(receiver, header.senderPublicKey, header.salt);

  const cek = await crypto.subtle.importKey('raw', bytes(keys.cek), 'AES-GCM', false, ['decrypt']);
  let padded: Uint8Array;
  try {
    padded = new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes(keys.nonce), tagLength: 128 }, cek, bytes(record)),
    );
  } catch {
    throw new PushDecryptError('authentication failed (wrong keys or a damaged body)');
  }
  // RFC 8188 section 2: data || delimiter || zero padding; the last record's delimiter is 0x02.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0) throw new PushDecryptError('no padding delimiter');
  if (padded[end] !== 0x02)
    throw new PushDecryptError(`padding delimiter is 0x${padded[end]?.toString(16).padStart(2, '0')}, not 0x02`);
  return { plaintext: padded.slice(0, end), header, keys };
}

export type VapidCheck =
  | { ok: true; subject: string; publicKey: string; expiresAt: number }
  | { ok: false; status: 401 | 403; reason: string };

/**
 * Checks `Authorization: vapid t=<jwt>, k=<key>` as a push service does (RFC 8292 sections 2-3): an
 * ES256 JWT signed by k, `aud` the push service's origin, `exp` in the future but at most 24 hours
 * ahead, and a `sub` that is a mailto: or https: URL. Absent authentication is 401, invalid is 403
 * (RFC 8292 section 4.2). `now` is in milliseconds.
 */
export async function verifyVapidAuthorization(
  authorization: string | null | undefined,
  options: { audience: string; now?: number },
): Promise<VapidCheck> {
  const fail = (status: 401 | 403, reason: string): VapidCheck => ({ ok: false, status, reason });
  const match = /^vapid\s+(.*)$/is.exec(authorization?.trim() ?? '');
  if (!match?.[1]) return fail(401, 'no vapid authorization');
  const params = new Map<string, string>();
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const token = params.get('t');
  const k = params.get('k');
  if (!token || !k) return fail(401, 'vapid authorization needs both t and k');

  let key: CryptoKey;
  try {
    const raw = base64UrlDecode(k);
    if (raw.length !== P256_POINT_LENGTH || raw[0] !== 0x04) return fail(403, 'k is not an uncompressed P-256 key');
    key = await crypto.subtle.importKey('raw', bytes(raw), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  } catch {
    return fail(403, 'k is not a P-256 public key');
  }

  const segments = token.split('.');
  if (segments.length !== 3) return fail(403, 't is not a signed JWT');
  const [head = '', body = '', signature = ''] = segments;
  let header: any;
  let claims: any;
  let sig: Uint8Array;
  try {
    header = JSON.parse(new TextDecoder().decode(base64UrlDecode(head)));
    claims = JSON.parse(new TextDecoder().decode(base64UrlDecode(body)));
    sig = base64UrlDecode(signature);
  } catch {
    return fail(403, 't is not a well-formed JWT');
  }
  if (header?.alg !== 'ES256') return fail(403, `JWT alg is ${header?.alg}, not ES256`);
  // JWS ES256 signatures are r || s (64 bytes), the same raw form WebCrypto's ECDSA verifies.
  const signed = encoder.encode(`${head}.${body}`);
  const valid =
    sig.length === 64 &&
    (await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, bytes(sig), bytes(signed)));
  if (!valid) return fail(403, 'JWT signature does not verify with k');

  if (claims?.aud !== options.audience) return fail(403, `aud ${claims?.aud} is not ${options.audience}`);
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (typeof claims.exp !== 'number') return fail(403, 'JWT has no exp');
  if (claims.exp <= now) return fail(403, 'JWT has expired');
  if (claims.exp > now + MAX_VAPID_LIFETIME) return fail(403, 'JWT exp is more than 24 hours ahead');
  const sub = typeof claims.sub === 'string' && URL.canParse(claims.sub) ? new URL(claims.sub) : null;
  if (sub?.protocol !== 'mailto:' && sub?.protocol !== 'https:') {
    return fail(403, 'JWT sub is not a mailto: or https: URL');
  }
  return { ok: true, subject: claims.sub, publicKey: k, expiresAt: claims.exp * 1000 };
}
