import { and, eq, isNull } from 'drizzle-orm';
import { assertPasswordAllowed } from '../auth/password-policy';
import { dummyHash, hashPassword, verifyPassword } from '../auth/passwords';
import { ROLE_PERMISSIONS } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { CHALLENGE_TTL_SECONDS, signAccessToken, signChallengeToken, verifyChallengeToken } from '../auth/tokens';
import { runBatch, type Statement } from '../db/batch';
import type { Db } from '../db/client';
import { tenants, users } from '../db/tables';
import type { Config } from '../env';
import { AppError, ErrorCode } from '../lib/errors';
import { newId } from '../lib/ids';
import { nowIso } from '../lib/time';
import { type AuditEntryInput, auditStatement, recordAudit } from './audit.service';
import type { PlatformContext, RequestOrigin, ServiceContext } from './context';
import { accountLockStarted, claimLoginAttempt, loginSucceeded, throttleKeys } from './login-throttle';
import { alertLockedAccount } from './security-alerts.service';
import { issueAccessToken, newRefreshToken, type TokenPair, tokenPair } from './session-tokens';
import { isTwoFactorEnabled, proveSecondFactor, type SecondFactorInput, STEP_UP_WINDOW_MS } from './two-factor.service';
import { type PublicUser, toPublicUser, type UserRow } from './users.service';
import { appendEvent, commit } from './write-pipeline';

export type TenantRow = typeof tenants.$inferSelect;
export type { TokenPair };

export interface Session extends TokenPair {
  user: PublicUser;
  tenant: TenantRow;
}

export interface SignupInput {
  tenantName: string;
  name: string;
  email: string;
  password: string;
  timezone?: string | undefined;
  currency?: string | undefined;
  locale?: string | undefined;
}

/** Creates a tenant with its first user, the owner, and signs them in. */
export async function signup(platform: PlatformContext, config: Config, input: SignupInput): Promise<Session> {
  const { db, now } = platform;
  assertPasswordAllowed(input.password, input);
  const tenant: TenantRow = {
    id: newId(),
    name: input.tenantName,
    plan: 'free',
    timezone: input.timezone ?? 'UTC',
    currency: input.currency ?? 'USD',
    checkInRadiusM: 200,
    locale: input.locale ?? 'en-US',
    holidays: [],
    limits: null,
    twoFactorRequired: false,
    createdAt: now,
    updatedAt: now,
    version: 1,
    deletedAt: null,
  };
  const user: UserRow = {
    tenantId: tenant.id,
    id: newId(),
    email: input.email.toLowerCase(),
    name: input.name,
    role: 'owner',
    passwordHash: await hashPassword(config.PASSWORD_PEPPER, input.password),
    active: true,
    lastLoginAt: now,
    sessionsEndedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
    deletedAt: null,
  };
  // The new owner acts from here on: the tenant's first events are theirs.
  const ctx = platform.as(userPrincipal(user));

  const family = newId();
  const refresh = await newRefreshToken(db, config, user, family, now);
  await commit(ctx, [
    db.insert(tenants).values(tenant),
    db.insert(users).values(user),
    refresh.statement,
    appendEvent(ctx, { type: 'tenant:created', entityType: 'tenant', entityId: tenant.id, payload: tenant }),
    appendEvent(ctx, { type: 'user:created', entityType: 'user', entityId: user.id, payload: toPublicUser(user) }),
  ]);
  const accessToken = await signAccessToken(config, { sub: user.id, tid: tenant.id, role: user.role, sid: family });
  return { ...tokenPair(config, accessToken, refresh.token), user: toPublicUser(user), tenant };
}

/**
 * Email + password sign-in. When the email exists in several tenants and no tenant is named, the
 * password is checked against each; if it opens more than one, the caller must pick (409 TENANT_REQUIRED
 * lists only those tenants, so nothing is revealed to someone without the password). Failed attempts are
 * throttled per email and per client address (services/login-throttle.ts): an attempt that comes too
 * soon after failures is refused with 429 before its password is checked.
 */
