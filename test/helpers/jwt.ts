import { env } from 'cloudflare:workers';
import { SignJWT } from 'jose';

/** Forged access tokens, signed like the server's (src/auth/tokens.ts) with the test config's JWT_KEYS. */

const keys = new Map(
  env.JWT_KEYS.split(',').map((pair) => {
    const i = pair.indexOf(':');
    return [pair.slice(0, i), new TextEncoder().encode(pair.slice(i + 1))] as const;
  }),
);

/** The secret of `kid` in the test config. */
export function secretOf(kid: string): Uint8Array {
  const secret = keys.get(kid);
  if (!secret) throw new Error(`test config lacks JWT key ${kid}`);
  return secret;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Whose token it is: the `tid`, `sub`, `role` and `sal` claims. */
export interface TokenSubject {
  tenantId: string;
  userId: string;
  role?: string;
  salesmanId?: string | undefined;
}

/** Header and registered claims to forge; anything left out is what the server would put there. */
export interface Forge {
  alg?: string;
  kid?: string | undefined;
  typ?: string | undefined;
  iss?: string;
  aud?: string;
  /** Seconds since the epoch; default now + 300. */
  exp?: number;
  /** Default: iat. */
  nbf?: number;
  /** Default: 10 s before now (or before exp when that is earlier), like a token already in use. */
  iat?: number;
  /** Extra or overriding private claims. */
  claims?: Record<string, unknown>;
}

/** An unsigned token builder; the header carries `kid` and `typ` only when given. */
export function jwtBuilder(subject: TokenSubject, f: Forge = {}): SignJWT {
  const header: Record<string, unknown> = { alg: f.alg ?? 'HS256' };
  if (f.kid !== undefined) header.kid = f.kid;
  if (f.typ !== undefined) header.typ = f.typ;
  const exp = f.exp ?? nowSeconds() + 300;
  const iat = f.iat ?? Math.min(nowSeconds(), exp) - 10;
  return new SignJWT({
    tid: subject.tenantId,
    role: subject.role ?? 'owner',
    ...(subject.salesmanId ? { sal: subject.salesmanId } : {}),
    ...f.claims,
  })
    .setProtectedHeader(header as { alg: string })
    .setSubject(subject.userId)
    .setIssuer(f.iss ?? env.JWT_ISSUER)
    .setAudience(f.aud ?? env.JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setNotBefore(f.nbf ?? iat)
    .setExpirationTime(exp)
    .setJti(crypto.randomUUID());
}

/** An access token exactly like the server's (kid k-test, typ at+jwt), signed with `kid`'s secret unless `secret` says otherwise. */
export const forgeAccessToken = (subject: TokenSubject, f: Forge = {}, secret?: Uint8Array) =>
  jwtBuilder(subject, { kid: 'k-test', typ: 'at+jwt', ...f }).sign(secret ?? secretOf(f.kid ?? 'k-test'));
