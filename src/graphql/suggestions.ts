import { isAsyncIterable, type Plugin } from 'graphql-yoga';

/** graphql-js's hint at a near name: `… Did you mean "x", "y", or "z"?` / `… Did you mean the enum value "X"?`. */
const SUGGESTION = / Did you mean .*\?$/s;

/**
 * Hides graphql-js's "Did you mean …?" hints in every answer (unknown enum values, arguments, types and
 * variables' values; graphql-armor already hides those for fields): with introspection off, they would
 * read the schema out one guess at a time (docs/graphql.md, Introspection).
 */
export function hideSuggestions(): Plugin {
  return {
    onResultProcess({ result }) {
      if (isAsyncIterable(result)) return;
      for (const one of Array.isArray(result) ? result : [result]) {
        for (const error of one.errors ?? []) {
          if (SUGGESTION.test(error.message)) {
            (error as { message: string }).message = error.message.replace(SUGGESTION, ' [Suggestion hidden]');
          }
        }
      }
    },
  };
}
