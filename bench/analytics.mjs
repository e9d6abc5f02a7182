// Analytics benchmark (target P10): a tenant with 100,000 customers and 1,000,000 orders in a fresh local
// D1, then the nightly RFM job, the monthly sales report and the revenue forecast through the Worker
// (`wrangler dev` pinned to core 0: RFM via the scheduled handler URL → queue consumer; the reports over
// HTTP), next to the same SQL statements run by the `sqlite3` shell on a copy of the database file (the
// statements are captured by running the same service code over node:sqlite). Writes the `analytics`
// section of docs/benchmarks.md.
//   npm run bench:analytics [-- --customers 100000 --orders 1000000 --runs 3 --repeats 5 --reuse]
import { execFileSync } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execChunked, openLocalD1 } from '../scripts/seed/d1.mjs';
import { createRandom, weightedSampler } from '../scripts/seed/random.mjs';
import { insertStatements } from '../scripts/seed/sql.mjs';
import { freePort, freshDatabase, pinned, root, startServer, waitFor } from './lib.mjs';
import { writeBenchmarkSection } from './report.mjs';

const { values: opts } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    orders: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '5' },
    reuse: { type: 'boolean', default: false },
  },
});
const PERSIST = '.wrangler/bench-analytics';
const STATE = join(root, PERSIST);
const EMAIL = 'owner@bench-analytics.test';
const PASSWORD = 'bench-analytics-password';
const DAY = 86_400_000;
// 18 months of history ending yesterday (UTC), so "today"-relative reports (the forecast) see all of it.
const TODAY = Math.floor(Date.now() / 86_400_000) * 86_400_000;
const START = TODAY - 548 * DAY;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const iso = (ms) => new Date(ms).toISOString();

// ------------------------------------------------------------------ data