export async function login(
  db: Db,
  config: Config,
  input: { email: string; password: string; tenantId?: string | undefined },
  client: { address: string | null; origin?: RequestOrigin | null; platform?: PlatformContext } = { address: null },
): Promise<Session> {
  const email = input.email.toLowerCase();
  const throttle = await throttleKeys(email, client.address);
  const audit = { db, now: nowIso(), origin: client.origin ?? null };
  try {
    await claimLoginAttempt(db, throttle);
  } catch (err) {
    // Refused unchecked: the accounts with that email (if any) see the attempt in their audit log.
    await recordAudit(audit, ...signInEntries(await accountsOf(db, email, input.tenantId), 'auth:sign_in_throttled'));
    throw err;
  }
  const candidates = await db
    .select({ user: users, tenant: tenants })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(
      and(
        eq(users.email, email),
        isNull(users.deletedAt),
        isNull(tenants.deletedAt),
        input.tenantId ? eq(users.tenantId, input.tenantId) : undefined,
      ),
    )
    .limit(20);
  if (candidates.length === 0) {
    await verifyPassword(config.PASSWORD_PEPPER, input.password, dummyHash(config.PASSWORD_PEPPER));
    throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'Email or password is incorrect');
  }
  const matches: typeof candidates = [];
  const stale = new Set<string>();
  for (const candidate of candidates) {
    if (!candidate.user.passwordHash) continue;
    const check = await verifyPassword(config.PASSWORD_PEPPER, input.password, candidate.user.passwordHash);
    if (check.valid) matches.push(candidate);
    if (check.stale) stale.add(candidate.user.id);
  }
  if (matches.length === 0) {
    await recordAudit(audit, ...signInEntries(candidates, 'auth:sign_in_failed', { reason: 'wrong_password' }));
    const lock = client.platform ? await accountLockStarted(db, throttle) : null;
    if (lock && client.platform) await alertLockedAccount(client.platform, email, lock);
    throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'Email or password is incorrect');
  }
  // The password was right (whatever follows: a deactivated account, a choice of tenants): not a guess.
  await loginSucceeded(db, throttle);
  // A tenant where the user is deactivated is not a choice: offering it would only lead to a 401.
  const usable = matches.filter((m) => m.user.active);
  if (usable.length === 0) {
    await recordAudit(audit, ...signInEntries(matches, 'auth:sign_in_failed', { reason: 'deactivated' }));
    throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'This account is deactivated');
  }
  if (usable.length > 1) {
    throw new AppError(ErrorCode.TENANT_REQUIRED, 'This email belongs to several organisations; pass tenantId', {
      tenants: usable.map((m) => ({ id: m.tenant.id, name: m.tenant.name })),
    });
  }
  const { user, tenant } = usable[0] as (typeof candidates)[number];
  const rehash = stale.has(user.id)
    ? [rehashed(db, user, await hashPassword(config.PASSWORD_PEPPER, input.password))]
    : [];
  if (await isTwoFactorEnabled(db, user.tenantId, user.id)) {
    // The password was right, the second factor is still to come: no tokens yet, a challenge to answer.
    if (rehash.length) await runBatch(db, rehash);
    throw new AppError(ErrorCode.TWO_FACTOR_REQUIRED, 'Enter a code of your authenticator app, or a recovery code', {
      challengeToken: await signChallengeToken(config, { sub: user.id, tid: user.tenantId }),
      expiresIn: CHALLENGE_TTL_SECONDS,
      methods: ['totp', 'recovery_code'],
    });
  }
  return startSession(db, config, user, tenant, [...rehash, signedIn(audit, user)]);
}

const signedIn = (audit: { db: Db; now: string; origin: RequestOrigin | null }, user: UserRow) =>
  auditStatement(audit, {
    tenantId: user.tenantId,
    action: 'auth:signed_in',
    actor: { type: 'user', id: user.id },
    entity: { type: 'user', id: user.id },
  });

/** Signs in a user who just joined (an accepted invitation): his first login, in the audit log too. */
export const signInNewUser = (platform: PlatformContext, config: Config, user: UserRow, tenant: TenantRow) =>
  startSession(platform.db, config, user, tenant, [signedIn(platform, user)]);

/** Signs a user in: a new login (refresh-token family) and its first access token. */
async function startSession(
  db: Db,
  config: Config,
  user: UserRow,
  tenant: TenantRow,
  also: Statement[],
  secondFactorAt?: number,
): Promise<Session> {
  const now = nowIso();
  const family = newId();
  const refresh = await newRefreshToken(db, config, user, family, now);
  await runBatch(db, [
    refresh.statement,
    db
      .update(users)
      .set({ lastLoginAt: now })
      .where(and(eq(users.tenantId, user.tenantId), eq(users.id, user.id))),
    ...also,
  ]);
  const accessToken = await issueAccessToken(db, config, user, family, secondFactorAt);
  return {
    ...tokenPair(config, accessToken, refresh.token),
    user: toPublicUser({ ...user, lastLoginAt: now }),
    tenant,
  };
}

const codeUsedAlready = () =>
  new AppError(ErrorCode.INVALID_TWO_FACTOR_CODE, 'This code was already used; wait for the next one');

/**
 * The second step of a sign-in with two-factor authentication: the challenge token the password step
 * answered (TWO_FACTOR_REQUIRED) and a code of the authenticator app or a recovery code. Wrong codes are
 * throttled per user (services/two-factor.service.ts); a code is accepted once. The access token carries
 * the proof (`mfa`), so sensitive actions need no further step-up for STEP_UP_WINDOW_MS.
 */
