import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  ConfirmEnrolmentBody,
  DisableTwoFactorBody,
  EnabledSchema,
  EnrolmentSchema,
  RecoveryCodesSchema,
  RegenerateCodesBody,
  SecondFactorBody,
  StepUpSchema,
  TwoFactorLoginBody,
  TwoFactorStatusSchema,
} from '../contracts/two-factor.schemas';
import type { AppEnv } from '../env';
import { authenticate } from '../middleware/auth';
import { completeTwoFactorLogin, freshAccessToken, stepUp } from '../services/auth.service';
import {
  confirmEnrolment,
  disableTwoFactor,
  regenerateRecoveryCodes,
  startEnrolment,
  twoFactorStatus,
} from '../services/two-factor.service';
import { SessionSchema } from './auth.routes';
import { createRouter, ERROR_RESPONSES, jsonBody, jsonResponse, protectedRoute, serviceContext } from './openapi';

/**
 * Two-factor authentication (TOTP) of the signed-in user, and the second step of a 2FA sign-in
 * (docs/api.md, Two-factor authentication). Mounted beside the auth routes. These POSTs do not honour
 * Idempotency-Key: their answers hold secrets and codes shown once, which the key store must not keep.
 */
export const twoFactorRouter = createRouter();
twoFactorRouter.use('/two-factor', authenticate);
twoFactorRouter.use('/two-factor/*', authenticate);
twoFactorRouter.use('/step-up', authenticate);

const tags = ['Two-factor authentication'];
const peppers = (c: Context<AppEnv>) => c.get('config').PASSWORD_PEPPER;

twoFactorRouter
  .openapi(
    createRoute({
      method: 'post',
      path: '/login/two-factor',
      tags: ['Auth'],
      summary: 'Complete a sign-in with a two-factor code',
      description: [
        'The second step of a sign-in when the user has two-factor authentication on: `/v1/auth/login` answered',
        '401 `TWO_FACTOR_REQUIRED` with a `challengeToken` (valid 5 minutes). Send it with a `code` of the',
        'authenticator app (the current one, or the previous or next 30-second one) or a `recoveryCode` (each',
        'works once). A code already accepted is refused (400 `INVALID_TWO_FACTOR_CODE`), wrong codes are',
        "throttled per user like failed sign-ins (429 `RATE_LIMITED` with `Retry-After`). The session's access",
        'token counts as a step-up for 5 minutes.',
      ].join('\n'),
      request: jsonBody(TwoFactorLoginBody),
      responses: {
        200: jsonResponse(SessionSchema, 'Signed in'),
        400: ERROR_RESPONSES[400],
        401: ERROR_RESPONSES[401],
        429: { ...ERROR_RESPONSES[401], description: 'Too many wrong codes: retry after `Retry-After` seconds' },
      },
    }),
    async (c) => c.json(await completeTwoFactorLogin(c.get('platform'), c.get('config'), c.req.valid('json')), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/step-up',
      tags,
      summary: 'Prove the second factor again for sensitive actions',
      description: [
        'Creating an API key, changing a role, creating a webhook endpoint or rotating its secret, and changing',
        "the organisation's two-factor rule answer 403 `STEP_UP_REQUIRED` to a user with two-factor",
        'authentication on unless he proved it within the last 5 minutes. This takes a code (or a recovery code)',
        'and answers a new access token of the same login that carries the proof; retry the action with it.',
        'API keys cannot step up.',
      ].join('\n'),
      request: jsonBody(SecondFactorBody),
      responses: {
        200: jsonResponse(StepUpSchema, 'A new access token'),
        429: { ...ERROR_RESPONSES[401], description: 'Too many wrong codes: retry after `Retry-After` seconds' },
      },
    }),
    async (c) => c.json(await stepUp(serviceContext(c), c.get('config'), c.req.valid('json')), 200),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/two-factor',
      tags,
      summary: 'Your two-factor authentication: on or off, recovery codes left, required or not',
      responses: { 200: jsonResponse(TwoFactorStatusSchema, 'The status') },
    }),
    async (c) => c.json(await twoFactorStatus(serviceContext(c), c.get('principal').id), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/two-factor/enrolment',
      tags,
      summary: 'Start setting up two-factor authentication',
      description: [
        'A new secret for an authenticator app, answered once as base32 and as an `otpauth://` URI (show it as a',
        'QR code). Nothing is on until a first code confirms it. Starting again replaces a pending secret; while',
        'two-factor authentication is on, answers 409 `INVALID_STATE` (disable it first).',
      ].join('\n'),
      responses: { 201: jsonResponse(EnrolmentSchema, 'The secret, shown once') },
    }),
    async (c) => c.json(await startEnrolment(serviceContext(c), peppers(c)), 201),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/two-factor/enrolment/confirm',
      tags,
      summary: 'Turn two-factor authentication on with a first code',
      description: [
        'Answers the 10 recovery codes (each works once instead of a code; shown only now) and a new access',
        'token of the same login, no longer restricted to enrolling.',
      ].join('\n'),
      request: jsonBody(ConfirmEnrolmentBody),
      responses: { 200: jsonResponse(EnabledSchema, 'On, with the recovery codes') },
    }),
    async (c) => {
      const ctx = serviceContext(c);
      const { recoveryCodes } = await confirmEnrolment(ctx, peppers(c), c.req.valid('json').code);
      const token = await freshAccessToken(ctx, c.get('config'), Date.parse(ctx.now));
      return c.json({ recoveryCodes, ...token }, 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/two-factor/recovery-codes',
      tags,
      summary: 'Replace your recovery codes',
      description:
        'With a `code` (or a `recoveryCode`), or none within 5 minutes of a step-up. The old codes stop working.',
      request: jsonBody(RegenerateCodesBody),
      responses: { 200: jsonResponse(RecoveryCodesSchema, 'The new codes, shown once') },
    }),
    async (c) => c.json(await regenerateRecoveryCodes(serviceContext(c), peppers(c), c.req.valid('json')), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/two-factor/disable',
      tags,
      summary: 'Turn two-factor authentication off',
      description: [
        'Needs a `code` or a `recoveryCode`, and your `password` unless you stepped up within 5 minutes. An owner',
        'or admin whose organisation requires two-factor authentication cannot (403 `FORBIDDEN`).',
      ].join('\n'),
      request: jsonBody(DisableTwoFactorBody),
      responses: { 204: { description: 'Off' } },
    }),
    async (c) => {
      await disableTwoFactor(serviceContext(c), peppers(c), c.req.valid('json'));
      return c.body(null, 204);
    },
  );
