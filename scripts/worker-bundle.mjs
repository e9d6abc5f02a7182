// The Worker as it ships: bundled once by `wrangler deploy --dry-run` and served by one workerd process
// through the Miniflare this wrangler uses. Shared by the benchmarks (bench/lib.mjs, bench/serve-worker.mjs)
// and the tests that run against the built bundle (test/bundle/), because the vitest Workers integration
// resolves modules differently from wrangler's bundler and would not see a bundling defect.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';

export const root = join(import.meta.dirname, '..');
const wranglerBin = join(root, 'node_modules', '.bin', 'wrangler');

/**
 * Bundles the Worker of `config` once (`wrangler deploy --dry-run`) into `outDir` and returns a
 * wrangler.json serving that bundle with the same bindings. Servers then run a fixed build, whatever
 * happens to the tree during a long run, and one workerd process can serve it (workerOptionsOf).
 */
export function buildWorker(config, outDir) {
  execFileSync(wranglerBin, ['deploy', '--dry-run', '--config', config, '--outdir', outDir], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, CI: 'true' },
  });
  // The wrangler configs here have whole-line comments only.
  const base = JSON.parse(readFileSync(config, 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  const built = {
    ...base,
    // wrangler names the bundle after the entry module.
    main: join(outDir, basename(base.main).replace(/\.[cm]?[jt]s$/, '.js')),
    no_bundle: true,
    ...(base.assets ? { assets: { ...base.assets, directory: join(dirname(config), base.assets.directory) } } : {}),
    d1_databases: base.d1_databases?.map((d) => ({ ...d, migrations_dir: join(root, 'migrations') })),
  };
  const file = join(outDir, 'wrangler.json');
  writeFileSync(file, JSON.stringify(built, null, 2));
  return file;
}

/** The Miniflare module of this wrangler (so the options wrangler derives fit) and wrangler itself. */
export async function loadMiniflare() {
  const requireHere = createRequire(import.meta.url);
  const wranglerEntry = requireHere.resolve('wrangler');
  const wrangler = await import(wranglerEntry);
  const miniflare = await import(createRequire(wranglerEntry).resolve('miniflare'));
  return {
    wrangler,
    Miniflare: miniflare.Miniflare,
    Log: miniflare.Log,
    convertV4MiniflareOptions: miniflare.convertV4MiniflareOptions,
  };
}

/**
 * Miniflare options for the built Worker of `builtConfig` (a buildWorker result) with the bindings wrangler
 * derives from it (D1, the tenant hub Durable Object, queues, send_email, vars), `vars` overriding vars.
 */
export function workerOptionsOf(wrangler, builtConfig, vars = {}) {
  const configPath = resolve(builtConfig);
  const { workerOptions, main } = wrangler.unstable_getMiniflareWorkerOptions(configPath);
  if (!main) throw new Error(`${configPath} has no "main"`);
  return {
    workerOptions,
    worker: {
      ...workerOptions,
      // The built bundle is one ES module; wrangler's bundling rules and dev-only handlers do not apply.
      modulesRules: undefined,
      connectHandlers: undefined,
      name: 'fieldline',
      scriptPath: main,
      modules: true,
      bindings: { ...workerOptions.bindings, ...vars },
    },
  };
}
