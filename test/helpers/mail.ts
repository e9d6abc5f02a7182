import PostalMime, { type Email } from 'postal-mime';
import { expect } from 'vitest';

/**
 * Checks a raw message the way a receiving mail server would see it, then parses it with a real MIME
 * parser (postal-mime): 7-bit clean (no byte above 127 outside an encoded part), CRLF line ends, and no
 * line longer than 998 octets (RFC 5322 section 2.1.1); a base64 body in lines of at most 76 characters.
 */
export async function parseCleanMail(raw: string): Promise<Email> {
  const bytes = new TextEncoder().encode(raw);
  expect(
    bytes.every((b) => b < 128),
    'a byte above 127 outside an encoded part',
  ).toBe(true);
  const lines = raw.split('\r\n');
  expect(
    lines.filter((l) => l.includes('\n')),
    'bare LF line ends',
  ).toEqual([]);
  expect(
    lines.filter((l) => l.length > 998).map((l) => l.slice(0, 80)),
    'lines above 998 octets',
  ).toEqual([]);
  const base64Lines = lines.filter((l) => /^[A-Za-z0-9+/]{77,}={0,2}$/.test(l));
  expect(
    base64Lines.map((l) => l.length),
    'base64 lines above 76 characters',
  ).toEqual([]);
  return PostalMime.parse(raw);
}
