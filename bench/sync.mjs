// Offline sync benchmark (docs/sync.md). The built Worker in one workerd process on local D1, pinned to
// core 0; this driver (plain fetch from Node) unpinned.
//   1. One push of N mutations (a phone's day: visit.create, visit.checkIn, order.create with 5 lines,
//      repeated) against the same N writes through the REST API one request at a time over one
//      keep-alive connection; then the same push replayed (every mutation must answer `duplicate`).
//      The same N mutations queued in the package's SyncClient (packages/client, built to dist/) and sent
//      by one `sync()`: its push and the pull that follows.
//   2. Initial pulls by a new SyncClient (no cursor, pages of --limit changes until hasMore is false,
//      applied to its in-memory storage): a salesman of the demo tenant (the default seed) and a manager
//      of a tenant with --orders orders (the seed with that many); time, pages, changes, bytes per page.
// Writes the `sync` section of docs/benchmarks.md.
//   npm run bench:sync [-- --mutations 1000 --rounds 3 --orders 100000 --limit 500 --part all|push|pull]
// With --profile FILE it runs one push only, with a CPU profile of the Worker, and writes no docs.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectProfiler, selfTimes } from './cpu-profile.mjs';
import { prepareData } from './data.mjs';
import {
  buildWorker,
  call as callAt,
  fmt,
  freePort,
  freshDatabase,
  median,
  root,
  startServer,
  stopAll,
  waitFor,
} from './lib.mjs';
import { writeBenchmarkSection } from './report.mjs';

const { values: opts } = parseArgs({
  options: {
    mutations: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    orders: { type: 'string', default: '100000' },
    limit: { type: 'string', default: '500' },
    part: { type: 'string', default: 'all' },
    /** One push of N mutations only, with a CPU profile of the Worker written here; docs untouched. */
    profile: { type: 'string' },
  },
});
const INSPECTOR_PORT = 9239;
const STATE = join(root, '.wrangler', 'bench-sync-state');

