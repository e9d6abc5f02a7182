import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Password, uuid } from '../contracts/common';
import { CurrencyCode, Locale, TenantSchema, TimeZone } from '../contracts/tenant.schemas';
import type { AppEnv } from '../env';
import { idempotencyWith, replay, type StoredResponse } from '../middleware/idempotency';
import { signupRateLimit } from '../middleware/rate-limit';
import { login, signup } from '../services/auth.service';
import { logout, refresh } from '../services/token-refresh.service';
import { createRouter, ERROR_RESPONSES, IdempotencyHeader, jsonBody, jsonResponse, z } from './openapi';
import { UserSchema } from './users.routes';

const Email = z.email().max(254);

const TokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().openapi({ description: 'Access token lifetime in seconds' }),
});
export const SessionSchema = TokenPairSchema.extend({ user: UserSchema, tenant: TenantSchema }).openapi('Session');

const SignupBody = z
  .strictObject(
    {
      tenantName: z.string().trim().min(1).max(200),
      name: z.string().trim().min(1).max(200),
      email: Email,
      password: Password,
      timezone: TimeZone.optional(),
      currency: CurrencyCode.optional(),
      locale: Locale.optional().openapi({ description: 'Default en-US; see PATCH /v1/tenant' }),
    },
    {
      // The plan is the operator's to set, never the signup body's: every organisation starts on free.
      error: (issue) =>
        issue.code === 'unrecognized_keys' && issue.keys.includes('plan')
          ? `Unrecognized key: "plan": the plan is set by the operator, and new organisations start on free`
          : undefined,
    },
  )
  .openapi('Signup');

const LoginBody = z
  .strictObject({ email: Email, password: z.string().min(1).max(256), tenantId: uuid().optional() })
  .openapi('Login');
const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) }).openapi('Refresh');

const errors = { 400: ERROR_RESPONSES[400], 401: ERROR_RESPONSES[401], 409: ERROR_RESPONSES[409] };

/** Where a sign-in comes from, for its throttle: the address Cloudflare saw (clients cannot set it). */
const clientOf = (c: Context<AppEnv>) => ({
  address: c.req.header('cf-connecting-ip') ?? null,
  origin: c.get('platform').origin,
  platform: c.get('platform'),
});

/** A signup's answer as the key store keeps it: the tenant and the user, not the login's tokens. */
function withoutTokens(response: StoredResponse): StoredResponse {
  if (response.status !== 201) return response;
  const { accessToken: _a, refreshToken: _r, tokenType: _t, expiresIn: _e, ...rest } = JSON.parse(response.body);
  return { ...response, body: JSON.stringify(rest) };
}

/**
 * A retried signup (same key, same body, password included) answers like the first one: 201 with the
 * tenant and the user it created, signed in with a new login of its own. The stored tokens would be
 * stale by then (the refresh token rotated, or the login ended), and a key store is no place for
 * credentials; the password in the body must still open the account.
 */
async function signInAgain(c: Context<AppEnv>, stored: StoredResponse): Promise<Response> {
  if (stored.status !== 201) return replay(c, stored);
  const created = JSON.parse(stored.body) as { tenant: { id: string } };
  const { email, password } = SignupBody.parse(await c.req.json());
  const session = await login(
    c.get('db'),
    c.get('config'),
    { email, password, tenantId: created.tenant.id },
    clientOf(c),
  );
  return c.json(session, 201);
}

export const authRouter = createRouter();
// Signup must be retry-safe (a retried signup must not create a second tenant).
authRouter.use('/signup', signupRateLimit, idempotencyWith({ store: withoutTokens, replay: signInAgain }));

authRouter
  .openapi(
    createRoute({
      method: 'post',
      path: '/signup',
      tags: ['Auth'],
      summary: 'Create an organisation (tenant) and its owner',
      description: [
        'Creates the tenant and its owner and signs the owner in (a new login: access and refresh token).',
        '',
        'With an `Idempotency-Key`, a retry with the same key and body within 24 h creates nothing: it answers',
        '201 with the same tenant and user and `Idempotent-Replayed: true`, signed in with a **new login of its',
        'own** (fresh access and refresh tokens), never the tokens of the first answer, which are not stored',
        '(the first refresh token may have been rotated or revoked since). A retry signs in only while the',
        "body's password still opens the account: after a password change or a deactivation it answers 401",
        '`INVALID_CREDENTIALS`, like a login.',
      ].join('\n'),
      request: { headers: IdempotencyHeader, ...jsonBody(SignupBody) },
      responses: { 201: jsonResponse(SessionSchema, 'Signed up and signed in'), ...errors },
    }),
    async (c) => c.json(await signup(c.get('platform'), c.get('config'), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/login',
      tags: ['Auth'],
      summary: 'Sign in with email and password',
      description: [
        'When the email belongs to several tenants, answers 409 TENANT_REQUIRED listing them; retry with tenantId.',
        '',
        'Failed sign-ins are throttled per email (whether or not an account has it) and per client address:',
        'from the 5th failure on, the next attempt must wait 1, 2, 4, 8, 16 s, then 15 min each, from the 20th',
        'failure on 1 h each (an address: the same steps from its 20th failure). An attempt that comes earlier answers 429 RATE_LIMITED with',
        '`Retry-After` (seconds, also `retryAfter` in the body) and is not checked, even with the right password.',
        "A successful sign-in clears the email's count.",
        '',
        'A user with two-factor authentication on gets no tokens here: the right password answers 401',
        '`TWO_FACTOR_REQUIRED` with `challengeToken` (valid `expiresIn` = 300 s) and `methods`; complete the',
        'sign-in with `POST /v1/auth/login/two-factor`. Users without it are answered as before.',
      ].join('\n'),
      request: jsonBody(LoginBody),
      responses: {
        200: jsonResponse(SessionSchema, 'Signed in'),
        ...errors,
        429: { ...ERROR_RESPONSES[401], description: 'Too many failed sign-ins: retry after `Retry-After` seconds' },
      },
    }),
    async (c) => c.json(await login(c.get('db'), c.get('config'), c.req.valid('json'), clientOf(c)), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/refresh',
      tags: ['Auth'],
      summary: 'Rotate a refresh token',
      description: 'Each refresh token works once. Presenting a used one revokes every token of that login.',
      request: jsonBody(RefreshBody),
      responses: { 200: jsonResponse(TokenPairSchema.openapi('TokenPair'), 'New token pair'), ...errors },
    }),
    async (c) =>
      c.json(
        await refresh(c.get('db'), c.get('config'), c.req.valid('json').refreshToken, c.get('platform').origin),
        200,
      ),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/logout',
      tags: ['Auth'],
      summary: 'End the login a refresh token belongs to',
      request: jsonBody(RefreshBody),
      responses: { 204: { description: 'Signed out' }, ...errors },
    }),
    async (c) => {
      await logout(c.get('db'), c.req.valid('json').refreshToken, c.get('platform').origin);
      return c.body(null, 204);
    },
  );
