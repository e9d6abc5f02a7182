// `npm run bench:app`: the managers' web app in headless Chromium over loopback, against the Worker as it
// ships (built once, one workerd process pinned to core 0, local D1 with the full demo tenant), the
// browser pinned to core 1. Measures, with a cold HTTP cache (a new browser context per load) and a warm
// one (the same context, loaded once before):
//   - from navigation to the Live screen being interactive: every active salesman listed, the basemap's
//     country shapes drawn and the realtime socket open (the indicator at Live); also each of the three
//     alone and the customer layer (2,400 dots) drawn;
//   - from navigation to the first live marker move: at interactive, a salesman sends a GPS fix over his
//     socket; and that fix's own latency (sent → his marker at the new position);
//   - the frame rate (requestAnimationFrame count) over --fps-seconds with the screen idle, then while
//     --streamers salesmen each send a fix a second over their sockets (the demo's 20 salesman users and
//     users created for the bench), with the marker moves applied and the long tasks.
// The session is restored as a reload of a signed-in tab does (refresh token in sessionStorage), so a
// load is the app's own start: static files, token refresh, /v1/users/me, the screen's reads, the socket.
// Writes its section of docs/benchmarks.md (--no-report: print only).
//   npm run bench:app [-- --runs 5 --streamers 200 --fps-seconds 10 --reuse-state]
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { DEMO_LOGINS } from '../scripts/seed.mjs';
import { closeFleet, connectFleet, prepareFleet, sendFix, streamFleet } from './app/fleet.mjs';
import { liveProbe, markerMoved, measureFrames, transferred } from './app/probe.mjs';
import { renderAppReport } from './app/report.mjs';
import {
  buildWorker,
  call,
  freePort,
  freshDatabase,
  haveTaskset,
  root,
  startServer,
  stopAll,
  waitFor,
} from './lib.mjs';
import { writeBenchmarkSection } from './report.mjs';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    streamers: { type: 'string', default: '200' },
    'fps-seconds': { type: 'string', default: '10' },
    /** Fix → marker latencies measured per load. */
    fixes: { type: 'string', default: '3' },
    orders: { type: 'string', default: '52000' },
    customers: { type: 'string', default: '2400' },
    /** Keeps the seeded database (and the bench's salesmen) of an earlier run. */
    'reuse-state': { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);
const work = join(root, '.wrangler', 'bench-app');
const stateDir = join(work, 'state');
const executable = process.env.CHROMIUM ?? '/usr/bin/chromium';
const started = Date.now();
const log = (message) => console.log(`bench:app: ${message} (${((Date.now() - started) / 1000).toFixed(0)} s)`);

if (!existsSync(executable)) {
  console.error(`bench:app: no browser at ${executable}; install one (apt-get install -y chromium) or set CHROMIUM`);
  process.exit(1);
}
mkdirSync(work, { recursive: true });
const loadAtStart = loadavg()[0];

execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: join(root, 'web'),
  stdio: 'inherit',
});
const config = buildWorker(join(root, 'wrangler.jsonc'), join(work, 'build'));
if (!opts['reuse-state'] || !existsSync(stateDir)) {
  freshDatabase(stateDir);
  execFileSync(
    process.execPath,
    [
      join(root, 'scripts', 'seed.mjs'),
      `--persist-to=${stateDir}`,
      `--orders=${opts.orders}`,
      `--customers=${opts.customers}`,
      '--quiet',
    ],
    { cwd: root, stdio: 'ignore' },
  );
  log(`seeded the demo tenant (${opts.customers} customers, about ${opts.orders} orders)`);
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// A fixed pepper, so the users of a reused state still sign in; tokens that outlive the run.
startServer({
  config,
  port,
  stateDir,
  vars: { PASSWORD_PEPPER: 'benchapp:fixed-pepper-for-reused-bench-state-0001', ACCESS_TOKEN_TTL_SECONDS: '7200' },
});
await waitFor(`${base}/health`);

let browser;
let fleet = [];
try {
  const owner = await call(base, 'POST', '/v1/auth/login', {
    email: DEMO_LOGINS.owner,
    password: DEMO_LOGINS.password,
  });
  fleet = await prepareFleet(base, owner, Number(opts.streamers), DEMO_LOGINS.password);
  await connectFleet(base, fleet);
  for (const s of fleet) sendFix(s);
  const teamSize = await activeSalesmen(base, owner.accessToken);
  log(`${fleet.length} salesmen connected and placed; ${teamSize} active salesmen in the team`);

  // The browser on core 1 (the Worker is on core 0): a wrapper, since the browser starts its own processes.
  let launchPath = executable;
  if (haveTaskset) {
    launchPath = join(tmpdir(), 'fieldline-bench-chromium.sh');
    writeFileSync(launchPath, `#!/bin/sh\nexec taskset -c 1 ${executable} "$@"\n`);
    chmodSync(launchPath, 0o755);
  }
  browser = await chromium.launch({
    executablePath: launchPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const errors = [];
  let refreshToken = owner.refreshToken;
  const session = () => ({ refreshToken, tenant: owner.tenant });

  /** One load of /app/live in `context`: its marks, its bytes, its first marker move and fix latencies. */
  const load = async (context) => {
    const page = await context.newPage({ viewport: { width: 1360, height: 860 } });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.addInitScript(liveProbe, { teamSize, session: session() });
    await page.goto(`${base}/app/live`);
    await page.waitForFunction(() => window.__bench.marks.interactive !== undefined, null, { timeout: 60_000 });
    const mover = fleet[0];
    await new Promise((r) => setTimeout(r, Math.max(0, mover.lastSentAt + 1100 - Date.now())));
    const fixes = [];
    let firstMove = null;
    for (let i = 0; i < Number(opts.fixes); i++) {
      const fix = sendFix(mover);
      const sentAt = Date.now();
      const moved = await page.evaluate(markerMoved, { salesmanId: mover.id, lat: fix.lat });
      firstMove ??= moved.sinceNavigation;
      fixes.push(moved.wall - sentAt);
      await new Promise((r) => setTimeout(r, 1100));
    }
    await page.waitForFunction(() => window.__bench.marks.customers !== undefined, null, { timeout: 60_000 });
    const marks = await page.evaluate(() => window.__bench.marks);
    const bytes = await page.evaluate(transferred);
    // The page rotated the refresh token; the next load restores with the new one.
    refreshToken = JSON.parse(await page.evaluate(() => sessionStorage.getItem('fieldline.session'))).refreshToken;
    return { page, marks: { ...marks, firstMove }, bytes, fixes };
  };

  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const r = await load(context);
    await context.close();
    cold.push(r);
    log(`cold load ${i + 1}: interactive at ${r.marks.interactive.toFixed(0)} ms, ${describeBytes(r.bytes)}`);
  }
  const warmContext = await browser.newContext();
  await (await load(warmContext)).page.close();
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await load(warmContext);
    // The last warm page stays open for the frame rate.
    if (i < RUNS - 1) await r.page.close();
    warm.push(r);
    log(`warm load ${i + 1}: interactive at ${r.marks.interactive.toFixed(0)} ms, ${describeBytes(r.bytes)}`);
  }

  const page = warm.at(-1).page;
  const seconds = Number(opts['fps-seconds']);
  await new Promise((r) => setTimeout(r, 2000));
  const idle = await page.evaluate(measureFrames, { seconds });
  log(`idle: ${idle.fps.toFixed(1)} frames/s`);
  const stop = streamFleet(fleet);
  await new Promise((r) => setTimeout(r, 3000));
  const streaming = await page.evaluate(measureFrames, { seconds });
  stop();
  log(
    `${fleet.length} salesmen streaming: ${streaming.fps.toFixed(1)} frames/s, ${streaming.movesPerSecond.toFixed(0)} marker moves/s`,
  );
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);

  const results = {
    date: new Date().toISOString().slice(0, 10),
    command: `npm run bench:app -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cores: cpus().length,
      cpu: cpuModel(),
      node: process.version,
      chromium: browser.version(),
      load: loadAtStart,
      pinned: haveTaskset,
    },
    options: { runs: RUNS, streamers: fleet.length, seconds, customers: Number(opts.customers), teamSize },
    cold: cold.map(({ marks, bytes, fixes }) => ({ marks, bytes, fixes })),
    warm: warm.map(({ marks, bytes, fixes }) => ({ marks, bytes, fixes })),
    idle,
    streaming,
  };
  writeFileSync(join(work, 'results.json'), JSON.stringify(results, null, 2));
  const body = renderAppReport(results);
  console.log(body);
  if (!opts['no-report']) {
    writeBenchmarkSection(join(root, 'docs', 'benchmarks.md'), 'app', body);
    log('wrote its section of docs/benchmarks.md');
  }
} finally {
  closeFleet(fleet);
  await browser?.close().catch(() => {});
  stopAll();
}
process.exit(0);

function describeBytes(b) {
  return `app files ${(b.app / 1024).toFixed(0)} KiB (${b.cached} of ${b.files} from the cache), API ${(b.api / 1024).toFixed(0)} KiB`;
}

async function activeSalesmen(base, token) {
  let count = 0;
  for (let cursor = null; ; ) {
    const page = await call(
      base,
      'GET',
      `/v1/salesmen?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      undefined,
      token,
    );
    count += page.data.filter((s) => s.active).length;
    cursor = page.nextCursor;
    if (!cursor) return count;
  }
}

function cpuModel() {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model;
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}
