import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  buildPushRequest,
  classifyPushResponse,
  generateVapidKeys,
  MAX_PUSH_PAYLOAD_BYTES,
  type PushSubscriptionKeys,
  validateSubscription,
} from '../../src/outbound/web-push';
import {
  base64UrlDecode,
  base64UrlEncode,
  decryptWebPushMessage,
  PushDecryptError,
  type ReceiverKeys,
  verifyVapidAuthorization,
} from '../receivers/push-crypto';

/**
 * RFC 8291 section 5 (the message and its keys) and Appendix A (the intermediate values), with the
 * RFC's line wrapping removed.
 */
const RFC8291 = {
  plaintext: 'When I grow up, I want to be a watermelon',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml' +
    'mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT' +
    'pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
  asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  authSecret: 'BTBZMqHH6r4Tts7J_aSIgg',
  ecdhSecret: 'kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs',
  prkKey: 'Snr3JMxaHVDXHWJn5wdC52WjpCtd2EIEGBykDcZW32k',
  keyInfo:
    'V2ViUHVzaDogaW5mbwAEJXGyvs3942BVGq8e0PTNNmwRzr5VX4m8t7GGpTM5FzFo7OLr4BhZe9MEebhuPI-OztV3' +
    'ylkYfpJGmQ22ggCLDgT-M_SrDepxkU21WCP3O1SUj0EwbZIHMtu5pZpTKGSCIA5Zent7wmC6HCJ5mFgJkuk5cwAv' +
    'MBKiiujwa7t45ewP',
  ikm: 'S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg',
  prk: '09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc',
  cekInfo: 'Q29udGVudC1FbmNvZGluZzogYWVzMTI4Z2NtAA',
  cek: 'oIhVW04MRdy2XN9CiKLxTg',
  nonceInfo: 'Q29udGVudC1FbmNvZGluZzogbm9uY2UA',
  nonce: '4h_95klXJ5E_qnoN',
};

const rfcReceiver: ReceiverKeys = {
  privateKey: base64UrlDecode(RFC8291.uaPrivate),
  publicKey: base64UrlDecode(RFC8291.uaPublic),
  authSecret: base64UrlDecode(RFC8291.authSecret),
};

/** What a browser's pushManager.subscribe() makes: the subscription it hands out and its own keys. */
async function newSubscription(endpoint: string): Promise<{ subscription: PushSubscriptionKeys; keys: ReceiverKeys }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const publicKey = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  const { d } = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  const authSecret = crypto.getRandomValues(new Uint8Array(16));
  return {
    subscription: { endpoint, p256dh: base64UrlEncode(publicKey), auth: base64UrlEncode(authSecret) },
    keys: { privateKey: base64UrlDecode(d ?? ''), publicKey, authSecret },
  };
}

const vapidTokenAndKey = (authorization: string | null) => {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(authorization ?? '');
  if (!match?.[1] || !match[2]) throw new Error(`not a vapid header: ${authorization}`);
  return { token: match[1], k: match[2] };
};