/** The sync client as an app ships it: the package built to JavaScript (packages/client/dist). */
async function loadClient() {
  execFileSync(
    join(root, 'node_modules', '.bin', 'tsc'),
    ['-p', join(root, 'packages', 'client', 'tsconfig.build.json')],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  return import(join(root, 'packages', 'client', 'dist', 'index.js'));
}
const client = await loadClient();

/** A SyncClient against `origin` on its own in-memory storage; counts the pull pages and their bytes. */
function syncClient(origin, token) {
  const traffic = { pulls: 0, bytes: 0 };
  const counting = async (url, init) => {
    const res = await fetch(url, init);
    if (!url.includes('/v1/sync/pull')) return res;
    const text = await res.text();
    traffic.pulls += 1;
    traffic.bytes += Buffer.byteLength(text);
    return new Response(text, { status: res.status, headers: res.headers });
  };
  const sync = new client.SyncClient({
    baseUrl: origin,
    storage: new client.MemorySyncStorage(),
    getToken: () => token,
    fetch: counting,
    pullLimit: Number(opts.limit),
    requestTimeoutMs: 600_000,
  });
  return { sync, traffic };
}
const N = Number(opts.mutations);

async function serve(app, stateDir) {
  const port = await freePort();
  startServer({ config: app, port, stateDir, ...(opts.profile ? { inspectorPort: INSPECTOR_PORT } : {}) });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/health`);
  return { origin, call: (method, path, body, token) => callAt(origin, method, path, body, token) };
}

/** A fix 50 m north of the customer, captured `minutesAgo` before now (so the check-in is verified). */
const fix = (minutesAgo) => ({
  lat: 52.5 + 50 / 111_320,
  lng: 13.4,
  accuracy: 8,
  at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
});

/** N writes of a phone's day as [name, args] pairs: visit.create, visit.checkIn, order.create, … */
function dayOf(data, salesmanId) {
  const writes = [];
  for (let i = 0; writes.length < N; i++) {
    const customerId = data.customers[i % data.customers.length].id;
    const visitId = randomUUID();
    const lines = data.products.slice(i % 40, (i % 40) + 5).map((p, k) => ({ productId: p.id, quantity: k + 1 }));
    writes.push(['visit.create', { id: visitId, customerId, salesmanId }]);
    writes.push(['visit.checkIn', { id: visitId, ...fix(30) }]);
    writes.push(['order.create', { id: randomUUID(), customerId, salesmanId, visitId, lines }]);
  }
  return writes.slice(0, N);
}

/** The REST twin of each write, as one request. */
function restRequest([name, { id, ...args }]) {
  if (name === 'visit.create') return ['POST', '/v1/visits', { id, ...args }];
  if (name === 'visit.checkIn') return ['POST', `/v1/visits/${id}/check-in`, args];
  return ['POST', '/v1/orders', { id, ...args }];
}

/** Fresh ids for a new round: the same shape of work on new records. */
function renumber(writes) {
  const ids = new Map();
  const fresh = (id) => {
    if (!ids.has(id)) ids.set(id, randomUUID());
    return ids.get(id);
  };
  return writes.map(([name, args]) => [
    name,
    { ...args, id: fresh(args.id), ...(args.visitId ? { visitId: fresh(args.visitId) } : {}) },
  ]);
}

async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

async function pushBenchmark(app) {
  freshDatabase(STATE);
  const server = await serve(app, STATE);
  const data = await prepareData(server.call);
  const salesman = await server.call(
    'POST',
    '/v1/salesmen',
    { name: 'Bench Salesman', employeeCode: 'B-1' },
    data.token,
  );
  const day = dayOf(data, salesman.id);
  const rounds = [];
  for (let round = 0; round < Number(opts.rounds); round++) {
    // REST: one request at a time over one keep-alive connection (Node's fetch keeps it alive).
    const restWrites = renumber(day);
    const rest = await timed(async () => {
      for (const w of restWrites) await server.call(...restRequest(w), data.token);
    });
    const clientId = randomUUID();
    const body = {
      clientId,
      mutations: renumber(day).map(([name, args], i) => ({
        id: i + 1,
        name,
        args,
        clientTime: new Date().toISOString(),
      })),
    };
    const bytes = Buffer.byteLength(JSON.stringify(body));
    const profiler = opts.profile ? await connectProfiler(INSPECTOR_PORT) : null;
    await profiler?.start();
    const push = await timed(() => server.call('POST', '/v1/sync/push', body, data.token));
    if (profiler) {
      const profile = await profiler.stop();
      writeFileSync(opts.profile, JSON.stringify(profile));
      console.log(
        `push: ${(push.ms / 1000).toFixed(2)} s; CPU profile of the Worker: ${opts.profile}; self time by function:`,
      );
      for (const f of selfTimes(profile, 40))
        console.log(`  ${f.ms.toFixed(0).padStart(6)} ms ${f.pct.toFixed(1).padStart(5)} %  ${f.name}`);
      stopAll();
      process.exit(0);
    }
    const applied = push.result.mutations.filter((m) => m.status === 'applied').length;
    const replay = await timed(() => server.call('POST', '/v1/sync/push', body, data.token));
    const duplicates = replay.result.mutations.filter((m) => m.status === 'duplicate').length;
    const appliedAgain = replay.result.mutations.filter((m) => m.status === 'applied').length;
    // The same work queued in a SyncClient that is up to date, then one sync(): push, and the pull after it.
    const phone = syncClient(server.origin, data.token);
    await phone.sync.sync();
    for (const [name, args] of renumber(day)) await phone.sync.mutate(name, args);
    const viaClient = await timed(() => phone.sync.sync());
    if (viaClient.result.pending !== 0 || viaClient.result.lastError) {
      throw new Error(`the client's sync failed: ${JSON.stringify(viaClient.result)}`);
    }
    rounds.push({
      rest: rest.ms,
      push: push.ms,
      replay: replay.ms,
      client: viaClient.ms,
      applied,
      duplicates,
      appliedAgain,
      bytes,
    });
    console.log(`push round ${round + 1}: ${JSON.stringify(rounds.at(-1))}`);
  }
  stopAll();
  const pick = (k) => median(rounds.map((r) => r[k]));
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const pushMs = pick('push');
  const restMs = pick('rest');
  return [
    `Push: ${N} mutations of a phone's day (visit.create, visit.checkIn, order.create with 5 lines, repeated; ` +
      `${(rounds[0].bytes / 1024).toFixed(0)} KiB of JSON) in one request, against the same ${N} writes through ` +
      `REST one request at a time over one keep-alive connection. Medians of ${rounds.length} rounds, each on new records.`,
    '',
    '| measure | push (one request) | REST one by one | REST ÷ push (higher: push faster) | target |',
    '|---|---|---|---|---|',
    `| ${N} writes, end to end | ${s(pushMs)} | ${s(restMs)} | ${(restMs / pushMs).toFixed(2)}× | push ≤ 1 s |`,
    `| per write | ${fmt(pushMs / N)} ms | ${fmt(restMs / N)} ms | — | — |`,
    `| the same ${N} queued in a SyncClient, one \`sync()\` (push, then the pull of what changed) | ${s(pick('client'))} | — | ${(restMs / pick('client')).toFixed(2)}× | — |`,
    `| replay of the same push | ${s(pick('replay'))} (${Math.min(...rounds.map((r) => r.duplicates))} of ${N} duplicate, ` +
      `${Math.max(...rounds.map((r) => r.appliedAgain))} applied again) | — | — | — |`,
  ].join('\n');
}

