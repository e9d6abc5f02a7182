import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import manifest from '../../src/graphql/persisted-operations.json';
import { createTenant } from '../helpers/factories';
import { codesOf, gql } from './support';

/** Calls the app with some variables overridden (a fresh env object gets its own parsed config). */
async function withVars(vars: Record<string, string>, init: RequestInit & { path?: string }) {
  const ctx = createExecutionContext();
  const res = await buildApp().fetch(
    new Request(`https://fieldline.test${init.path ?? '/graphql'}`, init),
    { ...env, ...vars },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

const post = (token: string, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const limitOf = (res: Awaited<ReturnType<typeof gql>>) => res.body.errors?.[0]?.extensions;

describe('GraphQL limits', () => {
  it('refuses a query nested deeper than 10 levels', async () => {
    const t = await createTenant();
    const deep = `{ orders { edges { node { customer { orders { edges { node { customer { orders {
      edges { node { uuid } } } } } } } } } } } }`;
    const res = await gql(deep, {}, { token: t.token });
    expect(res.body.data).toBeUndefined();
    expect(limitOf(res)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth' });
    expect(res.body.errors?.[0]?.message).toMatch(/depth limit of 10/);
  });

  it('refuses more than 15 aliases, 20 directives or 2000 tokens', async () => {
    const t = await createTenant();
    const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`;
    expect(limitOf(await gql(aliases, {}, { token: t.token }))).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'aliases',
    });
    const directives = `{ viewer { role ${'@include(if: true) '.repeat(21)} } }`;
    expect(limitOf(await gql(directives, {}, { token: t.token }))).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'directives',
    });
    const tokens = `{ viewer { ${'role '.repeat(2100)} } }`;
    expect(limitOf(await gql(tokens, {}, { token: t.token }))).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'tokens',
    });
  });

  it('refuses a body over 1 MiB with 413 BAD_USER_INPUT / PAYLOAD_TOO_LARGE, and other malformed requests with documented codes', async () => {
    const t = await createTenant();
    const padding = ' '.repeat(1_048_576);
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const res = await gql(`{ viewer { role } }${padding}`, {}, { token: t.token, headers: { accept } });
      expect(res.status, accept).toBe(413);
      expect(res.headers.get('content-type'), accept).toContain(accept);
      expect(res.body.data, accept).toBeUndefined();
      expect(res.body.errors, accept).toEqual([
        {
          message: 'Bodies are limited to 1048576 bytes',
          extensions: { code: 'BAD_USER_INPUT', reason: 'PAYLOAD_TOO_LARGE' },
        },
      ]);
    }
    // Other refusals before any GraphQL runs carry documented codes too.
    const malformed = await exports.default.fetch(
      new Request('https://fieldline.test/graphql', {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
        body: '{"query": ',
      }),
    );
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).errors[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'MALFORMED_JSON',
    });
    // A mutation over GET keeps its 405 and Allow header; an unknown operation name is a bad request.
    const viaGet = await exports.default.fetch(
      new Request(`https://fieldline.test/graphql?query=${encodeURIComponent('mutation { __typename }')}`, {
        headers: { authorization: `Bearer ${t.token}`, accept: 'application/json' },
      }),
    );
    expect(viaGet.status).toBe(405);
    expect(viaGet.headers.get('allow')).toBe('POST');
    expect(((await viaGet.json()) as any).errors[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'METHOD_NOT_ALLOWED',
    });
    const noQuery = await gql(undefined, {}, { token: t.token });
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.errors?.[0]).toEqual({
      message: 'Must provide query string.',
      extensions: { code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST' },
    });
    const unknownOperation = await gql('query A { viewer { role } }', {}, { token: t.token, operationName: 'B' });
    expect(unknownOperation.status).toBe(400);
    expect(unknownOperation.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST' });
    // Just under the limit is fine.
    const fits = await gql(`{ viewer { role } }${' '.repeat(1_048_000)}`, {}, { token: t.token });
    expect(fits.status).toBe(200);
    expect(fits.body.data).toEqual({ viewer: { role: 'OWNER' } });
  });

  it('refuses an expensive query from its estimated cost (page sizes multiply) before any resolver runs', async () => {
    const t = await createTenant();
    const costly = `{ orders(first: 200) { edges { node {
      lines { product { name inventory { onHand } } }
      customer { orders(first: 200) { edges { node { uuid totalMinor } } } }
    } } } }`;
    const res = await gql(costly, {}, { token: t.token });
    // Nothing is read: the connection answers null with the refusal.
    expect(res.body.data?.orders ?? null).toBeNull();
    expect(limitOf(res)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'complexity', max: 5000 });
    const cheap = await gql(
      '{ orders(first: 20) { edges { node { uuid lines { quantity } } } } }',
      {},
      { token: t.token },
    );
    expect(cheap.body.errors).toBeUndefined();
  });
});

describe('GraphQL introspection', () => {
  const INTROSPECT = { query: '{ __schema { queryType { name } } }' };

  it('is on in test and development, off in production unless GRAPHQL_INTROSPECTION=true', async () => {
    const t = await createTenant();
    const test = await gql(INTROSPECT.query, {}, { token: t.token });
    expect(test.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const production = (await (
      await withVars(
        { ENVIRONMENT: 'production', PUBLIC_BASE_URL: 'https://api.fieldline.test' },
        post(t.token, INTROSPECT),
      )
    ).json()) as any;
    expect(production.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(production.errors?.[0]?.message).toMatch(/introspection/i);
    const allowed = await withVars(
      { ENVIRONMENT: 'production', PUBLIC_BASE_URL: 'https://api.fieldline.test', GRAPHQL_INTROSPECTION: 'true' },
      post(t.token, INTROSPECT),
    );
    expect(((await allowed.json()) as any).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const off = await withVars({ GRAPHQL_INTROSPECTION: 'false' }, post(t.token, INTROSPECT));
    expect(((await off.json()) as any).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('serves GraphiQL from our own assets in development only', async () => {
    const page = await withVars({ ENVIRONMENT: 'development' }, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/vendor/graphiql/graphiql.js');
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|esm\.sh)/);
    const test = await withVars({}, { headers: { accept: 'text/html' } });
    expect(await test.text()).not.toContain('graphiql');
  });
});

describe('GraphQL persisted operations', () => {
  const [hash, document] = Object.entries(manifest).find(([, doc]) => doc.startsWith('query Catalogue')) ?? [];
  const persisted = (sha256Hash: string) => ({
    variables: { first: 5 },
    extensions: { persistedQuery: { version: 1, sha256Hash } },
  });

  it('runs a manifest operation by hash, beside ordinary documents', async () => {
    const t = await createTenant();
    const res = await gql(
      undefined,
      { first: 5 },
      { token: t.token, extensions: persisted(hash as string).extensions },
    );
    expect(res.body).toEqual({ data: { products: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } });
    const unknown = await gql(undefined, {}, { token: t.token, extensions: persisted('0'.repeat(64)).extensions });
    expect(codesOf(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const raw = await gql(document as string, { first: 5 }, { token: t.token });
    expect(raw.body.errors).toBeUndefined();
  });

  it('runs nothing but manifest operations when GRAPHQL_PERSISTED_ONLY=true', async () => {
    const t = await createTenant();
    const vars = { GRAPHQL_PERSISTED_ONLY: 'true' };
    const raw = (await (await withVars(vars, post(t.token, { query: document }))).json()) as any;
    expect(raw.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    const byHash = (await (await withVars(vars, post(t.token, persisted(hash as string)))).json()) as any;
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data.products.edges).toEqual([]);
  });
});
