import { complexityFromQuery } from '@pothos/plugin-complexity';
import type { Plugin } from 'graphql-yoga';
import type { AppError } from '../lib/errors';
import type { GraphQLContext } from './context';
import { fromAppError } from './errors';

/**
 * Plan-tier rate limits for GraphQL (docs/security.md, Rate limits): each operation costs its complexity
 * score (the figure the complexity plugin checks against the per-operation limit), charged against the
 * organisation's and the credential's GraphQL budget per minute before it runs. Over budget, the
 * operation does not run: HTTP 429, `RATE_LIMITED`, with `Retry-After`.
 */
export function costRateLimit(): Plugin<GraphQLContext> {
  const charge = async (context: GraphQLContext, args: ChargeArgs): Promise<AppError | null> => {
    const { complexity } = complexityFromQuery(args.document, {
      schema: args.schema,
      ctx: context,
      variables: (args.variableValues ?? {}) as Record<string, unknown>,
    });
    return context.chargeCost(Math.max(1, complexity));
  };
  const refusal = (err: AppError) => {
    const error = fromAppError(err, undefined, true);
    Object.assign(error.extensions, {
      http: { status: 429, headers: { 'retry-after': String(err.extensions.retryAfter ?? 60) } },
    });
    return { errors: [error] };
  };
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const refused = await charge(args.contextValue, args);
      if (refused) setResultAndStopExecution(refusal(refused));
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const refused = await charge(args.contextValue, args);
      if (refused) setResultAndStopExecution(refusal(refused));
    },
  };
}

interface ChargeArgs {
  document: Parameters<typeof complexityFromQuery>[0];
  schema: Parameters<typeof complexityFromQuery>[1]['schema'];
  variableValues?: unknown;
}
