import type { components } from '@fieldline/client/rest';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { TOTP_PERIOD_S, totpCode } from '../../src/auth/totp';
import { api } from '../helpers/api';
import { executeSql } from '../helpers/db';
import { createTenant, createUserWithRole, DEFAULT_PASSWORD, loginAs, type TestTenant } from '../helpers/factories';
import { forgeAccessToken, nowSeconds } from '../helpers/jwt';
import { answered, ok, rest } from '../helpers/rest';

type Schemas = components['schemas'];

/** The code of now (or `offsetSteps` 30-second steps away), as the user's app shows it. */
const code = (secret: string, offsetSteps = 0) => totpCode(secret, Date.now() + offsetSteps * TOTP_PERIOD_S * 1000);

/** As if the last accepted code were long ago (each test step needs a code the server has not seen yet). */
const newStep = (userId: string) => executeSql(sql`UPDATE two_factor SET last_used_step = 0 WHERE user_id = ${userId}`);
const clearThrottle = (tenantId: string, userId: string) =>
  executeSql(sql`DELETE FROM login_throttle WHERE key = ${`2fa:${tenantId}:${userId}`}`);

interface Enrolled {
  secret: string;
  recoveryCodes: string[];
  /** Carries the step-up of the confirmation. */
  token: string;
}

async function enrol(token: string): Promise<Enrolled> {
  const started = ok(await rest(token).POST('/v1/auth/two-factor/enrolment'), 201);
  const confirmed = ok(
    await rest(token).POST('/v1/auth/two-factor/enrolment/confirm', { body: { code: code(started.secret) } }),
    200,
  );
  return { secret: started.secret, recoveryCodes: confirmed.recoveryCodes, token: confirmed.accessToken };
}

/** An access token of the owner's login without a recent second factor (a refresh). */
async function tokenWithoutStepUp(refreshToken: string): Promise<string> {
  return ok(await rest().POST('/v1/auth/refresh', { body: { refreshToken } }), 200).accessToken;
}

const login = (email: string, password = DEFAULT_PASSWORD, tenantId?: string) =>
  answered(rest().POST('/v1/auth/login', { body: { email, password, ...(tenantId ? { tenantId } : {}) } }));

const secondFactor = (body: Schemas['TwoFactorLogin']) => answered(rest().POST('/v1/auth/login/two-factor', { body }));

/**
 * The sign-in of a user with two-factor authentication on: 401 TWO_FACTOR_REQUIRED. Untyped, because
 * its `challengeToken` and `methods` are not in the OpenAPI document's Problem schema.
 */
const challenge = (email: string) => api('POST', '/v1/auth/login', { email, password: DEFAULT_PASSWORD });

async function events(t: TestTenant) {
  return ok(await rest(t.token).GET('/v1/events', { params: { query: { since: 0, limit: 500 } } }), 200).data;
}

