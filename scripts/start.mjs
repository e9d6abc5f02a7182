// `npm start`: everything a fresh clone needs to serve the API locally with demo data.
//   1. .dev.vars with a freshly generated JWT key and password pepper (each kept if it exists)
//   2. local D1 migrations (non-interactive)
//   3. the demo tenant, when the local database has no tenant yet (scripts/seed.mjs --if-empty)
//   4. `wrangler dev` on 127.0.0.1:8787 (PORT overrides); extra arguments go to wrangler dev,
//      e.g. `npm start -- --log-level debug`
// Ctrl-C stops the server and this script. Local state lives in .wrangler/state (delete it to start over).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureDevVars } from './dev-vars.mjs';
import { printLogins } from './seed.mjs';

const root = join(import.meta.dirname, '..');
const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const host = '127.0.0.1';
const port = process.env.PORT ?? '8787';
const origin = `http://${host}:${port}`;

let current = null;
let stopping = 0;

/** Runs a Node script with this same Node binary (22, from node_modules), resolving with its exit code. */
function run(args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', ...options });
    current = child;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}

// The terminal's Ctrl-C reaches the child too (same process group); forwarding covers `kill <pid>` of
// this script. A second signal escalates to SIGTERM, a third gives up waiting.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopping++;
    if (stopping >= 3 || !current) process.exit(130);
    current.kill(stopping === 1 ? signal : 'SIGTERM');
  });
}

async function step(label, args, options) {
  const code = await run(args, options);
  if (stopping) process.exit(130);
  if (code !== 0) {
    console.error(`start: ${label} failed (exit code ${code})`);
    process.exit(code);
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
// CI=true makes wrangler answer its "apply migrations?" prompt itself (there may be no TTY).
await step('applying D1 migrations', [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local'], {
  env: { ...process.env, CI: 'true' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
await step('seeding demo data', [join(root, 'scripts', 'seed.mjs'), '--if-empty', '--quiet']);

const devPromise = run([wrangler, 'dev', '--ip', host, '--port', port, ...process.argv.slice(2)]);
const devChild = current;
announceWhenReady(devChild);
const code = await devPromise;
process.exit(stopping ? 0 : code);
