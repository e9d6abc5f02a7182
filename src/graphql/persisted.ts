import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import type { GraphQLServerContext } from './context';
import { GraphQLCode } from './errors';
import manifest from './persisted-operations.json';

/**
 * Persisted operations for the mobile apps: the documents they may send, committed in
 * persisted-operations.json by the SHA-256 (hex) of their text. A client sends
 * `extensions: {persistedQuery: {version: 1, sha256Hash}}` instead of `query`. With
 * GRAPHQL_PERSISTED_ONLY=true nothing else runs, so an arbitrary (costly, probing) document cannot even
 * be parsed; otherwise both forms are accepted.
 */
export const PERSISTED_OPERATIONS: Readonly<Record<string, string>> = manifest;

const hashOf = (params: GraphQLParams): string | null => {
  const persisted = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return persisted?.version === 1 && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : null;
};

const http400 = { http: { status: 400 } };

export function persistedOperations(): Plugin<Record<string, unknown>, GraphQLServerContext> {
  const lookup = usePersistedOperations({
    allowArbitraryOperations: true,
    getPersistedOperation: (hash) => PERSISTED_OPERATIONS[hash] ?? null,
    customErrors: {
      notFound: {
        message: 'PersistedQueryNotFound: this operation is not in the persisted-operations manifest',
        extensions: { code: GraphQLCode.PERSISTED_QUERY_NOT_FOUND, ...http400 },
      },
    },
  });
  return {
    // The plugin swaps the hash for the stored document in onParams; these hooks finish its job.
    onParse: lookup.onParse,
    onValidate: lookup.onValidate,
    onParams(payload) {
      const persistedOnly = payload.context.config.GRAPHQL_PERSISTED_ONLY;
      if (payload.params.query) {
        if (!persistedOnly) return;
        throw createGraphQLError('PersistedQueryOnly: send a persisted operation hash instead of a document', {
          extensions: { code: GraphQLCode.PERSISTED_QUERY_ONLY, ...http400 },
        });
      }
      // Neither a document nor a hash: yoga's own "Must provide query string." answers it.
      if (hashOf(payload.params) === null) return;
      return lookup.onParams?.(payload as never);
    },
  };
}
