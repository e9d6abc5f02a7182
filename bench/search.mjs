// Search benchmark (target P9): 100,000 products and 50,000 customers in a fresh local D1, then p50/p95 of
// typical and typo queries end to end through the local Worker (built once and served by one workerd
// process, or `wrangler dev` with --runtime wrangler-dev; pinned to core 0, the client on core 1), next to the same SQL statements run by the `sqlite3` shell on the same database
// file (the physical reference). Writes the `search` section of docs/benchmarks.md.
//   npm run bench:search [-- --products 100000 --customers 50000 --repeats 5 --rounds 3 --reuse --runtime workerd]
import { execFileSync, spawn } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execChunked, openLocalD1 } from '../scripts/seed/d1.mjs';
import { createRandom } from '../scripts/seed/random.mjs';
import { insertStatements } from '../scripts/seed/sql.mjs';
import {
  buildWorker,
  freePort,
  freshDatabase,
  haveTaskset,
  pinned,
  root,
  runtimeLabel,
  startServer,
  stopAll,
  waitFor,
} from './lib.mjs';
import { writeBenchmarkSection } from './report.mjs';

const { values: opts } = parseArgs({
  options: {
    products: { type: 'string', default: '100000' },
    customers: { type: 'string', default: '50000' },
    repeats: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    reuse: { type: 'boolean', default: false },
    client: { type: 'boolean', default: false },
    runtime: { type: 'string', default: 'workerd' },
  },
});
const PERSIST = '.wrangler/bench-search';
const STATE = join(root, PERSIST);
const PASSWORD = 'bench-search-password';
const EMAIL = 'owner@bench-search.test';
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs) => quantile(xs, 0.5);

// ------------------------------------------------------------------ client mode (runs on core 1)

// node:http with one keep-alive socket: undici's fetch adds 0.5-2 ms of client work per request here.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

// One client process for the whole run (a fresh one per query set would measure its own cold start):
// the main process sends it a query set over IPC and gets the latencies back.
if (opts.client) {
  process.on('message', async (job) => {
    const samples = {};
    for (const [cls, paths] of Object.entries(job.queries)) {
      samples[cls] = [];
      for (const path of paths) await get(job, path); // warm-up
      for (let r = 0; r < job.repeats; r++) {
        for (const path of paths) {
          const started = performance.now();
          await get(job, path);
          samples[cls].push(performance.now() - started);
        }
      }
    }
    process.send(samples);
  });
}

