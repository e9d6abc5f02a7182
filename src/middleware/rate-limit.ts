import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Principal } from '../auth/principal';
import type { AppEnv } from '../env';
import { AppError, ErrorCode, problem, problemResponse } from '../lib/errors';
import { type RateKind, rateChecks, rateCounter, spendRest, tenantLimits } from '../limits/limiter';
import { type RateDecision, rateLimitHeaders } from '../limits/window-counter';
import { clientBlock } from '../services/login-throttle';

/**
 * Counts one use of `kind` (costing `cost`) by the request's verified caller against the tenant's plan
 * (docs/security.md, Rate limits). Answers the decision; the caller adds `rateLimitHeaders` to its
 * response, or refuses with `rateLimitedError`. With RATE_LIMITS=off, null: nothing is counted.
 */
export async function chargeRate(
  c: Context<AppEnv>,
  kind: RateKind,
  principal: Principal,
  cost = 1,
): Promise<RateDecision | null> {
  if (c.get('config').RATE_LIMITS === 'off' || principal.kind === 'system') return null;
  const { limits } = await tenantLimits(c.get('db'), principal.tenantId);
  const counter = rateCounter(c.env.RATE_LIMITER, principal.tenantId);
  // REST requests are spent from leases (most cost no call to the counter); GraphQL costs and
  // connections are decided by the counter one by one.
  if (kind === 'rest' && cost === 1) return spendRest(counter, principal, limits);
  return counter.consume(rateChecks(kind, principal, limits, cost));
}

/** The refusal of a use over its limit: 429 with Retry-After (the error handler adds the header). */
export function rateLimitedError(decision: RateDecision, what: string): AppError {
  return new AppError(
    ErrorCode.RATE_LIMITED,
    `Rate limit of the plan reached for ${what} (${decision.refused.join(', ')}); retry in ${decision.retryAfter} s`,
    { retryAfter: decision.retryAfter, policies: decision.refused },
  );
}

/**
 * REST: after authentication, every request of a verified caller counts one against its tenant and its
 * credential. Every answer carries RateLimit-Policy and RateLimit; a refusal is 429 problem+json.
 */
export const restRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const decision = await chargeRate(c, 'rest', c.get('principal'));
  if (!decision) return next();
  const headers = rateLimitHeaders(decision);
  if (!decision.allowed) {
    const err = rateLimitedError(decision, 'requests');
    return problemResponse(problem(err.code, err.message, c.get('requestId'), err.extensions), {
      ...headers,
      'retry-after': String(decision.retryAfter),
    });
  }
  await next();
  withHeaders(c, headers);
});

/** Adds `headers` to the answer (copied first when its headers are immutable, as a fetched response's are). */
export function withHeaders(c: Context<AppEnv>, headers: Record<string, string>): void {
  try {
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  } catch {
    const copy = new Response(c.res.body, c.res);
    for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
    c.res = copy;
  }
}

/**
 * Anonymous actions per client address (10 a minute each): the cheap edge check, Workers' rate-limiting
 * binding. Its counts are approximate and kept per Cloudflare location, which is enough to stop one
 * address from creating organisations, or trying invitation links, in bulk; nothing here needs an exact
 * count. Without `CF-Connecting-IP` (in-process tests) there is no address to count.
 */
const perAddress = (action: string, what: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const address = c.req.header('cf-connecting-ip');
    if (address) {
      const { success } = await c.env.SIGNUP_LIMITER.limit({ key: `${action}:${clientBlock(address) ?? address}` });
      if (!success) {
        throw new AppError(ErrorCode.RATE_LIMITED, `Too many ${what} from this address; try again in a minute`, {
          retryAfter: 60,
        });
      }
    }
    await next();
  });

export const signupRateLimit = perAddress('signup', 'signups');
/** Opening and accepting invitation links (a token is 256 random bits: this only keeps scanners cheap). */
export const invitationRateLimit = perAddress('invitation', 'invitation attempts');
