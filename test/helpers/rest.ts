import { exports } from 'cloudflare:workers';
import { createRestClient, type Problem } from '@fieldline/client/rest';

/**
 * The typed test client: the client package's REST client (generated from the OpenAPI document) calling
 * the Worker in-process. Paths, parameters, bodies and answers are checked by TypeScript, so a test that
 * sends or reads a field the API does not have fails to compile. (`api` in ./api.ts stays for what a
 * typed client cannot send: malformed bodies, wrong methods, forged headers.)
 *
 *   const created = ok(await rest(token).POST('/v1/customers', { body: { name: 'Acme' } }), 201);
 */
export const rest = (token?: string) =>
  createRestClient({
    baseUrl: 'https://fieldline.test',
    fetch: (request) => exports.default.fetch(request),
    ...(token ? { token } : {}),
  });

export interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful answer (of `status`, when given); anything else fails, naming what came back. */
export function ok<T>(answer: Answer<T>, status?: number): T {
  const { data, error, response } = answer;
  if (data === undefined || (status !== undefined && response.status !== status)) {
    throw new Error(`expected ${status ?? '2xx'}, got ${response.status}: ${JSON.stringify(error ?? data)}`);
  }
  return data;
}

/**
 * A typed call's answer in the shape `api` answers: the body is typed as the success body, plus the
 * fields of a refusal's problem that the success body does not have (so `body.code` reads either way).
 * An operation that answers no content (204) has only the refusal's fields (its success body is undefined).
 */
export type TypedBody<T> = [T] extends [undefined] ? Partial<Problem> : T & Partial<Omit<Problem, keyof T>>;

export interface TypedResponse<T> {
  status: number;
  headers: Headers;
  body: TypedBody<T>;
}

/** `call`'s answer as status, headers and body (the data, or the problem+json of a refusal). */
export async function answered<T>(call: Promise<Answer<T>>): Promise<TypedResponse<T>> {
  const { data, error, response } = await call;
  return { status: response.status, headers: response.headers, body: (data ?? error) as TypedBody<T> };
}

/**
 * `answered` for an operation that can also answer CSV or PDF (`format`, `Accept`), whose success body the
 * OpenAPI types give as the JSON or a string: a typed call asks for neither, and its answer is parsed as
 * JSON, so the body is the JSON one (a string body fails).
 */
export async function answeredJson<T>(call: Promise<Answer<T>>): Promise<TypedResponse<Exclude<T, string>>> {
  const answer = await call;
  if (typeof answer.data === 'string') {
    const type = answer.response.headers.get('content-type');
    throw new Error(`expected JSON, got ${type}: ${answer.data.slice(0, 200)}`);
  }
  return answered(Promise.resolve(answer as Answer<Exclude<T, string>>));
}