describe('two-factor enrolment', () => {
  it('answers a secret and an otpauth URI, turns on only with a valid code, and shows the recovery codes once', async () => {
    const t = await createTenant();
    const { secret, otpauthUri } = ok(await rest(t.token).POST('/v1/auth/two-factor/enrolment'), 201);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(
      `otpauth://totp/Fieldline:${encodeURIComponent(t.ownerEmail)}?secret=${secret}&issuer=Fieldline&algorithm=SHA1&digits=6&period=30`,
    );
    const pending = await answered(rest(t.token).GET('/v1/auth/two-factor'));
    expect(pending.body).toEqual({
      enabled: false,
      enabledAt: null,
      pending: true,
      recoveryCodesRemaining: 0,
      required: false,
    });
    // Not on yet: the password alone still signs in.
    expect((await login(t.ownerEmail)).status).toBe(200);

    const wrong = await answered(
      rest(t.token).POST('/v1/auth/two-factor/enrolment/confirm', { body: { code: '000000' } }),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('INVALID_TWO_FACTOR_CODE');
    const expired = await answered(
      rest(t.token).POST('/v1/auth/two-factor/enrolment/confirm', { body: { code: code(secret, -3) } }),
    );
    expect(expired.body.code).toBe('INVALID_TWO_FACTOR_CODE');

    const confirmed = ok(
      await rest(t.token).POST('/v1/auth/two-factor/enrolment/confirm', { body: { code: code(secret) } }),
      200,
    );
    expect(confirmed.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.recoveryCodes).size).toBe(10);
    for (const c of confirmed.recoveryCodes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(confirmed.tokenType).toBe('Bearer');

    const status = await answered(rest(t.token).GET('/v1/auth/two-factor'));
    expect(status.body).toMatchObject({ enabled: true, pending: false, recoveryCodesRemaining: 10 });
    expect(JSON.stringify(status.body)).not.toContain(secret);
    // Untyped: GraphQL is not in the OpenAPI document (nor below).
    const gql = await api(
      'POST',
      '/graphql',
      { query: '{ viewer { user { twoFactor { enabled pending recoveryCodesRemaining required } } } }' },
      { token: t.token },
    );
    expect(gql.body.data.viewer.user.twoFactor).toEqual({
      enabled: true,
      pending: false,
      recoveryCodesRemaining: 10,
      required: false,
    });
    // A running factor is never replaced unseen.
    const again = await answered(rest(t.token).POST('/v1/auth/two-factor/enrolment'));
    expect(again.status).toBe(409);

    // Neither the secret nor a code is in the database in clear, nor in any event.
    const stored = await executeSql<{ secret: string }>(
      sql`SELECT secret FROM two_factor WHERE user_id = ${t.ownerId}`,
    );
    expect(stored.rows[0]?.secret).toMatch(/^v1\$p-test\$/);
    expect(stored.rows[0]?.secret).not.toContain(secret);
    const hashes = await executeSql<{ h: string }>(
      sql`SELECT code_hash AS h FROM recovery_codes WHERE user_id = ${t.ownerId}`,
    );
    expect(hashes.rows).toHaveLength(10);
    const dump = JSON.stringify([hashes.rows, await events(t)]);
    for (const c of [secret, ...confirmed.recoveryCodes, ...confirmed.recoveryCodes.map((x) => x.replace('-', ''))]) {
      expect(dump).not.toContain(c);
    }
    const enabled = (await events(t)).filter((e) => e.type === 'user:two_factor_enabled');
    expect(enabled).toHaveLength(1);
    expect(enabled[0]?.payload).toEqual({ userId: t.ownerId, method: 'totp', recoveryCodes: 10 });
  });

  it('is refused to API keys', async () => {
    const t = await createTenant();
    const key = ok(await rest(t.token).POST('/v1/api-keys', { body: { name: 'k', scopes: ['users:read'] } }), 201);
    const res = await answered(rest(key.secret).POST('/v1/auth/two-factor/enrolment'));
    expect(res.status).toBe(403);
  });
});

describe('sign-in with two-factor authentication', () => {
  it('answers a challenge instead of tokens, then signs in with a code once, or with a recovery code once', async () => {
    const t = await createTenant();
    const { secret, recoveryCodes } = await enrol(t.token);

    const first = await challenge(t.ownerEmail);
    expect(first.status).toBe(401);
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    expect(first.body).toMatchObject({
      code: 'TWO_FACTOR_REQUIRED',
      expiresIn: 300,
      methods: ['totp', 'recovery_code'],
    });
    expect(first.body.accessToken).toBeUndefined();
    const challengeToken = first.body.challengeToken as string;
    // A challenge is no access token.
    expect((await answered(rest(challengeToken).GET('/v1/users/me'))).status).toBe(401);
    // The wrong password still gets no challenge.
    expect((await login(t.ownerEmail, 'not the password at all')).body.code).toBe('INVALID_CREDENTIALS');

    const wrong = await secondFactor({ challengeToken, code: '123456' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('INVALID_TWO_FACTOR_CODE');
    const forged = await secondFactor({ challengeToken: t.token, code: code(secret) });
    expect(forged.status).toBe(401);
    expect((await secondFactor({ challengeToken, code: code(secret), recoveryCode: 'x' })).status).toBe(400);

    await newStep(t.ownerId);
    const now = code(secret);
    const signedIn = ok(await rest().POST('/v1/auth/login/two-factor', { body: { challengeToken, code: now } }), 200);
    expect(signedIn).toMatchObject({ tokenType: 'Bearer', user: { id: t.ownerId } });
    expect((await answered(rest(signedIn.accessToken).GET('/v1/customers'))).status).toBe(200);

    // The same code again (a replay, even with a new challenge) is refused.
    const replay = await secondFactor({
      challengeToken: (await challenge(t.ownerEmail)).body.challengeToken,
      code: now,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('INVALID_TWO_FACTOR_CODE');

    const recovery = recoveryCodes[3] as string;
    const byRecovery = ok(
      await rest().POST('/v1/auth/login/two-factor', {
        body: { challengeToken, recoveryCode: recovery.toUpperCase().replace('-', ' ') },
      }),
      200,
    );
    const reused = await secondFactor({ challengeToken, recoveryCode: recovery });
    expect(reused.body.code).toBe('INVALID_TWO_FACTOR_CODE');
    const status = await answered(rest(byRecovery.accessToken).GET('/v1/auth/two-factor'));
    expect(status.body.recoveryCodesRemaining).toBe(9);
    const used = (await events(t)).filter((e) => e.type === 'user:recovery_code_used');
    expect(used.map((e) => e.payload)).toEqual([{ userId: t.ownerId, recoveryCodesRemaining: 9 }]);
    expect(JSON.stringify(used)).not.toContain(recovery);
  });

  it('throttles wrong codes: after five, even the right code waits', async () => {
    const t = await createTenant();
    const { secret } = await enrol(t.token);
    const { challengeToken } = (await challenge(t.ownerEmail)).body;
    for (let i = 0; i < 5; i++) {
      const res = await secondFactor({ challengeToken, code: String(100000 + i) });
      expect(res.body.code, `attempt ${i}`).toBe('INVALID_TWO_FACTOR_CODE');
    }
    await newStep(t.ownerId);
    const locked = await secondFactor({ challengeToken, code: code(secret) });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Step-up counts against the same throttle.
    const stepUp = await answered(rest(t.token).POST('/v1/auth/step-up', { body: { code: code(secret) } }));
    expect(stepUp.status).toBe(429);
  });
});

describe('step-up for sensitive actions', () => {
  it('refuses API key creation, role changes and webhook secrets without a recent second factor, and allows them after', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    const { secret, recoveryCodes, token: steppedUp } = await enrol(t.token);
    const stale = await tokenWithoutStepUp(t.refreshToken);

    const refusals = [
      await answered(rest(stale).POST('/v1/api-keys', { body: { name: 'k', scopes: ['customers:read'] } })),
      await answered(
        rest(stale).PATCH('/v1/users/{id}', { params: { path: { id: manager.id } }, body: { role: 'viewer' } }),
      ),
      await answered(rest(stale).POST('/v1/webhooks', { body: { url: 'http://127.0.0.1:9/in' } })),
    ];
    for (const res of refusals) {
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body).toMatchObject({ code: 'STEP_UP_REQUIRED', stepUp: '/v1/auth/step-up' });
    }
    // Renaming is not sensitive.
    expect(
      (
        await answered(
          rest(stale).PATCH('/v1/users/{id}', { params: { path: { id: manager.id } }, body: { name: 'Mo' } }),
        )
      ).status,
    ).toBe(200);

    // The confirmation's token carries a step-up.
    const hook = ok(await rest(steppedUp).POST('/v1/webhooks', { body: { url: 'http://127.0.0.1:9/in' } }), 201);
    const rotateSecret = { params: { path: { id: hook.endpoint.id } } };
    const rotate = await answered(rest(stale).POST('/v1/webhooks/{id}/rotate-secret', rotateSecret));
    expect(rotate.body.code).toBe('STEP_UP_REQUIRED');

    const wrong = await answered(rest(stale).POST('/v1/auth/step-up', { body: { code: '999999' } }));
    expect(wrong.body.code).toBe('INVALID_TWO_FACTOR_CODE');
    await newStep(t.ownerId);
    const up = ok(await rest(stale).POST('/v1/auth/step-up', { body: { code: code(secret) } }), 200);
    expect(Date.parse(up.stepUpExpiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    const fresh = up.accessToken;
    expect(
      (await answered(rest(fresh).POST('/v1/api-keys', { body: { name: 'k', scopes: ['api_keys:manage'] } }))).status,
    ).toBe(201);
    expect(
      (
        await answered(
          rest(fresh).PATCH('/v1/users/{id}', { params: { path: { id: manager.id } }, body: { role: 'viewer' } }),
        )
      ).status,
    ).toBe(200);
    expect((await answered(rest(fresh).POST('/v1/webhooks/{id}/rotate-secret', rotateSecret))).status).toBe(201);

    // A recovery code steps up too.
    const byRecovery = await answered(
      rest(stale).POST('/v1/auth/step-up', { body: { recoveryCode: recoveryCodes[0] } }),
    );
    expect(byRecovery.status).toBe(200);
  });

  it('counts a second-factor proof for five minutes only', async () => {
    const t = await createTenant();
    await enrol(t.token);
    const subject = { tenantId: t.tenantId, userId: t.ownerId, role: 'owner' };
    const at = (secondsAgo: number) => forgeAccessToken(subject, { claims: { mfa: nowSeconds() - secondsAgo } });
    const create = async (token: string) =>
      answered(rest(token).POST('/v1/api-keys', { body: { name: 'k', scopes: ['customers:read'] } }));
    expect((await create(await at(240))).status).toBe(201);
    expect((await create(await at(360))).body.code).toBe('STEP_UP_REQUIRED');
  });

  it('leaves API keys as they are: a key with api_keys:manage still creates keys', async () => {
    const t = await createTenant();
    const { token } = await enrol(t.token);
    const key = ok(await rest(token).POST('/v1/api-keys', { body: { name: 'ops', scopes: ['api_keys:manage'] } }), 201);
    const made = await answered(
      rest(key.secret).POST('/v1/api-keys', { body: { name: 'child', scopes: ['api_keys:manage'] } }),
    );
    expect(made.status).toBe(201);
  });
});

describe('disabling, recovery codes and resets', () => {
  it('disables with a code and the password, and signs in with the password alone after', async () => {
    const t = await createTenant();
    const { secret, recoveryCodes } = await enrol(t.token);
    const stale = await tokenWithoutStepUp(t.refreshToken);
    const disable = (body: Schemas['DisableTwoFactor']) =>
      answered(rest(stale).POST('/v1/auth/two-factor/disable', { body }));
    const noPassword = await disable({ recoveryCode: recoveryCodes[0] });
    expect(noPassword.body.code).toBe('STEP_UP_REQUIRED');
    const noCode = await disable({ password: DEFAULT_PASSWORD });
    expect(noCode.status).toBe(400);
    await newStep(t.ownerId);
    const badPassword = await disable({ code: code(secret), password: 'wrong password here' });
    expect(badPassword.status).toBe(403);
    await clearThrottle(t.tenantId, t.ownerId);
    const off = await disable({ code: code(secret), password: DEFAULT_PASSWORD });
    expect(off.status, JSON.stringify(off.body)).toBe(204);
    expect((await login(t.ownerEmail)).status).toBe(200);
    const disabled = (await events(t)).filter((e) => e.type === 'user:two_factor_disabled');
    expect(disabled.map((e) => e.payload)).toEqual([{ userId: t.ownerId, by: 'self' }]);
    const left = await executeSql(sql`SELECT id FROM recovery_codes WHERE user_id = ${t.ownerId}`);
    expect(left.rows).toHaveLength(0);
  });

  it('regenerates recovery codes: the old ones stop working', async () => {
    const t = await createTenant();
    const { secret, recoveryCodes } = await enrol(t.token);
    const stale = await tokenWithoutStepUp(t.refreshToken);
    const regenerate = (body: Schemas['RegenerateRecoveryCodes']) =>
      answered(rest(stale).POST('/v1/auth/two-factor/recovery-codes', { body }));
    expect((await regenerate({})).body.code).toBe('STEP_UP_REQUIRED');
    await newStep(t.ownerId);
    const res = await regenerate({ code: code(secret) });
    expect(res.status).toBe(200);
    expect(res.body.recoveryCodes).toHaveLength(10);
    const { challengeToken } = (await challenge(t.ownerEmail)).body;
    const old = await secondFactor({ challengeToken, recoveryCode: recoveryCodes[0] });
    expect(old.body.code).toBe('INVALID_TWO_FACTOR_CODE');
    const fresh = await secondFactor({ challengeToken, recoveryCode: res.body.recoveryCodes[0] });
    expect(fresh.status).toBe(200);
    const regenerated = (await events(t)).filter((e) => e.type === 'user:recovery_codes_regenerated');
    expect(regenerated).toHaveLength(1);
    expect(JSON.stringify(regenerated)).not.toContain(res.body.recoveryCodes[0]);
  });

  it("lets an owner reset a member's factor after his own step-up, never across tenants", async () => {
    const t = await createTenant();
    const other = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    await enrol(manager.token);
    const { token: steppedUp } = await enrol(t.token);
    const stale = await tokenWithoutStepUp(t.refreshToken);

    const ofUser = (id: string) => ({ params: { path: { id } } });
    const status = await answered(rest(stale).GET('/v1/users/{id}/two-factor', ofUser(manager.id)));
    expect(status.body).toMatchObject({ enabled: true, recoveryCodesRemaining: 10 });
    // A manager reads users, a salesman only himself.
    const salesman = await createUserWithRole(t, 'salesman');
    expect((await answered(rest(salesman.token).GET('/v1/users/{id}/two-factor', ofUser(manager.id)))).status).toBe(
      403,
    );
    expect((await answered(rest(salesman.token).GET('/v1/users/{id}/two-factor', ofUser(salesman.id)))).status).toBe(
      200,
    );

    // Another tenant's user is not found, whoever asks.
    expect((await answered(rest(other.token).GET('/v1/users/{id}/two-factor', ofUser(manager.id)))).status).toBe(404);
    const resetBy = (token: string) =>
      answered(rest(token).POST('/v1/users/{id}/two-factor/reset', ofUser(manager.id)));
    expect((await resetBy(other.token)).status).toBe(404);

    expect((await resetBy(stale)).body.code).toBe('STEP_UP_REQUIRED');
    expect((await resetBy(manager.token)).status).toBe(403);
    const reset = await resetBy(steppedUp);
    expect(reset.status).toBe(204);
    expect((await login(manager.email, DEFAULT_PASSWORD, t.tenantId)).status).toBe(200);
    const disabled = (await events(t)).filter((e) => e.type === 'user:two_factor_disabled');
    expect(disabled.map((e) => e.payload)).toEqual([{ userId: manager.id, by: 'admin' }]);
  });
});

describe('organisation rule: owners and admins need two-factor authentication', () => {
  it('is set only by an owner who has it and stepped up; an admin without it can then only enrol', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    const manager = await createUserWithRole(t, 'manager');
    const adminBefore = await login(admin.email, DEFAULT_PASSWORD, t.tenantId);

    // Untyped: the problem's `reason` is not in the OpenAPI document's Problem schema.
    const withoutOwn = await api('PATCH', '/v1/tenant', { twoFactorRequired: true }, { token: t.token });
    expect(withoutOwn.status).toBe(403);
    expect(withoutOwn.body.reason).toBe('TWO_FACTOR_NOT_ENABLED');
    const key = ok(await rest(t.token).POST('/v1/api-keys', { body: { name: 'k', scopes: ['tenant:write'] } }), 201);
    const { token: steppedUp } = await enrol(t.token);
    const stale = await tokenWithoutStepUp(t.refreshToken);
    const setTenant = (token: string, body: Schemas['UpdateTenant']) =>
      answered(rest(token).PATCH('/v1/tenant', { body }));
    expect((await setTenant(stale, { twoFactorRequired: true })).body.code).toBe('STEP_UP_REQUIRED');
    expect((await setTenant(key.secret, { twoFactorRequired: true })).status).toBe(403);
    const on = await setTenant(steppedUp, { twoFactorRequired: true });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body.twoFactorRequired).toBe(true);
    const viewer = await api(
      'POST',
      '/graphql',
      { query: '{ viewer { tenant { twoFactorRequired } } }' },
      { token: stale },
    );
    expect(viewer.body.data.viewer.tenant.twoFactorRequired).toBe(true);
    // Other settings need no step-up.
    expect((await setTenant(stale, { checkInRadiusM: 150 })).status).toBe(200);

    // A session open before the rule gets it with its next token.
    const refreshed = await answered(
      rest().POST('/v1/auth/refresh', { body: { refreshToken: adminBefore.body.refreshToken } }),
    );
    const restricted = await answered(rest(refreshed.body.accessToken).GET('/v1/customers'));
    expect(restricted.body.code).toBe('TWO_FACTOR_ENROLMENT_REQUIRED');

    // The admin signs in, and can do nothing but see who he is and enrol.
    const adminToken = await loginAs(admin.email, t.tenantId);
    const blocked = await answered(rest(adminToken).GET('/v1/customers'));
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('TWO_FACTOR_ENROLMENT_REQUIRED');
    const graphql = await api('POST', '/graphql', { query: '{ viewer { principalId } }' }, { token: adminToken });
    expect(JSON.stringify(graphql.body)).toContain('TWO_FACTOR_ENROLMENT_REQUIRED');
    expect((await answered(rest(adminToken).GET('/v1/users/me'))).status).toBe(200);
    expect((await answered(rest(adminToken).GET('/v1/tenant'))).status).toBe(200);
    expect((await answered(rest(adminToken).GET('/v1/auth/two-factor'))).body.required).toBe(true);
    const enrolled = await enrol(adminToken);
    expect((await answered(rest(enrolled.token).GET('/v1/customers'))).status).toBe(200);
    // And cannot turn it off again while the organisation requires it.
    await newStep(admin.id);
    const off = await answered(
      rest(enrolled.token).POST('/v1/auth/two-factor/disable', {
        body: { code: code(enrolled.secret), password: DEFAULT_PASSWORD },
      }),
    );
    expect(off.status).toBe(403);

    // Managers are not concerned.
    expect((await answered(rest(await loginAs(manager.email, t.tenantId)).GET('/v1/customers'))).status).toBe(200);
  });
});
