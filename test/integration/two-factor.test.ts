import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { TOTP_PERIOD_S, totpCode } from '../../src/auth/totp';
import { api } from '../helpers/api';
import { executeSql } from '../helpers/db';
import { createTenant, createUserWithRole, DEFAULT_PASSWORD, loginAs, type TestTenant } from '../helpers/factories';
import { forgeAccessToken, nowSeconds } from '../helpers/jwt';

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
  const started = await api('POST', '/v1/auth/two-factor/enrolment', undefined, { token });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const confirmed = await api(
    'POST',
    '/v1/auth/two-factor/enrolment/confirm',
    { code: code(started.body.secret) },
    { token },
  );
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return {
    secret: started.body.secret,
    recoveryCodes: confirmed.body.recoveryCodes,
    token: confirmed.body.accessToken,
  };
}

/** An access token of the owner's login without a recent second factor (a refresh). */
async function tokenWithoutStepUp(refreshToken: string): Promise<string> {
  const res = await api('POST', '/v1/auth/refresh', { refreshToken });
  expect(res.status).toBe(200);
  return res.body.accessToken;
}

const login = (email: string, password = DEFAULT_PASSWORD, tenantId?: string) =>
  api('POST', '/v1/auth/login', { email, password, ...(tenantId ? { tenantId } : {}) });

async function events(t: TestTenant) {
  const res = await api('GET', '/v1/events?since=0&limit=500', undefined, { token: t.token });
  expect(res.status).toBe(200);
  return res.body.data as { type: string; entityId: string; payload: Record<string, unknown> }[];
}

