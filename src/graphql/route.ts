import type { Context } from 'hono';
import { Hono } from 'hono';
import { cloneRawRequest } from 'hono/request';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { rateLimitHeaders } from '../limits/window-counter';
import { credentialOf, resolvePrincipal } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { chargeRate, rateLimitedError } from '../middleware/rate-limit';
import type { GraphQLServerContext } from './context';
import { graphqlCodeOf } from './errors';
import { yoga } from './server';

/**
 * `/graphql` (docs/graphql.md): the same credential check as REST (Bearer JWT or API key, X-API-Key),
 * the same Idempotency-Key semantics for POSTs, then the yoga instance built once per isolate. A bad or
 * missing credential does not stop the request here: GraphiQL (development) needs none, and any
 * operation then fails with UNAUTHENTICATED (HTTP 401) in a GraphQL-shaped answer.
 */
export const graphqlRouter = new Hono<AppEnv>();

graphqlRouter.all('/', async (c) => {
  const server: GraphQLServerContext = {
    env: c.env,
    config: c.get('config'),
    platform: c.get('platform'),
    principal: null,
    authError: null,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    chargeCost: async (cost) => {
      if (!server.principal) return null;
      const decision = await chargeRate(c, 'graphql', server.principal, cost);
      if (!decision) return null;
      rateHeaders = rateLimitHeaders(decision);
      return decision.allowed ? null : rateLimitedError(decision, "GraphQL (the operations' complexity)");
    },
  };
  let rateHeaders: Record<string, string> | null = null;
  const answered = (response: Response) => {
    if (!rateHeaders) return response;
    const copy = new Response(response.body, response);
    for (const [name, value] of Object.entries(rateHeaders)) copy.headers.set(name, value);
    return copy;
  };
  try {
    server.principal = await resolvePrincipal(c, credentialOf(c));
    c.set('principal', server.principal);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    server.authError = err;
  }
  const execute = async () => {
    try {
      return await yoga.fetch(c.req.raw.bodyUsed ? await cloneRawRequest(c.req) : c.req.raw, server);
    } catch (err) {
      // The client went away (yoga gives up on an aborted request): nobody reads an answer, nothing failed.
      if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
      throw err;
    }
  };

  // A subscription's answer is an endless stream: there is nothing to store and replay.
  const idempotent =
    server.principal && c.req.method === 'POST' && c.req.header('idempotency-key') !== undefined && !wantsStream(c);
  if (!idempotent) return answered(await execute());
  try {
    const replayed = await idempotency(c, async () => {
      c.res = await execute();
    });
    return replayed ?? answered(c.res);
  } catch (err) {
    if (err instanceof AppError) return errorResponse(c, err);
    throw err;
  }
});

const wantsStream = (c: Context<AppEnv>) => (c.req.header('accept') ?? '').includes('text/event-stream');

/** An Idempotency-Key refusal (reused key, request in progress) in the GraphQL response format. */
function errorResponse(c: Context<AppEnv>, err: AppError): Response {
  const accept = c.req.header('accept') ?? '';
  const type = accept.includes('application/graphql-response+json')
    ? 'application/graphql-response+json; charset=utf-8'
    : 'application/json; charset=utf-8';
  const body = {
    errors: [
      { message: err.message, extensions: { ...err.extensions, code: graphqlCodeOf(err.code), reason: err.code } },
    ],
  };
  return new Response(JSON.stringify(body), { status: err.status, headers: { 'content-type': type } });
}
