import { env } from 'cloudflare:workers';
import { pbkdf2Sync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/passwords';
import { users } from '../../src/db/tables';
import { loadConfig } from '../../src/env';
import { toBase64Url } from '../../src/lib/crypto';
import { testDb } from '../helpers/db';
import { createTenant, DEFAULT_PASSWORD, unique } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

const db = () => testDb();

const storedHash = async (userId: string) =>
  (await db().select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId)))[0]?.hash ?? '';

const setHash = (userId: string, hash: string) =>
  db().update(users).set({ passwordHash: hash }).where(eq(users.id, userId));

const signup = (password: string, extra: Record<string, unknown> = {}) =>
  answered(
    rest().POST('/v1/auth/signup', {
      body: {
        tenantName: 'Policy Co',
        name: 'Polly Policy',
        email: `polly-${unique()}@example.test`,
        password,
        ...extra,
      },
    }),
  );

describe('password policy', () => {
  it('refuses a common password at signup with 400 WEAK_PASSWORD, creating nothing', async () => {
    const email = `common-${unique()}@example.test`;
    const res = await signup('Password123', { email });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'WEAK_PASSWORD', status: 400 });
    expect(res.body.errors).toEqual([{ path: 'password', message: expect.stringMatching(/common/) }]);
    expect((await answered(rest().POST('/v1/auth/login', { body: { email, password: 'Password123' } }))).status).toBe(
      401,
    );
  });

  it('refuses the email or the name as password at signup', async () => {
    const email = `samesame-${unique()}@example.test`;
    const res = await signup(email, { email });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('WEAK_PASSWORD');
    const named = await signup('Polly Policy');
    expect(named.body.code).toBe('WEAK_PASSWORD');
  });

  it('refuses a common password when an admin creates a user', async () => {
    const t = await createTenant();
    const res = await answered(
      rest(t.token).POST('/v1/users', {
        body: { email: `weak-${unique()}@example.test`, name: 'Wes Weak', role: 'viewer', password: 'qwertyuiop' },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('WEAK_PASSWORD');
    const fine = await answered(
      rest(t.token).POST('/v1/users', {
        body: { email: `fine-${unique()}@example.test`, name: 'Fay Fine', role: 'viewer', password: DEFAULT_PASSWORD },
      }),
    );
    expect(fine.status).toBe(201);
  });

  it('still answers a too short password with VALIDATION_FAILED, as documented by the schema', async () => {
    const res = await signup('short');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('password storage', () => {
  it('stores HMAC-peppered PBKDF2 with the pepper id and at most 100,000 iterations', async () => {
    const t = await createTenant();
    const hash = await storedHash(t.ownerId);
    const [scheme, pepperId, iterations] = hash.split('$');
    expect(scheme).toBe('pbkdf2_sha256_hmac');
    expect(pepperId).toBe(loadConfig(env).PASSWORD_PEPPER[0]?.id);
    expect(Number(iterations)).toBeGreaterThan(0);
    expect(Number(iterations)).toBeLessThanOrEqual(100_000);
  });

  it('signs in with a hash of the unpeppered format and rehashes it with the current pepper', async () => {
    const t = await createTenant();
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const legacy = pbkdf2Sync(DEFAULT_PASSWORD, salt, 100_000, 32, 'sha256');
    const legacyHash = `pbkdf2_sha256$100000$${toBase64Url(salt)}$${toBase64Url(new Uint8Array(legacy))}`;
    await setHash(t.ownerId, legacyHash);

    const first = await answered(
      rest().POST('/v1/auth/login', { body: { email: t.ownerEmail, password: DEFAULT_PASSWORD } }),
    );
    expect(first.status).toBe(200);
    const upgraded = await storedHash(t.ownerId);
    expect(upgraded).not.toBe(legacyHash);
    expect(upgraded.split('$').slice(0, 3)).toEqual([
      'pbkdf2_sha256_hmac',
      loadConfig(env).PASSWORD_PEPPER[0]?.id,
      '100000',
    ]);
    // The new hash opens the account; a wrong password still does not, and leaves the hash alone.
    expect(
      (await answered(rest().POST('/v1/auth/login', { body: { email: t.ownerEmail, password: DEFAULT_PASSWORD } })))
        .status,
    ).toBe(200);
    expect(await storedHash(t.ownerId)).toBe(upgraded);
    expect(
      (await answered(rest().POST('/v1/auth/login', { body: { email: t.ownerEmail, password: 'not the password' } })))
        .status,
    ).toBe(401);
  });

  it('signs in with a hash of an older pepper and rehashes it with the current one', async () => {
    const t = await createTenant();
    const [current, older] = loadConfig(env).PASSWORD_PEPPER;
    expect(older).toBeDefined();
    await setHash(t.ownerId, await hashPassword([older as NonNullable<typeof older>], DEFAULT_PASSWORD));
    expect((await storedHash(t.ownerId)).split('$')[1]).toBe(older?.id);

    const res = await answered(
      rest().POST('/v1/auth/login', { body: { email: t.ownerEmail, password: DEFAULT_PASSWORD } }),
    );
    expect(res.status).toBe(200);
    expect((await storedHash(t.ownerId)).split('$')[1]).toBe(current?.id);
  });

  it('refuses to start without a pepper, or with a malformed one', () => {
    expect(() => loadConfig({ ...env, PASSWORD_PEPPER: undefined } as unknown as Env)).toThrow(/PASSWORD_PEPPER/);
    expect(() => loadConfig({ ...env, PASSWORD_PEPPER: 'p1:short' } as unknown as Env)).toThrow(/PASSWORD_PEPPER/);
    expect(() => loadConfig({ ...env, PASSWORD_PEPPER: `p$1:${'x'.repeat(40)}` } as unknown as Env)).toThrow(
      /PASSWORD_PEPPER/,
    );
    expect(() =>
      loadConfig({ ...env, PASSWORD_PEPPER: `p1:${'x'.repeat(40)},p1:${'y'.repeat(40)}` } as unknown as Env),
    ).toThrow(/PASSWORD_PEPPER/);
  });
});
