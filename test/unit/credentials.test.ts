import { describe, expect, it } from 'vitest';
import { bearerToken } from '../../src/auth/credentials';

describe('bearerToken', () => {
  it('takes exactly one b64token after the Bearer scheme, in any case', () => {
    expect(bearerToken('Bearer abc.DEF-ghi_jkl~m+n/o==')).toBe('abc.DEF-ghi_jkl~m+n/o==');
    expect(bearerToken('bearer flk_x1')).toBe('flk_x1');
    expect(bearerToken('BEARER   t')).toBe('t');
  });

  it('refuses other schemes, no token, and anything after the token', () => {
    for (const header of [
      'Basic dTpw',
      'Token abc',
      'Bearer',
      'Bearer ',
      'Bearerabc',
      'Bearer abc def',
      'Bearer abc,def',
      'Bearer abc=def',
      'Bearer\tabc',
      'abc',
      '',
    ]) {
      expect(bearerToken(header), JSON.stringify(header)).toBeNull();
    }
  });
});
