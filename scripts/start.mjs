// `npm start`: everything a fresh clone needs to serve the API locally with demo data.
//   1. .dev.vars with a freshly generated JWT key and password pepper (each kept if it exists)
//   2. local D1 migrations (non-interactive)
//   3. the demo tenant, when the local database has no tenant yet (scripts/seed.mjs --if-empty)
//   4. the web app (web/) built into public/app, served at /app
//   5. `wrangler dev` on 127.0.0.1:8787 (PORT overrides); extra arguments go to wrangler dev,
//      e.g. `npm start -- --log-level debug`
// Ctrl-C stops the server and this script. Local state lives in .wrangler/state (delete it to start over).
//
// `npm run start:pg` (`--postgres`) does the same on Postgres: PostgreSQL and its WebSocket proxy
// (`bash scripts/pg.sh start`) unless DATABASE_URL names a database already, `npm run db:migrate:pg`, the
// demo seeded there when it has no tenant, and `wrangler dev` given DATABASE_URL and DATABASE_WS_PROXY as
// `--var`s (nothing is written to .dev.vars). On exit it stops what pg.sh started for it (`pg.sh stop`).
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { ensureDevVars } from './dev-vars.mjs';
import { postgresSettings } from './pg-client.mjs';
import { printLogins } from './seed.mjs';

const root = join(import.meta.dirname, '..');
const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const host = '127.0.0.1';
const port = process.env.PORT ?? '8787';
const origin = `http://${host}:${port}`;
const postgres = process.argv.includes('--postgres');
const pgSh = join(root, 'scripts', 'pg.sh');
const proxyPort = Number(process.env.PG_PROXY_PORT ?? 5488);
const wranglerArgs = process.argv.slice(2).filter((arg) => arg !== '--postgres');
/** Set when this script started the local PostgreSQL's proxy, which it then stops on the way out. */
let stopLocalPostgres = false;

let current = null;
let stopping = 0;

/**
 * Runs a Node script with this same Node binary, resolving with its exit code. `quiet` keeps its output
 * and prints it only if it fails; `filter` passes each output line through it (false drops the line).
 */
function run(args, { quiet = false, filter, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const piped = quiet || filter;
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: piped ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      ...options,
    });
    current = child;
    const kept = [];
    if (piped) {
      for (const [stream, out] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ]) {
        let partial = '';
        stream.on('data', (chunk) => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop();
          for (const line of lines) {
            if (quiet) kept.push(line);
            else if (filter(line)) out.write(`${line}\n`);
          }
        });
      }
    }
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      current = null;
      if (quiet && code !== 0) console.error(kept.join('\n'));
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}

/**
 * The seed reaches the local D1 through wrangler's platform proxy, which loads the bindings without the
 * Worker's code and so warns that the TenantHub class is not exported: true there, and harmless.
 */
const seedNoise = (line) => !line.includes('no such Durable Object class is exported');

/**
 * What `wrangler dev` prints that a newcomer does not need: the bindings table (wrangler.jsonc lists them),
 * the banner, the offline failure to fetch `Request.cf` (a placeholder is used), the note that cron
 * triggers are not run automatically (docs/analytics.md says how to trigger them), and this script's own
 * health probes. Requests, warnings and errors of the Worker itself still show.
 */
function wranglerNoise() {
  let inBlock = false;
  return (line) => {
    const plain = stripVTControlCharacters(line);
    if (inBlock) {
      if (plain.includes('For more details')) inBlock = false;
      return false;
    }
    if (plain.includes('Scheduled Workers are not automatically triggered')) {
      inBlock = true;
      return false;
    }
    return !(
      /^(Your Worker has access|Binding\s|env\.|Using secrets defined|\s*⛅️ wrangler|─+$|⎔ )/.test(plain) ||
      plain.includes('Unable to fetch the `Request.cf` object') ||
      plain.includes('ENOTFOUND workers.cloudflare.com') ||
      /^\s+at GetAddrInfoReqWrap/.test(plain) ||
      plain.includes('GET /health') ||
      plain.trim() === ''
    );
  };
}

