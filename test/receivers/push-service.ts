// A local push service for tests and benchmarks (Node): it does what Mozilla's or Google's push
// service does with a push message, checking VAPID (RFC 8292), the RFC 8030 headers, and decrypting
// the RFC 8291 body with the subscription's keys, which it holds because it also plays the browser.
//
//   POST /_control/subscribe  → { endpoint, keys: { p256dh, auth } }, a new subscription (the browser)
//   POST /push/<id>           → the push endpoint: 201 + Location, or the status a real service gives
//   POST /_control/answer     { endpoint | id, status: 404|410|429|500|201, times?, retryAfter? }
//                             the next `times` pushes to it (default 1) answer `status` without being
//                             looked at; 404/410 without `times` forget the subscription for good;
//                             201 removes an override, so pushes are handled normally again
//   GET  /_control/messages[?id=<id>] → the decrypted messages (all, or one subscription's), oldest first
//   POST /_control/reset      → forgets subscriptions, messages and overrides
// `failRate` (0 to 1, for benchmarks) makes that share of pushes, at random, answer 500 unread.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  base64UrlDecode,
  base64UrlEncode,
  decryptWebPushMessage,
  MAX_PUSH_BODY_BYTES,
  PushDecryptError,
  type ReceiverKeys,
  verifyVapidAuthorization,
} from './push-crypto';

export interface PushServiceMessage {
  /** The subscription's id, the last segment of its endpoint. */
  id: string;
  messageId: string;
  payload: string;
  ttl: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  topic: string | null;
  vapidSub: string;
  /** Epoch milliseconds. */
  receivedAt: number;
}

export interface PushService {
  /** The origin, e.g. http://127.0.0.1:38211: the `aud` VAPID tokens must name. */
  url: string;
  close(): Promise<void>;
}

interface Subscription {
  keys: ReceiverKeys;
  /** Set by a permanent 404/410 answer: every later push gets this status. */
  goneStatus: 404 | 410 | null;
}

interface Override {
  status: 404 | 410 | 429 | 500;
  remaining: number;
  retryAfter: number | null;
}

const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);
/** Reading stops here; anything above MAX_PUSH_BODY_BYTES is refused with 413 anyway. */
const READ_LIMIT = 64 * 1024;

/** Status, JSON body (null for none) and extra headers of an answer. */
type Answer = [status: number, body: unknown, headers?: Record<string, string>];

const randomId = () => base64UrlEncode(crypto.getRandomValues(new Uint8Array(16)));

