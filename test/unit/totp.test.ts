import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { matchTotpStep, normalizeTotpCode, otpauthUri, totpCode, totpStep } from '../../src/auth/totp';
import {
  hashRecoveryCode,
  newRecoveryCode,
  normalizeRecoveryCode,
  openTotpSecret,
  recoveryCodeCandidates,
  sealTotpSecret,
} from '../../src/auth/two-factor-secrets';

/** RFC 6238 Appendix B, SHA-1: the seed is the ASCII "12345678901234567890". */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: [seconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it('gives the Appendix B values (SHA-1, 8 digits) through the library the service uses', () => {
    expect(Secret.fromBase32(RFC_SECRET).latin1).toBe('12345678901234567890');
    for (const [seconds, expected] of RFC_VECTORS) {
      const code = TOTP.generate({
        secret: Secret.fromBase32(RFC_SECRET),
        algorithm: 'SHA1',
        digits: 8,
        period: 30,
        timestamp: seconds * 1000,
      });
      expect(code, `T = ${seconds}`).toBe(expected);
    }
  });

  it("accepts the vectors' 6-digit codes (the low digits) in their own step and the steps beside it only", () => {
    for (const [seconds, expected] of RFC_VECTORS) {
      const code = expected.slice(-6);
      const at = seconds * 1000;
      expect(totpCode(RFC_SECRET, at)).toBe(code);
      expect(matchTotpStep(RFC_SECRET, code, at)).toBe(totpStep(at));
      expect(matchTotpStep(RFC_SECRET, code, at + 30_000)).toBe(totpStep(at));
      expect(matchTotpStep(RFC_SECRET, code, at - 30_000)).toBe(totpStep(at));
      expect(matchTotpStep(RFC_SECRET, code, at + 61_000)).toBeNull();
      expect(matchTotpStep(RFC_SECRET, code, at - 61_000)).toBeNull();
    }
  });

  it('reads codes as typed and refuses what cannot be one', () => {
    expect(normalizeTotpCode(' 287 082 ')).toBe('287082');
    expect(normalizeTotpCode('28708')).toBeNull();
    expect(normalizeTotpCode('abcdef')).toBeNull();
    expect(matchTotpStep(RFC_SECRET, 'abcdef', 59_000)).toBeNull();
  });

  it('builds the otpauth URI authenticator apps read', () => {
    expect(otpauthUri('ABC', 'ana+x@example.com')).toBe(
      'otpauth://totp/Fieldline:ana%2Bx%40example.com?secret=ABC&issuer=Fieldline&algorithm=SHA1&digits=6&period=30',
    );
  });
});

describe('second-factor secrets at rest', () => {
  const peppers = [{ id: 'p2', secret: 'x'.repeat(32) }];
  const rotated = [{ id: 'p3', secret: 'y'.repeat(32) }, ...peppers];
  const owner = { tenantId: 't1', userId: 'u1' };

  it('encrypts TOTP secrets, bound to their user, and opens them under a retired pepper as stale', async () => {
    const sealed = await sealTotpSecret(peppers, owner, RFC_SECRET);
    expect(sealed).toMatch(/^v1\$p2\$/);
    expect(sealed).not.toContain(RFC_SECRET);
    expect(await sealTotpSecret(peppers, owner, RFC_SECRET)).not.toBe(sealed);
    expect(await openTotpSecret(peppers, owner, sealed)).toEqual({ secret: RFC_SECRET, stale: false });
    expect(await openTotpSecret(rotated, owner, sealed)).toEqual({ secret: RFC_SECRET, stale: true });
    expect(await openTotpSecret(peppers, { ...owner, userId: 'u2' }, sealed)).toBeNull();
    expect(await openTotpSecret([{ id: 'p2', secret: 'z'.repeat(32) }], owner, sealed)).toBeNull();
    expect(await openTotpSecret(peppers, owner, `${sealed.slice(0, -2)}AA`)).toBeNull();
  });

  it('hashes recovery codes with a key of their own and finds them however they are typed', async () => {
    const code = newRecoveryCode();
    expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const stored = await hashRecoveryCode(peppers, code);
    expect(stored).toMatch(/^hmac\$p2\$[0-9a-f]{64}$/);
    expect(await recoveryCodeCandidates(rotated, code.toUpperCase().replace('-', ' '))).toContain(stored);
    expect(normalizeRecoveryCode('short')).toBeNull();
    expect(await recoveryCodeCandidates(peppers, 'short')).toEqual([]);
  });
});
