import { and, count, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { Pepper } from '../auth/passwords';
import { verifyPassword } from '../auth/passwords';
import { ROLE_RANK } from '../auth/permissions';
import { type Principal, requirePermission } from '../auth/principal';
import { matchTotpStep, newTotpSecret, otpauthUri } from '../auth/totp';
import {
  hashRecoveryCode,
  newRecoveryCode,
  openTotpSecret,
  RECOVERY_CODE_COUNT,
  recoveryCodeCandidates,
  sealTotpSecret,
} from '../auth/two-factor-secrets';
import { assertChanged, type Statement } from '../db/batch';
import type { Db } from '../db/client';
import { type Role, recoveryCodes, tenants, twoFactor, users } from '../db/tables';
import { AppError, ErrorCode, forbidden } from '../lib/errors';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { findEntity } from './entity';
import { ACCOUNT, claimLoginAttempt, loginSucceeded, type ThrottleKey } from './login-throttle';
import { appendEvent, commit } from './write-pipeline';

/**
 * Two-factor authentication (TOTP, RFC 6238) for any user: enrolment, recovery codes, the proof of a second
 * factor that sign-in, step-up and disabling take, and the step-up rule for sensitive actions
 * (docs/security.md, Two-factor authentication). Secrets and codes never leave here but in the enrolment
 * answers that show them once; events say what happened, never with what.
 */

/** How long after a second-factor proof sensitive actions are allowed without another one. */
export const STEP_UP_WINDOW_MS = 5 * 60_000;
/** Roles an organisation can require two-factor authentication of. */
export const ENFORCED_ROLES: readonly Role[] = ['owner', 'admin'];

export type TwoFactorRow = typeof twoFactor.$inferSelect;

export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: string | null;
  /** An enrolment was started and waits for its first code. */
  pending: boolean;
  recoveryCodesRemaining: number;
  /** The organisation requires two-factor authentication of this user (owners and admins). */
  required: boolean;
}

/** Which second factor a proof gives: a code of the authenticator app, or one of the recovery codes. */
export interface SecondFactorInput {
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

const whereUser = (tenantId: string, userId: string) =>
  and(eq(twoFactor.tenantId, tenantId), eq(twoFactor.userId, userId));

export async function findTwoFactor(db: Db, tenantId: string, userId: string): Promise<TwoFactorRow | null> {
  const [row] = await db.select().from(twoFactor).where(whereUser(tenantId, userId)).limit(1);
  return row ?? null;
}

export async function isTwoFactorEnabled(db: Db, tenantId: string, userId: string): Promise<boolean> {
  return Boolean((await findTwoFactor(db, tenantId, userId))?.enabledAt);
}

/** Whether the user's organisation requires 2FA of his role and he has none: he may then only enrol. */
export async function mustEnrol(db: Db, user: { tenantId: string; id: string; role: Role }): Promise<boolean> {
  return (await requiredOf(db, user)) && !(await isTwoFactorEnabled(db, user.tenantId, user.id));
}

async function remainingCodes(db: Db, tenantId: string, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.tenantId, tenantId), eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return Number(row?.n ?? 0);
}

/** A user's 2FA status: his own, or anyone's in the organisation with users:read (another tenant's: 404). */
export async function twoFactorStatus(ctx: ServiceContext, userId: string): Promise<TwoFactorStatus> {
  if (userId === ctx.principal.id) signedInUser(ctx.principal);
  else requirePermission(ctx.principal, 'users:read');
  const user = await findEntity(ctx, users, userId, 'User');
  const tenantId = ctx.principal.tenantId;
  const [row, remaining, required] = await Promise.all([
    findTwoFactor(ctx.db, tenantId, userId),
    remainingCodes(ctx.db, tenantId, userId),
    requiredOf(ctx.db, user),
  ]);
  return {
    enabled: Boolean(row?.enabledAt),
    enabledAt: row?.enabledAt ?? null,
    pending: Boolean(row && !row.enabledAt),
    recoveryCodesRemaining: row?.enabledAt ? remaining : 0,
    required,
  };
}

async function requiredOf(db: Db, user: { tenantId: string; role: Role }): Promise<boolean> {
  if (!ENFORCED_ROLES.includes(user.role)) return false;
  const [tenant] = await db
    .select({ required: tenants.twoFactorRequired })
    .from(tenants)
    .where(eq(tenants.id, user.tenantId))
    .limit(1);
  return Boolean(tenant?.required);
}

/** Only a signed-in user has a second factor: API keys (and the platform) cannot enrol or prove one. */
function signedInUser(principal: Principal): string {
  if (principal.kind !== 'user') throw forbidden('Only a signed-in user has a second factor; API keys have none');
  return principal.id;
}

