import { request } from 'node:http';
import { inject } from 'vitest';

/** Talks to the built Worker over HTTP (test/bundle/global-setup.ts serves it). */
export const baseUrl = () => new URL(inject('bundleUrl'));

export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResponse<T>> {
  const res = await fetch(new URL(path, baseUrl()), {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    headers: res.headers,
    body: (text && type.includes('json') ? JSON.parse(text) : text) as T,
  };
}

let signups = 0;

/** Signs up a fresh tenant through the API and returns its owner's access token. */
export async function signUp(): Promise<string> {
  const res = await call('POST', '/v1/auth/signup', {
    tenantName: 'Bundle Co',
    name: 'Olive Owner',
    email: `owner-${Date.now().toString(36)}-${signups++}@example.test`,
    password: 'correct horse battery staple',
    timezone: 'Europe/Berlin',
    currency: 'EUR',
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

/** POSTs a GraphQL document; `accept` defaults to application/json. */
export const graphql = (
  query: string,
  { token, variables, accept }: { token?: string; variables?: Record<string, unknown>; accept?: string } = {},
) =>
  call('POST', '/graphql', JSON.stringify({ query, variables: variables ?? {} }), {
    'content-type': 'application/json',
    accept: accept ?? 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });

export const codesOf = (res: HttpResponse) =>
  ((res.body?.errors ?? []) as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);

/**
 * A POST whose body the server may refuse before reading it all (413): it answers and closes while the
 * client is still writing, which `fetch` reports as a failed request. The answer is what counts here, so
 * a write error after the response arrived is ignored.
 */
export function postRefusedEarly<T = any>(path: string, body: string, headers: Record<string, string>) {
  return new Promise<HttpResponse<T>>((resolve, reject) => {
    let answered = false;
    const req = request(new URL(path, baseUrl()), { method: 'POST', headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders.set(k, v);
        const type = responseHeaders.get('content-type') ?? '';
        resolve({
          status: res.statusCode ?? 0,
          headers: responseHeaders,
          body: (type.includes('json') ? JSON.parse(text) : text) as T,
        });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(body);
  });
}