function get(job, path) {
  const { hostname, port } = new URL(job.origin);
  return new Promise((resolve, reject) => {
    const req = http.get({ hostname, port, path, agent, headers: { authorization: `Bearer ${job.token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(body)
          : reject(new Error(`GET ${path} -> ${res.statusCode} ${body.slice(0, 200)}`)),
      );
    });
    req.on('error', reject);
  });
}

// ------------------------------------------------------------------ data

const ADJ =
  'heavy light compact industrial premium standard stainless galvanized reinforced flexible portable hydraulic pneumatic electric manual digital thermal waterproof insulated adjustable cordless magnetic telescopic folding rechargeable anti-slip high-pressure low-voltage fireproof universal'.split(
    ' ',
  );
const MATERIAL =
  'steel brass copper aluminium nylon rubber plastic ceramic titanium zinc carbon glass oak pine bronze chrome vinyl silicone polyester kevlar'.split(
    ' ',
  );
const NOUN =
  'bolt nut screw washer hinge valve pump hose fitting bracket clamp gasket bearing spring cable switch relay sensor motor filter nozzle coupling flange gear pulley chain hammer wrench drill saw ladder bucket glove helmet lamp battery charger adapter connector pipe anchor rivet dowel staple nail hook shackle padlock latch handle knob caster wheel trolley pallet crate tarp rope strap buckle grommet spacer shim sleeve bushing seal o-ring thermostat fuse breaker socket plug outlet conduit duct fan heater radiator boiler faucet tap sink drain trap siphon grinder sander planer router chisel file rasp clamp vise level square tape marker pencil cutter knife blade scissors pliers tweezers magnifier torch respirator goggles earmuffs apron boots harness lanyard'.split(
    ' ',
  );
const BRAND_SYLLABLES =
  'kra ft wer nor dma nn bla uh ei sen ste in tec hno vol tar ber gm ax pro fix tor mo zin ko la ri ve sta hl ma x'.split(
    ' ',
  );
const CATEGORY =
  'Fasteners Plumbing Electrical Tools Safety Hydraulics Pneumatics Lighting Hardware Garden Paint Adhesives Storage Cleaning Welding Abrasives Measuring Power-Tools HVAC Automotive Workwear Packaging Ladders Chemicals Sealing Bearings Drives Cables Fittings Valves'.split(
    ' ',
  );
const FILLER =
  'for with and the use quality grade durable professional heavy-duty indoor outdoor easy fast secure safe reliable long-life tested certified approved rust-free corrosion resistant maintenance free precision compatible replacement spare original pack set kit box pair single double triple extra large small medium'.split(
    ' ',
  );
const FIRST =
  'Anna Jonas Lena Paul Marie Felix Sophie Lukas Emma Leon Mia Finn Hannah Noah Lea Elias Clara Ben Laura Tim Julia Max Sarah David Nina Jan Lisa Tom Eva Erik Ida Moritz Greta Oskar Frieda Anton Ella Karl Maja Emil'.split(
    ' ',
  );
const LAST =
  'Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer'.split(
    ' ',
  );
const COMPANY_SUFFIX =
  'GmbH KG Bau Technik Handel Service Werkstatt Haustechnik Metallbau Elektro Sanitär Logistik'.split(' ');
const CITY =
  'Berlin Hamburg München Köln Frankfurt Stuttgart Düsseldorf Leipzig Dortmund Essen Bremen Dresden Hannover Nürnberg Duisburg Bochum Wuppertal Bielefeld Bonn Münster Mannheim Karlsruhe Augsburg Wiesbaden Mönchengladbach Gelsenkirchen Aachen Braunschweig Kiel Chemnitz Halle Magdeburg Freiburg Krefeld Mainz Lübeck Erfurt Oberhausen Rostock Kassel Hagen Potsdam Saarbrücken Hamm Ludwigshafen Oldenburg Mülheim Osnabrück Leverkusen Heidelberg Darmstadt Solingen Regensburg Herne Paderborn Neuss Ingolstadt Offenbach Fürth Würzburg Ulm Heilbronn Pforzheim Wolfsburg Göttingen Bottrop Reutlingen Koblenz Recklinghausen Bremerhaven Bergisch Erlangen Remscheid Jena Trier Salzgitter Moers Siegen Hildesheim Cottbus'.split(
    ' ',
  );

function brands(rnd, n) {
  const out = new Set();
  while (out.size < n) {
    const name = Array.from({ length: rnd.int(2, 3) }, () => rnd.pick(BRAND_SYLLABLES)).join('');
    out.add(name.charAt(0).toUpperCase() + name.slice(1));
  }
  return [...out];
}

function* products(rnd, tenantId, n, now, brandList) {
  for (let i = 0; i < n; i++) {
    const brand = rnd.pick(brandList);
    const noun = rnd.pick(NOUN);
    const name = `${brand} ${rnd.pick(ADJ)} ${rnd.pick(MATERIAL)} ${noun} ${rnd.int(2, 60)}${rnd.pick(['mm', 'cm', 'm', 'V', 'W', 'L', 'pcs'])}`;
    const words = Array.from({ length: rnd.int(8, 20) }, () =>
      rnd.chance(0.3) ? rnd.pick([...ADJ, ...MATERIAL, ...NOUN]) : rnd.pick(FILLER),
    );
    yield {
      tenant_id: tenantId,
      id: rnd.idAt(now - i),
      created_at: new Date(now).toISOString(),
      updated_at: new Date(now).toISOString(),
      version: 1,
      deleted_at: null,
      sku: `${brand.slice(0, 2).toUpperCase()}-${String(i).padStart(6, '0')}`,
      name,
      description: words.join(' '),
      category: rnd.pick(CATEGORY),
      price_minor: rnd.int(50, 500_000),
      currency: 'EUR',
      active: rnd.chance(0.95),
    };
  }
}

function* customers(rnd, tenantId, n, now) {
  for (let i = 0; i < n; i++) {
    const first = rnd.pick(FIRST);
    const last = rnd.pick(LAST);
    const city = rnd.pick(CITY);
    yield {
      tenant_id: tenantId,
      id: rnd.idAt(now - i),
      created_at: new Date(now).toISOString(),
      updated_at: new Date(now).toISOString(),
      version: 1,
      deleted_at: null,
      name: `${first} ${last}`,
      email: `${first}.${last}${i}@example.test`.toLowerCase(),
      phone: `+49 ${rnd.int(30, 999)} ${rnd.int(100000, 9999999)}`,
      company: rnd.chance(0.7) ? `${last} ${rnd.pick(COMPANY_SUFFIX)}` : null,
      address: `${rnd.pick(LAST)}straße ${rnd.int(1, 200)}`,
      city,
      lat: Math.round(rnd.range(47.5, 54.8) * 1e6) / 1e6,
      lng: Math.round(rnd.range(6, 15) * 1e6) / 1e6,
      territory_id: null,
      salesman_id: null,
      notes: null,
    };
  }
}

function passwordHash(password) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, 100_000, 32, 'sha256');
  return `pbkdf2_sha256$100000$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

async function generate() {
  freshDatabase(STATE);
  const rnd = createRandom(20261121);
  const now = Date.parse('2026-11-01T00:00:00Z');
  const brandList = brands(rnd, 120);
  const tenants = [
    { id: rnd.idAt(now), name: 'Bench Wholesale', products: Number(opts.products), customers: Number(opts.customers) },
    // A second, smaller tenant shares the tables, as tenants do in production.
    {
      id: rnd.idAt(now + 1),
      name: 'Noise Co',
      products: Math.round(Number(opts.products) / 10),
      customers: Math.round(Number(opts.customers) / 10),
    },
  ];
  const { db, dispose } = await openLocalD1(root, PERSIST);
  const iso = new Date(now).toISOString();
  const statements = function* () {
    for (const t of tenants) {
      yield* insertStatements('tenants', [
        {
          id: t.id,
          name: t.name,
          plan: 'pro',
          timezone: 'Europe/Berlin',
          currency: 'EUR',
          check_in_radius_m: 200,
          created_at: iso,
          updated_at: iso,
          version: 1,
          deleted_at: null,
        },
      ]);
      yield* insertStatements('users', [
        {
          tenant_id: t.id,
          id: rnd.idAt(now),
          created_at: iso,
          updated_at: iso,
          version: 1,
          deleted_at: null,
          email: t === tenants[0] ? EMAIL : `owner@noise.test`,
          name: 'Owner',
          role: 'owner',
          password_hash: passwordHash(PASSWORD),
          active: true,
          last_login_at: null,
        },
      ]);
      yield* insertStatements('products', products(rnd, t.id, t.products, now, brandList));
      yield* insertStatements('customers', customers(rnd, t.id, t.customers, now));
    }
  };
  const started = performance.now();
  await execChunked(db, statements(), undefined, 4_000_000);
  const counts = await db
    .prepare(
      'SELECT (SELECT count(*) FROM products_fts) AS p, (SELECT count(*) FROM customers_fts) AS c, (SELECT count(*) FROM search_terms) AS v',
    )
    .first();
  await dispose();
  console.log(
    `data: ${counts.p} products, ${counts.c} customers indexed, ${counts.v} vocabulary terms (${((performance.now() - started) / 1000).toFixed(1)} s incl. triggers)`,
  );
  return { seconds: (performance.now() - started) / 1000, counts };
}

// ------------------------------------------------------------------ queries

const QUERIES = {
  'typical products': [
    'bolt',
    'hydraulic pump',
    'stainless valve',
    'hydr',
    'wrench',
    'cordless drill',
    'hinge',
    'brass fitting',
    'safety gloves',
    'thermostat',
    'galvanized chain',
    'rubber seal',
    'lamp',
    'ladder',
    'copper pipe',
    'magnetic',
  ].map((q) => ({ type: 'products', q })),
  'typo products': [
    'blot',
    'hydrolic pump',
    'stainles valve',
    'wrnch',
    'cordles dril',
    'brss fitting',
    'saftey gloves',
    'thermostta',
    'galvanised chain',
    'rubbr seal',
    'laddr',
    'coper pipe',
    'magentic',
    'respirtor',
    'trolly',
    'pnuematic',
  ].map((q) => ({ type: 'products', q })),
  'typical customers': [
    'müller',
    'schmidt gmbh',
    'potsdam',
    'anna weber',
    'haustechnik',
    'krüger',
    'metallbau köln',
    'lena',
  ].map((q) => ({ type: 'customers', q })),
  'typo customers': [
    'muler',
    'schmitd',
    'potsdm',
    'hofman',
    'haustechnk',
    'dusseldrof',
    'metalbau',
    'braunschwieg',
  ].map((q) => ({ type: 'customers', q })),
};

const BASELINES = {
  'baseline: GET /health (no auth, no D1)': '/health',
  'baseline: GET /v1/products?limit=20 (JWT + one D1 read)': '/v1/products?limit=20',
};

const searchPath = ({ type, q }) => `/v1/search?type=${type}&limit=20&q=${encodeURIComponent(q)}`;

/**
 * The exact statements the FTS5 backend runs for each query, captured by running the backend itself
 * (bundled from src/ with esbuild) over node:sqlite on a copy of the database file.
 */
async function captureStatements(dbFile, tenantId) {
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [join(root, 'src/search/fts5-backend.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'error',
  });
  const { Fts5Backend } = await import(
    `data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`
  );
  const { DatabaseSync } = await import('node:sqlite');
  const sqlite = new DatabaseSync(dbFile, { readOnly: true });
  let log = [];
  const statement = (sql, params) => ({
    bind: (...p) => statement(sql, p),
    all: async () => run(sql, params),
    first: async () => (await run(sql, params)).results[0] ?? null,
  });
  const run = (sql, params) => {
    log.push({ sql, params });
    return { results: sqlite.prepare(sql).all(...params) };
  };
  const d1 = { prepare: (sql) => statement(sql, []), batch: async (list) => Promise.all(list.map((s) => s.all())) };
  const backend = new Fts5Backend(d1);
  // A warm-up pass, as end to end: the first search loads the tenant's vocabulary copy into the isolate.
  for (const query of Object.values(QUERIES).flat()) {
    await backend.search(tenantId, { ...query, limit: 20, sort: 'relevance', filters: {} });
  }
  const captured = {};
  for (const [cls, queries] of Object.entries(QUERIES)) {
    captured[cls] = [];
    for (const query of queries) {
      log = [];
      const result = await backend.search(tenantId, { ...query, limit: 20, sort: 'relevance', filters: {} });
      captured[cls].push({ query, statements: log, total: result.total });
    }
  }
  sqlite.close();
  return captured;
}

const literal = (v) =>
  v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`;

/** Inlines bound parameters (`?NNN` and `?`) so the shell runs the statement as the Worker does. */
function inline(sql, params) {
  let next = 0;
  return sql.replace(/\?(\d+)?/g, (_, n) => literal(params[n ? Number(n) - 1 : next++]));
}

/**
 * Runs every captured search `repeats` times in the sqlite3 shell (pinned to core 1) and returns, per
 * search, the summed time of its statements: wall time (what the end-to-end figures are comparable with;
 * the shell prints it to the millisecond) and CPU time (user + sys, to the microsecond).
 */
function rawShell(dbFile, captured, repeats) {
  const searches = Object.entries(captured).flatMap(([cls, list]) => list.map((c) => ({ cls, ...c })));
  const lines = ['.timer on', '.output /dev/null'];
  for (let r = 0; r < repeats + 1; r++) {
    for (const s of searches)
      for (const st of s.statements) lines.push(`${inline(st.sql, st.params).replace(/\s+/g, ' ')};`);
  }
  const file = join(tmpdir(), `fieldline-search-bench-${process.pid}.sql`);
  writeFileSync(file, lines.join('\n'));
  const [cmd, args] = pinned(1, 'sqlite3', ['-readonly', dbFile, `.read ${file}`]);
  const out = execFileSync(cmd, args, { maxBuffer: 64 * 1024 * 1024 }).toString();
  rmSync(file);
  const times = [...out.matchAll(/Run Time: real ([\d.]+) user ([\d.]+) sys ([\d.]+)/g)].map((m) => ({
    wall: Number(m[1]) * 1000,
    cpu: (Number(m[2]) + Number(m[3])) * 1000,
  }));
  const perRound = searches.reduce((n, s) => n + s.statements.length, 0);
  if (times.length !== perRound * (repeats + 1)) {
    throw new Error(
      `sqlite3 printed ${times.length} timings, expected ${perRound * (repeats + 1)}:\n${out.slice(0, 500)}`,
    );
  }
  const wall = {};
  const cpu = {};
  let i = perRound; // the first round warms the page cache and is not counted
  for (let r = 0; r < repeats; r++) {
    for (const s of searches) {
      let w = 0;
      let c = 0;
      for (let k = 0; k < s.statements.length; k++, i++) {
        w += times[i].wall;
        c += times[i].cpu;
      }
      wall[s.cls] = [...(wall[s.cls] ?? []), w];
      cpu[s.cls] = [...(cpu[s.cls] ?? []), c];
    }
  }
  return { wall, cpu };
}

// ------------------------------------------------------------------ servers

let PORT = 0;

async function startWorker() {
  PORT = await freePort();
  const config = buildWorker(join(root, 'wrangler.jsonc'), mkdtempSync(join(tmpdir(), 'fieldline-bench-search-')));
  startServer({ config, port: PORT, stateDir: STATE, runtime: opts.runtime });
  await waitFor(`http://127.0.0.1:${PORT}/health`, 120_000);
}

function findSqliteFile() {
  const dir = join(STATE, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sqlite'))
    .map((f) => join(dir, f));
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

function ensureSqlite3() {
  try {
    execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
    return;
  } catch {}
  console.log('sqlite3 not found; installing it with apt-get');
  try {
    execFileSync('apt-get', ['install', '-y', 'sqlite3'], { stdio: 'inherit' });
  } catch {
    throw new Error('The sqlite3 shell is required for the raw reference: apt-get install -y sqlite3');
  }
}

// ------------------------------------------------------------------ main

async function main() {
  ensureSqlite3();
  const data = opts.reuse && existsSync(STATE) ? null : await generate();
  const dbFile = findSqliteFile();
  const version = execFileSync('sqlite3', ['-version']).toString().split(' ')[0];

  await startWorker();
  const login = await (
    await fetch(`http://127.0.0.1:${PORT}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    })
  ).json();
  if (!login.accessToken) throw new Error(`login failed: ${JSON.stringify(login)}`);
  const tenantId = login.tenant.id;
  const captured = await captureStatements(dbFile, tenantId);

  const rounds = Number(opts.rounds);
  const e2e = {};
  const raw = { wall: {}, cpu: {} };
  const job = {
    origin: `http://127.0.0.1:${PORT}`,
    token: login.accessToken,
    repeats: Number(opts.repeats),
    queries: {
      ...Object.fromEntries(Object.entries(QUERIES).map(([cls, list]) => [cls, list.map(searchPath)])),
      // The floor under every request in this setup, measured alongside.
      ...Object.fromEntries(Object.entries(BASELINES).map(([cls, path]) => [cls, Array(8).fill(path)])),
    },
  };
  const load = loadavg()[0];
  const [clientCmd, clientArgs] = pinned(1, process.execPath, [join(root, 'bench', 'search.mjs'), '--client']);
  const client = spawn(clientCmd, clientArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let pending = null;
  client.on('message', (samples) => pending?.resolve(samples));
  client.on('exit', (code) => pending?.reject(new Error(`the benchmark client exited (${code})`)));
  const runClient = (queries) =>
    new Promise((resolve, reject) => {
      pending = { resolve, reject };
      client.send({ ...job, queries });
    });
  // Each query set's end-to-end pass and its shell pass run back to back, so a ratio compares two
  // measurements taken seconds apart on this shared machine; the ratio is kept per round.
  const ratios = {};
  for (let round = 0; round < rounds; round++) {
    for (const [cls, paths] of Object.entries(job.queries)) {
      const samples = (await runClient({ [cls]: paths }))[cls];
      e2e[cls] = [...(e2e[cls] ?? []), samples];
      if (!captured[cls]) continue;
      // The shell runs on core 1 too, while the (now idle) Worker keeps core 0.
      const rawSamples = rawShell(dbFile, { [cls]: captured[cls] }, Number(opts.repeats));
      for (const kind of ['wall', 'cpu']) raw[kind][cls] = [...(raw[kind][cls] ?? []), rawSamples[kind][cls]];
      ratios[cls] = [...(ratios[cls] ?? []), quantile(rawSamples.wall[cls], 0.5) / quantile(samples, 0.5)];
    }
    console.log(`round ${round + 1}/${rounds} done`);
  }
  client.kill();
  stopAll();

  const fmt = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const perRound = (runs, q) => median(runs.map((xs) => quantile(xs, q)));
  const rows = Object.keys(QUERIES).map((cls) => {
    const e50 = perRound(e2e[cls], 0.5);
    const e95 = perRound(e2e[cls], 0.95);
    const r50 = perRound(raw.wall[cls], 0.5);
    const r95 = perRound(raw.wall[cls], 0.95);
    const c50 = perRound(raw.cpu[cls], 0.5);
    const hits = captured[cls].map((c) => c.total);
    const ratio = (x) => `${x.toFixed(2)}×`;
    const spread = `${ratio(median(ratios[cls]))} (${ratio(Math.min(...ratios[cls]))}–${ratio(Math.max(...ratios[cls]))})`;
    return `| ${cls} | ${QUERIES[cls].length} | ${fmt(median(hits))} (${Math.min(...hits)}–${Math.max(...hits)}) | ${fmt(e50)} | ${fmt(e95)} | ${fmt(r50)} | ${fmt(r95)} | ${fmt(c50)} | ${spread} | ${e95 < 50 ? 'yes' : 'no'} |`;
  });
  for (const cls of Object.keys(BASELINES)) {
    rows.push(
      `| ${cls} | — | — | ${fmt(perRound(e2e[cls], 0.5))} | ${fmt(perRound(e2e[cls], 0.95))} | — | — | — | — | — |`,
    );
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const section = [
    `Command: \`npm run bench:search -- --products ${opts.products} --customers ${opts.customers} --repeats ${opts.repeats} --rounds ${opts.rounds} --runtime ${opts.runtime}\``,
    `Date: ${new Date().toISOString().slice(0, 10)} · Machine: ${cpus().length} × ${cpu}, Node ${process.version}, sqlite3 ${version} · ` +
      `Runtime: ${runtimeLabel(opts.runtime)}${haveTaskset ? ' pinned to core 0; the HTTP client and the sqlite3 shell on core 1' : ''}.`,
    `Data: ${opts.products} products and ${opts.customers} customers in the measured tenant, plus a tenant with a tenth of that in the same tables` +
      (data
        ? `; generated and indexed by the triggers in ${data.seconds.toFixed(0)} s (${data.counts.v} vocabulary terms).`
        : ' (reused state).'),
    `End to end: one request at a time over one HTTP keep-alive connection (node:http; JWT auth, validation, typo lookup, ` +
      `FTS5 query, JSON), limit=20, ${opts.repeats} passes over each query set per round after a warm-up pass (which also ` +
      `loads the tenant's vocabulary copy into the isolate); medians of ${opts.rounds} rounds. ` +
      'Raw: the very statements the backend runs for each query (vocabulary lookup + ranked FTS5 query, after the same ' +
      'warm-up), captured by running src/search/fts5-backend.ts over node:sqlite, timed by the sqlite3 shell (`.timer on`: wall time to the millisecond, ' +
      'CPU time to the microsecond) on the same database file, summed per search. Per round, each query set runs end to end and ' +
      'then in the shell, back to back. "raw ÷ end to end" is the speed ratio of the p50 wall times (target ≥ 0.5×), per round: ' +
      'median of the rounds (lowest–highest). The baseline rows are requests without search, for the fixed cost of this setup. ' +
      `Latencies in ms. Load average when the run started: ${load.toFixed(2)} (the machine is shared).`,
    '',
    '| query set | queries | hits per query, median (min–max) | end to end p50 | p95 | raw sqlite3 p50 | raw p95 | raw CPU p50 | raw ÷ end to end, median of rounds (range) | p95 < 50 ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  writeBenchmarkSection(join(root, 'docs', 'benchmarks.md'), 'search', section);
  console.log(section);
}

if (!opts.client) {
  main().catch((err) => {
    console.error(err);
    stopAll();
    process.exit(1);
  });
}
