import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readD1Migrations } from '@cloudflare/vitest-plugin';
import type { TestProject } from 'vitest/node';
import { buildWorker, loadMiniflare, root, workerOptionsOf } from '../../scripts/worker-bundle.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the built Worker answers, e.g. http://127.0.0.1:41234/ */
    bundleUrl: string;
    /** The bundle wrangler built (one ES module). */
    bundleFile: string;
  }
}

/** Signs the tests' tokens; any value works, the Worker only needs one. */
const JWT_KEYS = 'k-bundle:bundle-signing-secret-0123456789abcdef012345';
const PASSWORD_PEPPER = 'p-bundle:bundle-pepper-secret-0123456789abcdef012345';

/**
 * Builds the Worker as it ships (`wrangler deploy --dry-run`), serves that bundle with Miniflare in one
 * workerd process (in-memory D1 with the migrations applied) and hands its URL to the tests.
 */
export default async function setup(project: TestProject) {
  const outDir = mkdtempSync(join(tmpdir(), 'fieldline-bundle-'));
  const config = buildWorker(join(root, 'wrangler.jsonc'), outDir);
  const { wrangler, Miniflare, convertV4MiniflareOptions } = await loadMiniflare();
  const { worker } = workerOptionsOf(wrangler, config, { JWT_KEYS, PASSWORD_PEPPER });
  const mf = new Miniflare(convertV4MiniflareOptions({ host: '127.0.0.1', port: 0, workers: [worker] }));
  const url = await mf.ready;
  const db = await mf.getD1Database('DB');
  for (const migration of await readD1Migrations(join(root, 'migrations'))) {
    for (const query of migration.queries) await db.prepare(query).run();
  }
  project.provide('bundleUrl', url.href);
  project.provide('bundleFile', worker.scriptPath);
  return async () => {
    await mf.dispose();
    rmSync(outDir, { recursive: true, force: true });
  };
}
