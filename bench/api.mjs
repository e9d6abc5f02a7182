// API benchmark: drives the Fieldline Worker and a bare Worker doing the same D1 read, each built once and
// served by one workerd process with local D1 (or `wrangler dev` with --runtime wrangler-dev) on core 0,
// with autocannon on core 1. Writes docs/benchmarks.md.
//   npm run bench:api [-- --duration 10 --connections 16 --rounds 3 --runtime workerd]
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
const call = (method, path, body, token) => callAt(`http://127.0.0.1:${APP_PORT}`, method, path, body, token);

const autocannon = (url, request = {}) =>
  run(url, { ...request, duration: opts.duration, connections: opts.connections });

async function main() {
  freshDatabase(STATE);
  const work = mkdtempSync(join(tmpdir(), 'fieldline-bench-api-'));
  const app = buildWorker(join(root, 'wrangler.jsonc'), join(work, 'app'));
  const bare = buildWorker(join(root, 'bench', 'bare', 'wrangler.jsonc'), join(work, 'bare'));
  // One after the other: two servers starting at once can race for the same state.
  startServer({ config: app, port: APP_PORT, stateDir: STATE, runtime: opts.runtime });
  await waitFor(`http://127.0.0.1:${APP_PORT}/health`);
  startServer({ config: bare, port: BARE_PORT, stateDir: STATE, runtime: opts.runtime });
  await waitFor(`http://127.0.0.1:${BARE_PORT}/`);
  console.log('servers up; preparing data');
  const data = await prepareData(call);
  const product = data.products[7];
  const auth = { authorization: `Bearer ${data.token}` };
  const tenantHeader = { 'x-tenant-id': data.tenantId };
  const body = orderBody(data);

  const scenarios = {
    'GET product by id': {
      app: () => autocannon(`http://127.0.0.1:${APP_PORT}/v1/products/${product.id}`, { headers: auth }),
      bare: () => autocannon(`http://127.0.0.1:${BARE_PORT}/bare/products/${product.id}`, { headers: tenantHeader }),
    },
    'GET list customers (50)': {
      app: () => autocannon(`http://127.0.0.1:${APP_PORT}/v1/customers?limit=50`, { headers: auth }),
      bare: () => autocannon(`http://127.0.0.1:${BARE_PORT}/bare/customers`, { headers: tenantHeader }),
    },
    'POST order (5 lines)': {
      app: () =>
        autocannon(`http://127.0.0.1:${APP_PORT}/v1/orders`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body,
        }),
    },
  };

  const rounds = Number(opts.rounds);
  const results = {};
  for (const [name, s] of Object.entries(scenarios)) {
    const appRuns = [];
    const bareRuns = [];
    // Alternate app and bare so drift in machine load hits both alike.
    for (let i = 0; i < rounds; i++) {
      appRuns.push(s.app());
      if (s.bare) bareRuns.push(s.bare());
      console.log(`${name}: round ${i + 1}/${rounds} done`);
    }
    results[name] = { app: summarise(appRuns), bare: s.bare ? summarise(bareRuns) : null };
  }
  stopAll();

  const rows = Object.entries(results).map(([name, r]) => {
    const ratio = r.bare ? `${(r.app.rps / r.bare.rps).toFixed(2)}×` : '—';
    const bare = r.bare ? `${fmt(r.bare.rps)} | ${fmt(r.bare.p50)} | ${fmt(r.bare.p99)}` : '— | — | —';
    return `| ${name} | ${fmt(r.app.rps)} | ${fmt(r.app.p50)} | ${fmt(r.app.p99)} | ${(r.app.p99 / Math.max(r.app.p50, 1)).toFixed(1)} | ${bare} | ${ratio} | ${r.app.non2xx + r.app.errors} |`;
  });
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const section = [
    `Command: \`npm run bench:api -- --duration ${opts.duration} --connections ${opts.connections} --rounds ${opts.rounds} --runtime ${opts.runtime}\``,
    `Date: ${new Date().toISOString().slice(0, 10)} · Machine: ${cpus().length} × ${cpu}, Node ${process.version} · ` +
      `Runtime: ${runtimeLabel(opts.runtime)}, the same for both servers${haveTaskset ? ', servers pinned to core 0, autocannon to core 1' : ''}.`,
    `Medians of ${opts.rounds} alternating ${opts.duration}-second runs with ${opts.connections} connections. Latencies in ms.`,
    '',
    '| scenario | Fieldline req/s | p50 | p99 | p99/p50 | bare req/s | bare p50 | bare p99 | Fieldline ÷ bare | non-2xx + errors |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  writeBenchmarkSection(join(root, 'docs', 'benchmarks.md'), 'api', section);
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  stopAll();
  process.exit(1);
});