describe('RFC 8291 Appendix A', () => {
  it('decrypts the example message to the watermelon, deriving every listed value on the way', async () => {
    const { plaintext, header, keys } = await decryptWebPushMessage(base64UrlDecode(RFC8291.body), rfcReceiver);

    expect(new TextDecoder().decode(plaintext)).toBe(RFC8291.plaintext);
    expect(base64UrlEncode(header.salt)).toBe(RFC8291.salt);
    expect(header.recordSize).toBe(4096);
    expect(base64UrlEncode(header.senderPublicKey)).toBe(RFC8291.asPublic);
    expect(header.length).toBe(86);
    expect(base64UrlEncode(keys.ecdhSecret)).toBe(RFC8291.ecdhSecret);
    expect(base64UrlEncode(keys.prkKey)).toBe(RFC8291.prkKey);
    expect(base64UrlEncode(keys.keyInfo)).toBe(RFC8291.keyInfo);
    expect(base64UrlEncode(keys.ikm)).toBe(RFC8291.ikm);
    expect(base64UrlEncode(keys.prk)).toBe(RFC8291.prk);
    expect(base64UrlEncode(keys.cekInfo)).toBe(RFC8291.cekInfo);
    expect(base64UrlEncode(keys.cek)).toBe(RFC8291.cek);
    expect(base64UrlEncode(keys.nonceInfo)).toBe(RFC8291.nonceInfo);
    expect(base64UrlEncode(keys.nonce)).toBe(RFC8291.nonce);
  });

  it('refuses the example with a changed byte, the wrong auth secret, or a truncated body', async () => {
    const body = base64UrlDecode(RFC8291.body);
    const flipped = body.slice();
    flipped[100] = (flipped[100] ?? 0) ^ 1;
    const wrongSecret = { ...rfcReceiver, authSecret: new Uint8Array(16) };
    for (const [input, keys] of [
      [flipped, rfcReceiver],
      [body, wrongSecret],
      [body.slice(0, 90), rfcReceiver],
      [body.slice(0, 40), rfcReceiver],
    ] as const) {
      await expect(decryptWebPushMessage(input, keys)).rejects.toBeInstanceOf(PushDecryptError);
    }
  });
});