export async function completeTwoFactorLogin(
  platform: PlatformContext,
  config: Config,
  input: SecondFactorInput & { challengeToken: string },
): Promise<Session> {
  const { db } = platform;
  const challenge = await verifyChallengeToken(config, input.challengeToken);
  const [found] = await db
    .select({ user: users, tenant: tenants })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(
      and(
        eq(users.tenantId, challenge.tid),
        eq(users.id, challenge.sub),
        isNull(users.deletedAt),
        isNull(tenants.deletedAt),
      ),
    )
    .limit(1);
  if (!found?.user.active) throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'This account is deactivated');
  const { user, tenant } = found;
  if (!(await isTwoFactorEnabled(db, user.tenantId, user.id))) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Two-factor authentication is no longer on; sign in again');
  }
  // The user acts from here on: a recovery code used is his event.
  const ctx = platform.as(userPrincipal(user));
  const proof = await proveSecondFactor(ctx, config.PASSWORD_PEPPER, input);
  await commit(ctx, proof.statements, codeUsedAlready);
  await proof.succeeded();
  const audit = { db, now: ctx.now, origin: platform.origin };
  return startSession(db, config, user, tenant, [signedIn(audit, user)], Date.parse(ctx.now));
}

/**
 * Step-up: a second-factor proof by a signed-in user answers a new access token of the same login that
 * carries it (`mfa`), for the sensitive actions of the next STEP_UP_WINDOW_MS.
 */
export async function stepUp(
  ctx: ServiceContext,
  config: Config,
  input: SecondFactorInput,
): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number; stepUpExpiresAt: string }> {
  const proof = await proveSecondFactor(ctx, config.PASSWORD_PEPPER, input);
  await commit(ctx, proof.statements, codeUsedAlready);
  await proof.succeeded();
  return {
    ...(await freshAccessToken(ctx, config, Date.parse(ctx.now))),
    stepUpExpiresAt: new Date(Date.parse(ctx.now) + STEP_UP_WINDOW_MS).toISOString(),
  };
}

/**
 * A new access token of the caller's login with his current standing, e.g. after an enrolment (no longer
 * restricted to enrolling), carrying a second-factor proof made at `secondFactorAt`.
 */
export async function freshAccessToken(
  ctx: ServiceContext,
  config: Config,
  secondFactorAt: number | undefined,
): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
  const user = await ctx.db.query.users.findFirst({
    where: and(eq(users.tenantId, ctx.principal.tenantId), eq(users.id, ctx.principal.id), isNull(users.deletedAt)),
  });
  if (!user?.active) throw new AppError(ErrorCode.UNAUTHENTICATED, 'This account is deactivated');
  const accessToken = await issueAccessToken(ctx.db, config, user, ctx.principal.sessionId, secondFactorAt);
  return { accessToken, tokenType: 'Bearer', expiresIn: config.ACCESS_TOKEN_TTL_SECONDS };
}

/** The principal a freshly signed-in (or joined) user acts as, before any access token exists. */
export const userPrincipal = (user: UserRow): Principal => ({
  tenantId: user.tenantId,
  kind: 'user',
  id: user.id,
  role: user.role,
  salesmanId: null,
  permissions: ROLE_PERMISSIONS[user.role],
});

/** The accounts an email names (in one tenant when given), for the audit entries of a refused sign-in. */
async function accountsOf(db: Db, email: string, tenantId: string | undefined) {
  return db
    .select({ user: { id: users.id, tenantId: users.tenantId } })
    .from(users)
    .where(and(eq(users.email, email), isNull(users.deletedAt), tenantId ? eq(users.tenantId, tenantId) : undefined))
    .limit(20);
}

/** One audit entry per account a sign-in named: nobody is signed in yet, so the actor is anonymous. */
const signInEntries = (
  accounts: { user: { id: string; tenantId: string } }[],
  action: 'auth:sign_in_failed' | 'auth:sign_in_throttled',
  detail: Record<string, unknown> = {},
): AuditEntryInput[] =>
  accounts.map(({ user }) => ({
    tenantId: user.tenantId,
    action,
    actor: { type: 'anonymous', id: null },
    entity: { type: 'user', id: user.id },
    detail,
  }));

/**
 * A hash of an older format (no pepper, a retired pepper, other iterations) is replaced after the password
 * it holds was checked, the one moment the password is known. Only if it is still the hash that was
 * checked: a password changed in between is not overwritten. Not a change of the user (no version, no event).
 */
const rehashed = (db: Db, user: UserRow, passwordHash: string) =>
  db
    .update(users)
    .set({ passwordHash })
    .where(
      and(eq(users.tenantId, user.tenantId), eq(users.id, user.id), eq(users.passwordHash, user.passwordHash ?? '')),
    );
