import { GraphQLError } from 'graphql';
import { databaseFailure } from '../db/failures';
import { AppError, ErrorCode, statusOf } from '../lib/errors';
import { LIMITS } from './limits';

/**
 * GraphQL error codes (`extensions.code`), stable like REST's `code`. Each AppError maps to one of them;
 * the AppError's own code is kept in `extensions.reason`, so a client can still tell VERSION_MISMATCH
 * from INSUFFICIENT_STOCK inside CONFLICT.
 */
export const GraphQLCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  /** Refused by a limit (tokens, depth, aliases, directives, cost, breadth). */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** Not valid against the schema (unknown field, wrong argument type, ...). */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** Persisted-operations mode: the document is not in the manifest, or a raw document was sent. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_ONLY: 'PERSISTED_QUERY_ONLY',
  /** The database cannot be reached or is misconfigured (REST: 503 DATABASE_UNAVAILABLE). */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type GraphQLCode = (typeof GraphQLCode)[keyof typeof GraphQLCode];

const FROM_APP: Record<ErrorCode, GraphQLCode> = {
  BAD_REQUEST: 'BAD_USER_INPUT',
  VALIDATION_FAILED: 'BAD_USER_INPUT',
  WEAK_PASSWORD: 'BAD_USER_INPUT',
  MALFORMED_JSON: 'BAD_USER_INPUT',
  INVALID_CURSOR: 'BAD_USER_INPUT',
  PAYLOAD_TOO_LARGE: 'BAD_USER_INPUT',
  UNSUPPORTED_MEDIA_TYPE: 'BAD_USER_INPUT',
  METHOD_NOT_ALLOWED: 'BAD_USER_INPUT',
  IDEMPOTENCY_KEY_REUSED: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'UNAUTHENTICATED',
  TOKEN_REUSED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  ALREADY_EXISTS: 'CONFLICT',
  VERSION_MISMATCH: 'CONFLICT',
  INVALID_STATE: 'CONFLICT',
  INVITATION_EXPIRED: 'CONFLICT',
  INSUFFICIENT_STOCK: 'CONFLICT',
  IDEMPOTENCY_IN_PROGRESS: 'CONFLICT',
  TENANT_REQUIRED: 'CONFLICT',
  TWO_FACTOR_REQUIRED: 'UNAUTHENTICATED',
  INVALID_TWO_FACTOR_CODE: 'BAD_USER_INPUT',
  STEP_UP_REQUIRED: 'FORBIDDEN',
  TWO_FACTOR_ENROLMENT_REQUIRED: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  DATABASE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  PUSH_NOT_CONFIGURED: 'SERVICE_UNAVAILABLE',
  CONFIGURATION_INVALID: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

export const graphqlCodeOf = (code: ErrorCode): GraphQLCode => FROM_APP[code];

/**
 * An AppError as a GraphQL error: the detail as message, the AppError's extensions (shortages,
 * currentVersion, errors[] ...) plus `code` and `reason`. `http` sets the HTTP status for errors that
 * end the whole request (authentication); field errors keep the partial-data status.
 */
export function fromAppError(err: AppError, at?: GraphQLError, http?: boolean): GraphQLError {
  return new GraphQLError(err.message, {
    nodes: at?.nodes,
    path: at?.path,
    originalError: err,
    extensions: {
      ...err.extensions,
      code: FROM_APP[err.code],
      reason: err.code,
      ...(http ? { http: { status: err.status } } : {}),
    },
  });
}

const LIMIT_MESSAGE = /^Syntax Error: (\w+) limit of \d+ exceeded/;

/**
 * yoga's `maskError`: expected errors keep their message and get a stable code; anything else (a bug, a
 * D1 failure) is logged and leaves as "Unexpected error." with INTERNAL_SERVER_ERROR only.
 */
export function maskError(error: unknown, message: string): Error {
  const thrown = error instanceof GraphQLError ? error.originalError : error;
  const original = databaseFailure(thrown) ?? thrown;
  if (original instanceof AppError) {
    const at = error instanceof GraphQLError ? error : undefined;
    return fromAppError(original, at, Boolean(at?.extensions.http));
  }
  if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) {
    const refused = requestRefusal(error);
    if (refused) return refused;
    if (typeof error.extensions.code === 'string') return error;
    return withCode(error, classify(error));
  }
  console.error(
    JSON.stringify({ level: 'error', where: 'graphql', message: String(original), stack: (original as Error)?.stack }),
  );
  return new GraphQLError(message, {
    nodes: error instanceof GraphQLError ? error.nodes : undefined,
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: GraphQLCode.INTERNAL_SERVER_ERROR },
  });
}

/** yoga's own codes for requests it refuses before any GraphQL happens. */
const REQUEST_REFUSALS = new Set(['REQUEST_ENTITY_TOO_LARGE', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * A request yoga refused before any GraphQL happened (body over the size limit, a body that is not JSON,
 * a mutation over GET, an unknown operation name), under a documented code with REST's code as `reason`.
 * Its HTTP status and headers (400, 405 with `Allow`, 413) are kept, whatever the Accept header.
 */
function requestRefusal(error: GraphQLError): GraphQLError | null {
  const { code, http } = error.extensions as {
    code?: unknown;
    http?: { status?: number; headers?: Record<string, string> };
  };
  if (typeof code !== 'string' || !REQUEST_REFUSALS.has(code)) return null;
  const reason: ErrorCode =
    code === 'REQUEST_ENTITY_TOO_LARGE'
      ? ErrorCode.PAYLOAD_TOO_LARGE
      : http?.status === 405
        ? ErrorCode.METHOD_NOT_ALLOWED
        : /\bJSON\b/.test(error.message)
          ? ErrorCode.MALFORMED_JSON
          : ErrorCode.BAD_REQUEST;
  const message =
    reason === ErrorCode.PAYLOAD_TOO_LARGE ? `Bodies are limited to ${LIMITS.bodyBytes} bytes` : error.message;
  // Status and headers only: yoga's `spec` flag would turn the status into 200 for application/json, which
  // is meant for GraphQL errors, not for a request that never became a GraphQL request.
  const status = http?.status ?? statusOf(reason);
  return new GraphQLError(message, {
    extensions: {
      code: FROM_APP[reason],
      reason,
      http: { status, ...(http?.headers ? { headers: http.headers } : {}) },
    },
  });
}

function classify(error: GraphQLError): GraphQLCode {
  if (LIMIT_MESSAGE.test(error.message)) return GraphQLCode.QUERY_TOO_COMPLEX;
  if (error.message.startsWith('Syntax Error')) return GraphQLCode.GRAPHQL_PARSE_FAILED;
  // Variable coercion: the document is fine, the values sent with it are not.
  if (/^Variable "\$[^"]+" (got invalid value|of required type|of non-null type)/.test(error.message)) {
    return GraphQLCode.BAD_USER_INPUT;
  }
  return GraphQLCode.GRAPHQL_VALIDATION_FAILED;
}

function withCode(error: GraphQLError, code: GraphQLCode): GraphQLError {
  const limit = LIMIT_MESSAGE.exec(error.message)?.[1]?.toLowerCase();
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code, ...(limit ? { limit } : {}) },
  });
}

/** A GraphQL-level input problem found by a resolver (not by a service). */
export const badInput = (message: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: GraphQLCode.BAD_USER_INPUT, ...extra } });
