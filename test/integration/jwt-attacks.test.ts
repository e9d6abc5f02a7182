import { env } from 'cloudflare:workers';
import { base64url, decodeJwt, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, api } from '../helpers/api';
import { createCustomer, createTenant, type TestTenant } from '../helpers/factories';
import { type Forge, forgeAccessToken, jwtBuilder, nowSeconds, secretOf } from '../helpers/jwt';
import { answered, rest } from '../helpers/rest';

/** Attacks from RFC 8725 (JWT best current practice) against a protected route. */

/** Tokens for tenant `t`'s owner (test/helpers/jwt.ts); `builder` leaves kid and typ out unless given. */
const ownerOf = (t: TestTenant) => ({ tenantId: t.tenantId, userId: t.ownerId });
const builder = (t: TestTenant, f: Forge) => jwtBuilder(ownerOf(t), f);
const forgeHs = (t: TestTenant, f: Forge = {}, secret?: Uint8Array) => forgeAccessToken(ownerOf(t), f, secret);
const now = nowSeconds;

const customersWith = (token: string) => answered(rest(token).GET('/v1/customers'));

function expectUnauthenticated(res: ApiResponse, label: string) {
  expect(res.status, label).toBe(401);
  expect(res.headers.get('content-type'), label).toContain('application/problem+json');
  expect(res.body.code, label).toBe('UNAUTHENTICATED');
  expect(res.body, label).not.toHaveProperty('data');
}

