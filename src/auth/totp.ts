import { Secret, TOTP } from 'otpauth';

/**
 * TOTP (RFC 6238) as authenticator apps implement it: HMAC-SHA-1, 6 digits, 30-second steps, through the
 * `otpauth` library. Pure: the time is passed in, so tests fix it.
 */
export const TOTP_ISSUER = 'Fieldline';
export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
/** Codes of the previous and the next step are accepted too: phones' clocks drift, typing takes time. */
export const TOTP_WINDOW = 1;

/** A new 160-bit secret (RFC 4226's recommended size), base32 as apps take it. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The enrolment URI an authenticator app reads (Key Uri Format): `otpauth://totp/Fieldline:<email>?...`. */
export function otpauthUri(secret: string, account: string): string {
  const label = `${encodeURIComponent(TOTP_ISSUER)}:${encodeURIComponent(account)}`;
  const query = `secret=${secret}&issuer=${encodeURIComponent(TOTP_ISSUER)}&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_PERIOD_S}`;
  return `otpauth://totp/${label}?${query}`;
}

/** The 30-second step a moment falls in (RFC 6238's T). */
export const totpStep = (atMs: number): number => Math.floor(atMs / 1000 / TOTP_PERIOD_S);

/** A code as the user typed it, spaces and dashes dropped; null when it cannot be a code at all. */
export function normalizeTotpCode(code: string): string | null {
  const digits = code.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * The time step whose code `code` is, within ±TOTP_WINDOW steps of `atMs`, or null when it is none of
 * them. The caller refuses a step it has already accepted (replay).
 */
export function matchTotpStep(secret: string, code: string, atMs: number): number | null {
  const token = normalizeTotpCode(code);
  if (!token) return null;
  const delta = TOTP.validate({
    token,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_S,
    timestamp: atMs,
    window: TOTP_WINDOW,
  });
  return delta === null ? null : totpStep(atMs) + delta;
}

/** The code of `atMs` (tests, and the enrolment check of the web app's own test). */
export const totpCode = (secret: string, atMs: number): string =>
  TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_S,
    timestamp: atMs,
  });