export async function startPushService(options: { port?: number; failRate?: number } = {}): Promise<PushService> {
  const subscriptions = new Map<string, Subscription>();
  const overrides = new Map<string, Override>();
  let messages: PushServiceMessage[] = [];
  let origin = '';

  async function subscribe(): Promise<Answer> {
    // What a browser does in pushManager.subscribe(): an ECDH P-256 pair and a 16-byte auth secret.
    const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
      'deriveBits',
    ])) as CryptoKeyPair;
    const publicKey = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
    const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
    const privateKey = base64UrlDecode(jwk.d ?? '');
    const authSecret = crypto.getRandomValues(new Uint8Array(16));
    const id = randomId();
    subscriptions.set(id, { keys: { privateKey, publicKey, authSecret }, goneStatus: null });
    return [
      201,
      {
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: base64UrlEncode(publicKey), auth: base64UrlEncode(authSecret) },
      },
    ];
  }

  function setAnswer(input: any): Answer {
    const id: unknown = input?.id ?? (typeof input?.endpoint === 'string' ? input.endpoint.split('/push/')[1] : null);
    const subscription = typeof id === 'string' ? subscriptions.get(id) : undefined;
    if (typeof id !== 'string' || !subscription) return [404, { error: 'no such subscription' }];
    const { status, times, retryAfter } = input;
    if (![404, 410, 429, 500, 201].includes(status))
      return [400, { error: 'status must be 404, 410, 429, 500 or 201' }];
    if (times !== undefined && !(Number.isInteger(times) && times > 0)) {
      return [400, { error: 'times must be a positive integer' }];
    }
    if (status === 201) {
      overrides.delete(id);
    } else if ((status === 404 || status === 410) && times === undefined) {
      subscription.goneStatus = status;
    } else {
      overrides.set(id, {
        status,
        remaining: times ?? 1,
        retryAfter: Number.isInteger(retryAfter) ? retryAfter : null,
      });
    }
    return [200, { id, status, times: times ?? null }];
  }

  function listMessages(url: URL): Answer {
    const id = url.searchParams.get('id');
    if (id === null) return [200, messages];
    if (!subscriptions.has(id)) return [404, { error: 'no such subscription' }];
    return [200, messages.filter((m) => m.id === id)];
  }

  /** The push endpoint, in the order a push service answers: the subscription, headers, VAPID, body. */
  async function push(id: string, req: IncomingMessage, body: Uint8Array | null): Promise<Answer> {
    const subscription = subscriptions.get(id);
    if (!subscription) return [404, { error: 'no such subscription' }];
    if (subscription.goneStatus) return [subscription.goneStatus, { error: 'subscription is gone' }];
    const override = overrides.get(id);
    if (override) {
      if (--override.remaining === 0) overrides.delete(id);
      const headers: Record<string, string> =
        override.retryAfter === null ? {} : { 'retry-after': String(override.retryAfter) };
      return [override.status, { error: 'configured answer' }, headers];
    }

    if (options.failRate && Math.random() < options.failRate) return [500, { error: 'failing at random' }];
    if (body === null) return [413, { error: `body above ${MAX_PUSH_BODY_BYTES} bytes` }];
    const ttlHeader = req.headers.ttl;
    // RFC 8030 section 5.2: a push service MUST answer 400 to a request without TTL.
    if (typeof ttlHeader !== 'string' || !/^\d+$/.test(ttlHeader)) return [400, { error: 'TTL header required' }];
    const urgency = req.headers.urgency ?? 'normal';
    if (typeof urgency !== 'string' || !URGENCIES.has(urgency)) return [400, { error: `bad Urgency ${urgency}` }];
    const topic = req.headers.topic ?? null;
    if (topic !== null && (typeof topic !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(topic))) {
      return [400, { error: 'Topic must be 1 to 32 base64url characters' }];
    }
    if (req.headers['content-encoding'] !== 'aes128gcm') {
      return [415, { error: `Content-Encoding must be aes128gcm, got ${req.headers['content-encoding']}` }];
    }

    const vapid = await verifyVapidAuthorization(req.headers.authorization, { audience: origin });
    if (!vapid.ok) return [vapid.status, { error: vapid.reason }];

    let plaintext: Uint8Array;
    try {
      ({ plaintext } = await decryptWebPushMessage(body, subscription.keys));
    } catch (error) {
      if (error instanceof PushDecryptError) return [400, { error: error.message }];
      throw error;
    }
    const messageId = randomId();
    messages.push({
      id,
      messageId,
      payload: new TextDecoder().decode(plaintext),
      ttl: Number(ttlHeader),
      urgency: urgency as PushServiceMessage['urgency'],
      topic,
      vapidSub: vapid.subject,
      receivedAt: Date.now(),
    });
    // RFC 8030 section 5: the Location names the push message resource.
    return [201, null, { location: `${origin}/message/${messageId}` }];
  }

  async function route(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const pushId = /^\/push\/([A-Za-z0-9_-]+)$/.exec(url.pathname)?.[1];
    if (method === 'POST' && pushId) {
      const body = await readBody(req, MAX_PUSH_BODY_BYTES);
      return push(pushId, req, body);
    }
    if (method === 'POST' && url.pathname === '/_control/subscribe') return subscribe();
    if (method === 'POST' && url.pathname === '/_control/answer') {
      const raw = await readBody(req, READ_LIMIT);
      let input: unknown;
      try {
        input = JSON.parse(new TextDecoder().decode(raw ?? new Uint8Array()));
      } catch {
        return [400, { error: 'body must be JSON' }];
      }
      return setAnswer(input);
    }
    if (method === 'GET' && url.pathname === '/_control/messages') return listMessages(url);
    if (method === 'POST' && url.pathname === '/_control/reset') {
      subscriptions.clear();
      overrides.clear();
      messages = [];
      return [204, null];
    }
    return [404, { error: `no route for ${method} ${url.pathname}` }];
  }

  const server = createServer((req, res) => {
    route(req).then(
      ([status, body, headers]) => send(res, status, body, headers),
      (error: unknown) => {
        console.error('push service:', error);
        send(res, 500, { error: String(error) });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from fetch would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** The whole body, or null once it passes `limit` bytes (the rest is drained, not kept). */
async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? null : new Uint8Array(Buffer.concat(chunks));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === null || body === undefined || status === 204) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