describe('buildPushRequest', () => {
  it('encrypts for the subscription and signs a VAPID token for the endpoint origin', async () => {
    const { subscription, keys } = await newSubscription('https://push.example.net/wpush/v2/abc123');
    const vapid = { subject: 'mailto:ops@fieldline.example', ...(await generateVapidKeys()) };
    const payload = JSON.stringify({ title: 'Order #42 confirmed', body: 'Grüße, 3 × 🍉' });

    const { url, init } = buildPushRequest(subscription, payload, vapid, {
      ttlSeconds: 3600,
      urgency: 'high',
      topic: 'order-42',
    });

    expect(url).toBe(subscription.endpoint);
    expect(init.method).toBe('POST');
    const headers = new Headers(init.headers);
    expect(headers.get('ttl')).toBe('3600');
    expect(headers.get('urgency')).toBe('high');
    expect(headers.get('topic')).toBe('order-42');
    expect(headers.get('content-encoding')).toBe('aes128gcm');
    expect(headers.get('content-type')).toBe('application/octet-stream');
    expect(init.body).toBeInstanceOf(Uint8Array);
    const body = init.body as Uint8Array;
    const { plaintext } = await decryptWebPushMessage(body, keys);
    expect(new TextDecoder().decode(plaintext)).toBe(payload);

    const { token, k } = vapidTokenAndKey(headers.get('authorization'));
    expect(k).toBe(vapid.publicKey);
    const key = await crypto.subtle.importKey(
      'raw',
      base64UrlDecode(k) as Uint8Array<ArrayBuffer>,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const { payload: claims, protectedHeader } = await jwtVerify(token, key, {
      audience: 'https://push.example.net',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(claims.sub).toBe(vapid.subject);
    const now = Math.floor(Date.now() / 1000);
    expect(claims.exp).toBeGreaterThan(now);
    expect(claims.exp).toBeLessThanOrEqual(now + 24 * 60 * 60);

    // The push service's own check agrees, and holds the token to its audience.
    const check = await verifyVapidAuthorization(headers.get('authorization'), {
      audience: 'https://push.example.net',
    });
    expect(check).toMatchObject({ ok: true, subject: vapid.subject, publicKey: vapid.publicKey });
    const elsewhere = await verifyVapidAuthorization(headers.get('authorization'), {
      audience: 'https://other.example.net',
    });
    expect(elsewhere).toMatchObject({ ok: false, status: 403 });
  });

  it('encrypts each message afresh, an empty payload too, and refuses one too large for a push service', async () => {
    const { subscription, keys } = await newSubscription('https://push.example.net/p/1');
    const vapid = { subject: 'https://fieldline.example/contact', ...(await generateVapidKeys()) };
    const options = { ttlSeconds: 0, urgency: 'normal' } as const;

    const first = buildPushRequest(subscription, 'same', vapid, options).init.body as Uint8Array;
    const second = buildPushRequest(subscription, 'same', vapid, options).init.body as Uint8Array;
    expect(base64UrlEncode(first)).not.toBe(base64UrlEncode(second));

    const empty = buildPushRequest(subscription, '', vapid, options);
    expect(new Headers(empty.init.headers).get('ttl')).toBe('0');
    expect(new Headers(empty.init.headers).has('topic')).toBe(false);
    expect((await decryptWebPushMessage(empty.init.body as Uint8Array, keys)).plaintext).toHaveLength(0);

    const largest = buildPushRequest(subscription, 'x'.repeat(MAX_PUSH_PAYLOAD_BYTES), vapid, options);
    expect((largest.init.body as Uint8Array).length).toBe(4096);
    expect(() => buildPushRequest(subscription, 'x'.repeat(MAX_PUSH_PAYLOAD_BYTES + 1), vapid, options)).toThrow(
      RangeError,
    );
  });
});

describe('verifyVapidAuthorization', () => {
  it('answers 401 without vapid authentication and 403 for a token that is not right', async () => {
    const { subscription } = await newSubscription('https://push.example.net/p/2');
    const vapid = { subject: 'mailto:ops@fieldline.example', ...(await generateVapidKeys()) };
    const other = await generateVapidKeys();
    const { init } = buildPushRequest(subscription, 'hi', vapid, { ttlSeconds: 60, urgency: 'low' });
    const { token, k } = vapidTokenAndKey(new Headers(init.headers).get('authorization'));
    const audience = 'https://push.example.net';

    for (const header of [null, '', 'WebPush abc', `Bearer ${token}`, `vapid t=${token}`, `vapid k=${k}`]) {
      expect(await verifyVapidAuthorization(header, { audience }), String(header)).toMatchObject({ status: 401 });
    }
    // A changed character inside the signature (the last one partly encodes padding bits).
    const at = token.lastIndexOf('.') + 5;
    const tampered = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    for (const header of [
      `vapid t=${token}, k=${other.publicKey}`,
      `vapid t=${tampered}, k=${k}`,
      `vapid t=${token}, k=not-a-key`,
    ]) {
      expect(await verifyVapidAuthorization(header, { audience }), header).toMatchObject({ status: 403 });
    }
    // Parameters in either order and any spacing are the same header.
    expect(await verifyVapidAuthorization(`VAPID k=${k},t=${token}`, { audience })).toMatchObject({ ok: true });
    // web-push signs for 12 hours: expired 13 hours on, and 13 hours earlier the exp is too far ahead.
    const hour = 3_600_000;
    expect(
      await verifyVapidAuthorization(`vapid t=${token}, k=${k}`, { audience, now: Date.now() + 13 * hour }),
    ).toMatchObject({ status: 403, reason: 'JWT has expired' });
    expect(
      await verifyVapidAuthorization(`vapid t=${token}, k=${k}`, { audience, now: Date.now() - 13 * hour }),
    ).toMatchObject({ status: 403, reason: 'JWT exp is more than 24 hours ahead' });
  });
});

describe('classifyPushResponse', () => {
  it('maps push service statuses to what the sender does next', () => {
    for (const status of [200, 201, 202]) expect(classifyPushResponse(status)).toBe('sent');
    for (const status of [404, 410]) expect(classifyPushResponse(status)).toBe('gone');
    for (const status of [429, 500, 502, 503, 504]) expect(classifyPushResponse(status)).toBe('retry');
    for (const status of [400, 401, 403, 413, 415, 204, 301]) expect(classifyPushResponse(status)).toBe('failed');
  });
});

describe('generateVapidKeys', () => {
  it('makes a P-256 pair: a 65-byte uncompressed public point and a 32-byte private scalar', async () => {
    const keys = await generateVapidKeys();
    const publicKey = base64UrlDecode(keys.publicKey);
    expect(publicKey).toHaveLength(65);
    expect(publicKey[0]).toBe(0x04);
    expect(base64UrlDecode(keys.privateKey)).toHaveLength(32);
  });
});

describe('validateSubscription', () => {
  it('accepts a browser subscription and says what is wrong with a bad one', async () => {
    const { subscription: good } = await newSubscription('https://fcm.googleapis.com/fcm/send/abc:def');
    expect(validateSubscription(good)).toBeNull();

    const publicKey = base64UrlDecode(good.p256dh);
    const compressed = Uint8Array.of(0x02 | ((publicKey[64] ?? 0) & 1), ...publicKey.subarray(1, 33));
    const cases: [unknown, RegExp][] = [
      [null, /is an object/],
      ['https://push.example.net', /is an object/],
      [{ ...good, endpoint: 'not a url' }, /absolute URL/],
      [{ ...good, endpoint: 'http://push.example.net/p/1' }, /https URL/],
      [{ ...good, endpoint: 'http://127.0.0.1:9000/push/1' }, /https URL/],
      [{ ...good, endpoint: 'ftp://push.example.net/p/1' }, /https URL/],
      [{ ...good, endpoint: 'https://user:pw@push.example.net/p/1' }, /credentials/],
      [{ ...good, p256dh: undefined }, /p256dh must be base64url/],
      [{ ...good, p256dh: `${good.p256dh}=` }, /p256dh must be base64url/],
      [{ ...good, p256dh: `+${good.p256dh.slice(1)}` }, /p256dh must be base64url/],
      [{ ...good, p256dh: base64UrlEncode(compressed) }, /got 33 bytes/],
      [{ ...good, p256dh: base64UrlEncode(publicKey.subarray(0, 64)) }, /got 64 bytes/],
      [{ ...good, auth: base64UrlEncode(new Uint8Array(15)) }, /auth must be 16 bytes, got 15/],
      [{ ...good, auth: 12 }, /auth must be base64url/],
    ];
    for (const [input, message] of cases) {
      expect(validateSubscription(input), JSON.stringify(input)).toMatch(message);
    }
  });

  it('allows http to a loopback host only when asked (the local push service)', () => {
    const keys = { p256dh: RFC8291.uaPublic, auth: RFC8291.authSecret };
    for (const endpoint of [
      'http://127.0.0.1:9000/push/a',
      'http://localhost:9000/push/a',
      'http://[::1]:9000/push/a',
    ]) {
      expect(validateSubscription({ endpoint, ...keys }), endpoint).toMatch(/https URL/);
      expect(validateSubscription({ endpoint, ...keys }, { allowLoopback: true }), endpoint).toBeNull();
    }
    for (const endpoint of ['http://10.0.0.1/push/a', 'http://push.example.net/a', 'http://127.0.0.1.example.net/a']) {
      expect(validateSubscription({ endpoint, ...keys }, { allowLoopback: true }), endpoint).toMatch(/loopback/);
    }
  });

  it('accepts exactly the points WebCrypto accepts as P-256 keys', async () => {
    for (let i = 0; i < 10; i++) {
      const { subscription } = await newSubscription('https://push.example.net/p/3');
      const point = base64UrlDecode(subscription.p256dh);
      const offCurve = point.slice();
      offCurve[64] = (offCurve[64] ?? 0) ^ 1;
      for (const [candidate, onCurve] of [
        [point, true],
        [offCurve, false],
      ] as const) {
        const imported = await crypto.subtle
          .importKey('raw', candidate as Uint8Array<ArrayBuffer>, { name: 'ECDH', namedCurve: 'P-256' }, false, [])
          .then(
            () => true,
            () => false,
          );
        expect(imported).toBe(onCurve);
        const message = validateSubscription({ ...subscription, p256dh: base64UrlEncode(candidate) });
        expect(message === null).toBe(onCurve);
      }
    }
  });
});
