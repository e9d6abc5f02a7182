/**
 * Where a webhook may point. Deliveries are requests the platform makes on a tenant's behalf, so an
 * endpoint must not turn Fieldline into a way to reach addresses that are not the public internet
 * (server-side request forgery): only https, to a public host name or a public address. The check runs
 * when an endpoint is saved and again before every attempt (a host may have been saved under looser
 * settings). Names that resolve to a private address cannot be caught here (Workers do not expose DNS);
 * Cloudflare's own egress does not route to private networks.
 */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return 'must use https';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  if (allowPrivate) return null;
  const host = url.hostname.toLowerCase();
  if (host.startsWith('[')) return ipv6Problem(host.slice(1, -1));
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return ipv4Problem(host);
  if (!host.includes('.')) return 'must name a public host';
  if (/(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/.test(host)) return 'must name a public host';
  return null;
}

const PRIVATE_V4: [number, number][] = [
  [0x00000000, 8], // "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10, carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // 169.254/16, link-local (cloud metadata)
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24, protocol assignments
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15, benchmarking
  [0xe0000000, 3], // multicast and reserved, up to 255.255.255.255
];

function ipv4Problem(host: string): string | null {
  const parts = host.split('.').map(Number);
  if (parts.some((p) => p > 255)) return 'must be a valid address';
  const value =
    ((parts[0] ?? 0) * 2 ** 24 + (parts[1] ?? 0) * 2 ** 16 + (parts[2] ?? 0) * 2 ** 8 + (parts[3] ?? 0)) >>> 0;
  const inside = PRIVATE_V4.some(([base, bits]) => value >>> (32 - bits) === base >>> (32 - bits));
  return inside ? 'must not be a private, loopback or link-local address' : null;
}

function ipv6Problem(host: string): string | null {
  const h = host.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped?.[1]) return ipv4Problem(mapped[1]);
  // The URL parser writes mapped IPv4 in hex (::ffff:7f00:1): anything ::ffff: is refused.
  if (h === '::' || h === '::1' || h.startsWith('::ffff:'))
    return 'must not be a private, loopback or link-local address';
  const first = Number.parseInt(h.split(':')[0] || '0', 16);
  // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast.
  if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00) {
    return 'must not be a private, loopback or link-local address';
  }
  return null;
}
