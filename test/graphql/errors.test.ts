import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GraphQLCode, maskError } from '../../src/graphql/errors';
import { AppError, ErrorCode } from '../../src/lib/errors';

const STABLE = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
];

describe('GraphQL error codes', () => {
  it('maps every AppError code to a stable GraphQL code and keeps the original as reason', () => {
    for (const code of Object.values(ErrorCode)) {
      const masked = maskError(
        new GraphQLError('x', { originalError: new AppError(code, 'detail') }),
        'Unexpected error.',
      );
      const extensions = (masked as GraphQLError).extensions;
      if (code === ErrorCode.INTERNAL) expect(extensions.code).toBe(GraphQLCode.INTERNAL_SERVER_ERROR);
      else expect(STABLE, code).toContain(extensions.code);
      expect(extensions.reason).toBe(code);
    }
  });

  it('sorts the conflict family under CONFLICT and rate limits under RATE_LIMITED', () => {
    const codeOf = (code: ErrorCode) =>
      (maskError(new AppError(code, 'd', { extra: 1 }), 'Unexpected error.') as GraphQLError).extensions;
    for (const code of ['ALREADY_EXISTS', 'VERSION_MISMATCH', 'INVALID_STATE', 'INSUFFICIENT_STOCK'] as const) {
      expect(codeOf(code)).toMatchObject({ code: 'CONFLICT', reason: code, extra: 1 });
    }
    expect(codeOf('VALIDATION_FAILED')).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(codeOf('RATE_LIMITED')).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('hides unexpected errors behind a generic message', () => {
    const masked = maskError(
      new GraphQLError('boom', { originalError: new Error('D1_ERROR: secret detail') }),
      'Unexpected error.',
    );
    expect(masked.message).toBe('Unexpected error.');
    expect((masked as GraphQLError).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