function passwordHash(password) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, 100_000, 32, 'sha256');
  return `pbkdf2_sha256$100000$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

const entity = (tenantId, id, at) => ({
  tenant_id: tenantId,
  id,
  created_at: iso(at),
  updated_at: iso(at),
  version: 1,
  deleted_at: null,
});

function* tenantRows(rnd, t) {
  yield* insertStatements('tenants', [
    {
      id: t.id,
      name: t.name,
      plan: 'pro',
      timezone: 'Europe/Berlin',
      currency: 'EUR',
      check_in_radius_m: 200,
      created_at: iso(START),
      updated_at: iso(START),
      version: 1,
      deleted_at: null,
    },
  ]);
  yield* insertStatements('users', [
    {
      ...entity(t.id, rnd.idAt(START), START),
      email: t.email,
      name: 'Owner',
      role: 'owner',
      password_hash: passwordHash(PASSWORD),
      active: true,
      last_login_at: null,
    },
  ]);
  const products = Array.from({ length: t.products }, (_, i) => ({
    ...entity(t.id, rnd.idAt(START + i), START),
    sku: `SKU-${String(i).padStart(6, '0')}`,
    name: `Product ${i}`,
    description: null,
    category: `Category ${i % 25}`,
    price_minor: rnd.int(100, 20_000),
    currency: 'EUR',
    active: rnd.chance(0.95),
  }));
  yield* insertStatements('products', products);
  yield* insertStatements(
    'inventory',
    products.map((p) => ({
      tenant_id: t.id,
      product_id: p.id,
      on_hand: rnd.int(0, 2000),
      reserved: 0,
      low_stock_threshold: 10,
      created_at: iso(START),
      updated_at: iso(START),
      version: 1,
    })),
  );
  // Customers: each is active over a window (30 % churn before the end); order volume is skewed.
  const customers = Array.from({ length: t.customers }, () => {
    const start = START + rnd.range(0, 0.7) * (TODAY - START);
    const end = rnd.chance(0.3) ? start + rnd.range(0.1, 1) * (TODAY - start) : TODAY - DAY;
    return { id: rnd.idAt(start), start, end };
  });
  yield* insertStatements(
    'customers',
    customers.map((c, i) => ({
      ...entity(t.id, c.id, c.start),
      name: `Customer ${i}`,
      email: null,
      phone: null,
      company: null,
      address: null,
      city: null,
      lat: Math.round(rnd.range(47.5, 54.8) * 1e6) / 1e6,
      lng: Math.round(rnd.range(6, 15) * 1e6) / 1e6,
      territory_id: null,
      salesman_id: null,
      notes: null,
    })),
  );
  // Order volume is skewed (a few customers order a lot), independent of when they started.
  const byVolume = rnd.shuffle([...customers]);
  const pickCustomer = weightedSampler(
    byVolume,
    byVolume.map((_, i) => 1 / (1 + i) ** 0.6),
  );
  const orders = [];
  const lines = [];
  const payments = [];
  const flush = function* () {
    yield* insertStatements('orders', orders.splice(0));
    yield* insertStatements('order_lines', lines.splice(0));
    yield* insertStatements('payments', payments.splice(0));
  };
  for (let i = 0; i < t.orders; i++) {
    const c = pickCustomer(rnd);
    const at = Math.round(c.start + rnd.float() * (c.end - c.start));
    const id = rnd.idAt(at);
    const status = rnd.weighted([
      ['fulfilled', 90],
      ['confirmed', 5],
      ['cancelled', 3],
      ['draft', 2],
    ]);
    const product = products[rnd.int(0, products.length - 1)];
    const quantity = rnd.int(1, 20);
    const total = quantity * product.price_minor;
    orders.push({
      ...entity(t.id, id, at),
      customer_id: c.id,
      salesman_id: null,
      visit_id: null,
      status,
      currency: 'EUR',
      subtotal_minor: total,
      discount_minor: 0,
      total_minor: total,
      paid_minor: 0,
      notes: null,
      ordered_at: iso(at),
      confirmed_at: status === 'draft' ? null : iso(at),
      fulfilled_at: status === 'fulfilled' ? iso(at) : null,
      cancelled_at: status === 'cancelled' ? iso(at) : null,
      cancel_reason: null,
    });
    lines.push({
      tenant_id: t.id,
      id: rnd.idAt(at),
      order_id: id,
      position: 1,
      product_id: product.id,
      quantity,
      unit_price_minor: product.price_minor,
      discount_bps: 0,
      line_total_minor: total,
    });
    if ((status === 'fulfilled' || status === 'confirmed') && rnd.chance(0.01)) {
      payments.push({
        ...entity(t.id, rnd.idAt(at + DAY), at + DAY),
        order_id: id,
        amount_minor: Math.max(1, Math.round(total * rnd.range(0.2, 1))),
        currency: 'EUR',
        method: 'card',
        status: 'refunded',
        reference: null,
        received_at: iso(at),
        refunded_at: iso(at + DAY),
        notes: null,
      });
    }
    if (orders.length >= 20_000) yield* flush();
  }
  yield* flush();
}

async function generate() {
  freshDatabase(STATE);
  const rnd = createRandom(20261101);
  const tenants = [
    {
      id: rnd.idAt(START),
      name: 'Bench Wholesale',
      email: EMAIL,
      customers: Number(opts.customers),
      orders: Number(opts.orders),
      products: 1000,
    },
    // A second, small tenant shares the tables, as tenants do in production.
    {
      id: rnd.idAt(START + 1),
      name: 'Noise Co',
      email: 'owner@noise-analytics.test',
      customers: 1000,
      orders: 10_000,
      products: 50,
    },
  ];
  const { db, dispose } = await openLocalD1(root, PERSIST);
  const started = performance.now();
  await execChunked(
    db,
    (function* () {
      for (const t of tenants) yield* tenantRows(rnd, t);
    })(),
    undefined,
    8_000_000,
  );
  await dispose();
  console.log(`data written in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

// ------------------------------------------------------------------ statement capture (node:sqlite)

/** The service code, bundled from src/, run over node:sqlite with a D1 look-alike that logs statements. */
async function loadServices() {
  const { build } = await import('esbuild');
  const entry = join(tmpdir(), `fieldline-analytics-bench-${process.pid}.ts`);
  writeFileSync(
    entry,
    [
      `export { runNightlyRfm } from '${join(root, 'src/analytics/services/rfm-runs.service')}';`,
      `export { getMonthlySales } from '${join(root, 'src/analytics/services/sales-reports.service')}';`,
      `export { getForecast } from '${join(root, 'src/analytics/services/forecast.service')}';`,
      `export { createServiceContext } from '${join(root, 'src/services/context')}';`,
      `export { createDb } from '${join(root, 'src/db/client')}';`,
      `export { systemPrincipal } from '${join(root, 'src/auth/principal')}';`,
    ].join('\n'),
  );
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'error',
    external: ['cloudflare:*'],
  });
  rmSync(entry);
  return import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
}

