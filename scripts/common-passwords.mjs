// Writes src/auth/common-passwords.json, the blocklist the password policy bundles into the Worker
// (src/auth/password-policy.ts, docs/security.md#passwords): the ranked common-password list that
// @zxcvbn-ts/language-common (MIT, a devDependency) ships, lower-cased, keeping only the entries the
// length rule alone would let through (the rest can never be chosen anyway). `--check` fails if the
// committed file differs from what the installed package gives.
//   node scripts/common-passwords.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dictionary } from '@zxcvbn-ts/language-common';

/** PASSWORD_MIN_LENGTH in src/auth/password-policy.ts. */
const MIN_LENGTH = 10;
const root = join(import.meta.dirname, '..');
const file = join(root, 'src', 'auth', 'common-passwords.json');
const pkg = JSON.parse(
  readFileSync(join(root, 'node_modules', '@zxcvbn-ts', 'language-common', 'package.json'), 'utf8'),
);

const ranked = dictionary['passwords-common'];
const seen = new Set();
const passwords = [];
for (const entry of ranked) {
  const password = entry.normalize('NFKC').toLowerCase();
  if ([...password].length < MIN_LENGTH || seen.has(password)) continue;
  seen.add(password);
  passwords.push(password);
}
const body = `${JSON.stringify(
  {
    source: `${pkg.name}@${pkg.version} passwords-common (${ranked.length} ranked entries, ${pkg.license})`,
    minLength: MIN_LENGTH,
    passwords,
  },
  null,
  0,
)}\n`;

if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== body) {
    console.error('src/auth/common-passwords.json is stale: run `node scripts/common-passwords.mjs`');
    process.exit(1);
  }
  console.log(`src/auth/common-passwords.json is up to date (${passwords.length} passwords)`);
} else {
  writeFileSync(file, body);
  console.log(`wrote src/auth/common-passwords.json (${passwords.length} of ${ranked.length} passwords)`);
}
