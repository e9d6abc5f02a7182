import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A webhook receiver for tests and benchmarks, run in Node: what an integrator's server does. Each
 * receiving path (`POST /hooks/<name>`) verifies the Standard Webhooks signature with the
 * `standardwebhooks` package and the secrets it was told, and records what it got. It can be told to
 * fail (an HTTP status, a share of requests at random, a delay longer than the sender's timeout).
 *
 * Control (JSON): `PUT /_control/hooks/<name>` `{ secrets, status?, failTimes?, failRate?, delayMs? }`;
 * `GET /_control/hooks/<name>` → `{ received, refused, requests }`; `DELETE /_control/hooks/<name>`.
 */
export interface ReceivedWebhook {
  webhookId: string;
  timestamp: number;
  type: string;
  seq: number;
  tenantId: string;
  body: unknown;
  /** How many signatures the header carried (two during a secret rotation). */
  signatures: number;
  receivedAt: number;
}

interface Hook {
  secrets: string[];
  /** Answer this status instead of 204 to every request while `failTimes` lasts (or always when unset). */
  status?: number;
  failTimes?: number;
  /** A share of requests (0..1) answered 500 at random. */
  failRate?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  received: ReceivedWebhook[];
  /** Requests whose signature did not verify. */
  refused: { webhookId: string | null; reason: string }[];
  /** Every request, answered or not, in arrival order. */
  requests: { webhookId: string | null; answered: number | 'timeout' }[];
}

export interface WebhookReceiver {
  url: string;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });

const send = (res: ServerResponse, status: number, body?: unknown) => {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};

export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const hooks = new Map<string, Hook>();

  async function receive(name: string, req: IncomingMessage, res: ServerResponse) {
    const hook = hooks.get(name);
    const body = await readBody(req);
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    const webhookId = headers['webhook-id'] || null;
    if (!hook) return send(res, 404, { error: 'no such hook' });
    const entry: Hook['requests'][number] = { webhookId, answered: 'timeout' };
    hook.requests.push(entry);
    if (hook.delayMs) await new Promise((r) => setTimeout(r, hook.delayMs));
    let failing = hook.status !== undefined && (hook.failTimes === undefined || hook.failTimes > 0);
    if (failing && hook.failTimes !== undefined) hook.failTimes--;
    if (!failing && hook.failRate && Math.random() < hook.failRate) failing = true;
    if (failing) {
      entry.answered = hook.status ?? 500;
      return send(res, hook.status ?? 500, { error: 'told to fail' });
    }
    // Verified with any one of the secrets the receiver knows, as a receiver does during a rotation.
    let verified = false;
    let reason = 'no secret';
    for (const secret of hook.secrets) {
      try {
        new Webhook(secret).verify(body, headers);
        verified = true;
        break;
      } catch (err) {
        reason = (err as Error).message;
      }
    }
    if (!verified) {
      hook.refused.push({ webhookId, reason });
      entry.answered = 401;
      return send(res, 401, { error: reason });
    }
    const parsed = JSON.parse(body) as { type: string; data: { seq: number; tenantId: string } };
    hook.received.push({
      webhookId: headers['webhook-id'],
      timestamp: Number(headers['webhook-timestamp']),
      type: parsed.type,
      seq: parsed.data.seq,
      tenantId: parsed.data.tenantId,
      body: parsed,
      signatures: headers['webhook-signature'].split(' ').length,
      receivedAt: Date.now(),
    });
    entry.answered = 204;
    send(res, 204);
  }

  async function control(name: string, req: IncomingMessage, res: ServerResponse) {
    if (req.method === 'PUT') {
      const config = JSON.parse(await readBody(req)) as Partial<Hook>;
      const existing = hooks.get(name);
      hooks.set(name, {
        received: existing?.received ?? [],
        refused: existing?.refused ?? [],
        requests: existing?.requests ?? [],
        secrets: config.secrets ?? existing?.secrets ?? [],
        ...(config.status !== undefined ? { status: config.status } : {}),
        ...(config.failTimes !== undefined ? { failTimes: config.failTimes } : {}),
        ...(config.failRate !== undefined ? { failRate: config.failRate } : {}),
        ...(config.delayMs !== undefined ? { delayMs: config.delayMs } : {}),
      });
      return send(res, 200, { ok: true });
    }
    if (req.method === 'DELETE') {
      hooks.delete(name);
      return send(res, 200, { ok: true });
    }
    const hook = hooks.get(name);
    if (!hook) return send(res, 404, { error: 'no such hook' });
    return send(res, 200, { received: hook.received, refused: hook.refused, requests: hook.requests });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const [, area, name] = url.pathname.split('/');
    const route =
      area === 'hooks' && name && req.method === 'POST'
        ? receive(name, req, res)
        : area === '_control' && url.pathname.startsWith('/_control/hooks/')
          ? control(url.pathname.slice('/_control/hooks/'.length), req, res)
          : Promise.resolve(send(res, 404, { error: 'not found' }));
    route.catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
