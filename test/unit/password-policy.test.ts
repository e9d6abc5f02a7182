import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORD_COUNT, PASSWORD_MIN_LENGTH, passwordProblem } from '../../src/auth/password-policy';

describe('password policy', () => {
  it('takes long passwords of any composition', () => {
    for (const ok of [
      'correct horse battery staple',
      'alllowercaseletters',
      'lange Wörter sind gut',
      '𝔰𝔱𝔯𝔞𝔫𝔤𝔢 𝔩𝔢𝔱𝔱𝔢𝔯𝔰 ok',
      `${'x'.repeat(7)}y7z`,
    ]) {
      expect(passwordProblem(ok), ok).toBeNull();
    }
  });

  it('counts length in characters (code points), not UTF-16 units', () => {
    expect(PASSWORD_MIN_LENGTH).toBeGreaterThanOrEqual(8);
    expect(passwordProblem('short1234')).toMatch(/at least 10 characters/);
    // Five emoji are ten UTF-16 units, but five characters.
    expect(passwordProblem('😀😺🎉🚀🌍')).toMatch(/at least 10 characters/);
    expect(passwordProblem('a'.repeat(257))).toMatch(/at most 256 characters/);
    expect(passwordProblem('a long passphrase '.repeat(15).slice(0, 256))).toBeNull();
  });

  it('refuses the most common passwords, whatever their case', () => {
    expect(COMMON_PASSWORD_COUNT).toBeGreaterThan(1000);
    for (const common of ['password123', 'qwertyuiop', '1q2w3e4r5t', 'Basketball', 'PASSWORD123', 'iloveyou12']) {
      expect(passwordProblem(common), common).toMatch(/common/);
    }
  });

  it('refuses repetitive and sequential passwords', () => {
    for (const weak of ['aaaaaaaaaaaa', 'abcabcabcabc', '1212121212121', 'abcdefghijkl', 'zyxwvutsrqpo']) {
      expect(passwordProblem(weak), weak).not.toBeNull();
    }
  });

  it("refuses the user's own email, name or organisation as password", () => {
    const context = { email: 'Rita.Repetto@example.test', name: 'Rita Repetto', tenantName: 'Repetto Rentals' };
    for (const own of [
      'rita.repetto@example.test',
      'Rita.Repetto',
      'rita repetto',
      'RITA-REPETTO',
      'repetto rentals',
    ]) {
      expect(passwordProblem(own, context), own).toMatch(/email|name|organisation/);
    }
    expect(passwordProblem('rita likes long walks', context)).toBeNull();
  });
});
