import { Webhook } from 'standardwebhooks';

/**
 * Signing per the Standard Webhooks specification (https://www.standardwebhooks.com): the receiver gets
 * `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`, space-separated when two secrets are valid during a rotation), and can verify
 * with any Standard Webhooks library (docs/webhooks.md).
 */

/** A new endpoint secret: `whsec_` and 32 random bytes in base64, the format the libraries expect. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The three headers for one attempt, signed with every secret that is valid now (newest first). */
export function signDelivery(secrets: readonly string[], id: string, at: Date, body: string): SignedHeaders {
  const seconds = Math.floor(at.getTime() / 1000);
  // The library signs with the timestamp in whole seconds; pass it the same instant the header carries.
  const instant = new Date(seconds * 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, instant, body)).join(' '),
  };
}
