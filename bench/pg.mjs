// Postgres benchmark: the Worker on Postgres (the Neon serverless driver over the local WebSocket proxy,
// scripts/pg.sh) next to the same build on local D1, and bare Workers doing the same reads on each
// database (the framework's cost), then 32 concurrent writers creating orders in one tenant on each
// database, with the event log checked for gaps afterwards. Every server is the built Worker in one
// workerd process (bench/serve-worker.mjs) pinned to core 0, autocannon on core 1; PostgreSQL and the
// proxy are not pinned (they are the database side, and take CPU from both cores). Writes docs/benchmarks.md.
//   npm run bench:pg [-- --duration 10 --connections 16 --rounds 3 --writers 32 --writer-seconds 10]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migratePostgres } from '../scripts/migrate-pg.mjs';
import { LOCAL_DATABASE_URL, LOCAL_WS_PROXY, openPool, withDatabase } from '../scripts/pg-client.mjs';
import { orderBody, prepareData } from './data.mjs';
import {
  buildWorker,
  call as callAt,
  fmt,
  freePort,
  freshDatabase,
  haveTaskset,
  root,
  autocannon as run,
  startServer,
  stopAll,
  summarise,
  waitFor,
} from './lib.mjs';
import { rfmBenchmark } from './pg-rfm.mjs';
import { writeBenchmarkSection } from './report.mjs';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    writers: { type: 'string', default: '32' },
    'writer-seconds': { type: 'string', default: '10' },
    'rfm-customers': { type: 'string', default: '100000' },
    'rfm-orders': { type: 'string', default: '1000000' },
    'rfm-repeats': { type: 'string', default: '3' },
    /** `api` (reads, order writes, concurrent writers), `rfm`, or both. */
    part: { type: 'string', default: 'all' },
  },
});
const STATE = join(root, '.wrangler', 'bench-pg-state');
const PG_DATABASE = 'fl_bench_pg';

/** A fresh, migrated Postgres database for this run on the local cluster; returns its URL. */
async function freshPostgres() {
  execFileSync('bash', [join(root, 'scripts', 'pg.sh'), 'start'], { stdio: 'ignore' });
  const admin = openPool({ url: withDatabase(LOCAL_DATABASE_URL, 'postgres'), proxy: LOCAL_WS_PROXY });
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${PG_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${PG_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(LOCAL_DATABASE_URL, PG_DATABASE);
  await migratePostgres({ url, proxy: LOCAL_WS_PROXY });
  return url;
}

/** The tenant's whole event log read through the API: its sequence numbers and its order:created count. */
async function eventLog(call, token) {
  const seqs = [];
  let ordersCreated = 0;
  for (let since = 0; ; ) {
    const page = await call('GET', `/v1/events?since=${since}&limit=1000`, undefined, token);
    for (const e of page.data) {
      seqs.push(e.seq);
      if (e.type === 'order:created') ordersCreated++;
    }
    if (page.data.length < 1000) break;
    since = page.data.at(-1).seq;
  }
  const distinct = new Set(seqs);
  const last = Math.max(0, ...seqs);
  return {
    events: seqs.length,
    duplicates: seqs.length - distinct.size,
    // 1..last must all be there: a missing number is a gap, or an event a follower would skip.
    gaps: last - distinct.size,
    ordersCreated,
  };
}

async function serve(name, config, vars = {}) {
  const port = await freePort();
  startServer({ config, port, stateDir: STATE, vars });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}${name.startsWith('bare') ? '/' : '/health'}`);
  return { origin, call: (method, path, body, token) => callAt(origin, method, path, body, token) };
}

const autocannon = (url, request = {}) =>
  run(url, { ...request, duration: opts.duration, connections: opts.connections });

async function main() {
  const started = Date.now();
  const load = loadavg()[0];
  const api = opts.part === 'rfm' ? null : await apiBenchmark();
  const rfm =
    opts.part === 'api'
      ? null
      : await rfmBenchmark({
          customers: Number(opts['rfm-customers']),
          orders: Number(opts['rfm-orders']),
          repeats: Number(opts['rfm-repeats']),
          stateDir: `${STATE}-rfm`,
        });
  const section = [
    `Command: \`npm run bench:pg -- --duration ${opts.duration} --connections ${opts.connections} --rounds ${opts.rounds} --writers ${opts.writers} --writer-seconds ${opts['writer-seconds']} --rfm-customers ${opts['rfm-customers']} --rfm-orders ${opts['rfm-orders']} --part ${opts.part}\``,
    `Date: ${new Date().toISOString().slice(0, 10)} · Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, PostgreSQL ${pgVersion()} (Debian), load ${load.toFixed(2)} at the start · ` +
      `${((Date.now() - started) / 60_000).toFixed(1)} min.`,
    ...(api ? ['', api] : []),
    ...(rfm ? ['', rfm] : []),
  ].join('\n');
  writeBenchmarkSection(join(root, 'docs', 'benchmarks.md'), 'pg', section);
  console.log(section);
}

