// API benchmark: drives the Fieldline Worker and a bare Worker doing the same D1 read, each built once and
// served by one workerd process with local D1 (or `wrangler dev` with --runtime wrangler-dev) on core 0,
// with autocannon on core 1. The Fieldline Worker runs twice: with the plan-tier rate limits on (as
// shipped; the bench organisation's limits raised by the operator script so nothing is refused, every
// request still counted) and off (RATE_LIMITS=off), to measure what the limiter costs. A last scenario
// measures the audit trail of a mutation: the same order POST with and without a client address and
// user agent for the event row to record. Writes docs/benchmarks.md.
//   npm run bench:api [-- --duration 10 --connections 16 --rounds 3 --runtime workerd]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { orderBody, prepareData } from './data.mjs';
import {
  buildWorker,
  call as callAt,
  fmt,
  freshDatabase,
  haveTaskset,
  root,
  autocannon as run,
  runtimeLabel,
  startServer,
  stopAll,
  summarise,
  waitFor,
} from './lib.mjs';
import { writeBenchmarkSection } from './report.mjs';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    runtime: { type: 'string', default: 'workerd' },
  },
});
const STATE = join(root, '.wrangler', 'bench-state');
const APP_PORT = 8791;
const BARE_PORT = 8792;
const OFF_PORT = 8793;
/** What a browser sends: the event row keeps up to 256 characters of it. */
const BROWSER_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const ROOMY = [
  'requestsPerMinute',
  'credentialRequestsPerMinute',
  'graphqlCostPerMinute',
  'credentialGraphqlCostPerMinute',
];

const autocannon = (url, request = {}) =>
  run(url, { ...request, duration: opts.duration, connections: opts.connections });

