import type { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin, processRegularResult } from 'graphql-yoga';
import { ErrorCode, statusOf } from '../lib/errors';
import { GraphQLCode } from './errors';

/** HTTP status of an error that refused a subscription, by its GraphQL code when it has no REST reason. */
const STATUS: Record<GraphQLCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  QUERY_TOO_COMPLEX: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  GRAPHQL_PARSE_FAILED: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_ONLY: 400,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ErrorCode, value);
const isGraphQLCode = (value: unknown): value is GraphQLCode =>
  typeof value === 'string' && Object.hasOwn(GraphQLCode, value);

function statusOfError(error: GraphQLError, subscription: boolean): number | null {
  const { http, reason, code } = error.extensions as {
    http?: { status?: number; spec?: boolean };
    reason?: unknown;
    code?: unknown;
  };
  // `spec`: a document that does not parse or validate, whose status yoga sets per media type (200 for
  // application/json, in an SSE stream too, as GraphQL over SSE wants).
  if (http?.spec) return null;
  if (http?.status) return http.status;
  // Outside a subscription, errors without an HTTP status keep yoga's GraphQL-over-HTTP statuses.
  if (!subscription) return null;
  if (isErrorCode(reason)) return statusOf(reason);
  return isGraphQLCode(code) ? STATUS[code] : 500;
}

/** Whether yoga would stream this answer as SSE: the client accepts the stream and no JSON type. */
function streamed(request: Request): boolean {
  const types = (request.headers.get('accept') ?? '*/*')
    .toLowerCase()
    .split(',')
    .map((part) => part.split(';')[0]?.trim() ?? '');
  const json = types.some((t) =>
    ['*/*', 'application/*', 'application/json', 'application/graphql-response+json'].includes(t),
  );
  return !json && types.some((t) => t === 'text/event-stream' || t === 'text/*');
}

/**
 * A subscription refused before it starts (an entitlement, the socket caps, a bad argument, no credential)
 * is answered like any refused GraphQL request: one JSON document with the error's HTTP status (403, 429,
 * 400, 401), the stable code in `extensions.code`, no `data` — not an SSE stream holding the error (the
 * client could not tell it from a stream that started), nor yoga's 500 for an error that does not come from
 * graphql itself. A stream is opened only for a subscription that runs.
 *
 * Subscriptions are told apart by yoga's `onSubscribe`; a request refused before that (no credential, a
 * request refusal) carries its HTTP status already and is only kept from being streamed.
 */
export function subscriptionRefusals(): Plugin {
  const subscriptions = new WeakSet<Request>();
  return {
    onSubscribe({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (request) subscriptions.add(request);
    },
    onResultProcess({ request, result, setResult, setResultProcessor }) {
      if (isAsyncIterable(result) || Array.isArray(result) || 'data' in result || !result.errors?.length) return;
      const subscription = subscriptions.has(request);
      const statuses = result.errors.map((e) => statusOfError(e as GraphQLError, subscription) ?? 0);
      const status = Math.max(...statuses);
      if (status < 400) return;
      if (subscription) {
        setResult({ ...result, extensions: { ...result.extensions, http: { ...result.extensions?.http, status } } });
      }
      if (streamed(request)) setResultProcessor(processRegularResult, 'application/json');
    },
  };
}
