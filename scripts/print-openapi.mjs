// Prints the OpenAPI document (built from the route schemas, as /openapi.json serves it) to docs/openapi.json.
// `node scripts/print-openapi.mjs --check` fails instead when the committed file is out of date, so the
// published description cannot drift from the code unnoticed (CI runs the check).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const out = join(root, 'node_modules', '.cache', 'print-openapi.mjs');
await build({
  stdin: { contents: "export { buildApp } from './src/app';", resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'node',
  // The Workers builds of the dependencies (as wrangler bundles them), not their Node ones.
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  format: 'esm',
  // Some dependencies (web-push) require Node built-ins, which an ES module bundle can only reach this way.
  banner: {
    js: "import { createRequire as __bannerCreateRequire } from 'node:module'; const require = __bannerCreateRequire(import.meta.url);",
  },
  outfile: out,
  external: ['cloudflare:*'],
  logLevel: 'warning',
}).catch(() => process.exit(1));
const { buildApp } = await import(pathToFileURL(out).href);
rmSync(out);
// The vars of wrangler.jsonc (its comments are whole lines), and throwaway secrets.
const wrangler = JSON.parse(
  readFileSync(join(root, 'wrangler.jsonc'), 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n'),
);
// Bindings are never touched by the document's route, but the middleware in front of it builds clients of them.
const env = {
  ...wrangler.vars,
  JWT_KEYS: `k:${'x'.repeat(32)}`,
  PASSWORD_PEPPER: `p:${'x'.repeat(32)}`,
  DB: {},
  TENANT_HUB: {},
};
const res = await buildApp().request('http://localhost:8787/openapi.json', {}, env);
if (res.status !== 200) {
  console.error(`/openapi.json answered ${res.status}: ${await res.text()}`);
  process.exit(1);
}
const printed = `${JSON.stringify(await res.json(), null, 2)}\n`;
const file = join(root, 'docs', 'openapi.json');
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== printed) {
    console.error('docs/openapi.json is out of date: run npm run openapi');
    process.exit(1);
  }
} else {
  writeFileSync(file, printed);
  console.log(`wrote ${file}`);
}
