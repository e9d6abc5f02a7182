import { beforeAll, describe, expect, it } from 'vitest';
import { describeGraphQLAudits } from '../helpers/graphql-audit';
import { baseUrl, codesOf, graphql, signUp } from './support';

/**
 * GraphQL error codes end to end against the Worker wrangler builds, where module identity follows the
 * bundler (an `instanceof GraphQLError` across two copies of graphql fails here and nowhere else).
 */
let token = '';
beforeAll(async () => {
  token = await signUp();
});

describe('GraphQL errors from the built bundle', () => {
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

const fetchFn = (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  request.headers.set('authorization', `Bearer ${token}`);
  return fetch(request);
};

// The bundle holds two copies of graphql (graphql-armor's parser loads the CommonJS one): a syntax error
// thrown by that copy is not an `instanceof GraphQLError` of the other, and leaves as an unexpected error.
const twoCopies = 'a parse failure answers 200 INTERNAL_SERVER_ERROR';
describeGraphQLAudits('built bundle', new URL('/graphql', baseUrl()).href, fetchFn, {
  '865D': twoCopies,
  '556A': twoCopies,
  '51FE': twoCopies,
  '74FF': twoCopies,
});