/** A new SyncClient's first sync: the whole working set, page by page into its storage. */
async function initialPull(origin, token) {
  const { sync, traffic } = syncClient(origin, token);
  const started = performance.now();
  const state = await sync.sync();
  const ms = performance.now() - started;
  if (state.lastError) throw new Error(`pull failed: ${JSON.stringify(state.lastError)}`);
  const changes = client.SYNC_ENTITIES.reduce((n, entity) => n + sync.list(entity).length, 0);
  sync.stop();
  return { ms, pages: traffic.pulls, changes, bytes: traffic.bytes, pageMs: ms / traffic.pulls };
}

function seed(stateDir, orders) {
  freshDatabase(stateDir);
  execFileSync(
    process.execPath,
    [
      join(root, 'scripts', 'seed.mjs'),
      '--quiet',
      `--persist-to=${stateDir}`,
      ...(orders ? [`--orders=${orders}`] : []),
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, CI: 'true' } },
  );
}

async function pullBenchmark(app) {
  const rows = [];
  const cases = [
    { who: 'salesman1 of the demo tenant (default seed)', email: 'salesman1@demo.fieldline.test', orders: null },
    {
      who: `manager of a ${Number(opts.orders).toLocaleString('en')}-order tenant`,
      email: 'manager@demo.fieldline.test',
      orders: opts.orders,
    },
  ];
  for (const c of cases) {
    const stateDir = `${STATE}-pull-${c.orders ?? 'demo'}`;
    console.log(`seeding ${c.who}`);
    seed(stateDir, c.orders);
    const server = await serve(app, stateDir);
    const login = await server.call('POST', '/v1/auth/login', { email: c.email, password: 'fieldline-demo' });
    const runs = [];
    for (let round = 0; round < Number(opts.rounds); round++)
      runs.push(await initialPull(server.origin, login.accessToken));
    stopAll();
    const r = runs.sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
    console.log(`${c.who}: ${JSON.stringify(r)}`);
    rows.push(
      `| ${c.who} | ${r.changes.toLocaleString('en')} | ${r.pages} | ${(r.ms / 1000).toFixed(2)} s | ${fmt(r.pageMs)} ms | ` +
        `${(r.bytes / 1024 / 1024).toFixed(1)} MiB | ${(r.bytes / r.pages / 1024).toFixed(0)} KiB |`,
    );
  }
  return [
    `Initial pull by a new SyncClient (no cursor, pages of ${opts.limit} changes until hasMore is false, applied to its in-memory storage), median of ${opts.rounds} whole pulls; ` +
      'the demo tenant is `npm run seed` (18 months of history), the large one the same seed with more orders.',
    '',
    '| who | records held after | pages | whole pull | mean page | bytes | bytes per page |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

async function main() {
  const started = Date.now();
  const load = loadavg()[0];
  const work = mkdtempSync(join(tmpdir(), 'fieldline-bench-sync-'));
  const app = buildWorker(join(root, 'wrangler.jsonc'), join(work, 'app'));
  const push = opts.part === 'pull' ? null : await pushBenchmark(app);
  const pull = opts.part === 'push' ? null : await pullBenchmark(app);
  const section = [
    `Command: \`npm run bench:sync -- --mutations ${N} --rounds ${opts.rounds} --orders ${opts.orders} --limit ${opts.limit} --part ${opts.part}\``,
    `Date: ${new Date().toISOString().slice(0, 10)} · Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load ${load.toFixed(2)} at the start · ` +
      `${((Date.now() - started) / 60_000).toFixed(1)} min. The Worker built once, served by one workerd process on local D1 (bench/serve-worker.mjs), pinned to core 0; this driver (Node fetch) unpinned.`,
    ...(push ? ['', push] : []),
    ...(pull ? ['', pull] : []),
  ].join('\n');
  writeBenchmarkSection(join(root, 'docs', 'benchmarks.md'), 'sync', section);
  console.log(section);
}

await main();
process.exit(0);
