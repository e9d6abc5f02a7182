import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Stable, documented error codes. Clients branch on `code`, never on `title` or `detail`. */
export const ErrorCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  MALFORMED_JSON: 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  TOKEN_REUSED: 'TOKEN_REUSED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  CONFLICT: 'CONFLICT',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  VERSION_MISMATCH: 'VERSION_MISMATCH',
  INVALID_STATE: 'INVALID_STATE',
  INSUFFICIENT_STOCK: 'INSUFFICIENT_STOCK',
  INVALID_CURSOR: 'INVALID_CURSOR',
  INVITATION_EXPIRED: 'INVITATION_EXPIRED',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_IN_PROGRESS: 'IDEMPOTENCY_IN_PROGRESS',
  TENANT_REQUIRED: 'TENANT_REQUIRED',
  TWO_FACTOR_REQUIRED: 'TWO_FACTOR_REQUIRED',
  INVALID_TWO_FACTOR_CODE: 'INVALID_TWO_FACTOR_CODE',
  STEP_UP_REQUIRED: 'STEP_UP_REQUIRED',
  TWO_FACTOR_ENROLMENT_REQUIRED: 'TWO_FACTOR_ENROLMENT_REQUIRED',
  RATE_LIMITED: 'RATE_LIMITED',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  PUSH_NOT_CONFIGURED: 'PUSH_NOT_CONFIGURED',
  CONFIGURATION_INVALID: 'CONFIGURATION_INVALID',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  WEAK_PASSWORD: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_REUSED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  VERSION_MISMATCH: 409,
  INVALID_STATE: 409,
  INSUFFICIENT_STOCK: 409,
  INVALID_CURSOR: 400,
  INVITATION_EXPIRED: 410,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  TENANT_REQUIRED: 409,
  TWO_FACTOR_REQUIRED: 401,
  INVALID_TWO_FACTOR_CODE: 400,
  STEP_UP_REQUIRED: 403,
  TWO_FACTOR_ENROLMENT_REQUIRED: 403,
  RATE_LIMITED: 429,
  DATABASE_UNAVAILABLE: 503,
  PUSH_NOT_CONFIGURED: 503,
  CONFIGURATION_INVALID: 503,
  INTERNAL: 500,
};

const TITLE: Record<ErrorCode, string> = {
  BAD_REQUEST: 'Bad request',
  VALIDATION_FAILED: 'Request validation failed',
  WEAK_PASSWORD: 'Password not allowed',
  MALFORMED_JSON: 'Malformed JSON body',
  PAYLOAD_TOO_LARGE: 'Request body too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  UNAUTHENTICATED: 'Authentication required',
  INVALID_CREDENTIALS: 'Invalid credentials',
  TOKEN_REUSED: 'Refresh token reuse detected',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  CONFLICT: 'Conflict',
  ALREADY_EXISTS: 'Already exists',
  VERSION_MISMATCH: 'Version mismatch',
  INVALID_STATE: 'Invalid state transition',
  INSUFFICIENT_STOCK: 'Insufficient stock',
  INVALID_CURSOR: 'Invalid sync cursor',
  INVITATION_EXPIRED: 'Invitation expired',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused with a different request',
  IDEMPOTENCY_IN_PROGRESS: 'A request with this idempotency key is in progress',
  TENANT_REQUIRED: 'Tenant required',
  TWO_FACTOR_REQUIRED: 'Two-factor code required',
  INVALID_TWO_FACTOR_CODE: 'Invalid two-factor code',
  STEP_UP_REQUIRED: 'Two-factor verification required',
  TWO_FACTOR_ENROLMENT_REQUIRED: 'Two-factor enrolment required',
  RATE_LIMITED: 'Too many requests',
  DATABASE_UNAVAILABLE: 'Database unavailable',
  PUSH_NOT_CONFIGURED: 'Web push is not configured',
  CONFIGURATION_INVALID: 'The deployment is misconfigured',
  INTERNAL: 'Internal server error',
};

export const statusOf = (code: ErrorCode): ContentfulStatusCode => STATUS[code];
export const titleOf = (code: ErrorCode): string => TITLE[code];

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

/** The one error type services and middleware throw for expected failures. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly extensions: Record<string, unknown>;

  constructor(code: ErrorCode, detail?: string, extensions: Record<string, unknown> = {}) {
    super(detail ?? TITLE[code]);
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS[code];
    this.extensions = extensions;
  }
}

export const notFound = (entity: string) => new AppError(ErrorCode.NOT_FOUND, `${entity} not found`);
export const forbidden = (detail = 'You do not have permission to do this') =>
  new AppError(ErrorCode.FORBIDDEN, detail);

export function problem(
  code: ErrorCode,
  detail: string,
  requestId?: string,
  extensions: Record<string, unknown> = {},
): ProblemDetails {
  // Extensions come first so they can never overwrite the standard members.
  return {
    ...extensions,
    type: `https://docs.fieldline.dev/errors/${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLE[code],
    status: STATUS[code],
    detail,
    code,
    ...(requestId ? { requestId } : {}),
  };
}

export function problemResponse(p: ProblemDetails, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set('content-type', 'application/problem+json');
  if (p.requestId) h.set('x-request-id', p.requestId);
  return new Response(JSON.stringify(p), { status: p.status, headers: h });
}
