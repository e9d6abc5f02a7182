// Shared by the benchmarks: servers pinned to core 0 (the Worker built once and served by one workerd
// process, or by `wrangler dev`), load generators pinned to core 1, a fresh local D1, free ports, and
// median-of-rounds summaries.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..');
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');

export const haveTaskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
})();

/** `cmd args` run on one core when taskset exists (servers on 0, load on 1). */
export const pinned = (core, cmd, args) =>
  haveTaskset ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];

/** A JWT signing key for this run only (passed to every server as a var). */
export const JWT_KEYS = `bench:${randomBytes(32).toString('hex')}`;
/** A password pepper for this run only. */
export const PASSWORD_PEPPER = `bench:${randomBytes(32).toString('hex')}`;

/** Empties the local D1 state in `stateDir` and applies the migrations. */
export function freshDatabase(stateDir) {
  rmSync(stateDir, { recursive: true, force: true });
  execFileSync(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', stateDir], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, CI: 'true' },
  });
}

/** Other benchmarks or dev servers may hold the usual ports: let the kernel pick a free one. */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

export { buildWorker } from '../scripts/worker-bundle.mjs';

/**
 * The command serving `config` on `port` with the D1 and Durable Object state in `stateDir`:
 * `workerd` (default) runs a built config (buildWorker) in one workerd process; `wrangler-dev` runs
 * `wrangler dev`, which puts its development proxy, a second workerd process, in front of the Worker.
 * `front` (workerd only): a driver worker served on the port instead, bound to the Worker's Durable Objects.
 */
export function workerCommand({
  config,
  port,
  stateDir,
  vars = {},
  runtime = 'workerd',
  front,
  mailLog,
  inspectorPort,
}) {
  const args = ['--config', config, '--port', String(port), '--ip', '127.0.0.1', '--persist-to', stateDir];
  // The plan limits are off unless a benchmark turns them on (bench:api measures them): the others hammer
  // one organisation of the free plan far beyond its limits on purpose.
  for (const [k, v] of Object.entries({ JWT_KEYS, PASSWORD_PEPPER, RATE_LIMITS: 'off', ...vars })) {
    args.push('--var', `${k}:${v}`);
  }
  if (runtime === 'workerd') {
    const serve = [
      join(root, 'bench', 'serve-worker.mjs'),
      ...args,
      ...(front ? ['--front', front] : []),
      ...(mailLog ? ['--mail-log', mailLog] : []),
      ...(inspectorPort ? ['--inspector-port', String(inspectorPort)] : []),
    ];
    return [process.execPath, serve];
  }
  return [wrangler, ['dev', ...args, '--log-level', 'error', '--show-interactive-dev-session=false']];
}

/** How a report names the runtime of `workerCommand`. */
export const runtimeLabel = (runtime = 'workerd') =>
  runtime === 'workerd'
    ? 'the Worker built once and served by one workerd process with local D1 (bench/serve-worker.mjs)'
    : '`wrangler dev` (workerd + local D1, behind its development proxy)';

const children = [];

/** Starts `workerCommand(options)` pinned to core 0; stopped when this process exits. */
export function startServer(options) {
  const [cmd, args] = pinned(0, ...workerCommand(options));
  const child = spawn(cmd, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CI: 'true' },
  });
  children.push(child);
  return child;
}

export const stopAll = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

export async function waitFor(url, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} did not start`);
}

/** A JSON call to the API at `base`; throws on a non-2xx answer. */
export async function call(base, method, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** One autocannon run (pinned to core 1), summarised: requests/s, latency p50/p99 (ms), failures. */
export function autocannon(url, { method = 'GET', headers = {}, body, duration, connections }) {
  const args = ['-j', '-d', String(duration), '-c', String(connections), '-m', method];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  if (body) args.push('-b', body);
  args.push(url);
  const [cmd, cmdArgs] = pinned(1, join(root, 'node_modules', '.bin', 'autocannon'), args);
  const out = execFileSync(cmd, cmdArgs, {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const r = JSON.parse(out.toString());
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    ok: r['2xx'],
  };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function summarise(runs) {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
  };
}

export const fmt = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
