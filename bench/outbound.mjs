// Outbound delivery benchmark (docs/webhooks.md). The built Worker in one workerd process on local D1
// (bench/serve-worker.mjs), pinned to core 0, with its queues; the webhook receiver of the test suite
// (test/receivers/webhook-receiver.ts: verifies every Standard Webhooks signature) and this driver in
// one Node process, unpinned.
//   1. Commit → verified receipt: --events customer creations (--concurrency requests in flight), each an
//      event every endpoint wants, with 1 endpoint and with 20. Deliveries per second from the first
//      commit to the last receipt; per delivery, the time from the end of the request that committed the
//      event to its receipt (p50, p95, max).
//   2. The same with 1 endpoint whose receiver answers 500 to 20 % of requests at random (retries after
//      1 s here): every event must arrive once (0 lost, 0 received twice).
//   3. 1 endpoint at 10 events/s: the latency of a delivery when no backlog builds up.
//   4. Web push: --push-users salesmen with --push-devices devices each at the local push service of the
//      test suite (test/receivers/push-service.ts: checks every VAPID token and decrypts every message),
//      then --push-messages team-wide messages from the owner: pushes per second and commit → receipt;
//      again with the push service failing 20 % of pushes (500, retried after 1 s): 0 lost, 0 twice.
// Writes the `outbound` section of docs/benchmarks.md.
//   npm run bench:outbound [-- --events 1000 --concurrency 8 --push-users 10 --push-devices 10 --push-messages 20]
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { vapidKeys } from '../scripts/dev-vars.mjs';
import { startWebhookReceiver } from '../test/receivers/webhook-receiver.ts';
import { buildWorker, call as callAt, freePort, freshDatabase, root, startServer, stopAll, waitFor } from './lib.mjs';
import { writeBenchmarkSection } from './report.mjs';