/**
 * Starts (or restarts) an enrolment: a new secret, answered once as base32 and as an otpauth URI. Two-factor
 * authentication is not on until `confirmEnrolment` receives a first code of it. A user who has it on must
 * disable it first (a running factor is never replaced unseen).
 */
export async function startEnrolment(
  ctx: ServiceContext,
  peppers: readonly Pepper[],
): Promise<{ secret: string; otpauthUri: string }> {
  const userId = signedInUser(ctx.principal);
  const tenantId = ctx.principal.tenantId;
  const user = await findEntity(ctx, users, userId, 'User');
  const existing = await findTwoFactor(ctx.db, tenantId, userId);
  if (existing?.enabledAt) {
    throw new AppError(ErrorCode.INVALID_STATE, 'Two-factor authentication is already on; disable it first');
  }
  const secret = newTotpSecret();
  const sealed = await sealTotpSecret(peppers, { tenantId, userId }, secret);
  // Not a change anyone else sees (nothing is on yet): no event until the enrolment is confirmed.
  await ctx.db
    .insert(twoFactor)
    .values({
      tenantId,
      userId,
      secret: sealed,
      enabledAt: null,
      lastUsedStep: 0,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .onConflictDoUpdate({
      target: [twoFactor.tenantId, twoFactor.userId],
      set: { secret: sealed, lastUsedStep: 0, updatedAt: ctx.now },
      setWhere: isNull(twoFactor.enabledAt),
    });
  return { secret, otpauthUri: otpauthUri(secret, user.email) };
}

/**
 * Confirms an enrolment with a first code of the new secret: two-factor authentication is on from here,
 * and the recovery codes are answered, once.
 */
export async function confirmEnrolment(
  ctx: ServiceContext,
  peppers: readonly Pepper[],
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const userId = signedInUser(ctx.principal);
  const tenantId = ctx.principal.tenantId;
  const row = await findTwoFactor(ctx.db, tenantId, userId);
  if (!row) throw new AppError(ErrorCode.INVALID_STATE, 'No enrolment was started; start one first');
  if (row.enabledAt) throw new AppError(ErrorCode.INVALID_STATE, 'Two-factor authentication is already on');
  const proof = await proveWith(ctx, peppers, row, { code });
  const codes = await newRecoveryCodes(ctx, peppers, userId);
  await commit(
    ctx,
    [
      ...proof.statements,
      ctx.db
        .update(twoFactor)
        .set({ enabledAt: ctx.now, updatedAt: ctx.now })
        .where(and(whereUser(tenantId, userId), isNull(twoFactor.enabledAt))),
      assertChanged(ctx.db),
      ...codes.statements,
      appendEvent(ctx, {
        type: 'user:two_factor_enabled',
        entityType: 'user',
        entityId: userId,
        payload: { userId, method: 'totp', recoveryCodes: codes.plain.length },
      }),
    ],
    () => new AppError(ErrorCode.INVALID_TWO_FACTOR_CODE, 'This code was already used; wait for the next one'),
  );
  await proof.succeeded();
  return { recoveryCodes: codes.plain };
}

/** Replaces every recovery code; proven by a fresh step-up or a code (TOTP or recovery) in the request. */
export async function regenerateRecoveryCodes(
  ctx: ServiceContext,
  peppers: readonly Pepper[],
  input: SecondFactorInput,
): Promise<{ recoveryCodes: string[] }> {
  const userId = signedInUser(ctx.principal);
  const row = await enabledRow(ctx, userId);
  const proof = hasCode(input) ? await proveWith(ctx, peppers, row, input) : null;
  if (!proof) assertFreshStepUp(ctx);
  const codes = await newRecoveryCodes(ctx, peppers, userId);
  await commit(
    ctx,
    [
      ...(proof?.statements ?? []),
      ...codes.statements,
      appendEvent(ctx, {
        type: 'user:recovery_codes_regenerated',
        entityType: 'user',
        entityId: userId,
        payload: { userId, recoveryCodes: codes.plain.length },
      }),
    ],
    usedAlready,
  );
  await proof?.succeeded();
  return { recoveryCodes: codes.plain };
}

/**
 * Turns the user's two-factor authentication off: a code (TOTP or recovery) and, besides, the password or a
 * step-up within STEP_UP_WINDOW_MS. An owner or admin whose organisation requires it cannot.
 */
export async function disableTwoFactor(
  ctx: ServiceContext,
  peppers: readonly Pepper[],
  input: SecondFactorInput & { password?: string | undefined },
): Promise<void> {
  const userId = signedInUser(ctx.principal);
  const tenantId = ctx.principal.tenantId;
  const row = await enabledRow(ctx, userId);
  const user = await findEntity(ctx, users, userId, 'User');
  if (await requiredOf(ctx.db, user)) {
    throw forbidden('Your organisation requires two-factor authentication of owners and admins');
  }
  if (!hasCode(input)) {
    throw new AppError(
      ErrorCode.INVALID_TWO_FACTOR_CODE,
      'A code of your authenticator app or a recovery code is needed',
    );
  }
  if (input.password === undefined) assertFreshStepUp(ctx);
  const proof = await proveWith(ctx, peppers, row, input, async () => {
    if (input.password === undefined) return;
    const check = await verifyPassword(peppers, input.password, user.passwordHash ?? '');
    if (!check.valid) throw forbidden('The password is incorrect');
  });
  await commit(
    ctx,
    [
      ...proof.statements,
      ...removeFactor(ctx.db, tenantId, userId),
      appendEvent(ctx, {
        type: 'user:two_factor_disabled',
        entityType: 'user',
        entityId: userId,
        payload: { userId, by: 'self' },
      }),
    ],
    usedAlready,
  );
  await proof.succeeded();
}

/**
 * An owner or admin turns another user's two-factor authentication off (a lost phone and lost recovery
 * codes): never his own (he disables it himself), never someone ranked above him, and only after his own
 * step-up. The user can then sign in with his password and enrol again.
 */
export async function resetTwoFactor(ctx: ServiceContext, userId: string): Promise<void> {
  requirePermission(ctx.principal, 'users:write');
  const target = await findEntity(ctx, users, userId, 'User');
  if (userId === ctx.principal.id) throw forbidden('Disable your own two-factor authentication yourself');
  const own = ctx.principal.role;
  if (!own || ROLE_RANK[target.role] > ROLE_RANK[own]) {
    throw forbidden(`You cannot manage users with the ${target.role} role`);
  }
  await requireStepUp(ctx);
  const tenantId = ctx.principal.tenantId;
  const row = await findTwoFactor(ctx.db, tenantId, userId);
  if (!row?.enabledAt) throw new AppError(ErrorCode.INVALID_STATE, 'This user has no two-factor authentication');
  await commit(ctx, [
    ...removeFactor(ctx.db, tenantId, userId),
    appendEvent(ctx, {
      type: 'user:two_factor_disabled',
      entityType: 'user',
      entityId: userId,
      payload: { userId, by: 'admin' },
    }),
  ]);
}

const removeFactor = (db: Db, tenantId: string, userId: string): Statement[] => [
  db.delete(recoveryCodes).where(and(eq(recoveryCodes.tenantId, tenantId), eq(recoveryCodes.userId, userId))),
  db.delete(twoFactor).where(whereUser(tenantId, userId)),
];

/**
 * Sensitive actions (API key creation, role changes, webhook secrets, the organisation's 2FA rule) need, of a
 * user who has two-factor authentication on, a second-factor proof within STEP_UP_WINDOW_MS: the `mfa` claim
 * of an access token from a 2FA sign-in or `POST /v1/auth/step-up`. API keys are not asked (they cannot
 * prove a factor; what they may do is their scopes, granted by a user who stepped up to create them).
 */
export async function requireStepUp(ctx: ServiceContext): Promise<void> {
  if (ctx.principal.kind !== 'user') return;
  if (!(await isTwoFactorEnabled(ctx.db, ctx.principal.tenantId, ctx.principal.id))) return;
  assertFreshStepUp(ctx);
}

function assertFreshStepUp(ctx: ServiceContext): void {
  const at = ctx.principal.secondFactorAt;
  if (at === undefined || Date.parse(ctx.now) - at > STEP_UP_WINDOW_MS) {
    throw new AppError(
      ErrorCode.STEP_UP_REQUIRED,
      'Confirm with a code of your authenticator app first (POST /v1/auth/step-up)',
      { stepUp: '/v1/auth/step-up' },
    );
  }
}

async function enabledRow(ctx: ServiceContext, userId: string): Promise<TwoFactorRow> {
  const row = await findTwoFactor(ctx.db, ctx.principal.tenantId, userId);
  if (!row?.enabledAt) throw new AppError(ErrorCode.INVALID_STATE, 'Two-factor authentication is not on');
  return row;
}

const hasCode = (input: SecondFactorInput) => Boolean(input.code || input.recoveryCode);

const usedAlready = () =>
  new AppError(ErrorCode.INVALID_TWO_FACTOR_CODE, 'This code was already used; wait for the next one');

async function newRecoveryCodes(ctx: ServiceContext, peppers: readonly Pepper[], userId: string) {
  const tenantId = ctx.principal.tenantId;
  const plain = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const rows = await Promise.all(
    plain.map(async (code) => ({
      tenantId,
      id: newId(),
      userId,
      codeHash: await hashRecoveryCode(peppers, code),
      createdAt: ctx.now,
      usedAt: null,
    })),
  );
  const statements: Statement[] = [
    ctx.db.delete(recoveryCodes).where(and(eq(recoveryCodes.tenantId, tenantId), eq(recoveryCodes.userId, userId))),
    ctx.db.insert(recoveryCodes).values(rows),
  ];
  return { plain, statements };
}

/** The throttle key of a user's second factor: its own, beside the sign-in throttle's account and address keys. */
export const secondFactorThrottle = (tenantId: string, userId: string): ThrottleKey[] => [
  { key: `2fa:${tenantId}:${userId}`, schedule: ACCOUNT },
];

export interface SecondFactorProof {
  method: 'totp' | 'recovery_code';
  /** For the caller's unit: the code marked used (its step, or the recovery code), and its event. */
  statements: Statement[];
  /** After the unit committed: the user's failure count starts over. */
  succeeded(): Promise<void>;
}

/**
 * Checks a second factor of the principal's own user (sign-in, step-up, enrolment, disabling). Every attempt
 * counts against the user's throttle before it is checked (the sign-in throttle's schedule: from the 5th
 * failure the next attempt waits 1, 2, 4, 8, 16 s, then 15 min, from the 20th 1 h) and is cleared on success.
 * A code is refused when its time step was already accepted (replay), and the statements mark it so only
 * if nobody marked it in the meantime (the caller's unit aborts on the guard: two requests with one code,
 * one wins). `alsoCheck` runs inside the counted attempt (the password of a disable).
 */
export async function proveSecondFactor(
  ctx: ServiceContext,
  peppers: readonly Pepper[],
  input: SecondFactorInput,
): Promise<SecondFactorProof> {
  const userId = signedInUser(ctx.principal);
  return proveWith(ctx, peppers, await enabledRow(ctx, userId), input);
}

async function proveWith(
  ctx: ServiceContext,
  peppers: readonly Pepper[],
  row: TwoFactorRow,
  input: SecondFactorInput,
  alsoCheck?: () => Promise<void>,
): Promise<SecondFactorProof> {
  const { tenantId, userId } = row;
  const throttle = secondFactorThrottle(tenantId, userId);
  await claimLoginAttempt(ctx.db, throttle, Date.parse(ctx.now), 'wrong two-factor codes');
  await alsoCheck?.();
  const succeeded = () => loginSucceeded(ctx.db, throttle);
  if (input.code) {
    const opened = await openTotpSecret(peppers, { tenantId, userId }, row.secret);
    if (!opened) {
      // The pepper that sealed it is no longer configured: nothing the user can type will do.
      console.error(JSON.stringify({ level: 'error', where: 'two-factor', message: 'TOTP secret cannot be opened' }));
      throw new AppError(ErrorCode.INVALID_TWO_FACTOR_CODE, 'The code is incorrect');
    }
    const step = matchTotpStep(opened.secret, input.code, Date.parse(ctx.now));
    if (step === null) throw new AppError(ErrorCode.INVALID_TWO_FACTOR_CODE, 'The code is incorrect');
    if (step <= row.lastUsedStep) throw usedAlready();
    const resealed = opened.stale ? { secret: await sealTotpSecret(peppers, row, opened.secret) } : {};
    return {
      method: 'totp',
      statements: [
        ctx.db
          .update(twoFactor)
          .set({ lastUsedStep: step, ...resealed })
          .where(and(whereUser(tenantId, userId), lt(twoFactor.lastUsedStep, step))),
        assertChanged(ctx.db),
      ],
      succeeded,
    };
  }
  if (input.recoveryCode && row.enabledAt) {
    const candidates = await recoveryCodeCandidates(peppers, input.recoveryCode);
    const [match] = candidates.length
      ? await ctx.db
          .select({ id: recoveryCodes.id })
          .from(recoveryCodes)
          .where(
            and(
              eq(recoveryCodes.tenantId, tenantId),
              eq(recoveryCodes.userId, userId),
              inArray(recoveryCodes.codeHash, candidates),
              isNull(recoveryCodes.usedAt),
            ),
          )
          .limit(1)
      : [];
    if (!match) throw new AppError(ErrorCode.INVALID_TWO_FACTOR_CODE, 'The recovery code is incorrect or was used');
    const remaining = (await remainingCodes(ctx.db, tenantId, userId)) - 1;
    return {
      method: 'recovery_code',
      statements: [
        ctx.db
          .update(recoveryCodes)
          .set({ usedAt: ctx.now })
          .where(
            and(eq(recoveryCodes.tenantId, tenantId), eq(recoveryCodes.id, match.id), isNull(recoveryCodes.usedAt)),
          ),
        assertChanged(ctx.db),
        appendEvent(ctx, {
          type: 'user:recovery_code_used',
          entityType: 'user',
          entityId: userId,
          payload: { userId, recoveryCodesRemaining: remaining },
        }),
      ],
      succeeded,
    };
  }
  throw new AppError(
    ErrorCode.INVALID_TWO_FACTOR_CODE,
    'A code of your authenticator app or a recovery code is needed',
  );
}
