import type { webhookEndpoints } from '../db/tables';
import { webhookUrlProblem } from './url-safety';
import { signDelivery } from './webhook-signing';

/**
 * One webhook request on the wire (docs/webhooks.md): the body every receiver gets, the secrets that
 * sign it (Standard Webhooks headers), and the signed POST itself, with its timeout, no redirects and the
 * first characters of the answer kept for the delivery log.
 */

type Endpoint = typeof webhookEndpoints.$inferSelect;

const EXCERPT_CHARS = 256;

/** What a request needs besides the endpoint: its limits, and the fetch to send with (tests replace it). */
export interface RequestDeps {
  settings: { timeoutMs: number; allowPrivateUrls: boolean };
  /** Replaces the runtime's fetch (tests, benchmarks); unset: `fetch`. */
  fetch?: typeof fetch;
}

export interface AttemptResult {
  ok: boolean;
  /** The receiver's status code; null when it never answered (timeout, connection refused, refused URL). */
  status: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

/** The body every receiver gets for an event (docs/webhooks.md, Payload). */
export function webhookBody(
  tenantId: string,
  event: {
    seq: number;
    type: string;
    entityType: string;
    entityId: string;
    actorId: string | null;
    payload: unknown;
    createdAt: string;
  },
): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.createdAt,
    data: {
      tenantId,
      seq: event.seq,
      entityType: event.entityType,
      entityId: event.entityId,
      actorId: event.actorId,
      object: event.payload,
    },
  });
}

/** The secrets that sign now: the current one, and the previous one during its overlap window. */
export const signingSecrets = (endpoint: Endpoint, now: number): string[] =>
  endpoint.previousSecret && endpoint.previousSecretExpiresAt && Date.parse(endpoint.previousSecretExpiresAt) > now
    ? [endpoint.secret, endpoint.previousSecret]
    : [endpoint.secret];

/** One signed POST to the endpoint, with the attempt's timeout; never throws. */
export async function postSigned(
  endpoint: Endpoint,
  id: string,
  body: string,
  deps: RequestDeps,
  clock: () => number = Date.now,
): Promise<AttemptResult> {
  const problem = webhookUrlProblem(endpoint.url, deps.settings.allowPrivateUrls);
  if (problem) return { ok: false, status: null, latencyMs: 0, excerpt: null, error: `URL refused: ${problem}` };
  const started = clock();
  try {
    const send = deps.fetch ?? ((input, init) => fetch(input, init));
    const response = await send(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Fieldline-Webhooks/1',
        ...signDelivery(signingSecrets(endpoint, started), id, new Date(started), body),
      },
      body,
      // A redirect could point anywhere (SSRF): it counts as a failed attempt.
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.settings.timeoutMs),
    });
    const excerpt = await readExcerpt(response);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      status: response.status,
      latencyMs: clock() - started,
      excerpt,
      error: ok ? null : `HTTP ${response.status}`,
    };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return {
      ok: false,
      status: null,
      latencyMs: clock() - started,
      excerpt: null,
      error: timedOut
        ? `no answer within ${deps.settings.timeoutMs} ms`
        : `request failed: ${String(err)}`.slice(0, 200),
    };
  }
}

/** The first characters of the answer; the rest is never read. */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text ? text.slice(0, EXCERPT_CHARS) : null;
}
