/** An RFC 9457 problem as the API sends it (docs/api.md#errors): `code` is the stable machine name. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  [extension: string]: unknown;
}

/** A non-2xx answer, or no answer at all (`status` 0: offline, DNS, CORS). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

export interface RequestOptions {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with its own content type (a CSV upload); takes the place of `body`. */
  raw?: { data: Blob | string; type: string };
  token?: string | null;
  signal?: AbortSignal;
}

/** One JSON call to the API on this origin. Throws ApiError for a refusal or a network failure. */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: BodyInit | null = null;
  if (options.raw) {
    headers['content-type'] = options.raw.type;
    payload = options.raw.data;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(options.body);
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: payload,
      signal: options.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, { status: 0, title: 'Network error', detail: 'The server cannot be reached' });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const body = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const problem =
      body && typeof body === 'object' ? (body as Problem) : { status: res.status, title: res.statusText };
    throw new ApiError(res.status, { ...problem, status: res.status });
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