async function main() {
  freshDatabase(STATE);
  const work = mkdtempSync(join(tmpdir(), 'fieldline-bench-api-'));
  const app = buildWorker(join(root, 'wrangler.jsonc'), join(work, 'app'));
  const bare = buildWorker(join(root, 'bench', 'bare', 'wrangler.jsonc'), join(work, 'bare'));
  // One after the other: two servers starting at once can race for the same state. The data is made
  // through the server without limits; the one with limits starts once the organisation's limits are set.
  startServer({ config: app, port: OFF_PORT, stateDir: STATE, runtime: opts.runtime, vars: { RATE_LIMITS: 'off' } });
  await waitFor(`http://127.0.0.1:${OFF_PORT}/health`);
  startServer({ config: bare, port: BARE_PORT, stateDir: STATE, runtime: opts.runtime });
  await waitFor(`http://127.0.0.1:${BARE_PORT}/`);
  console.log('servers up; preparing data');
  const data = await prepareData((method, path, body, token) =>
    callAt(`http://127.0.0.1:${OFF_PORT}`, method, path, body, token),
  );
  execFileSync(
    process.execPath,
    [
      join(root, 'scripts', 'operator.mjs'),
      'limits',
      data.tenantId,
      ...ROOMY.map((name) => `${name}=1000000000`),
      '--persist-to',
      STATE,
      '--config',
      app,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  startServer({ config: app, port: APP_PORT, stateDir: STATE, runtime: opts.runtime, vars: { RATE_LIMITS: 'on' } });
  await waitFor(`http://127.0.0.1:${APP_PORT}/health`);
  const product = data.products[7];
  const auth = { authorization: `Bearer ${data.token}` };
  const tenantHeader = { 'x-tenant-id': data.tenantId };
  const body = orderBody(data);
  const limited = await fetch(`http://127.0.0.1:${APP_PORT}/v1/usage`, { headers: auth });
  if (!limited.headers.get('ratelimit')) throw new Error('the server with limits on answers no RateLimit header');

  const orderRequest = (headers = {}) => ({
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    body,
  });
  const scenarios = {
    'GET product by id': {
      app: (port) => autocannon(`http://127.0.0.1:${port}/v1/products/${product.id}`, { headers: auth }),
      bare: () => autocannon(`http://127.0.0.1:${BARE_PORT}/bare/products/${product.id}`, { headers: tenantHeader }),
    },
    'GET list customers (50)': {
      app: (port) => autocannon(`http://127.0.0.1:${port}/v1/customers?limit=50`, { headers: auth }),
      bare: () => autocannon(`http://127.0.0.1:${BARE_PORT}/bare/customers`, { headers: tenantHeader }),
    },
    'POST order (5 lines)': {
      app: (port) => autocannon(`http://127.0.0.1:${port}/v1/orders`, orderRequest()),
    },
  };

  const rounds = Number(opts.rounds);
  const results = {};
  for (const [name, s] of Object.entries(scenarios)) {
    const on = [];
    const off = [];
    const bareRuns = [];
    // Alternate the servers so drift in machine load hits them alike.
    for (let i = 0; i < rounds; i++) {
      on.push(s.app(APP_PORT));
      off.push(s.app(OFF_PORT));
      if (s.bare) bareRuns.push(s.bare());
      console.log(`${name}: round ${i + 1}/${rounds} done`);
    }
    results[name] = { on: summarise(on), off: summarise(off), bare: s.bare ? summarise(bareRuns) : null };
  }
  // The audit trail of a mutation: its events carry the request id always, and the client address and
  // user agent when the request has them (Cloudflare always sets the address in production).
  const withOrigin = [];
  const withoutOrigin = [];
  // Each order adds rows, so the later of two runs writes to a larger database: the two alternate which
  // goes first, over twice the rounds.
  const runWith = () =>
    withOrigin.push(
      autocannon(
        `http://127.0.0.1:${APP_PORT}/v1/orders`,
        orderRequest({ 'user-agent': BROWSER_UA, 'cf-connecting-ip': '203.0.113.77' }),
      ),
    );
  const runWithout = () => withoutOrigin.push(autocannon(`http://127.0.0.1:${APP_PORT}/v1/orders`, orderRequest()));
  for (let i = 0; i < rounds * 2; i++) {
    if (i % 2 === 0) {
      runWith();
      runWithout();
    } else {
      runWithout();
      runWith();
    }
    console.log(`audit trail: round ${i + 1}/${rounds * 2} done`);
  }
  const audit = { with: summarise(withOrigin), without: summarise(withoutOrigin) };
  stopAll();

  const rows = Object.entries(results).map(([name, r]) => {
    const bareRatio = r.bare ? `${(r.on.rps / r.bare.rps).toFixed(2)}×` : '—';
    const bare = r.bare ? `${fmt(r.bare.rps)} | ${fmt(r.bare.p50)} | ${fmt(r.bare.p99)}` : '— | — | —';
    const cost = `${(((r.off.rps - r.on.rps) / r.off.rps) * 100).toFixed(1)} %`;
    return `| ${name} | ${fmt(r.on.rps)} | ${fmt(r.on.p50)} | ${fmt(r.on.p99)} | ${(r.on.p99 / Math.max(r.on.p50, 1)).toFixed(1)} | ${fmt(r.off.rps)} | ${fmt(r.off.p50)} | ${cost} | ${bare} | ${bareRatio} | ${r.on.non2xx + r.on.errors + r.off.non2xx + r.off.errors} |`;
  });
  const auditCost = ((audit.without.rps - audit.with.rps) / audit.without.rps) * 100;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const section = [
    `Command: \`npm run bench:api -- --duration ${opts.duration} --connections ${opts.connections} --rounds ${opts.rounds} --runtime ${opts.runtime}\``,
    `Date: ${new Date().toISOString().slice(0, 10)} · Machine: ${cpus().length} × ${cpu}, Node ${process.version} · ` +
      `Runtime: ${runtimeLabel(opts.runtime)}, the same for all servers${haveTaskset ? ', servers pinned to core 0, autocannon to core 1' : ''}.`,
    `Medians of ${opts.rounds} alternating ${opts.duration}-second runs with ${opts.connections} connections. Latencies in ms.`,
    '"Limits on" is the Worker as shipped: every request counted by the organisation\'s RateLimiter Durable Object',
    '(the bench organisation\'s limits raised with `npm run operator` so nothing is refused); "limits off" is the same',
    'build with `RATE_LIMITS=off`. Target (P15): the limiter costs at most 5 % of requests/s.',
    '',
    '| scenario | limits on req/s | p50 | p99 | p99/p50 | limits off req/s | off p50 | cost of the limiter | bare req/s | bare p50 | bare p99 | on ÷ bare | non-2xx + errors |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Audit trail of a mutation (POST order, limits on, medians of ${rounds * 2} runs each, alternating which goes first): ${fmt(audit.with.rps)} req/s (p50 ${fmt(audit.with.p50)} ms) with a client ` +
      `address and a ${BROWSER_UA.length}-character user agent recorded in each event row, ${fmt(audit.without.rps)} req/s ` +
      `(p50 ${fmt(audit.without.p50)} ms) without them: ${auditCost.toFixed(1)} % (writes are audited in the event row itself, no second row).`,
  ].join('\n');
  writeBenchmarkSection(join(root, 'docs', 'benchmarks.md'), 'api', section);
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  stopAll();
  process.exit(1);
});