/** Reads and writes through the API on both databases and the bare Workers; a Markdown part. */
async function apiBenchmark() {
  freshDatabase(STATE);
  const pgUrl = await freshPostgres();
  const pgVars = { DATABASE_URL: pgUrl, DATABASE_WS_PROXY: LOCAL_WS_PROXY };
  const work = mkdtempSync(join(tmpdir(), 'fieldline-bench-pg-'));
  const app = buildWorker(join(root, 'wrangler.jsonc'), join(work, 'app'));
  const bareD1 = buildWorker(join(root, 'bench', 'bare', 'wrangler.jsonc'), join(work, 'bare'));
  const barePg = buildWorker(join(root, 'bench', 'bare-pg', 'wrangler.jsonc'), join(work, 'bare-pg'));
  // One after the other: servers starting at once can race for the same local state.
  const servers = {
    d1: await serve('d1', app),
    pg: await serve('pg', app, pgVars),
    bareD1: await serve('bare-d1', bareD1),
    barePg: await serve('bare-pg', barePg, pgVars),
  };
  console.log('servers up; preparing data on both databases');
  const data = { d1: await prepareData(servers.d1.call), pg: await prepareData(servers.pg.call) };

  const get = (server, path, headers) => () => autocannon(`${servers[server].origin}${path}`, { headers });
  const auth = (db) => ({ authorization: `Bearer ${data[db].token}` });
  const tenant = (db) => ({ 'x-tenant-id': data[db].tenantId });
  const product = (db) => data[db].products[7].id;
  const post = (db) => () =>
    autocannon(`${servers[db].origin}/v1/orders`, {
      method: 'POST',
      headers: { ...auth(db), 'content-type': 'application/json' },
      body: orderBody(data[db]),
    });
  const scenarios = {
    'GET product by id': {
      d1: get('d1', `/v1/products/${product('d1')}`, auth('d1')),
      pg: get('pg', `/v1/products/${product('pg')}`, auth('pg')),
      bareD1: get('bareD1', `/bare/products/${product('d1')}`, tenant('d1')),
      barePg: get('barePg', `/bare/products/${product('pg')}`, tenant('pg')),
    },
    'GET list customers (50)': {
      d1: get('d1', '/v1/customers?limit=50', auth('d1')),
      pg: get('pg', '/v1/customers?limit=50', auth('pg')),
      bareD1: get('bareD1', '/bare/customers', tenant('d1')),
      barePg: get('barePg', '/bare/customers', tenant('pg')),
    },
    'POST order (5 lines)': { d1: post('d1'), pg: post('pg') },
    'bare Postgres floor: connect, SELECT 1, end': { barePg: get('barePg', '/bare/ping', {}) },
  };

  const rounds = Number(opts.rounds);
  const results = {};
  for (const [name, runs] of Object.entries(scenarios)) {
    const collected = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
    // Alternate the servers within each round so drift in machine load hits all alike.
    for (let i = 0; i < rounds; i++) {
      for (const [k, runOnce] of Object.entries(runs)) collected[k].push(runOnce());
      console.log(`${name}: round ${i + 1}/${rounds} done`);
    }
    results[name] = Object.fromEntries(Object.entries(collected).map(([k, xs]) => [k, summarise(xs)]));
  }

  // 32 writers in one tenant on each database; then the whole event log must be 1..n without a gap.
  const writers = {};
  for (const db of ['d1', 'pg']) {
    const before = await eventLog(servers[db].call, data[db].token);
    const r = run(`${servers[db].origin}/v1/orders`, {
      method: 'POST',
      headers: { ...auth(db), 'content-type': 'application/json' },
      body: orderBody(data[db]),
      duration: opts['writer-seconds'],
      connections: opts.writers,
    });
    const after = await eventLog(servers[db].call, data[db].token);
    writers[db] = { ...r, log: after, newOrderEvents: after.ordersCreated - before.ordersCreated };
    console.log(`writers on ${db}: ${JSON.stringify(writers[db])}`);
  }
  stopAll();

  const cell = (r) => (r ? `${fmt(r.rps)} | ${fmt(r.p50)} / ${fmt(r.p99)}` : '— | —');
  const ratio = (a, b) => (a && b ? `${(a.rps / b.rps).toFixed(2)}×` : '—');
  const failures = (rs) => Object.values(rs).reduce((n, r) => n + r.non2xx + r.errors, 0);
  const rows = Object.entries(results).map(
    ([name, r]) =>
      `| ${name} | ${cell(r.d1)} | ${cell(r.pg)} | ${ratio(r.pg, r.d1)} | ${r.bareD1 ? fmt(r.bareD1.rps) : '—'} | ${r.barePg ? fmt(r.barePg.rps) : '—'} | ${ratio(r.d1, r.bareD1)} | ${ratio(r.pg, r.barePg)} | ${failures(r)} |`,
  );
  const writerRows = Object.entries(writers).map(
    ([db, w]) =>
      `| ${db === 'd1' ? 'D1' : 'Postgres'} | ${opts.writers} | ${fmt(w.rps)} | ${fmt(w.p50)} / ${fmt(w.p99)} | ${w.ok} | ${w.newOrderEvents} | ${w.non2xx + w.errors} | ${w.log.events} | ${w.log.gaps} | ${w.log.duplicates} |`,
  );
  return [
    `Runtime: the same Worker build served four times by one workerd process each (bench/serve-worker.mjs)${haveTaskset ? ', all pinned to core 0, autocannon to core 1' : ''}: on local D1, on Postgres (through scripts/ws-proxy.mjs, a new connection per request as in production), and the bare Workers bench/bare (D1) and bench/bare-pg (the same driver, Pool and settings as src/db/connection.ts, no framework). PostgreSQL and the proxy run unpinned.`,
    `Medians of ${opts.rounds} alternating ${opts.duration}-second runs with ${opts.connections} connections; latencies in ms (p50 / p99).`,
    '',
    '| scenario | D1 req/s | D1 p50 / p99 | Postgres req/s | Postgres p50 / p99 | Postgres ÷ D1 | bare D1 req/s | bare Postgres req/s | Fieldline ÷ bare, D1 | Fieldline ÷ bare, Postgres | non-2xx + errors |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Concurrent writers: ${opts.writers} connections each creating orders (5 lines, stock reserved, events appended) in the same tenant for ${opts['writer-seconds']} s; afterwards the tenant's whole event log is read through \`GET /v1/events\` and every sequence number from 1 to the last must be there once.`,
    '',
    '| database | writers | orders/s | p50 / p99 | orders created (2xx) | order:created events | failed requests | events in the log | gaps | duplicates |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...writerRows,
  ].join('\n');
}

function pgVersion() {
  try {
    return execFileSync('pg_config', ['--version']).toString().trim().split(' ')[1];
  } catch {
    return '15';
  }
}

main().catch((err) => {
  console.error(err);
  stopAll();
  process.exit(1);
});
