import { exports } from 'cloudflare:workers';

export interface GqlResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

export interface GqlOptions {
  token?: string;
  headers?: Record<string, string>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

/** POSTs a GraphQL operation to the Worker in-process and decodes the JSON answer. */
export async function gql<T = any>(
  query: string | undefined,
  variables: Record<string, unknown> = {},
  options: GqlOptions = {},
): Promise<GqlResponse<T>> {
  const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json', ...options.headers });
  if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  const res = await exports.default.fetch(
    new Request('https://fieldline.test/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({
        ...(query === undefined ? {} : { query }),
        variables,
        ...(options.operationName ? { operationName: options.operationName } : {}),
        ...(options.extensions ? { extensions: options.extensions } : {}),
      }),
    }),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

/** The data of a successful operation; fails the test with the errors otherwise. */
export async function gqlData<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const res = await gql<T>(query, variables, { token });
  if (res.body.errors?.length || !res.body.data) {
    throw new Error(`GraphQL failed (${res.status}): ${JSON.stringify(res.body.errors)}`);
  }
  return res.body.data;
}

export const codesOf = (res: GqlResponse) => (res.body.errors ?? []).map((e) => e.extensions?.code);

/** Relay global id, as the schema encodes it. */
export const globalId = (type: string, id: string) => btoa(`${type}:${id}`);