async function capture(dbFile, run) {
  const { DatabaseSync } = await import('node:sqlite');
  const sqlite = new DatabaseSync(dbFile);
  const log = [];
  const norm = (ps) => ps.map((v) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v));
  const exec = (sql, params, mode) => {
    const st = sqlite.prepare(sql);
    if (mode === 'run') {
      const r = st.run(...norm(params));
      return { success: true, meta: { changes: Number(r.changes) }, results: [] };
    }
    const rows = st.all(...norm(params));
    return { success: true, meta: {}, results: rows };
  };
  const statement = (sql, params = []) => ({
    sql,
    params,
    bind: (...p) => statement(sql, p),
    all: async () => {
      log.push({ sql, params });
      return exec(sql, params, 'all');
    },
    run: async () => {
      log.push({ sql, params });
      return exec(sql, params, /^\s*(insert|update|delete)/i.test(sql) ? 'run' : 'all');
    },
    first: async (col) => {
      log.push({ sql, params });
      const row = exec(sql, params, 'all').results[0] ?? null;
      return col ? (row?.[col] ?? null) : row;
    },
    raw: async () => {
      log.push({ sql, params });
      return exec(sql, params, 'all').results.map((r) => Object.values(r));
    },
  });
  const d1 = {
    prepare: (sql) => statement(sql),
    batch: async (list) => {
      log.push({ batch: list.map((s) => ({ sql: s.sql, params: s.params })) });
      sqlite.exec('BEGIN');
      try {
        const out = list.map((s) => exec(s.sql, s.params, /^\s*(insert|update|delete)/i.test(s.sql) ? 'run' : 'all'));
        sqlite.exec('COMMIT');
        return out;
      } catch (e) {
        sqlite.exec('ROLLBACK');
        throw e;
      }
    },
  };
  await run(d1);
  sqlite.close();
  return log;
}

const literal = (v) =>
  v === null || v === undefined
    ? 'NULL'
    : typeof v === 'number'
      ? String(v)
      : typeof v === 'boolean'
        ? v
          ? '1'
          : '0'
        : `'${String(v).replaceAll("'", "''")}'`;
/** Inlines `?NNN` and `?` parameters so the shell runs the statement as D1 did. */
const inline = (sql, params) => {
  let next = 0;
  return sql.replace(/\?(\d+)?/g, (_, n) => literal(params[n ? Number(n) - 1 : next++]));
};

/** Runs captured statements `repeats` + 1 times (the first warms the cache) in sqlite3 on core 1; wall ms per repeat. */
function shell(dbFile, statements, repeats) {
  const lines = ['.timer on', '.output /dev/null'];
  const one = [];
  for (const s of statements) {
    if (s.batch)
      one.push('BEGIN;', ...s.batch.map((b) => `${inline(b.sql, b.params).replace(/\s+/g, ' ')};`), 'COMMIT;');
    else one.push(`${inline(s.sql, s.params).replace(/\s+/g, ' ')};`);
  }
  for (let r = 0; r <= repeats; r++) lines.push(...one);
  const file = join(tmpdir(), `fieldline-analytics-bench-${process.pid}.sql`);
  writeFileSync(file, lines.join('\n'));
  const [cmd, args] = pinned(1, 'sqlite3', [dbFile, `.read ${file}`]);
  const out = execFileSync(cmd, args, { maxBuffer: 256 * 1024 * 1024 }).toString();
  rmSync(file);
  const times = [...out.matchAll(/Run Time: real ([\d.]+) user ([\d.]+) sys ([\d.]+)/g)].map((m) => ({
    wall: Number(m[1]) * 1000,
    cpu: (Number(m[2]) + Number(m[3])) * 1000,
  }));
  if (times.length !== one.length * (repeats + 1))
    throw new Error(
      `sqlite3 printed ${times.length} timings, expected ${one.length * (repeats + 1)}:\n${out.slice(0, 400)}`,
    );
  const per = [];
  for (let r = 1; r <= repeats; r++) {
    const slice = times.slice(r * one.length, (r + 1) * one.length);
    per.push({ wall: slice.reduce((n, t) => n + t.wall, 0), cpu: slice.reduce((n, t) => n + t.cpu, 0) });
  }
  return per;
}

