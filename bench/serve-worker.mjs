// Serves a Worker in ONE workerd process through Miniflare, with the bindings wrangler derives from a
// wrangler config (D1, the tenant hub Durable Object, queues, send_email, vars), persisted where
// `wrangler dev --persist-to` keeps them. `wrangler dev` puts a development proxy in front of the Worker
// (a second workerd process whose proxy Durable Object forwards every request and relays every WebSocket
// frame); benchmarks that measure the Worker itself serve it with this instead.
//   node bench/serve-worker.mjs --config wrangler.json --port 8787 --persist-to .wrangler/state [--var K:V ...]
//     [--inspector-port 9229] [--front driver.js] [--mail-log sent-mail.log]
// With --mail-log, each message the send_email binding takes is written to a file (its path appended to
// the log, one `Email: <path>` line each), so a test can read what a user would receive.
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { loadMiniflare, workerOptionsOf } from '../scripts/worker-bundle.mjs';

const { values: opts } = parseArgs({
  options: {
    config: { type: 'string', default: 'wrangler.jsonc' },
    port: { type: 'string', default: '8787' },
    ip: { type: 'string', default: '127.0.0.1' },
    'persist-to': { type: 'string', default: '.wrangler/state' },
    var: { type: 'string', multiple: true, default: [] },
    /** Chrome DevTools protocol port, for CPU profiles of the Worker. */
    'inspector-port': { type: 'string' },
    /** A module worker to serve on the port in front of the Worker, bound to its Durable Objects. */
    front: { type: 'string' },
    'mail-log': { type: 'string' },
  },
});

const { wrangler, Miniflare, Log, convertV4MiniflareOptions } = await loadMiniflare();
/** Keeps only what the send_email binding reports (where it stored each message); Miniflare logs nothing else here. */
class MailLog extends Log {
  logWithLevel(_level, message) {
    const file = /^Email: (.+)$/m.exec(stripVTControlCharacters(message))?.[1];
    if (file) appendFileSync(opts['mail-log'], `Email: ${file.trim()}\n`);
  }
}
const vars = Object.fromEntries(
  opts.var.map((v) => {
    const at = v.indexOf(':');
    return [v.slice(0, at), v.slice(at + 1)];
  }),
);
const { workerOptions, worker } = workerOptionsOf(wrangler, opts.config, vars);
const main = worker.scriptPath;
// A front worker takes the port and reaches the Worker's Durable Object classes through the same
// binding names (a benchmark driver calling them the way the Worker does).
const front = opts.front && {
  name: 'front',
  modules: true,
  scriptPath: resolve(opts.front),
  compatibilityDate: workerOptions.compatibilityDate,
  compatibilityFlags: workerOptions.compatibilityFlags,
  durableObjects: Object.fromEntries(
    Object.entries(workerOptions.durableObjects ?? {}).map(([name, d]) => [
      name,
      { className: d.className, scriptName: 'fieldline', useSQLite: d.useSQLite },
    ]),
  ),
};
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: opts.ip,
    ...(opts['inspector-port'] ? { inspectorPort: Number(opts['inspector-port']) } : {}),
    port: Number(opts.port),
    ...(opts['mail-log'] ? { log: new MailLog() } : {}),
    // wrangler dev keeps its local state under <persist-to>/v3.
    resourcePersistencePath: join(resolve(opts['persist-to']), 'v3'),
    workers: front ? [front, worker] : [worker],
  }),
);
const url = await mf.ready;
console.error(`serving ${main} at ${url}`);

const shutdown = async () => {
  await mf.dispose().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
