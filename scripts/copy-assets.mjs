// Copies browser bundles the Worker serves as static assets, so /docs needs no CDN.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const out = join(root, 'public', 'vendor');
mkdirSync(out, { recursive: true });
copyFileSync(
  join(root, 'node_modules/@scalar/api-reference/dist/browser/standalone.js'),
  join(out, 'scalar-api-reference.js'),
);

// GraphiQL (GET /graphql in development): yoga's self-contained bundle, as files (src/graphql/graphiql.ts).
const graphiql = await import(
  pathToFileURL(join(root, 'node_modules/@graphql-yoga/render-graphiql/esm/graphiql.js')).href
);
mkdirSync(join(out, 'graphiql'), { recursive: true });
const parts = {
  js: 'graphiql.js',
  css: 'graphiql.css',
  editorWorkerService: 'editorWorkerService.worker.js',
  jsonWorker: 'json.worker.js',
  graphqlWorker: 'graphql.worker.js',
};
for (const [part, file] of Object.entries(parts)) writeFileSync(join(out, 'graphiql', file), graphiql[part]);

// The CJK font of report PDFs (src/analytics/documents/cjk-font.ts): a static asset the Worker fetches
// through its ASSETS binding when a document needs it, too large (3.6 MB) to ship inside the bundle.
mkdirSync(join(root, 'public', 'fonts'), { recursive: true });
copyFileSync(
  join(root, 'assets/fonts/NotoSansCJKsc-Regular.subset.ttf'),
  join(root, 'public', 'fonts', 'noto-sans-cjk-sc.ttf'),
);
