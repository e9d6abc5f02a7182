import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { createYoga } from 'graphql-yoga';
import type { Config } from '../env';
import { createGraphQLContext, type GraphQLContext, type GraphQLServerContext } from './context';
import { costRateLimit } from './cost-limit';
import { maskError } from './errors';
import { graphiqlPage } from './graphiql';
import { LIMITS } from './limits';
import { persistedOperations } from './persisted';
import { subscriptionRefusals } from './refusals';
import { schema } from './schema';
import { hideSuggestions } from './suggestions';

/** Introspection follows GRAPHQL_INTROSPECTION, or is on in development and test only. */
export const introspectionEnabled = (config: Config) =>
  config.GRAPHQL_INTROSPECTION ?? (config.ENVIRONMENT === 'development' || config.ENVIRONMENT === 'test');

/** The rejected limit goes into the error so clients can tell which one they hit. */
const tagged = (limit: string) => ({
  onReject: [
    (_ctx: unknown, error: { extensions: Record<string, unknown> }) => {
      Object.assign(error.extensions, { code: 'QUERY_TOO_COMPLEX', limit });
    },
  ],
});

/**
 * Limits checked while parsing and validating, before authentication and execution. Cost is the Pothos
 * complexity plugin's job (it knows `first`); field suggestions are hidden so a refused query does not
 * reveal the schema when introspection is off.
 */
const armor = EnvelopArmorPlugin({
  maxTokens: { n: LIMITS.tokens, ...tagged('tokens') },
  maxDepth: { n: LIMITS.depth, flattenFragments: true, ...tagged('depth') },
  maxAliases: { n: LIMITS.aliases, ...tagged('aliases') },
  maxDirectives: { n: LIMITS.directives, ...tagged('directives') },
  costLimit: { enabled: false },
  blockFieldSuggestion: { enabled: true },
});

/**
 * The GraphQL server, built once per isolate when this module is first imported (the schema, plugins
 * and the parse/validation cache are shared by every request). Per-request settings (GraphiQL,
 * introspection, persisted-only) are read from the server context's config, so one instance serves
 * every environment.
 */
export const yoga = createYoga<GraphQLServerContext, GraphQLContext>({
  schema,
  graphqlEndpoint: '/graphql',
  landingPage: false,
  // Unexpected errors are logged by maskError (JSON, like the REST error handler); expected ones are not errors.
  logging: false,
  batching: false,
  multipart: false,
  maxRequestBodySize: LIMITS.bodyBytes,
  maskedErrors: { maskError },
  context: createGraphQLContext,
  graphiql: (_request, server) =>
    server.config.ENVIRONMENT === 'development'
      ? { title: 'Fieldline GraphQL', subscriptionsProtocol: 'SSE', defaultHeaders: '{"Authorization":"Bearer "}' }
      : false,
  renderGraphiQL: graphiqlPage,
  plugins: [
    armor,
    useDisableIntrospection({
      isDisabled: (_request, server) => !introspectionEnabled((server as unknown as GraphQLServerContext).config),
    }),
    persistedOperations(),
    subscriptionRefusals(),
    costRateLimit(),
    hideSuggestions(),
  ],
});
