import { sql } from 'drizzle-orm';
import { assert, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/crypto';
import { ACCOUNT, claimLoginAttempt, clientBlock, delayMs, forgetOldFailures } from '../../src/services/login-throttle';
import { api } from '../helpers/api';
import { executeSql, testDb } from '../helpers/db';
import { createTenant, DEFAULT_PASSWORD, unique } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

/** Untyped: a client address goes in a forged CF-Connecting-IP header. */
const login = (email: string, password: string, address?: string) =>
  api('POST', '/v1/auth/login', { email, password }, address ? { headers: { 'cf-connecting-ip': address } } : {});

const accountKey = async (email: string) => `account:${await sha256Hex(email.toLowerCase())}`;

/** As if the wait the last failure imposed had passed. */
const waitOut = (key: string) => executeSql(sql`UPDATE login_throttle SET locked_until = 0 WHERE key = ${key}`);

const row = async (key: string) =>
  (
    await executeSql<{ failures: number; lockedUntil: number }>(
      sql`SELECT failures, locked_until AS "lockedUntil" FROM login_throttle WHERE key = ${key}`,
    )
  ).rows[0] ?? null;

/** The answer without what differs between any two requests. */
const shape = (res: Awaited<ReturnType<typeof api>>) => {
  const { requestId: _r, ...body } = res.body as Record<string, unknown>;
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
};

describe('sign-in throttling', () => {
  it('lets four wrong passwords through, then makes each attempt wait, the same for an unknown email', async () => {
    const t = await createTenant();
    const unknown = `nobody-${unique()}@example.test`;
    for (const email of [t.ownerEmail, unknown]) {
      for (let i = 1; i <= 5; i++) {
        const res = await login(email, `wrong password ${i}`);
        expect(res.status, `attempt ${i}`).toBe(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
      }
    }
    // The fifth failure imposed a wait: the next attempt is refused unchecked, even with the right password.
    const early = await login(t.ownerEmail, DEFAULT_PASSWORD);
    expect(early.status).toBe(429);
    expect(early.headers.get('content-type')).toContain('application/problem+json');
    expect(early.body).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfter: 1 });
    expect(early.headers.get('retry-after')).toBe('1');
    // Nothing tells an existing account from an unknown email.
    expect(shape(await login(unknown, DEFAULT_PASSWORD))).toEqual(shape(early));

    // Once the wait has passed, the right password signs in and the account starts over.
    await waitOut(await accountKey(t.ownerEmail));
    expect((await login(t.ownerEmail, DEFAULT_PASSWORD)).status).toBe(200);
    expect(await row(await accountKey(t.ownerEmail))).toBeNull();
    for (let i = 1; i <= 4; i++) expect((await login(t.ownerEmail, 'wrong again')).status).toBe(401);
    expect((await login(t.ownerEmail, DEFAULT_PASSWORD)).status).toBe(200);
  });

  it('checks no more passwords than the schedule allows, however fast or parallel the attempts', async () => {
    const t = await createTenant();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login(t.ownerEmail, `guess ${i}`)));
    const statuses = answers.map((a) => a.status);
    const told = JSON.stringify(answers.map((a) => [a.status, a.body.code]));
    expect(
      statuses.filter((s) => s === 401),
      told,
    ).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    expect((await row(await accountKey(t.ownerEmail)))?.failures).toBe(5);
  });

  it('counts a parallel attempt whose clock was read a moment before the failure before it', async () => {
    // Two requests read their clocks 5 ms apart and reach the database in the other order: the later
    // reading's failure sets no wait, so the earlier one must still be checked, not refused.
    const key = `account:${unique()}`;
    const keys = [{ key, schedule: ACCOUNT }];
    const now = Date.now();
    await claimLoginAttempt(testDb(), keys, now);
    await claimLoginAttempt(testDb(), keys, now - 5);
    expect((await row(key))?.failures).toBe(2);
    // Once a wait is set, an attempt inside it is refused and counts nothing.
    for (let i = 3; i <= ACCOUNT.free; i++) await claimLoginAttempt(testDb(), keys, now);
    await expect(claimLoginAttempt(testDb(), keys, now + 10)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect((await row(key))?.failures).toBe(ACCOUNT.free);
  });

  it('leaves an account guessed 300 times in a row locked for an hour at a time, not open at full speed', async () => {
    const t = await createTenant();
    const key = await accountKey(t.ownerEmail);
    let checked = 0;
    // An attacker who waits out every delay (time moved on here) gets 300 guesses checked...
    for (let i = 0; i < 300; i++) {
      await waitOut(key);
      const res = await login(t.ownerEmail, `guess number ${i}`);
      expect(res.status).toBe(401);
      checked++;
    }
    // ...but had to wait an hour before each of the last ones: a few dozen guesses a day.
    expect(checked).toBe(300);
    const after = await row(key);
    expect(after?.failures).toBe(300);
    expect((after?.lockedUntil ?? 0) - Date.now()).toBeGreaterThan(3500_000);
    const next = await login(t.ownerEmail, DEFAULT_PASSWORD);
    expect(next.status).toBe(429);
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(delayMs(300, ACCOUNT)).toBe(3600_000);
  }, 120_000); // 300 sign-ins: on Postgres each request opens its own connection

  it('tells the account owner in the app and by e-mail when his sign-in locks, once per lockout', async () => {
    const t = await createTenant();
    const key = await accountKey(t.ownerEmail);
    for (let i = 0; i < 12; i++) {
      await waitOut(key);
      expect((await login(t.ownerEmail, `guess number ${i}`)).status).toBe(401);
    }
    const session = await answered(
      rest().POST('/v1/auth/login', { body: { email: t.ownerEmail, password: DEFAULT_PASSWORD } }),
    );
    expect(session.status).toBe(429); // still locked: the owner learns it from the notice, not from a sign-in
    const inbox = await answered(rest(t.token).GET('/v1/me/notifications'));
    const notices = inbox.body.data.filter((n) => n.data?.reason === 'account_locked');
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    assert.isDefined(notice);
    expect(notice.title).toBe('Sign-in to your account is locked');
    expect(notice.body).toContain('15 minutes');
    const deliveries = await executeSql<{ channel: string; status: string }>(
      sql`SELECT channel, status FROM notification_deliveries WHERE tenant_id = ${t.tenantId} AND notification_id = ${notice.id}`,
    );
    expect(deliveries.rows).toEqual([{ channel: 'email', status: 'pending' }]);
  });

  it('counts failures per client address across accounts (password spraying)', async () => {
    const address = '203.0.113.77';
    for (let i = 0; i < 20; i++) {
      const res = await login(`sprayed-${unique()}@example.test`, 'Summer2024!x', address);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const blocked = await login(`sprayed-${unique()}@example.test`, 'Summer2024!x', address);
    expect(blocked.status).toBe(429);
    // Another address is not held up; a real user of the blocked one waits like everyone there.
    expect((await login(`other-${unique()}@example.test`, 'Summer2024!x', '198.51.100.5')).status).toBe(401);
    const t = await createTenant();
    expect((await login(t.ownerEmail, DEFAULT_PASSWORD, address)).status).toBe(429);
    expect((await login(t.ownerEmail, DEFAULT_PASSWORD, '198.51.100.5')).status).toBe(200);
  });

  it("does not let one good account's sign-ins wipe its address's failures", async () => {
    const address = '203.0.113.78';
    const t = await createTenant();
    for (let i = 0; i < 19; i++) {
      expect((await login(`spray-${unique()}@example.test`, 'Winter2024!x', address)).status).toBe(401);
      expect((await login(t.ownerEmail, DEFAULT_PASSWORD, address)).status).toBe(200);
    }
    expect((await login(`spray-${unique()}@example.test`, 'Winter2024!x', address)).status).toBe(401);
    expect((await login(`spray-${unique()}@example.test`, 'Winter2024!x', address)).status).toBe(429);
  });

  it('forgets old failures at night, but never a wait still pending', async () => {
    const now = Date.now();
    const day = 24 * 3600_000;
    const rows = [
      ['ip:old', 3, now - 2 * day, 0],
      ['ip:recent', 3, now - 3600_000, 0],
      ['account:old-but-locked', 30, now - 2 * day, now + 3600_000],
    ] as const;
    for (const [key, failures, last, locked] of rows) {
      await executeSql(
        sql`INSERT INTO login_throttle (key, failures, last_failure_at, locked_until) VALUES (${key}, ${failures}, ${last}, ${locked})`,
      );
    }
    expect(await forgetOldFailures(testDb(), now)).toBeGreaterThanOrEqual(1);
    expect(await row('ip:old')).toBeNull();
    expect(await row('ip:recent')).not.toBeNull();
    expect(await row('account:old-but-locked')).not.toBeNull();
  });

  it('counts IPv6 clients by /64', () => {
    expect(clientBlock('2001:db8:85a3:0:1:2:3:4')).toBe('2001:db8:85a3:0::/64');
    expect(clientBlock('2001:DB8:85A3::99')).toBe('2001:db8:85a3:0::/64');
    expect(clientBlock('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(clientBlock('203.0.113.7')).toBe('203.0.113.7');
    expect(clientBlock('not an address')).toBeNull();
  });
});