const { values: opts } = parseArgs({
  options: {
    events: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    'push-users': { type: 'string', default: '10' },
    'push-devices': { type: 'string', default: '10' },
    'push-messages': { type: 'string', default: '20' },
  },
});
const PUSH_USERS = Number(opts['push-users']);
const PUSH_DEVICES = Number(opts['push-devices']);
const PUSH_MESSAGES = Number(opts['push-messages']);
const VAPID = vapidKeys();
const EVENTS = Number(opts.events);
const CONCURRENCY = Number(opts.concurrency);
const STATE = join(root, '.wrangler', 'bench-outbound-state');

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function serve(app) {
  freshDatabase(STATE);
  const port = await freePort();
  startServer({
    config: app,
    port,
    stateDir: STATE,
    // Local receivers; retries after 1 s so the failing run ends within minutes.
    vars: {
      WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_RETRY_SCHEDULE: '1,1,1,1,1,1,1',
      WEBHOOK_TIMEOUT_MS: '5000',
      VAPID_PUBLIC_KEY: VAPID.publicKey,
      VAPID_PRIVATE_KEY: VAPID.privateKey,
      NOTIFICATION_RETRY_SCHEDULE: '1,1,1,1,1,1,1',
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/health`);
  return { origin, call: (method, path, body, token) => callAt(origin, method, path, body, token) };
}

async function control(receiver, name, config) {
  const res = await fetch(`${receiver.url}/_control/hooks/${name}`, { method: 'PUT', body: JSON.stringify(config) });
  if (res.status !== 200) throw new Error(`receiver control: ${res.status}`);
}
const stateOf = async (receiver, name) => (await fetch(`${receiver.url}/_control/hooks/${name}`)).json();

async function signup(server) {
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
  const res = await server.call('POST', '/v1/auth/signup', {
    tenantName: 'Outbound Bench',
    name: 'Bench Owner',
    email,
    password: 'correct horse battery staple',
    timezone: 'Europe/Berlin',
    currency: 'EUR',
  });
  return res.accessToken;
}

/** A fresh tenant with `endpoints` endpoints on the receiver (all `customer:*`), told their secrets. */
async function tenantWithEndpoints(server, receiver, endpoints, receiverConfig = {}) {
  const token = await signup(server);
  const names = [];
  for (let i = 0; i < endpoints; i++) {
    const name = `b${Date.now().toString(36)}${i}`;
    await control(receiver, name, { secrets: [] });
    const created = await server.call(
      'POST',
      '/v1/webhooks',
      { url: `${receiver.url}/hooks/${name}`, eventTypes: ['customer:*'] },
      token,
    );
    await control(receiver, name, { secrets: [created.secret], ...receiverConfig });
    names.push(name);
  }
  return { token, names };
}

/**
 * Creates `count` customers, CONCURRENCY at a time (or one every 1000/`rate` ms when `rate` is set);
 * answers when each request that committed one ended.
 */
async function commitEvents(server, token, count, rate) {
  const committedAt = new Map();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (rate) await new Promise((r) => setTimeout(r, Math.max(0, started + (i * 1000) / rate - Date.now())));
      const customer = await server.call(
        'POST',
        '/v1/customers',
        { name: `Bench customer ${i}`, city: 'Berlin' },
        token,
      );
      committedAt.set(customer.id, Date.now());
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: rate ? 1 : CONCURRENCY }, worker));
  return { committedAt, started, writeMs: Date.now() - started };
}

async function run(server, receiver, endpoints, receiverConfig = {}, count = EVENTS, rate = 0) {
  const { token, names } = await tenantWithEndpoints(server, receiver, endpoints, receiverConfig);
  const { committedAt, started, writeMs } = await commitEvents(server, token, count, rate);
  const expected = count * endpoints;
  const deadline = Date.now() + 30 * 60_000;
  let states = [];
  for (;;) {
    states = await Promise.all(names.map((n) => stateOf(receiver, n)));
    const received = states.reduce((sum, s) => sum + s.received.length, 0);
    if (received >= expected) break;
    if (Date.now() > deadline) throw new Error(`only ${received} of ${expected} deliveries arrived`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Let late duplicates show up, if there were any.
  await new Promise((r) => setTimeout(r, 3000));
  states = await Promise.all(names.map((n) => stateOf(receiver, n)));
  const received = states.flatMap((s) => s.received);
  const latencies = received.map((r) => r.receivedAt - committedAt.get(r.body.data.entityId));
  const lastReceipt = Math.max(...received.map((r) => r.receivedAt));
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const s of states) {
    const ids = s.received.map((r) => r.webhookId);
    duplicated += ids.length - new Set(ids).size;
    const entities = new Set(s.received.map((r) => r.body.data.entityId));
    lost += [...committedAt.keys()].filter((id) => !entities.has(id)).length;
    const seqs = s.received.map((r) => r.seq);
    outOfOrder += seqs.filter((seq, i) => i > 0 && seq < seqs[i - 1]).length;
  }
  const requests = states.reduce((sum, s) => sum + s.requests.length, 0);
  const refused = states.reduce((sum, s) => sum + s.refused.length, 0);
  const result = {
    endpoints,
    deliveries: received.length,
    seconds: (lastReceipt - started) / 1000,
    perSecond: received.length / ((lastReceipt - started) / 1000),
    writeSeconds: writeMs / 1000,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: Math.max(...latencies),
    requests,
    refused,
    lost,
    duplicated,
    outOfOrder,
  };
  console.log(JSON.stringify(result));
  return result;
}

/** The local push service of the test suite, bundled for Node (it is TypeScript importing TypeScript). */
async function loadPushService(work) {
  const out = join(work, 'push-service.mjs');
  await build({
    entryPoints: [join(root, 'test', 'receivers', 'push-service.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'warning',
  });
  return (await import(pathToFileURL(out).href)).startPushService;
}

/**
 * A new tenant with PUSH_USERS salesmen, each with PUSH_DEVICES devices at `push`, then PUSH_MESSAGES
 * team-wide messages from the owner, one at a time: every message is one push to every device.
 */
async function pushRun(server, push) {
  const owner = await signup(server);
  const devices = [];
  for (let u = 0; u < PUSH_USERS; u++) {
    const email = `rep${u}-${Date.now()}@example.test`;
    const password = 'correct horse battery staple';
    const user = await server.call('POST', '/v1/users', { email, name: `Rep ${u}`, role: 'salesman', password }, owner);
    await server.call('POST', '/v1/salesmen', { name: `Rep ${u}`, userId: user.id }, owner);
    const login = await server.call('POST', '/v1/auth/login', { email, password });
    for (let d = 0; d < PUSH_DEVICES; d++) {
      const sub = await (await fetch(`${push.url}/_control/subscribe`, { method: 'POST' })).json();
      await server.call('POST', '/v1/push/subscriptions', sub, login.accessToken);
      devices.push(sub.endpoint.split('/push/')[1]);
    }
  }
  const mine = new Set(devices);
  const committedAt = new Map();
  const started = Date.now();
  for (let m = 0; m < PUSH_MESSAGES; m++) {
    const sent = await server.call('POST', '/v1/notifications', { title: `Bench ${m}`, body: 'Team news' }, owner);
    committedAt.set(sent.id, Date.now());
  }
  const writeMs = Date.now() - started;
  const expected = devices.length * PUSH_MESSAGES;
  const ours = async () =>
    (await (await fetch(`${push.url}/_control/messages`)).json()).filter((message) => mine.has(message.id));
  const deadline = Date.now() + 30 * 60_000;
  let messages = [];
  for (;;) {
    messages = await ours();
    if (new Set(messages.map((x) => `${x.id}:${JSON.parse(x.payload).id}`)).size >= expected) break;
    if (Date.now() > deadline) throw new Error(`only ${messages.length} of ${expected} pushes arrived`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Let late duplicates show up, if there were any.
  await new Promise((r) => setTimeout(r, 3000));
  messages = await ours();
  const pairs = new Set(messages.map((x) => `${x.id}:${JSON.parse(x.payload).id}`));
  let lost = 0;
  for (const device of devices) for (const id of committedAt.keys()) if (!pairs.has(`${device}:${id}`)) lost++;
  const latencies = messages.map((x) => x.receivedAt - committedAt.get(JSON.parse(x.payload).id));
  const last = Math.max(...messages.map((x) => x.receivedAt));
  const result = {
    devices: devices.length,
    pushes: messages.length,
    writeSeconds: writeMs / 1000,
    seconds: (last - started) / 1000,
    perSecond: messages.length / ((last - started) / 1000),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: Math.max(...latencies),
    lost,
    duplicated: messages.length - pairs.size,
  };
  console.log(JSON.stringify(result));
  return result;
}

async function main() {
  const load = loadavg()[0];
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'fieldline-bench-outbound-'));
  const app = buildWorker(join(root, 'wrangler.jsonc'), join(work, 'app'));
  const receiver = await startWebhookReceiver();
  const server = await serve(app);
  const results = [];
  results.push({ label: '1 endpoint', ...(await run(server, receiver, 1)) });
  results.push({ label: '20 endpoints', ...(await run(server, receiver, 20)) });
  results.push({ label: '1 endpoint, receiver fails 20 %', ...(await run(server, receiver, 1, { failRate: 0.2 })) });
  // Below capacity: the latency of one delivery rather than of a backlog.
  results.push({ label: '1 endpoint, 10 events/s (200)', ...(await run(server, receiver, 1, {}, 200, 10)) });
  const startPushService = await loadPushService(work);
  const pushResults = [];
  for (const [label, failRate] of [
    ['push', 0],
    ['push, push service fails 20 %', 0.2],
  ]) {
    const push = await startPushService({ failRate });
    pushResults.push({ label, ...(await pushRun(server, push)) });
    await push.close();
  }
  stopAll();
  await receiver.close();
  const s = (x) => x.toFixed(1);
  const rows = results.map(
    (r) =>
      `| ${r.label} | ${r.deliveries} | ${s(r.writeSeconds)} | ${s(r.seconds)} | ${r.perSecond.toFixed(0)} | ${r.p50} / ${r.p95} / ${r.max} | ${r.requests} | ${r.lost} | ${r.duplicated} | ${r.outOfOrder} | ${r.refused} |`,
  );
  const section = [
    `Command: \`npm run bench:outbound -- --events ${EVENTS} --concurrency ${CONCURRENCY}\``,
    `Date: ${new Date().toISOString().slice(0, 10)} · Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load ${load.toFixed(2)} at the start · ` +
      `${((Date.now() - started) / 60_000).toFixed(1)} min. The Worker built once, served by one workerd process on local D1 with its queues (bench/serve-worker.mjs), pinned to core 0; the driver and the webhook receiver (test/receivers/webhook-receiver.ts, verifying every signature with \`standardwebhooks\`) in one Node process, unpinned.`,
    '',
    `Each run: a new tenant, its endpoints (all \`customer:*\`) on the local receiver, then ${EVENTS} customers created ${CONCURRENCY} requests at a time through REST (the last run: 200, one every 100 ms, below what one endpoint's sender keeps up with); every creation is one event every endpoint wants. "Latency" runs from the end of the request that committed the event to its verified receipt. Retries come after 1 s in this run (WEBHOOK_RETRY_SCHEDULE=1,…; the default starts at 5 s).`,
    '',
    '| run | deliveries | writes took (s) | first commit → last receipt (s) | deliveries/s | latency p50 / p95 / max (ms) | requests to the receiver | lost | received twice | out of seq order | bad signatures |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Web push: a new tenant with ${PUSH_USERS} salesmen × ${PUSH_DEVICES} devices at the local push service of the test suite (test/receivers/push-service.ts, in the driver's process: it verifies every VAPID token and decrypts every aes128gcm message with the device's keys), then ${PUSH_MESSAGES} team-wide messages from the owner, one request at a time; each is one push to every device, sent by the notification engine through the outbound queue. Latency runs from the end of the request that sent the message to the decrypted receipt. Retries after 1 s (NOTIFICATION_RETRY_SCHEDULE=1,…).`,
    '',
    '| run | devices | pushes received | writes took (s) | first commit → last receipt (s) | pushes/s | latency p50 / p95 / max (ms) | lost | received twice |',
    '|---|---|---|---|---|---|---|---|---|',
    ...pushResults.map(
      (r) =>
        `| ${r.label} | ${r.devices} | ${r.pushes} | ${s(r.writeSeconds)} | ${s(r.seconds)} | ${r.perSecond.toFixed(0)} | ${r.p50} / ${r.p95} / ${r.max} | ${r.lost} | ${r.duplicated} |`,
    ),
  ].join('\n');
  writeBenchmarkSection(join(root, 'docs', 'benchmarks.md'), 'outbound', section);
  console.log(section);
}

await main();
process.exit(0);