// ------------------------------------------------------------------ worker

async function startWorker() {
  const port = await freePort();
  // `wrangler dev`: the nightly job is triggered through its /cdn-cgi/handler/scheduled route.
  const child = startServer({ config: join(root, 'wrangler.jsonc'), port, stateDir: STATE, runtime: 'wrangler-dev' });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/health`, 120_000);
  return { child, origin };
}

/** CPU seconds (user + system) of the workerd processes below `pid`. */
function workerdCpu(pid) {
  const parents = new Map();
  const names = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(p), Number(fields[1]));
      names.set(Number(p), {
        comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {}
  }
  const below = (p) => {
    for (let q = p; q; q = parents.get(q)) if (q === pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [p, info] of names) if (info.comm.startsWith('workerd') && below(p)) ticks += info.ticks;
  return ticks / 100;
}

function findSqliteFile() {
  const dir = join(STATE, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sqlite'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

const sqliteQuery = (file, sql) => execFileSync('sqlite3', ['-readonly', '-json', file, sql]).toString().trim();

async function timeRequests(origin, token, path, repeats) {
  const get = async () => {
    const res = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path} -> ${res.status} ${body.slice(0, 200)}`);
    return body;
  };
  await get();
  const xs = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await get();
    xs.push(performance.now() - t0);
  }
  return xs;
}

// ------------------------------------------------------------------ main

