// Copies browser bundles the Worker serves as static assets, so /docs needs no CDN.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'public', 'vendor');
mkdirSync(out, { recursive: true });
copyFileSync(
  join(root, 'node_modules/@scalar/api-reference/dist/browser/standalone.js'),
  join(out, 'scalar-api-reference.js'),
);
