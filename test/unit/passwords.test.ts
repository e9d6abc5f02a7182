import { describe, expect, it } from 'vitest';
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from '../../src/auth/passwords';

describe('passwords', () => {
  it('hashes in the pbkdf2_sha256$iterations$salt$hash format', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect(stored).toMatch(/^pbkdf2_sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash, so the same password never hashes the same twice', async () => {
    const a = await hashPassword('same password here');
    const b = await hashPassword('same password here');
    expect(a).not.toBe(b);
    expect(a.split('$')[2]).not.toBe(b.split('$')[2]);
    expect(await verifyPassword('same password here', a)).toBe(true);
    expect(await verifyPassword('same password here', b)).toBe(true);
  });

  it('refuses malformed or foreign hashes instead of throwing', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const [, , salt, hash] = stored.split('$');
    expect(await verifyPassword('correct horse battery staple', `bcrypt$100000$${salt}$${hash}`)).toBe(false);
    expect(await verifyPassword('correct horse battery staple', 'pbkdf2_sha256$100000$onlysalt')).toBe(false);
    expect(await verifyPassword('correct horse battery staple', `pbkdf2_sha256$abc$${salt}$${hash}`)).toBe(false);
    // More iterations than Workers can run must be refused up front, not crash deriveBits.
    expect(await verifyPassword('correct horse battery staple', `pbkdf2_sha256$200000$${salt}$${hash}`)).toBe(false);
    // Same salt and hash with a lower iteration count is a different hash.
    expect(await verifyPassword('correct horse battery staple', `pbkdf2_sha256$99999$${salt}$${hash}`)).toBe(false);
  });
});
