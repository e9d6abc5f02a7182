import type { PullQuery, PullResponse, PushRequest, PushResponse } from './protocol.js';

/**
 * The two sync requests over `fetch`, with the token asked for per request, one retry after a 401 (once
 * the app's refresh hook ran), a timeout per request (the body included), and every failure turned into
 * a {@link SyncError} the client can decide on.
 */

/** The timer functions the client uses; injectable so tests run on a fake clock. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * - `network`: no answer (offline, DNS, connection reset) · `timeout`: no answer in time
 * - `protocol`: an answer that is not the API's (a captive portal's page, a truncated body)
 * - `http`: the API answered with an error status (`status`, `code`)
 * - `aborted`: the client was stopped · `storage`: the local store failed · `gap`: see SyncClient
 */
export type SyncErrorKind = 'network' | 'timeout' | 'protocol' | 'http' | 'aborted' | 'storage' | 'gap';

export interface SyncErrorDetails {
  /** `http`: the response status. */
  status?: number;
  /** `http`: the problem's stable `code` (`FORBIDDEN`, `INVALID_CURSOR`, ...). */
  code?: string;
  /** From a `Retry-After` header. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class SyncError extends Error {
  override readonly name = 'SyncError';
  readonly status: number | null;
  readonly code: string | null;
  readonly retryAfterMs: number | null;

  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    details: SyncErrorDetails = {},
  ) {
    super(message, { cause: details.cause });
    this.status = details.status ?? null;
    this.code = details.code ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }

  /** Worth retrying later as is: nothing the client or the user must change first. */
  get transient(): boolean {
    if (this.kind !== 'http') return TRANSIENT_KINDS.has(this.kind);
    // A new snapshot is pulled at once after INVALID_CURSOR; if that fails too, try again later.
    return (
      this.status === null ||
      this.status >= 500 ||
      this.status === 408 ||
      this.status === 429 ||
      this.code === 'INVALID_CURSOR'
    );
  }
}

const TRANSIENT_KINDS: ReadonlySet<SyncErrorKind> = new Set(['network', 'timeout', 'protocol', 'storage']);

export interface TransportOptions {
  baseUrl: string;
  getToken: () => string | Promise<string>;
  onUnauthorized?: (() => unknown) | undefined;
  fetch: FetchLike;
  timers: Timers;
  timeoutMs: number;
}

export class SyncTransport {
  private readonly base: string;

  constructor(private readonly options: TransportOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  async push(body: PushRequest, signal: AbortSignal): Promise<PushResponse> {
    const res = await this.request('POST', `${this.base}/v1/sync/push`, JSON.stringify(body), signal);
    if (typeof res.lastMutationId !== 'number' || !Array.isArray(res.mutations)) throw notTheApi();
    return res as unknown as PushResponse;
  }

  async pull(query: PullQuery, signal: AbortSignal): Promise<PullResponse> {
    const params = new URLSearchParams();
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const res = await this.request('GET', `${this.base}/v1/sync/pull?${params}`, undefined, signal);
    const ok =
      Array.isArray(res.changes) &&
      typeof res.cursor === 'string' &&
      typeof res.hasMore === 'boolean' &&
      typeof res.lastMutationIds === 'object' &&
      res.lastMutationIds !== null;
    if (!ok) throw notTheApi();
    return res as unknown as PullResponse;
  }

  private async request(method: string, url: string, body: string | undefined, signal: AbortSignal) {
    let refreshed = false;
    for (;;) {
      const { status, headers, text } = await this.send(method, url, body, signal);
      if (status === 401 && !refreshed) {
        // Once per request: a token that is refused right after a refresh is not a stale token.
        refreshed = true;
        await this.options.onUnauthorized?.();
        continue;
      }
      if (status >= 200 && status < 300) {
        const json = parseJson(text);
        if (json === null || typeof json !== 'object') throw notTheApi();
        return json as Record<string, unknown>;
      }
      const problem = parseJson(text) as { code?: unknown; detail?: unknown } | null;
      const code = typeof problem?.code === 'string' ? problem.code : null;
      const detail = typeof problem?.detail === 'string' ? problem.detail : `HTTP ${status}`;
      const retryAfterMs = retryAfter(headers.get('retry-after'));
      throw new SyncError('http', detail, {
        status,
        ...(code !== null ? { code } : {}),
        ...(retryAfterMs !== null ? { retryAfterMs } : {}),
      });
    }
  }

  private async send(method: string, url: string, body: string | undefined, outer: AbortSignal) {
    const { timers, timeoutMs } = this.options;
    const controller = new AbortController();
    let timedOut = false;
    const abort = () => controller.abort();
    outer.addEventListener('abort', abort);
    const timer = timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const token = await this.options.getToken();
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await this.options.fetch(url, { method, headers, body, signal: controller.signal });
      // The body is read under the same timeout: a response can be lost halfway too.
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (err) {
      if (outer.aborted) throw new SyncError('aborted', 'The sync client was stopped', { cause: err });
      if (timedOut) throw new SyncError('timeout', `No answer within ${timeoutMs} ms`, { cause: err });
      throw new SyncError('network', errorMessage(err), { cause: err });
    } finally {
      timers.clearTimeout(timer);
      outer.removeEventListener('abort', abort);
    }
  }
}

const notTheApi = () => new SyncError('protocol', 'The answer is not a Fieldline sync response');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** `Retry-After` in seconds (the API's form); an HTTP date is honoured too. */
function retryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
