// By hand, not part of the suite: the local push service end to end in Node, fed by the Worker's own
// request builder (src/outbound/web-push.ts, which runs in Node as well):
//
//   PATH=node_modules/node/bin:$PATH node test/receivers/push-service.check.mjs
//
// Both TypeScript modules are bundled with esbuild into a temporary file first, as bench/ does.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');

async function load() {
  const bundle = await build({
    stdin: {
      contents:
        "export * from './src/outbound/web-push.ts'; export * from './test/receivers/push-service.ts';" +
        "export * from './test/receivers/push-crypto.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'error',
    // web-push is CommonJS and requires Node built-ins, which an ESM bundle has to be given.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const dir = await mkdtemp(join(tmpdir(), 'push-check-'));
  const file = join(dir, 'bundle.mjs');
  await writeFile(file, bundle.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    await rm(dir, { recursive: true });
  }
}

const m = await load();
const service = await m.startPushService();
const control = (path, body) =>
  fetch(`${service.url}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
const subscribe = async () => (await control('/_control/subscribe', {})).json();
const messagesOf = async (id) => (await fetch(`${service.url}/_control/messages?id=${id}`)).json();
const idOf = (sub) => sub.endpoint.split('/push/')[1];
const flat = (sub) => ({ endpoint: sub.endpoint, ...sub.keys });
const vapid = { subject: 'mailto:ops@fieldline.example', ...(await m.generateVapidKeys()) };
const options = { ttlSeconds: 120, urgency: 'high', topic: 'order-42' };
const send = async (sub, payload, opts = options, keys = vapid) => {
  const { url, init } = m.buildPushRequest(flat(sub), payload, keys, opts);
  return fetch(url, init);
};
const results = [];
const check = async (name, fn) => {
  await fn();
  results.push(name);
  console.log(`ok  ${name}`);
};

try {
  const sub = await subscribe();

  await check('a subscription from the service passes validateSubscription (loopback allowed)', () => {
    assert.match(sub.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/push\/[\w-]+$/);
    assert.equal(m.validateSubscription(flat(sub), { allowLoopback: true }), null);
    assert.match(m.validateSubscription(flat(sub)), /https URL/);
  });

  await check('a push is verified, decrypted and stored: 201 with a Location', async () => {
    const payload = JSON.stringify({ title: 'Order #42', body: 'Grüße 🍉' });
    const res = await send(sub, payload);
    assert.equal(res.status, 201);
    assert.match(res.headers.get('location'), new RegExp(`^${service.url}/message/[\\w-]+$`));
    assert.equal(m.classifyPushResponse(res.status), 'sent');
    const [message, ...rest] = await messagesOf(idOf(sub));
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { ...message, messageId: undefined, receivedAt: undefined },
      {
        id: idOf(sub),
        messageId: undefined,
        payload,
        ttl: 120,
        urgency: 'high',
        topic: 'order-42',
        vapidSub: vapid.subject,
        receivedAt: undefined,
      },
    );
    // An empty payload and one of the largest size arrive too; no topic, default fields.
    assert.equal((await send(sub, '', { ttlSeconds: 0, urgency: 'normal' })).status, 201);
    const largest = 'x'.repeat(m.MAX_PUSH_PAYLOAD_BYTES);
    assert.equal((await send(sub, largest, { ttlSeconds: 0, urgency: 'very-low' })).status, 201);
    const all = await messagesOf(idOf(sub));
    assert.deepEqual(
      all.slice(1).map((x) => [x.payload.length, x.ttl, x.urgency, x.topic]),
      [
        [0, 0, 'normal', null],
        [m.MAX_PUSH_PAYLOAD_BYTES, 0, 'very-low', null],
      ],
    );
  });

  await check('bad requests get the status a push service gives', async () => {
    const other = await subscribe();
    const good = () => m.buildPushRequest(flat(sub), 'hello', vapid, options);
    const post = (init, headers = {}) => {
      const h = new Headers(init.headers);
      for (const [name, value] of Object.entries(headers)) {
        if (value === null) h.delete(name);
        else h.set(name, value);
      }
      return fetch(sub.endpoint, { ...init, headers: h });
    };
    const statuses = {};
    statuses.noAuthorization = (await post(good().init, { authorization: null })).status;
    statuses.otherScheme = (await post(good().init, { authorization: 'WebPush abc' })).status;
    const foreign = m.buildPushRequest({ ...flat(sub), endpoint: 'https://push.example.net/x' }, 'hi', vapid, options);
    statuses.wrongAudience = (await post(foreign.init)).status;
    const otherKeys = await m.generateVapidKeys();
    const k = good().init.headers.get('authorization').replace(/k=.*$/, `k=${otherKeys.publicKey}`);
    statuses.wrongKey = (await post(good().init, { authorization: k })).status;
    statuses.noTtl = (await post(good().init, { ttl: null })).status;
    statuses.badUrgency = (await post(good().init, { urgency: 'urgent' })).status;
    statuses.badTopic = (await post(good().init, { topic: 'not a topic!' })).status;
    statuses.aesgcm = (await post(good().init, { 'content-encoding': 'aesgcm' })).status;
    const corrupted = good().init;
    corrupted.body[100] ^= 1;
    statuses.corrupted = (await post(corrupted)).status;
    const forOther = m.buildPushRequest({ ...flat(other), endpoint: sub.endpoint }, 'hi', vapid, options);
    statuses.encryptedForAnother = (await post(forOther.init)).status;
    statuses.tooLarge = (await post({ ...good().init, body: new Uint8Array(4097) })).status;
    statuses.unknownSubscription = (await fetch(`${service.url}/push/nope`, good().init)).status;
    assert.deepEqual(statuses, {
      noAuthorization: 401,
      otherScheme: 401,
      wrongAudience: 403,
      wrongKey: 403,
      noTtl: 400,
      badUrgency: 400,
      badTopic: 400,
      aesgcm: 415,
      corrupted: 400,
      encryptedForAnother: 400,
      tooLarge: 413,
      unknownSubscription: 404,
    });
    assert.equal((await messagesOf(idOf(sub))).length, 3, 'nothing refused was stored');
  });

  await check('configured answers: 429 twice with Retry-After, 500 once, then normal again', async () => {
    const s = await subscribe();
    assert.equal(
      (await control('/_control/answer', { id: idOf(s), status: 429, times: 2, retryAfter: 7 })).status,
      200,
    );
    const first = await send(s, 'a');
    assert.deepEqual([first.status, first.headers.get('retry-after')], [429, '7']);
    assert.equal((await send(s, 'b')).status, 429);
    assert.equal((await send(s, 'c')).status, 201);
    await control('/_control/answer', { endpoint: s.endpoint, status: 500 });
    const failed = await send(s, 'd');
    assert.equal(failed.status, 500);
    assert.equal(m.classifyPushResponse(failed.status), 'retry');
    assert.equal((await send(s, 'e')).status, 201);
    // 201 lifts an override early.
    await control('/_control/answer', { id: idOf(s), status: 429, times: 5 });
    await control('/_control/answer', { id: idOf(s), status: 201 });
    assert.equal((await send(s, 'f')).status, 201);
    assert.deepEqual(
      (await messagesOf(idOf(s))).map((x) => x.payload),
      ['c', 'e', 'f'],
    );
  });

  await check('410 without times forgets the subscription for good; 404 with times only for a while', async () => {
    const gone = await subscribe();
    await control('/_control/answer', { endpoint: gone.endpoint, status: 410 });
    for (let i = 0; i < 3; i++) assert.equal((await send(gone, 'x')).status, 410);
    assert.equal(m.classifyPushResponse(410), 'gone');
    const flaky = await subscribe();
    await control('/_control/answer', { id: idOf(flaky), status: 404, times: 1 });
    assert.equal((await send(flaky, 'x')).status, 404);
    assert.equal((await send(flaky, 'y')).status, 201);
    const bad = await control('/_control/answer', { id: idOf(flaky), status: 418 });
    assert.equal(bad.status, 400);
    assert.equal((await control('/_control/answer', { id: 'nope', status: 410 })).status, 404);
  });

  await check('200 pushes in parallel to 20 subscriptions all arrive', async () => {
    const subs = await Promise.all(Array.from({ length: 20 }, subscribe));
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => send(subs[i % 20], `message ${i}`).then((r) => r.status)),
    );
    const ms = performance.now() - started;
    assert.ok(statuses.every((s) => s === 201));
    const counts = await Promise.all(subs.map(async (s) => (await messagesOf(idOf(s))).length));
    assert.ok(counts.every((n) => n === 10));
    console.log(`    (200 pushes: build + send + verify + decrypt in ${ms.toFixed(0)} ms)`);
  });

  await check('GET /_control/messages lists everything; reset forgets it all', async () => {
    const all = await (await fetch(`${service.url}/_control/messages`)).json();
    assert.ok(all.length >= 200);
    assert.equal((await control('/_control/reset', {})).status, 204);
    assert.deepEqual(await (await fetch(`${service.url}/_control/messages`)).json(), []);
    assert.equal((await send(sub, 'after reset')).status, 404);
    assert.equal((await fetch(`${service.url}/_control/messages?id=${idOf(sub)}`)).status, 404);
  });
} finally {
  await service.close();
}
console.log(`\n${results.length} checks passed; the push service closed.`);
