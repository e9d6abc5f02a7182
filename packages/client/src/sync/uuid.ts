/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Time-ordered ids keep the server's
 * primary-key indexes append-mostly; Web Crypto's `getRandomValues` exists in browsers, Node and workerd.
 */
export function uuidv7(now: number = Date.now(), fill: (bytes: Uint8Array) => void = defaultFill): string {
  const b = new Uint8Array(16);
  fill(b);
  const ms = Math.max(0, Math.floor(now));
  const high = Math.floor(ms / 2 ** 32) % 2 ** 16;
  const low = ms % 2 ** 32;
  b[0] = high >>> 8;
  b[1] = high & 0xff;
  b[2] = low >>> 24;
  b[3] = (low >>> 16) & 0xff;
  b[4] = (low >>> 8) & 0xff;
  b[5] = low & 0xff;
  b[6] = 0x70 | ((b[6] ?? 0) & 0x0f);
  b[8] = 0x80 | ((b[8] ?? 0) & 0x3f);
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function defaultFill(bytes: Uint8Array): void {
  crypto.getRandomValues(bytes);
}
