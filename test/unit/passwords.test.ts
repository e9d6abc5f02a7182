import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dummyHash,
  hashPassword,
  PBKDF2_ITERATIONS,
  PBKDF2_MAX_ITERATIONS,
  type Pepper,
  verifyPassword,
} from '../../src/auth/passwords';
import { toBase64Url } from '../../src/lib/crypto';

const current: Pepper = { id: 'p2', secret: 'current-pepper-secret-0123456789abcdef0123' };
const old: Pepper = { id: 'p1', secret: 'old-pepper-secret-0123456789abcdef0123456789' };
const peppers = [current, old];

/** A hash in the format before peppers: PBKDF2-SHA256 over the password's UTF-8 bytes. */
function legacyHash(password: string, iterations = 100_000) {
  const salt = new Uint8Array(16).fill(7);
  const hash = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  return `pbkdf2_sha256$${iterations}$${toBase64Url(salt)}$${toBase64Url(new Uint8Array(hash))}`;
}

describe('passwords', () => {
  it('never asks PBKDF2 for more than the 100,000 iterations Workers allow in production', async () => {
    // wrangler dev and these tests would run more; the deployed Worker refuses them, so every login fails.
    expect(PBKDF2_MAX_ITERATIONS).toBe(100_000);
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(100_000);
    const stored = await hashPassword(peppers, 'correct horse battery staple');
    expect(Number(stored.split('$')[2])).toBeLessThanOrEqual(100_000);
    // A stored hash asking for more is refused before it reaches WebCrypto.
    const [scheme, id, , salt, hash] = stored.split('$');
    expect(
      await verifyPassword(peppers, 'correct horse battery staple', [scheme, id, 100_001, salt, hash].join('$')),
    ).toEqual({ valid: false, stale: false });
  });

  it('records the scheme, the pepper id and the iterations in the stored hash', async () => {
    const stored = await hashPassword(peppers, 'correct horse battery staple');
    expect(stored).toMatch(/^pbkdf2_sha256_hmac\$p2\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct horse');
    expect(stored).not.toContain(current.secret);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword(peppers, 'correct horse battery staple');
    expect(await verifyPassword(peppers, 'correct horse battery staple', stored)).toEqual({
      valid: true,
      stale: false,
    });
    for (const wrong of ['correct horse battery stapl', 'Correct horse battery staple', '']) {
      expect((await verifyPassword(peppers, wrong, stored)).valid).toBe(false);
    }
  });

  it('depends on the pepper: the hash alone (a database leak) cannot be checked without the secret', async () => {
    const stored = await hashPassword(peppers, 'correct horse battery staple');
    const otherSecret: Pepper = { id: 'p2', secret: 'another-secret-with-the-same-id-0123456789' };
    expect((await verifyPassword([otherSecret], 'correct horse battery staple', stored)).valid).toBe(false);
    // Nor is it PBKDF2 of the bare password.
    const [, , iterations, salt, hash] = stored.split('$');
    expect(
      (await verifyPassword(peppers, 'correct horse battery staple', `pbkdf2_sha256$${iterations}$${salt}$${hash}`))
        .valid,
    ).toBe(false);
  });

  it('verifies hashes of an older pepper or of the unpeppered format, and marks them for rehashing', async () => {
    const withOld = await hashPassword([old], 'correct horse battery staple');
    expect(withOld.split('$')[1]).toBe('p1');
    expect(await verifyPassword(peppers, 'correct horse battery staple', withOld)).toEqual({
      valid: true,
      stale: true,
    });
    expect((await verifyPassword(peppers, 'wrong horse battery staple', withOld)).valid).toBe(false);

    const legacy = legacyHash('correct horse battery staple');
    expect(await verifyPassword(peppers, 'correct horse battery staple', legacy)).toEqual({ valid: true, stale: true });
    expect((await verifyPassword(peppers, 'wrong horse battery staple', legacy)).valid).toBe(false);
    // Fewer iterations than today's verify too, and are upgraded.
    const weaker = legacyHash('correct horse battery staple', 10_000);
    expect(await verifyPassword(peppers, 'correct horse battery staple', weaker)).toEqual({ valid: true, stale: true });
  });

  it('refuses a hash whose pepper is no longer configured', async () => {
    const retired = await hashPassword(
      [{ id: 'p0', secret: 'retired-pepper-secret-0123456789abcdef01' }],
      'pw-0123456789',
    );
    expect(await verifyPassword(peppers, 'pw-0123456789', retired)).toEqual({ valid: false, stale: false });
  });

  it('compares passwords in Unicode normal form (NFKC), so the same password typed differently verifies', async () => {
    const stored = await hashPassword(peppers, 'Ångström café 2024');
    // "A" + combining ring, "e" + combining acute: the same text, other code points.
    expect((await verifyPassword(peppers, 'A\u030angstro\u0308m cafe\u0301 2024', stored)).valid).toBe(true);
  });

  it('salts every hash, so the same password never hashes the same twice', async () => {
    const a = await hashPassword(peppers, 'same password here');
    const b = await hashPassword(peppers, 'same password here');
    expect(a).not.toBe(b);
    expect(a.split('$')[3]).not.toBe(b.split('$')[3]);
    expect((await verifyPassword(peppers, 'same password here', a)).valid).toBe(true);
    expect((await verifyPassword(peppers, 'same password here', b)).valid).toBe(true);
  });

  it('refuses malformed or foreign hashes instead of throwing', async () => {
    const stored = await hashPassword(peppers, 'correct horse battery staple');
    const [, , , salt, hash] = stored.split('$');
    const pw = 'correct horse battery staple';
    for (const foreign of [
      `bcrypt$100000$${salt}$${hash}`,
      'pbkdf2_sha256$100000$onlysalt',
      `pbkdf2_sha256$abc$${salt}$${hash}`,
      `pbkdf2_sha256$200000$${salt}$${hash}`,
      `pbkdf2_sha256_hmac$p2$abc$${salt}$${hash}`,
      `pbkdf2_sha256_hmac$p2$0$${salt}$${hash}`,
      'pbkdf2_sha256_hmac$p2$100000',
      '',
    ]) {
      expect(await verifyPassword(peppers, pw, foreign), foreign).toEqual({ valid: false, stale: false });
    }
    // Same salt and hash with a lower iteration count is a different hash.
    expect((await verifyPassword(peppers, pw, `pbkdf2_sha256_hmac$p2$99999$${salt}$${hash}`)).valid).toBe(false);
  });

  it('has a dummy hash in the current format, which nothing opens', async () => {
    const dummy = dummyHash(peppers);
    expect(dummy.split('$').slice(0, 3)).toEqual(['pbkdf2_sha256_hmac', 'p2', '100000']);
    expect((await verifyPassword(peppers, 'correct horse battery staple', dummy)).valid).toBe(false);
  });
});
