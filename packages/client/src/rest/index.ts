import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };

/** The problem+json body every refusal of the API carries (docs/api.md, Errors). */
export type Problem = components['schemas']['Problem'];

export interface RestClientOptions {
  /** The API's origin, e.g. `https://api.fieldline.example` (the paths start with `/v1`). */
  baseUrl: string;
  /**
   * The credential for each request: an access token (JWT) or an API key (`flk_…`), or a function
   * answering the current one (a session that refreshes its tokens). Absent: requests go unauthenticated.
   */
  token?: string | (() => string | null | Promise<string | null>);
  /** Replaces the global fetch (tests, or a Worker calling another through a service binding). */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * A typed client of the Fieldline REST API, generated from its OpenAPI document: every path, parameter,
 * body and response is checked by TypeScript (`npm run openapi` regenerates the types with the document).
 *
 *   const api = createRestClient({ baseUrl, token: accessToken });
 *   const { data, error } = await api.GET('/v1/customers/{id}', { params: { path: { id } } });
 *   // data: the customer; error: the Problem (code, detail) of a 4xx/5xx answer
 */
export function createRestClient(options: RestClientOptions): Client<paths> {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { token } = options;
  if (token !== undefined) {
    const auth: Middleware = {
      async onRequest({ request }) {
        const value = typeof token === 'function' ? await token() : token;
        if (value) request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    };
    client.use(auth);
  }
  return client;
}

/** Whether an error body is the API's problem+json (a network failure or a proxy's page is not). */
export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { status?: unknown }).status === 'number'
  );
}
