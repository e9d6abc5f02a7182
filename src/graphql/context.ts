import { initContextCache } from '@pothos/core';
import type { Principal } from '../auth/principal';
import type { Config } from '../env';
import { AppError, ErrorCode } from '../lib/errors';
import type { PlatformContext, ServiceContext } from '../services/context';
import { fromAppError } from './errors';

/**
 * What the Hono route hands to yoga with each request (the "server context"). The credential has already
 * been checked there; a failure is carried here and raised when the operation runs, so yoga still shapes
 * the answer (status, content type) like any other GraphQL error.
 */
export interface GraphQLServerContext {
  env: Env;
  config: Config;
  platform: PlatformContext;
  principal: (Principal & { expiresAt?: number }) | null;
  authError: AppError | null;
  waitUntil: (promise: Promise<unknown>) => void;
  /**
   * Charges an operation's cost to the plan's GraphQL budget (src/graphql/cost-limit.ts); answers the
   * refusal when it is over budget, else null.
   */
  chargeCost: (cost: number) => Promise<AppError | null>;
}

/** The resolver context: the same ServiceContext REST builds, plus what subscriptions and loaders need. */
export interface GraphQLContext {
  service: ServiceContext;
  env: Env;
  config: Config;
  /** Access-token expiry (ms) for subscriptions; null for API keys. */
  expiresAt: number | null;
  waitUntil: (promise: Promise<unknown>) => void;
  /** Aborted when the client goes away (ends subscriptions). */
  signal: AbortSignal;
  chargeCost: (cost: number) => Promise<AppError | null>;
}

export function createGraphQLContext(server: GraphQLServerContext & { request: Request }): GraphQLContext {
  if (!server.principal) {
    // Ends the whole request: HTTP 401, like REST, whatever the response media type.
    throw fromAppError(
      server.authError ?? new AppError(ErrorCode.UNAUTHENTICATED, 'Missing credential'),
      undefined,
      true,
    );
  }
  const { expiresAt, ...principal } = server.principal;
  return {
    // Per request: the dataloaders and node caches live on this object and die with it.
    ...initContextCache(),
    service: server.platform.as(principal),
    env: server.env,
    config: server.config,
    expiresAt: expiresAt ?? null,
    waitUntil: server.waitUntil,
    signal: server.request.signal,
    chargeCost: server.chargeCost,
  };
}