async function main() {
  try {
    execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
  } catch {
    execFileSync('apt-get', ['install', '-y', 'sqlite3'], { stdio: 'inherit' });
  }
  const reuse = opts.reuse && existsSync(STATE);
  if (!reuse) await generate();
  const dbFile = findSqliteFile();
  // A reused database keeps the RFM runs of its last benchmark: the nightly job would find those nights
  // done and skip them. Remove them so the nights below score again.
  if (reuse) execFileSync('sqlite3', [dbFile, 'DELETE FROM rfm_scores; DELETE FROM rfm_runs;']);
  // Snapshots so every measurement starts from the same data (no RFM runs yet).
  const pristine = join(tmpdir(), `fieldline-analytics-pristine-${process.pid}.sqlite`);
  execFileSync('sqlite3', [dbFile, `.backup '${pristine}'`]);
  const counts = JSON.parse(
    sqliteQuery(
      pristine,
      "SELECT (SELECT COUNT(*) FROM orders) AS orders, (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM order_lines) AS lines, (SELECT COUNT(*) FROM payments) AS refunds, (SELECT id FROM tenants WHERE name = 'Bench Wholesale') AS tenant",
    ),
  )[0];
  const runs = Number(opts.runs);
  const repeats = Number(opts.repeats);
  const nightly = (k) => TODAY + k * DAY + (2 * 60 + 15) * 60_000; // 02:15 UTC on consecutive days

  // --- worker
  const { child, origin } = await startWorker();
  const login = await (
    await fetch(`${origin}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    })
  ).json();
  if (!login.accessToken) throw new Error(`login failed: ${JSON.stringify(login)}`);
  const rfm = [];
  for (let k = 0; k < runs; k++) {
    const runDate = iso(nightly(k) + 3_600_000).slice(0, 10);
    const cpu0 = workerdCpu(child.pid);
    const t0 = performance.now();
    const r = await fetch(`${origin}/cdn-cgi/handler/scheduled?cron=15+2+*+*+*&time=${nightly(k)}`);
    if (!r.ok) throw new Error(`scheduled: ${r.status}`);
    let row;
    for (;;) {
      row = JSON.parse(
        sqliteQuery(
          dbFile,
          `SELECT * FROM rfm_runs WHERE tenant_id = '${counts.tenant}' AND run_date = '${runDate}'`,
        ) || '[]',
      )[0];
      if (row?.status === 'completed') break;
      if (performance.now() - t0 > 600_000) throw new Error('RFM run did not complete in 10 minutes');
      await new Promise((res) => setTimeout(res, 200));
    }
    // Let the small tenant's message finish too, so the CPU reading covers whole invocations.
    await new Promise((res) => setTimeout(res, 1500));
    rfm.push({
      runDate,
      scoringMs: row.scoring_ms,
      runMs: Date.parse(row.completed_at) - Date.parse(row.started_at),
      changed: row.changed,
      events: row.events_appended,
      customers: row.customers,
      cpu: workerdCpu(child.pid) - cpu0,
    });
    console.log(`RFM run ${k + 1}/${runs}: ${JSON.stringify(rfm.at(-1))}`);
  }
  // The last complete month of the data.
  const last = new Date(TODAY);
  const monthStart = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - 1, 1));
  const year = monthStart.getUTCFullYear();
  const monthNo = monthStart.getUTCMonth() + 1;
  const month = `${year}-${String(monthNo).padStart(2, '0')}`;
  const monthly = await timeRequests(
    origin,
    login.accessToken,
    `/v1/reports/monthly-sales?year=${year}&month=${monthNo}`,
    repeats,
  );
  console.log(`monthly report: median ${median(monthly).toFixed(0)} ms`);
  const forecast = await timeRequests(origin, login.accessToken, '/v1/analytics/forecast?days=30', repeats);
  console.log(`forecast: median ${median(forecast).toFixed(0)} ms`);
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 2000));

  // --- the same statements in the sqlite3 shell
  const svc = await loadServices();
  const work = join(tmpdir(), `fieldline-analytics-work-${process.pid}.sqlite`);
  copyFileSync(pristine, work);
  // The nightly job's context: its events go nowhere (there is no hub here).
  const jobCtx = (d1) =>
    svc.createServiceContext(
      { db: svc.createDb(d1), hubs: { getByName: () => null }, waitUntil: () => {}, sink: () => {} },
      svc.systemPrincipal(counts.tenant, 'bench'),
    );
  const rfmStatements = [];
  for (let k = 0; k < Math.min(runs, 2); k++) {
    rfmStatements.push(await capture(work, (d1) => svc.runNightlyRfm(jobCtx(d1), nightly(k))));
  }
  const scoringOnly = (log) =>
    log.filter((s) =>
      s.batch
        ? s.batch.some((b) => /INSERT INTO rfm_scores/.test(b.sql))
        : /FROM orders o|FROM \(SELECT order_id/.test(s.sql),
    );
  const ctx = (d1) => ({
    db: svc.createDb(d1),
    principal: svc.systemPrincipal(counts.tenant, 'bench'),
    now: new Date().toISOString(),
  });
  const monthlyLog = await capture(pristine, (d1) => svc.getMonthlySales(ctx(d1), { year, month: monthNo }));
  const forecastLog = await capture(pristine, (d1) => svc.getForecast(ctx(d1), { days: 30 }));
  // Replays: scoring of the first (no previous run) and second night on fresh copies of the pristine file.
  const replay = (statements, n) => {
    copyFileSync(pristine, work);
    return shell(work, statements, n);
  };
  const shellFirst = replay(scoringOnly(rfmStatements[0]), repeats);
  const shellFull =
    rfmStatements.length > 1
      ? (() => {
          copyFileSync(pristine, work);
          shell(work, rfmStatements[0], 0);
          return shell(work, rfmStatements[1], 1);
        })()
      : null;
  const shellMonthly = shell(pristine, monthlyLog, repeats);
  const shellForecast = shell(pristine, forecastLog, repeats);
  rmSync(work);
  rmSync(pristine);

  // --- report
  const s = (ms) => (ms / 1000).toFixed(2);
  const scoring = median(rfm.map((r) => r.scoringMs));
  const firstShell = median(shellFirst.map((x) => x.wall));
  const rows = [
    `| nightly RFM, scoring step (2 GROUP BYs over the orders, TS quintiles, a snapshot of ${Number(opts.customers).toLocaleString('en')} rows in one batch) | ${s(scoring)} s | ${s(firstShell)} s | ${(firstShell / scoring).toFixed(2)}× |`,
    `| monthly sales report (${month}, ${monthlyLog.length} round trips) | ${median(monthly).toFixed(0)} ms | ${median(shellMonthly.map((x) => x.wall)).toFixed(0)} ms | ${(median(shellMonthly.map((x) => x.wall)) / median(monthly)).toFixed(2)}× |`,
    `| revenue forecast (364 days of history, Holt-Winters fit + back-test) | ${median(forecast).toFixed(0)} ms | ${median(shellForecast.map((x) => x.wall)).toFixed(0)} ms | ${(median(shellForecast.map((x) => x.wall)) / median(forecast)).toFixed(2)}× |`,
  ];
  const runRows = rfm.map(
    (r, i) =>
      `| ${i + 1} (${r.runDate}) | ${s(r.scoringMs)} s | ${s(r.runMs)} s | ${r.changed.toLocaleString('en')} | ${r.events.toLocaleString('en')} | ${r.cpu.toFixed(1)} s |`,
  );
  const md = `## Analytics (P10): nightly RFM, monthly report, forecast

Generated data: a tenant with ${Number(opts.customers).toLocaleString('en')} customers and ${Number(opts.orders).toLocaleString('en')} orders plus a noise tenant (1,000 customers, 10,000 orders) in the same tables — ${counts.orders.toLocaleString('en')} orders with ${counts.lines.toLocaleString('en')} lines and ${counts.refunds.toLocaleString('en')} refunds over 18 months, in a fresh local D1 (\`${PERSIST}\`). Runtime: \`wrangler dev\` (workerd + miniflare's local D1, same process), pinned to core 0 with taskset; the sqlite3 shell (${execFileSync('sqlite3', ['-version']).toString().split(' ')[0]}) runs on core 1 on a copy of the same database file. ${cpus().length} cores, load ${loadavg()[0].toFixed(2)} at the start. Medians of ${repeats} requests (reports) and of ${runs} nightly runs (RFM), one run of this script.

How each side was measured:
- Worker, RFM: the nightly cron through \`/cdn-cgi/handler/scheduled?cron=15+2+*+*+*&time=…\` (consecutive nights), i.e. scheduled handler → queue → consumer. *Scoring* is the job's own timing of the load + score + write step (\`rfm_runs.scoring_ms\`, one invocation); *run* is first message to completion, including queue hand-offs (the consumer waits up to 2 s for a batch) and the \`segment:changed\` events, appended 1,000 per invocation. *CPU* is the user + system time of the workerd processes over the whole run — it includes SQLite's own work, which local D1 does inside workerd (on Cloudflare the database work is not billed to the Worker's CPU budget).
- Worker, reports: HTTP GET end to end from Node on the same machine.
- Shell: the statements the Worker sent (captured by running the same service code over node:sqlite), parameters inlined, D1 batches wrapped in BEGIN/COMMIT; sum of the statements' wall times. The TypeScript part (quintiles, forecast fitting, JSON, HTTP) has no shell counterpart — that is the overhead the ratio shows.

| step | Worker | sqlite3 shell, same SQL | ratio (shell ÷ Worker; ≥ 0.5 is the target) |
|---|---|---|---|
${rows.join('\n')}

Ratios above 1 mean the Worker was faster than the shell on the same statements: workerd links a newer SQLite than Debian's sqlite3 shell, and the shell has to parse the inlined JSON parameters of the snapshot insert (about 9 MB of literals) as SQL text. Most of the time on both sides is SQLite reading order rows by index (random access into a 1.6 GB file); a covering index on orders (tenant_id, status, ordered_at, plus the columns read: customer_id, total_minor, deleted_at) should let these scans skip the table (not tried here: the orders schema is not part of this work).

Nightly runs through the Worker:

| night | scoring | whole run | segment changes | events appended | workerd CPU |
|---|---|---|---|---|---|
${runRows.join('\n')}
${shellFull ? `\nShell, the second night's statements in full (scoring, ${rfmStatements[1].filter((x) => !x.batch).length + rfmStatements[1].filter((x) => x.batch).reduce((n, b) => n + b.batch.length, 0)} statements incl. the event appends): ${s(shellFull[0].wall)} s.\n` : ''}
Target P10: RFM for ${Number(opts.orders).toLocaleString('en')} orders within one cron invocation's CPU budget (30 s) — the scoring invocation took ${s(scoring)} s wall${rfm[0] ? ` and the first night (no events) ${rfm[0].cpu.toFixed(1)} s of workerd CPU including SQLite` : ''}: ${scoring < 30_000 ? 'met' : 'not met'}; ≥ 0.5× the shell: ${firstShell / scoring >= 0.5 ? 'met' : 'not met'} (${(firstShell / scoring).toFixed(2)}×).
`;
  writeBenchmarkSection(join(root, 'docs', 'benchmarks.md'), 'analytics', md);
  console.log(md);
}

await main();
process.exit(0);