describe('two-factor enrolment', () => {
  it('answers a secret and an otpauth URI, turns on only with a valid code, and shows the recovery codes once', async () => {
    const t = await createTenant();
    const started = await api('POST', '/v1/auth/two-factor/enrolment', undefined, { token: t.token });
    expect(started.status).toBe(201);
    const { secret, otpauthUri } = started.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(
      `otpauth://totp/Fieldline:${encodeURIComponent(t.ownerEmail)}?secret=${secret}&issuer=Fieldline&algorithm=SHA1&digits=6&period=30`,
    );
    const pending = await api('GET', '/v1/auth/two-factor', undefined, { token: t.token });
    expect(pending.body).toEqual({
      enabled: false,
      enabledAt: null,
      pending: true,
      recoveryCodesRemaining: 0,
      required: false,
    });
    // Not on yet: the password alone still signs in.
    expect((await login(t.ownerEmail)).status).toBe(200);

    const wrong = await api('POST', '/v1/auth/two-factor/enrolment/confirm', { code: '000000' }, { token: t.token });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('INVALID_TWO_FACTOR_CODE');
    const expired = await api(
      'POST',
      '/v1/auth/two-factor/enrolment/confirm',
      { code: code(secret, -3) },
      { token: t.token },
    );
    expect(expired.body.code).toBe('INVALID_TWO_FACTOR_CODE');

    const confirmed = await api(
      'POST',
      '/v1/auth/two-factor/enrolment/confirm',
      { code: code(secret) },
      { token: t.token },
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    for (const c of confirmed.body.recoveryCodes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(confirmed.body.tokenType).toBe('Bearer');

    const status = await api('GET', '/v1/auth/two-factor', undefined, { token: t.token });
    expect(status.body).toMatchObject({ enabled: true, pending: false, recoveryCodesRemaining: 10 });
    expect(JSON.stringify(status.body)).not.toContain(secret);
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
    const again = await api('POST', '/v1/auth/two-factor/enrolment', undefined, { token: t.token });
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
    for (const c of [
      secret,
      ...confirmed.body.recoveryCodes,
      ...confirmed.body.recoveryCodes.map((x: string) => x.replace('-', '')),
    ]) {
      expect(dump).not.toContain(c);
    }
    const enabled = (await events(t)).filter((e) => e.type === 'user:two_factor_enabled');
    expect(enabled).toHaveLength(1);
    expect(enabled[0]?.payload).toEqual({ userId: t.ownerId, method: 'totp', recoveryCodes: 10 });
  });

  it('is refused to API keys', async () => {
    const t = await createTenant();
    const key = await api('POST', '/v1/api-keys', { name: 'k', scopes: ['users:read'] }, { token: t.token });
    const res = await api('POST', '/v1/auth/two-factor/enrolment', undefined, { token: key.body.secret });
    expect(res.status).toBe(403);
  });
});

describe('sign-in with two-factor authentication', () => {
  it('answers a challenge instead of tokens, then signs in with a code once, or with a recovery code once', async () => {
    const t = await createTenant();
    const { secret, recoveryCodes } = await enrol(t.token);

    const first = await login(t.ownerEmail);
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
    expect((await api('GET', '/v1/users/me', undefined, { token: challengeToken })).status).toBe(401);
    // The wrong password still gets no challenge.
    expect((await login(t.ownerEmail, 'not the password at all')).body.code).toBe('INVALID_CREDENTIALS');

    const wrong = await api('POST', '/v1/auth/login/two-factor', { challengeToken, code: '123456' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('INVALID_TWO_FACTOR_CODE');
    const forged = await api('POST', '/v1/auth/login/two-factor', { challengeToken: t.token, code: code(secret) });
    expect(forged.status).toBe(401);
    expect(
      (await api('POST', '/v1/auth/login/two-factor', { challengeToken, code: code(secret), recoveryCode: 'x' }))
        .status,
    ).toBe(400);

    await newStep(t.ownerId);
    const now = code(secret);
    const signedIn = await api('POST', '/v1/auth/login/two-factor', { challengeToken, code: now });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body).toMatchObject({ tokenType: 'Bearer', user: { id: t.ownerId } });
    expect((await api('GET', '/v1/customers', undefined, { token: signedIn.body.accessToken })).status).toBe(200);

    // The same code again (a replay, even with a new challenge) is refused.
    const replay = await api('POST', '/v1/auth/login/two-factor', {
      challengeToken: (await login(t.ownerEmail)).body.challengeToken,
      code: now,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('INVALID_TWO_FACTOR_CODE');

    const recovery = recoveryCodes[3] as string;
    const byRecovery = await api('POST', '/v1/auth/login/two-factor', {
      challengeToken,
      recoveryCode: recovery.toUpperCase().replace('-', ' '),
    });
    expect(byRecovery.status).toBe(200);
    const reused = await api('POST', '/v1/auth/login/two-factor', { challengeToken, recoveryCode: recovery });
    expect(reused.body.code).toBe('INVALID_TWO_FACTOR_CODE');
    const status = await api('GET', '/v1/auth/two-factor', undefined, { token: byRecovery.body.accessToken });
    expect(status.body.recoveryCodesRemaining).toBe(9);
    const used = (await events(t)).filter((e) => e.type === 'user:recovery_code_used');
    expect(used.map((e) => e.payload)).toEqual([{ userId: t.ownerId, recoveryCodesRemaining: 9 }]);
    expect(JSON.stringify(used)).not.toContain(recovery);
  });

  it('throttles wrong codes: after five, even the right code waits', async () => {
    const t = await createTenant();
    const { secret } = await enrol(t.token);
    const { challengeToken } = (await login(t.ownerEmail)).body;
    for (let i = 0; i < 5; i++) {
      const res = await api('POST', '/v1/auth/login/two-factor', { challengeToken, code: String(100000 + i) });
      expect(res.body.code, `attempt ${i}`).toBe('INVALID_TWO_FACTOR_CODE');
    }
    await newStep(t.ownerId);
    const locked = await api('POST', '/v1/auth/login/two-factor', { challengeToken, code: code(secret) });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Step-up counts against the same throttle.
    const stepUp = await api('POST', '/v1/auth/step-up', { code: code(secret) }, { token: t.token });
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
      await api('POST', '/v1/api-keys', { name: 'k', scopes: ['customers:read'] }, { token: stale }),
      await api('PATCH', `/v1/users/${manager.id}`, { role: 'viewer' }, { token: stale }),
      await api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/in' }, { token: stale }),
    ];
    for (const res of refusals) {
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body).toMatchObject({ code: 'STEP_UP_REQUIRED', stepUp: '/v1/auth/step-up' });
    }
    // Renaming is not sensitive.
    expect((await api('PATCH', `/v1/users/${manager.id}`, { name: 'Mo' }, { token: stale })).status).toBe(200);

    // The confirmation's token carries a step-up.
    const hook = await api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/in' }, { token: steppedUp });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const rotate = await api('POST', `/v1/webhooks/${hook.body.endpoint.id}/rotate-secret`, undefined, {
      token: stale,
    });
    expect(rotate.body.code).toBe('STEP_UP_REQUIRED');

    const wrong = await api('POST', '/v1/auth/step-up', { code: '999999' }, { token: stale });
    expect(wrong.body.code).toBe('INVALID_TWO_FACTOR_CODE');
    await newStep(t.ownerId);
    const up = await api('POST', '/v1/auth/step-up', { code: code(secret) }, { token: stale });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(Date.parse(up.body.stepUpExpiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    const fresh = up.body.accessToken as string;
    expect(
      (await api('POST', '/v1/api-keys', { name: 'k', scopes: ['api_keys:manage'] }, { token: fresh })).status,
    ).toBe(201);
    expect((await api('PATCH', `/v1/users/${manager.id}`, { role: 'viewer' }, { token: fresh })).status).toBe(200);
    expect(
      (await api('POST', `/v1/webhooks/${hook.body.endpoint.id}/rotate-secret`, undefined, { token: fresh })).status,
    ).toBe(201);

    // A recovery code steps up too.
    const byRecovery = await api('POST', '/v1/auth/step-up', { recoveryCode: recoveryCodes[0] }, { token: stale });
    expect(byRecovery.status).toBe(200);
  });

  it('counts a second-factor proof for five minutes only', async () => {
    const t = await createTenant();
    await enrol(t.token);
    const subject = { tenantId: t.tenantId, userId: t.ownerId, role: 'owner' };
    const at = (secondsAgo: number) => forgeAccessToken(subject, { claims: { mfa: nowSeconds() - secondsAgo } });
    const create = async (token: string) =>
      api('POST', '/v1/api-keys', { name: 'k', scopes: ['customers:read'] }, { token });
    expect((await create(await at(240))).status).toBe(201);
    expect((await create(await at(360))).body.code).toBe('STEP_UP_REQUIRED');
  });

  it('leaves API keys as they are: a key with api_keys:manage still creates keys', async () => {
    const t = await createTenant();
    const { token } = await enrol(t.token);
    const key = await api('POST', '/v1/api-keys', { name: 'ops', scopes: ['api_keys:manage'] }, { token });
    expect(key.status).toBe(201);
    const made = await api(
      'POST',
      '/v1/api-keys',
      { name: 'child', scopes: ['api_keys:manage'] },
      { token: key.body.secret },
    );
    expect(made.status).toBe(201);
  });
});

describe('disabling, recovery codes and resets', () => {
  it('disables with a code and the password, and signs in with the password alone after', async () => {
    const t = await createTenant();
    const { secret, recoveryCodes } = await enrol(t.token);
    const stale = await tokenWithoutStepUp(t.refreshToken);
    const noPassword = await api(
      'POST',
      '/v1/auth/two-factor/disable',
      { recoveryCode: recoveryCodes[0] },
      { token: stale },
    );
    expect(noPassword.body.code).toBe('STEP_UP_REQUIRED');
    const noCode = await api('POST', '/v1/auth/two-factor/disable', { password: DEFAULT_PASSWORD }, { token: stale });
    expect(noCode.status).toBe(400);
    await newStep(t.ownerId);
    const badPassword = await api(
      'POST',
      '/v1/auth/two-factor/disable',
      { code: code(secret), password: 'wrong password here' },
      { token: stale },
    );
    expect(badPassword.status).toBe(403);
    await clearThrottle(t.tenantId, t.ownerId);
    const off = await api(
      'POST',
      '/v1/auth/two-factor/disable',
      { code: code(secret), password: DEFAULT_PASSWORD },
      { token: stale },
    );
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
    expect((await api('POST', '/v1/auth/two-factor/recovery-codes', {}, { token: stale })).body.code).toBe(
      'STEP_UP_REQUIRED',
    );
    await newStep(t.ownerId);
    const res = await api('POST', '/v1/auth/two-factor/recovery-codes', { code: code(secret) }, { token: stale });
    expect(res.status).toBe(200);
    expect(res.body.recoveryCodes).toHaveLength(10);
    const { challengeToken } = (await login(t.ownerEmail)).body;
    const old = await api('POST', '/v1/auth/login/two-factor', { challengeToken, recoveryCode: recoveryCodes[0] });
    expect(old.body.code).toBe('INVALID_TWO_FACTOR_CODE');
    const fresh = await api('POST', '/v1/auth/login/two-factor', {
      challengeToken,
      recoveryCode: res.body.recoveryCodes[0],
    });
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

    const status = await api('GET', `/v1/users/${manager.id}/two-factor`, undefined, { token: stale });
    expect(status.body).toMatchObject({ enabled: true, recoveryCodesRemaining: 10 });
    // A manager reads users, a salesman only himself.
    const salesman = await createUserWithRole(t, 'salesman');
    expect((await api('GET', `/v1/users/${manager.id}/two-factor`, undefined, { token: salesman.token })).status).toBe(
      403,
    );
    expect((await api('GET', `/v1/users/${salesman.id}/two-factor`, undefined, { token: salesman.token })).status).toBe(
      200,
    );

    // Another tenant's user is not found, whoever asks.
    expect((await api('GET', `/v1/users/${manager.id}/two-factor`, undefined, { token: other.token })).status).toBe(
      404,
    );
    expect(
      (await api('POST', `/v1/users/${manager.id}/two-factor/reset`, undefined, { token: other.token })).status,
    ).toBe(404);

    expect((await api('POST', `/v1/users/${manager.id}/two-factor/reset`, undefined, { token: stale })).body.code).toBe(
      'STEP_UP_REQUIRED',
    );
    expect(
      (await api('POST', `/v1/users/${manager.id}/two-factor/reset`, undefined, { token: manager.token })).status,
    ).toBe(403);
    const reset = await api('POST', `/v1/users/${manager.id}/two-factor/reset`, undefined, { token: steppedUp });
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

    const withoutOwn = await api('PATCH', '/v1/tenant', { twoFactorRequired: true }, { token: t.token });
    expect(withoutOwn.status).toBe(403);
    expect(withoutOwn.body.reason).toBe('TWO_FACTOR_NOT_ENABLED');
    const key = await api('POST', '/v1/api-keys', { name: 'k', scopes: ['tenant:write'] }, { token: t.token });
    const { token: steppedUp } = await enrol(t.token);
    const stale = await tokenWithoutStepUp(t.refreshToken);
    expect((await api('PATCH', '/v1/tenant', { twoFactorRequired: true }, { token: stale })).body.code).toBe(
      'STEP_UP_REQUIRED',
    );
    expect((await api('PATCH', '/v1/tenant', { twoFactorRequired: true }, { token: key.body.secret })).status).toBe(
      403,
    );
    const on = await api('PATCH', '/v1/tenant', { twoFactorRequired: true }, { token: steppedUp });
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
    expect((await api('PATCH', '/v1/tenant', { checkInRadiusM: 150 }, { token: stale })).status).toBe(200);

    // A session open before the rule gets it with its next token.
    const refreshed = await api('POST', '/v1/auth/refresh', { refreshToken: adminBefore.body.refreshToken });
    const restricted = await api('GET', '/v1/customers', undefined, { token: refreshed.body.accessToken });
    expect(restricted.body.code).toBe('TWO_FACTOR_ENROLMENT_REQUIRED');

    // The admin signs in, and can do nothing but see who he is and enrol.
    const adminToken = await loginAs(admin.email, t.tenantId);
    const blocked = await api('GET', '/v1/customers', undefined, { token: adminToken });
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('TWO_FACTOR_ENROLMENT_REQUIRED');
    const graphql = await api('POST', '/graphql', { query: '{ viewer { principalId } }' }, { token: adminToken });
    expect(JSON.stringify(graphql.body)).toContain('TWO_FACTOR_ENROLMENT_REQUIRED');
    expect((await api('GET', '/v1/users/me', undefined, { token: adminToken })).status).toBe(200);
    expect((await api('GET', '/v1/tenant', undefined, { token: adminToken })).status).toBe(200);
    expect((await api('GET', '/v1/auth/two-factor', undefined, { token: adminToken })).body.required).toBe(true);
    const enrolled = await enrol(adminToken);
    expect((await api('GET', '/v1/customers', undefined, { token: enrolled.token })).status).toBe(200);
    // And cannot turn it off again while the organisation requires it.
    await newStep(admin.id);
    const off = await api(
      'POST',
      '/v1/auth/two-factor/disable',
      { code: code(enrolled.secret), password: DEFAULT_PASSWORD },
      { token: enrolled.token },
    );
    expect(off.status).toBe(403);

    // Managers are not concerned.
    expect(
      (await api('GET', '/v1/customers', undefined, { token: await loginAs(manager.email, t.tenantId) })).status,
    ).toBe(200);
  });
});