// The terminal's Ctrl-C reaches the child too (same process group); forwarding covers `kill <pid>` of
// this script. A second signal escalates to SIGTERM, a third gives up waiting.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopping++;
    if (stopping >= 3) process.exit(130);
    if (!current) return void exit(130);
    current.kill(stopping === 1 ? signal : 'SIGTERM');
  });
}

/** Exits after stopping what this script started. */
async function exit(code) {
  if (stopLocalPostgres) {
    stopLocalPostgres = false;
    await new Promise((resolve) => {
      spawn('bash', [pgSh, 'stop'], { cwd: root, stdio: 'inherit' }).on('exit', resolve);
    });
  }
  process.exit(code);
}

async function step(label, args, options) {
  const code = await run(args, options);
  if (stopping) await exit(130);
  if (code !== 0) {
    console.error(`start: ${label} failed (exit code ${code})`);
    await exit(code);
  }
}

/** Prints the demo logins once the worker answers, so they are not buried in wrangler's start-up output. */
async function announceWhenReady(child) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child.exitCode === null && !stopping) {
    try {
      const res = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        printLogins(origin);
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const written = ensureDevVars(root);
if (written.length) console.log(`start: wrote ${written.join(' and ')} to .dev.vars`);
const database = postgres ? await preparePostgres() : await prepareD1();
console.log('start: building the web app');
await step(
  'building the web app',
  [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
  {
    cwd: join(root, 'web'),
  },
);

console.log(`start: starting the Worker on ${origin}`);
const devPromise = run([wrangler, 'dev', '--ip', host, '--port', port, ...database.vars, ...wranglerArgs], {
  filter: wranglerNoise(),
});
const devChild = current;
announceWhenReady(devChild);
const code = await devPromise;
await exit(stopping ? 0 : code);

async function prepareD1() {
  // CI=true makes wrangler answer its "apply migrations?" prompt itself (there may be no TTY).
  console.log('start: applying the local D1 migrations');
  await step('applying D1 migrations', [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local'], {
    env: { ...process.env, CI: 'true' },
    quiet: true,
  });
  await step('seeding demo data', [join(root, 'scripts', 'seed.mjs'), '--if-empty', '--quiet'], {
    filter: seedNoise,
  });
  return { vars: [] };
}

async function preparePostgres() {
  if (!process.env.DATABASE_URL) {
    const proxyWasRunning = await listening(proxyPort);
    // Its own process group: the terminal's Ctrl-C must not reach the proxy or the cluster it starts.
    const started = await new Promise((resolve) => {
      spawn('bash', [pgSh, 'start'], { cwd: root, stdio: 'inherit', detached: true }).on('exit', resolve);
    });
    if (started !== 0) {
      console.error(`start: starting PostgreSQL failed (exit code ${started})`);
      await exit(started ?? 1);
    }
    stopLocalPostgres = !proxyWasRunning;
  }
  const local = !process.env.DATABASE_URL;
  const settings = postgresSettings({
    DATABASE_URL: process.env.DATABASE_URL || execFileSync('bash', [pgSh, 'url'], { encoding: 'utf8' }).trim(),
    DATABASE_WS_PROXY: process.env.DATABASE_WS_PROXY ?? (local ? `127.0.0.1:${proxyPort}` : undefined),
  });
  const env = { ...process.env, DATABASE_URL: settings.url, DATABASE_WS_PROXY: settings.proxy ?? '' };
  await step('applying Postgres migrations', [join(root, 'scripts', 'migrate-pg.mjs')], { env });
  await step('seeding demo data', [join(root, 'scripts', 'seed.mjs'), '--if-empty', '--quiet'], {
    env,
    filter: seedNoise,
  });
  const vars = ['--var', `DATABASE_URL:${settings.url}`];
  if (settings.proxy) vars.push('--var', `DATABASE_WS_PROXY:${settings.proxy}`);
  return { vars };
}

async function listening(portNumber) {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect(portNumber, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
