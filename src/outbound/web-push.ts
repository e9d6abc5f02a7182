// Web push building blocks for outbound delivery: a push message request (RFC 8030) with its body
// encrypted as RFC 8291 `aes128gcm` and signed with VAPID (RFC 8292), how to read the push service's
// answer, VAPID key generation, and the check a subscription gets before it is stored.
//
// Encryption and signing come from web-push's `generateRequestDetails`; its `sendNotification`
// speaks node:https, which the Worker lacks, so the request is sent with fetch instead.
import { Buffer } from 'node:buffer';
import { generateRequestDetails } from 'web-push';
import { fromBase64Url, toBase64Url } from '../lib/crypto';

/** A browser's PushSubscription as `toJSON()` gives it, flattened; keys are base64url. */
export interface PushSubscriptionKeys {
  endpoint: string;
  /** The browser's P-256 ECDH public key, an uncompressed point (65 bytes). */
  p256dh: string;
  /** The 16-byte authentication secret. */
  auth: string;
}

/** The application server's VAPID identity: a P-256 key pair (base64url) and a contact URL. */
export interface VapidKeys {
  /** A mailto: or https: URL the push service can reach the sender at. */
  subject: string;
  /** Uncompressed point, 65 bytes. */
  publicKey: string;
  /** The private scalar d, 32 bytes. */
  privateKey: string;
}

export type PushUrgency = 'very-low' | 'low' | 'normal' | 'high';

export interface PushRequestOptions {
  /** How long the push service keeps the message for an offline browser; 0 = deliver now or drop. */
  ttlSeconds: number;
  urgency: PushUrgency;
  /** Replaces a still undelivered message with the same topic: up to 32 base64url characters. */
  topic?: string;
}

/**
 * The most plaintext one push message carries: push services need not take a body above 4096 bytes
 * (RFC 8030 section 7.2), and aes128gcm adds an 86-byte header, a padding delimiter and a 16-byte tag.
 */
export const MAX_PUSH_PAYLOAD_BYTES = 4096 - 86 - 1 - 16;

/**
 * The fetch arguments for one push message. Each call encrypts with a fresh ephemeral key and salt
 * and signs a fresh VAPID JWT (valid 12 hours, audience the endpoint's origin), so a retry should
 * build its request again. Throws for a payload above MAX_PUSH_PAYLOAD_BYTES and for keys or a
 * subject web-push refuses (validateSubscription catches bad subscriptions before they are stored).
 */
export function buildPushRequest(
  sub: PushSubscriptionKeys,
  payload: string,
  vapid: VapidKeys,
  options: PushRequestOptions,
): { url: string; init: RequestInit } {
  // A Buffer, even when empty: web-push sends no body at all for a falsy payload, and every message
  // should reach the service worker the same way, as one encrypted record.
  const plaintext = Buffer.from(payload, 'utf8');
  if (plaintext.length > MAX_PUSH_PAYLOAD_BYTES) {
    throw new RangeError(`push payload is ${plaintext.length} bytes, the limit is ${MAX_PUSH_PAYLOAD_BYTES}`);
  }
  const details = generateRequestDetails(
    { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
    plaintext,
    {
      contentEncoding: 'aes128gcm',
      vapidDetails: vapid,
      TTL: options.ttlSeconds,
      urgency: options.urgency,
      ...(options.topic === undefined ? {} : { topic: options.topic }),
    },
  );

  // web-push gives TTL and Content-Length as numbers. Content-Length is left to fetch, which
  // derives it from the body.
  const headers = new Headers();
  for (const [name, value] of Object.entries(details.headers)) {
    if (name.toLowerCase() !== 'content-length') headers.set(name, String(value));
  }
  // A plain Uint8Array copy: the Buffer may be a view into a larger shared pool.
  const body = new Uint8Array(details.body);
  return { url: details.endpoint, init: { method: 'POST', headers, body } };
}

export type PushOutcome = 'sent' | 'gone' | 'retry' | 'failed';

/**
 * What a push service's status means for the sender: `gone` removes the subscription (the browser
 * unsubscribed or it expired), `retry` tries again later (honour Retry-After), `failed` will fail
 * the same way again (a bad request, rejected VAPID, a body too large).
 */
export function classifyPushResponse(status: number): PushOutcome {
  if (status === 200 || status === 201 || status === 202) return 'sent';
  if (status === 404 || status === 410) return 'gone';
  if (status === 429 || status >= 500) return 'retry';
  return 'failed';
}

/** A new VAPID key pair, base64url as web-push and browsers (`applicationServerKey`) expect. */
export async function generateVapidKeys(): Promise<{ publicKey: string; privateKey: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publicKey = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  const { d } = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  if (!d) throw new Error('the runtime exported a P-256 private key without d');
  // JWK's d is already base64url of the 32-byte big-endian scalar (RFC 7518 section 6.2.2.1).
  return { publicKey: toBase64Url(publicKey), privateKey: d };
}

// P-256 (FIPS 186-4 D.1.2.3): y^2 = x^3 - 3x + b over the prime field p.
const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`);

/**
 * Whether a 65-byte 0x04 || x || y is a point of P-256. Encrypting to a point off the curve leaks
 * key material (RFC 8291 section 6), and checking here keeps validateSubscription synchronous.
 */
function isP256Point(point: Uint8Array): boolean {
  const x = toBigInt(point.subarray(1, 33));
  const y = toBigInt(point.subarray(33, 65));
  if (x >= P256_P || y >= P256_P) return false;
  const mod = (n: bigint) => ((n % P256_P) + P256_P) % P256_P;
  return mod(y * y) === mod(x * x * x - 3n * x + P256_B);
}

const isLoopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

function decodeKey(value: unknown): Uint8Array | null {
  // web-push takes the URL-safe alphabet without padding only, as browsers write the keys.
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value) || value.length % 4 === 1) return null;
  return fromBase64Url(value);
}

/**
 * Checks a subscription a client hands in (untrusted JSON) before it is stored: an https endpoint
 * (http to a loopback host only with `allowLoopback`, for the local push service), a p256dh that is
 * a P-256 point in uncompressed form, a 16-byte auth secret. Returns what is wrong, or null.
 */
export function validateSubscription(input: unknown, options: { allowLoopback?: boolean } = {}): string | null {
  if (typeof input !== 'object' || input === null) return 'a subscription is an object with endpoint, p256dh and auth';
  const { endpoint, p256dh, auth } = input as Record<string, unknown>;

  if (typeof endpoint !== 'string' || !URL.canParse(endpoint)) return 'endpoint must be an absolute URL';
  const url = new URL(endpoint);
  const loopbackAllowed = options.allowLoopback === true && url.protocol === 'http:' && isLoopback(url.hostname);
  if (url.protocol !== 'https:' && !loopbackAllowed) {
    return options.allowLoopback
      ? 'endpoint must be an https URL (or http to a loopback host)'
      : 'endpoint must be an https URL';
  }
  if (url.username || url.password) return 'endpoint must not carry credentials';

  const publicKey = decodeKey(p256dh);
  if (!publicKey) return 'p256dh must be base64url (URL-safe alphabet, no padding)';
  if (publicKey.length !== 65 || publicKey[0] !== 0x04) {
    return `p256dh must be an uncompressed P-256 point (65 bytes starting 0x04), got ${publicKey.length} bytes`;
  }
  if (!isP256Point(publicKey)) return 'p256dh is not a point on the P-256 curve';

  const secret = decodeKey(auth);
  if (!secret) return 'auth must be base64url (URL-safe alphabet, no padding)';
  if (secret.length !== 16) return `auth must be 16 bytes, got ${secret.length}`;
  return null;
}
