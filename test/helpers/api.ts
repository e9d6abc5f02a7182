import { exports } from 'cloudflare:workers';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  token?: string | undefined;
  headers?: Record<string, string>;
  /** Sent as-is (for malformed-body tests) instead of JSON-encoding `body`. */
  raw?: BodyInit;
}

/** Calls the Worker in-process (same isolate, real D1) and decodes JSON / problem+json bodies. */
export async function api<T = any>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  let payload: BodyInit | undefined = options.raw;
  if (payload === undefined && body !== undefined) {
    headers.set('content-type', 'application/json');
    payload = JSON.stringify(body);
  }
  const res = await exports.default.fetch(
    new Request(`https://fieldline.test${path}`, { method, headers, body: payload ?? null }),
  );
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const parsed = text && type.includes('json') ? JSON.parse(text) : text;
  return { status: res.status, headers: res.headers, body: parsed as T };
}
