// Durable Object RPC benchmark (target P4): how many small RPCs one tenant's hub answers per second, and
// whether any fails ("overloaded" or otherwise), against Cloudflare's soft limit of about 1,000 requests
// per second for one Durable Object. The built Worker and a driver (bench/do-rpc/driver.js) run in one
// workerd process pinned to core 0; the driver makes the calls from inside workerd, so the hub's core
// also pays for the caller. Writes the `do-rpc` section of docs/benchmarks.md.
//   npm run bench:do-rpc [-- --calls 5000 --rounds 3 --concurrency 1,16,64,256 --methods status,stats,publish]
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildWorker,
  freePort,
  freshDatabase,
  median,
  root,
  runtimeLabel,
  startServer,
  stopAll,
  waitFor,
} from './lib.mjs';
import { treeCpuSeconds } from './realtime/servers.mjs';
import { writeBenchmarkSection } from './report.mjs';

const { values: opts } = parseArgs({
  options: {
    calls: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,16,64,256' },
    methods: { type: 'string', default: 'status,stats,publish' },
  },
});

/** The soft limit Cloudflare documents for one Durable Object (requests per second). */
const SOFT_LIMIT = 1000;
const TENANT = '01a19467-e800-7f0b-abf7-4d6958a50435';
const WHAT = {
  status: '`status(salesman)`: one salesman’s presence and last fix (REST GET /v1/salesmen/{id}/status)',
  stats: '`stats()`: connection and room counts (REST GET /v1/realtime/stats)',
  publish:
    '`publish(events)`: one committed event handed over by the write pipeline (after every write); relayed as given, or after a D1 catch-up when calls in flight arrive out of order',
};

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'fieldline-bench-do-rpc-'));
  const stateDir = join(work, 'state');
  freshDatabase(stateDir);
  const config = buildWorker(join(root, 'wrangler.jsonc'), join(work, 'build'));
  const port = await freePort();
  const server = startServer({ config, port, stateDir, front: join(root, 'bench', 'do-rpc', 'driver.js') });
  await waitFor(`http://127.0.0.1:${port}/health`, 120_000);
  const load = loadavg()[0];

  const run = async (method, calls, concurrency) => {
    const cpuBefore = treeCpuSeconds(server.pid);
    const started = performance.now();
    const res = await fetch(
      `http://127.0.0.1:${port}/rpc?method=${method}&calls=${calls}&concurrency=${concurrency}&tenant=${TENANT}`,
    );
    if (!res.ok) throw new Error(`/rpc -> ${res.status} ${await res.text()}`);
    const body = await res.json();
    const seconds = (performance.now() - started) / 1000;
    const cpu = treeCpuSeconds(server.pid) - cpuBefore;
    return { rate: calls / seconds, cpuUsPerCall: (cpu / calls) * 1e6, failures: body.failures };
  };

  const rows = [];
  for (const method of opts.methods.split(',')) {
    await run(method, 500, 16); // warm-up: the hub is created and its code compiled
    for (const concurrency of opts.concurrency.split(',').map(Number)) {
      const rounds = [];
      for (let r = 0; r < Number(opts.rounds); r++) rounds.push(await run(method, Number(opts.calls), concurrency));
      const failures = {};
      for (const round of rounds)
        for (const [message, n] of Object.entries(round.failures)) failures[message] = (failures[message] ?? 0) + n;
      const rate = median(rounds.map((x) => x.rate));
      rows.push({
        method,
        concurrency,
        rate,
        range: [Math.min(...rounds.map((x) => x.rate)), Math.max(...rounds.map((x) => x.rate))],
        cpuUs: median(rounds.map((x) => x.cpuUsPerCall)),
        failures,
      });
      console.log(`${method} × ${concurrency}: ${rate.toFixed(0)} calls/s ${JSON.stringify(failures)}`);
    }
  }
  stopAll();

  const int = (n) => Math.round(n).toLocaleString('en-US');
  const failed = (f) => Object.values(f).reduce((a, b) => a + b, 0);
  const overloaded = (f) =>
    Object.entries(f)
      .filter(([m]) => /overload/i.test(m))
      .reduce((a, [, n]) => a + n, 0);
  const section = [
    `Command: \`npm run bench:do-rpc -- --calls ${opts.calls} --rounds ${opts.rounds} --concurrency ${opts.concurrency} --methods ${opts.methods}\``,
    `Date: ${new Date().toISOString().slice(0, 10)} · Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version} · ` +
      `Runtime: ${runtimeLabel('workerd')}, pinned to core 0, with the driver bench/do-rpc/driver.js in front in the same process. ` +
      `Load average when the run started: ${load.toFixed(2)} (the machine is shared).`,
    '',
    `One tenant's hub (a fresh local state), ${opts.calls} RPCs per round, each through a new stub as every Worker request makes one, ` +
      `\`concurrency\` in flight; rate = calls ÷ wall time of the round, median of ${opts.rounds} rounds (lowest–highest). ` +
      'CPU = the whole workerd process (hub, driver, D1) per call. The driver runs on the hub’s core, so these rates are a floor ' +
      `for the hub alone. Reference: Cloudflare's soft limit of ~${int(SOFT_LIMIT)} requests/s for one Durable Object.`,
    '',
    ...opts.methods.split(',').map((m) => `- ${WHAT[m] ?? m}`),
    '',
    '| RPC | in flight | calls/s | range | ÷ 1,000/s soft limit | CPU µs per call | failures (overloaded) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.method} | ${r.concurrency} | ${int(r.rate)} | ${int(r.range[0])}–${int(r.range[1])} | ${(r.rate / SOFT_LIMIT).toFixed(2)}× | ${int(r.cpuUs)} | ${failed(r.failures)} (${overloaded(r.failures)}) |`,
    ),
  ].join('\n');
  const allFailures = rows.flatMap((r) => Object.entries(r.failures));
  const detail = allFailures.length
    ? `\n\nFailure messages: ${allFailures.map(([m, n]) => `${n} × “${m}”`).join('; ')}`
    : '';
  writeBenchmarkSection(join(root, 'docs', 'benchmarks.md'), 'do-rpc', section + detail);
  console.log(section + detail);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
