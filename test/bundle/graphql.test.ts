import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { describeGraphQLAudits } from '../helpers/graphql-audit';
import { baseUrl, call, codesOf, graphql, postRefusedEarly, signUp } from './support';

/**
 * GraphQL error codes end to end against the Worker wrangler builds, where module identity follows the
 * bundler (an `instanceof GraphQLError` across two copies of graphql fails here and nowhere else).
 */
let token = '';
beforeAll(async () => {
  token = await signUp();
});

describe('GraphQL errors from the built bundle', () => {
  it('holds one copy of graphql', () => {
    const bundle = readFileSync(inject('bundleFile'), 'utf8');
    expect(bundle.match(/class _*GraphQLError\d* extends Error\b/g)).toHaveLength(1);
  });

  it('answers a syntax error with GRAPHQL_PARSE_FAILED (200 as JSON, 400 as graphql-response+json)', async () => {
    const json = await graphql('{', { token });
    expect(json.status).toBe(200);
    expect(codesOf(json)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(json.body.errors[0].message).toMatch(/^Syntax Error/);
    expect(json.body).not.toHaveProperty('data');
    const strict = await graphql('{', { token, accept: 'application/graphql-response+json' });
    expect(strict.status).toBe(400);
    expect(codesOf(strict)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('answers schema mismatches, limits and bad variables with their documented codes', async () => {
    expect(codesOf(await graphql('{ noSuchField }', { token }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const tokens = await graphql(`{ viewer { ${'role '.repeat(2100)} } }`, { token });
    expect(tokens.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' });
    const deep = `{ orders { edges { node { customer { orders { edges { node { customer { orders {
      edges { node { uuid } } } } } } } } } } } }`;
    expect((await graphql(deep, { token })).body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'depth',
    });
    const badVariable = await graphql('query($n: Int!) { customers(first: $n) { totalCount } }', {
      token,
      variables: { n: 'ten' },
    });
    expect(codesOf(badVariable)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses an oversized or malformed body with BAD_USER_INPUT and its REST reason', async () => {
    const big = await postRefusedEarly(
      '/graphql',
      JSON.stringify({ query: `{ viewer { role } }${' '.repeat(1_048_576)}` }),
      { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    );
    expect(big.status).toBe(413);
    expect(big.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'PAYLOAD_TOO_LARGE' });
    const malformed = await call('POST', '/graphql', '{"query": ', {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'MALFORMED_JSON' });
  });

  it('answers UNAUTHENTICATED (401) without a credential and NOT_FOUND for a missing record', async () => {
    const anonymous = await graphql('{ viewer { role } }');
    expect(anonymous.status).toBe(401);
    expect(codesOf(anonymous)).toEqual(['UNAUTHENTICATED']);
    const missing = await graphql('query($id: ID!) { customer(id: $id) { name } }', {
      token,
      variables: { id: crypto.randomUUID() },
    });
    expect(codesOf(missing)).toEqual(['NOT_FOUND']);
    expect(missing.body.data).toEqual({ customer: null });
  });
});

describe('GraphQL subscriptions from the built bundle', () => {
  /** Posts a subscription asking for SSE, reading the whole answer (a refusal is one JSON document). */
  const subscribe = async (query: string, bearer: string) => {
    const res = await fetch(new URL('/graphql', baseUrl()), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query }),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text };
  };

  it("answers a subscription the caller's rooms do not carry with 403 FORBIDDEN, not a 500 stream", async () => {
    const email = `rep-${Date.now().toString(36)}@example.test`;
    const password = 'a long and unusual passphrase 42';
    const created = await call(
      'POST',
      '/v1/users',
      { email, name: 'Rep', role: 'salesman', password },
      { authorization: `Bearer ${token}` },
    );
    expect(created.status).toBe(201);
    const login = await call('POST', '/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    const refused = await subscribe('subscription { presenceChanged { status } }', login.body.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/json');
    expect(JSON.parse(refused.text).errors[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
  });
});

const fetchFn = (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  request.headers.set('authorization', `Bearer ${token}`);
  return fetch(request);
};

describeGraphQLAudits('built bundle', new URL('/graphql', baseUrl()).href, fetchFn, {});
