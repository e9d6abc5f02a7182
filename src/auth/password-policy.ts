import { AppError, ErrorCode } from '../lib/errors';
import blocklist from './common-passwords.json';

/**
 * What a password must be (docs/security.md, Passwords; NIST SP 800-63B, OWASP ASVS 5 V6.2): long enough,
 * not absurdly long, not a common or breached password, not the user's own email, name or organisation, and
 * not one character or a short run repeated or counted up. No composition rules (digits, symbols, case),
 * no expiry: they make passwords more predictable, not stronger. Lengths are in characters (Unicode code
 * points after NFKC), so every script counts the same.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** Lower-cased; only entries the length rule would let through (scripts/common-passwords.mjs). */
const COMMON = new Set<string>(blocklist.passwords);
export const COMMON_PASSWORD_COUNT = COMMON.size;

export interface PasswordContext {
  email?: string | undefined;
  name?: string | undefined;
  tenantName?: string | undefined;
}

/** Letters and digits only, lower-cased: "Rita.Repetto" and "rita repetto" are the same word here. */
const bare = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** The password is one to four characters repeated ("aaaa…", "abab…"), or counts up or down ("abcd…", "9876…"). */
function trivial(chars: string[]): boolean {
  for (let unit = 1; unit <= 4; unit++) {
    if (chars.every((c, i) => c === chars[i % unit])) return true;
  }
  const points = chars.map((c) => c.codePointAt(0) ?? 0);
  const steps = new Set(points.slice(1).map((p, i) => p - (points[i] ?? 0)));
  return steps.size === 1 && (steps.has(1) || steps.has(-1));
}

/** Why the password is refused, in words for the user; null when it is fine. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | null {
  const normal = password.normalize('NFKC');
  const chars = [...normal];
  if (chars.length < PASSWORD_MIN_LENGTH) return `Password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (chars.length > PASSWORD_MAX_LENGTH) return `Password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (COMMON.has(normal.toLowerCase())) return 'This password is one of the most common passwords; choose another';
  if (trivial([...normal.toLowerCase()]))
    return 'Password must not be one character or a short run repeated or in sequence';
  const own = bare(normal);
  const email = context.email?.toLowerCase() ?? '';
  const words = [email, email.split('@')[0] ?? '', context.name ?? '', context.tenantName ?? ''].map(bare);
  if (words.some((w) => w.length > 0 && w === own)) {
    return 'Password must not be your email address, your name or your organisation name';
  }
  return null;
}

/** Throws 400 WEAK_PASSWORD (with `errors[]` like a validation failure) when the password is refused. */
export function assertPasswordAllowed(password: string, context: PasswordContext, path = 'password'): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new AppError(ErrorCode.WEAK_PASSWORD, problem, { errors: [{ path, message: problem }] });
}