describe('JWT attacks', () => {
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    a = await createTenant('Victim');
    b = await createTenant('Attacker');
    await createCustomer(a.token, { name: 'Secret customer of A' });
  });

  it('accepts a well-formed token (the forging helper is faithful) and the rotation key k-old', async () => {
    const ok = await customersWith(await forgeHs(a));
    expect(ok.status).toBe(200);
    expect(ok.body.data.map((c: { name: string }) => c.name)).toEqual(['Secret customer of A']);

    const old = await customersWith(await forgeHs(a, { kid: 'k-old' }));
    expect(old.status).toBe(200);
    expect(old.body.data).toHaveLength(1);

    // The server signs with the first key.
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(a.token.split('.')[0] as string)));
    expect(header).toMatchObject({ alg: 'HS256', kid: 'k-test', typ: 'at+jwt' });
  });

  it('refuses alg "none", however it is spelled', async () => {
    const unsecured = new UnsecuredJWT({ tid: a.tenantId, role: 'owner' })
      .setSubject(a.ownerId)
      .setIssuer(env.JWT_ISSUER)
      .setAudience(env.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    expectUnauthenticated(await customersWith(unsecured), 'UnsecuredJWT');

    // Same, but with the header an attacker would copy from a real token.
    const payload = a.token.split('.')[1] as string;
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const header = base64url.encode(JSON.stringify({ alg, kid: 'k-test', typ: 'at+jwt' }));
      expectUnauthenticated(await customersWith(`${header}.${payload}.`), `alg ${alg}`);
      // A signature copied from the real token does not help either.
      const sig = a.token.split('.')[2];
      expectUnauthenticated(await customersWith(`${header}.${payload}.${sig}`), `alg ${alg} + sig`);
    }
  });

  it('refuses HS256 signed with a wrong secret, and other HMAC sizes signed with the right one', async () => {
    const wrong = new TextEncoder().encode('a-wrong-secret-that-is-long-enough-0123456789');
    expectUnauthenticated(await customersWith(await forgeHs(a, {}, wrong)), 'wrong secret');
    expectUnauthenticated(
      await customersWith(await forgeHs(a, { kid: 'k-old' }, secretOf('k-test'))),
      'k-test secret under kid k-old',
    );
    for (const alg of ['HS384', 'HS512']) {
      expectUnauthenticated(await customersWith(await forgeHs(a, { alg })), alg);
    }
  });

  it('refuses asymmetric tokens with a known kid (algorithm allow-list, no key confusion)', async () => {
    for (const alg of ['RS256', 'ES256', 'PS256', 'EdDSA']) {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      const token = await builder(a, { alg, kid: 'k-test', typ: 'at+jwt' }).sign(privateKey);
      expectUnauthenticated(await customersWith(token), alg);
    }
    // Classic confusion: HS256 keyed with a public key the attacker knows.
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = new TextEncoder().encode(await exportSPKI(publicKey));
    expectUnauthenticated(await customersWith(await forgeHs(a, {}, pem)), 'HS256 with public key');
  });

  it('refuses unknown or missing kid', async () => {
    const secret = secretOf('k-test');
    expectUnauthenticated(await customersWith(await forgeHs(a, { kid: 'k-unknown' }, secret)), 'unknown kid');
    expectUnauthenticated(await customersWith(await forgeHs(a, { kid: '' }, secret)), 'empty kid');
    const noKid = await builder(a, { typ: 'at+jwt' }).sign(secret);
    expectUnauthenticated(await customersWith(noKid), 'no kid');
  });

  it('refuses the wrong issuer or audience', async () => {
    expectUnauthenticated(await customersWith(await forgeHs(a, { iss: 'https://evil.test' })), 'iss');
    expectUnauthenticated(await customersWith(await forgeHs(a, { aud: 'some-other-api' })), 'aud');
    const noIss = await new SignJWT({ tid: a.tenantId, role: 'owner' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k-test', typ: 'at+jwt' })
      .setSubject(a.ownerId)
      .setAudience(env.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secretOf('k-test'));
    expectUnauthenticated(await customersWith(noIss), 'no iss');
  });

  it('refuses expired tokens and tokens not valid yet, beyond the clock tolerance', async () => {
    const t = now();
    const expired = await customersWith(await forgeHs(a, { iat: t - 3600, nbf: t - 3600, exp: t - 60 }));
    expectUnauthenticated(expired, 'expired');
    expect(expired.body.detail).toMatch(/expired/i);
    expectUnauthenticated(await customersWith(await forgeHs(a, { nbf: t + 120 })), 'nbf in the future');
    // Within the 5 s tolerance a slightly skewed clock is fine.
    expect((await customersWith(await forgeHs(a, { nbf: t + 2 }))).status).toBe(200);
  });

  it('refuses a token whose payload was tampered with (tenant switched, signature kept)', async () => {
    const [header, payload, signature] = a.token.split('.') as [string, string, string];
    const claims = decodeJwt(a.token);
    expect(claims.tid).toBe(a.tenantId);
    const swapped = base64url.encode(JSON.stringify({ ...claims, tid: b.tenantId }));
    expectUnauthenticated(await customersWith(`${header}.${swapped}.${signature}`), 'tid swapped');
    const promoted = base64url.encode(JSON.stringify({ ...claims, exp: now() + 86_400 * 365 }));
    expectUnauthenticated(await customersWith(`${header}.${promoted}.${signature}`), 'exp extended');
    // A verified token is remembered by the isolate; a look-alike with another signature is not it.
    expect((await customersWith(a.token)).status).toBe(200);
    const resigned = `${signature.slice(0, -3)}${signature.slice(-3, -2) === 'A' ? 'B' : 'A'}${signature.slice(-2)}`;
    expectUnauthenticated(await customersWith(`${header}.${payload}.${resigned}`), 'signature altered');
    // And the reverse: B's own token cannot see A's data.
    const bList = await customersWith(b.token);
    expect(bList.status).toBe(200);
    expect(bList.body.data).toEqual([]);
    expect(payload).not.toBe(swapped);
  });

  it('refuses a token of another type (typ must be at+jwt)', async () => {
    for (const typ of ['JWT', 'refresh+jwt', 'id_token']) {
      expectUnauthenticated(await customersWith(await forgeHs(a, { typ })), `typ ${typ}`);
    }
    const noTyp = await builder(a, { kid: 'k-test' }).sign(secretOf('k-test'));
    expectUnauthenticated(await customersWith(noTyp), 'no typ');
    // RFC 8725 §3.11: the media type may be written in full.
    expect((await customersWith(await forgeHs(a, { typ: 'application/at+jwt' }))).status).toBe(200);
  });

  it('refuses correctly signed tokens with missing or malformed claims', async () => {
    expectUnauthenticated(await customersWith(await forgeHs(a, { claims: { role: 'superuser' } })), 'bad role');
    expectUnauthenticated(await customersWith(await forgeHs(a, { claims: { tid: 42 } })), 'numeric tid');
    expectUnauthenticated(await customersWith(await forgeHs(a, { claims: { sal: 7 } })), 'numeric sal');
    const noTid = await new SignJWT({ role: 'owner' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k-test', typ: 'at+jwt' })
      .setSubject(a.ownerId)
      .setIssuer(env.JWT_ISSUER)
      .setAudience(env.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secretOf('k-test'));
    expectUnauthenticated(await customersWith(noTid), 'no tid');
    const noExp = await new SignJWT({ tid: a.tenantId, role: 'owner' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k-test', typ: 'at+jwt' })
      .setSubject(a.ownerId)
      .setIssuer(env.JWT_ISSUER)
      .setAudience(env.JWT_AUDIENCE)
      .setIssuedAt()
      .sign(secretOf('k-test'));
    expectUnauthenticated(await customersWith(noExp), 'no exp');
  });

  it('refuses garbage credentials and malformed Authorization headers', async () => {
    for (const token of ['not-a-jwt', 'a.b.c', `${a.token}x`, a.token.split('.').slice(0, 2).join('.')]) {
      expectUnauthenticated(await customersWith(token), token.slice(0, 20));
    }
    for (const authorization of [`Basic ${a.token}`, `Token ${a.token}`, 'Bearer', 'Bearer ']) {
      const res = await api('GET', '/v1/customers', undefined, { headers: { authorization } });
      expectUnauthenticated(res, authorization.slice(0, 12));
    }
    expectUnauthenticated(await answered(rest().GET('/v1/customers')), 'no credential');
    // Exactly one token after the scheme (RFC 6750 b64token): anything after it is refused, not dropped.
    const key = await answered(rest(a.token).POST('/v1/api-keys', { body: { name: 'k', scopes: ['customers:read'] } }));
    expect(key.status).toBe(201);
    for (const authorization of [
      `Bearer ${a.token} junk`,
      `Bearer ${a.token} ${a.token}`,
      `Bearer ${a.token},junk`,
      `Bearer ${key.body.secret} junk`,
      `Bearer junk ${a.token}`,
    ]) {
      const res = await api('GET', '/v1/customers', undefined, { headers: { authorization } });
      expectUnauthenticated(res, authorization.slice(0, 12) + authorization.slice(-10));
      expect(res.body.detail).toBe('Authorization header must be "Bearer <token>"');
    }
    // The scheme is case-insensitive, and more than one space may separate it from the token.
    for (const authorization of [`bearer ${a.token}`, `BEARER  ${a.token}`, `Bearer ${key.body.secret}`]) {
      const res = await api('GET', '/v1/customers', undefined, { headers: { authorization } });
      expect(res.status, authorization.slice(0, 8)).toBe(200);
    }
    // A refresh token is not an access token.
    expectUnauthenticated(await customersWith(a.refreshToken), 'refresh token as bearer');
  });
});
