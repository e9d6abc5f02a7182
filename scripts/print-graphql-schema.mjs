// Prints the GraphQL schema (built from src/graphql, code-first) to docs/schema.graphql.
// `node scripts/print-graphql-schema.mjs --check` fails instead when the committed file is out of date;
// test/graphql/schema.test.ts asserts the same, so the document cannot drift from the code.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const out = join(root, 'node_modules', '.cache', 'print-graphql-schema.mjs');
await build({
  stdin: {
    contents: "export { schema } from './src/graphql/schema'; export { printSchema } from 'graphql';",
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: out,
  external: ['cloudflare:*'],
  logLevel: 'warning',
}).catch(() => process.exit(1));
const { schema, printSchema } = await import(pathToFileURL(out).href);
rmSync(out);
const printed = `${printSchema(schema)}\n`;
const file = join(root, 'docs', 'schema.graphql');
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== printed) {
    console.error('docs/schema.graphql is out of date: run node scripts/print-graphql-schema.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(file, printed);
  console.log(`wrote ${file}`);
}
