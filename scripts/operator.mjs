// `npm run operator`: the operator's controls of an organisation, which no API offers (docs/security.md,
// Rate limits): its plan, and overrides of the plan's limits. Writes the database directly: local D1 by
// default (.wrangler/state, as `npm start` keeps it), the deployed D1 with --remote, Postgres with
// --postgres (DATABASE_URL, or the local server of scripts/pg.sh). A running Worker picks a change up
// within a minute (each isolate re-reads a tenant's plan at most once a minute).
//   npm run operator -- show <tenant id>
//   npm run operator -- plan <tenant id> <free|pro|enterprise>
//   npm run operator -- limits <tenant id> requestsPerMinute=5000 credentialRequestsPerMinute=2000 …
//   npm run operator -- limits <tenant id> --clear
//   [--remote] [--persist-to .wrangler/state] [--postgres] [--config wrangler.jsonc]
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLANS = ['free', 'pro', 'enterprise'];
const LIMITS = [
  'requestsPerMinute',
  'credentialRequestsPerMinute',
  'graphqlCostPerMinute',
  'credentialGraphqlCostPerMinute',
  'realtimeConnectsPerMinute',
  'auditRetentionDays',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    remote: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    'persist-to': { type: 'string', default: join(root, '.wrangler', 'state') },
    config: { type: 'string', default: join(root, 'wrangler.jsonc') },
    clear: { type: 'boolean', default: false },
  },
});

function fail(message) {
  console.error(`operator: ${message}`);
  process.exit(1);
}

const sqlText = (value) => `'${String(value).replaceAll("'", "''")}'`;

/** Runs one statement; answers the rows of a SELECT. */
async function run(statement) {
  if (opts.postgres) {
    const { openPool, postgresSettings } = await import('./pg-client.mjs');
    const pool = openPool(postgresSettings());
    try {
      return (await pool.query(statement)).rows;
    } finally {
      await pool.end();
    }
  }
  const where = opts.remote ? ['--remote'] : ['--local', '--persist-to', opts['persist-to']];
  const out = execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
      'd1',
      'execute',
      'DB',
      '--config',
      opts.config,
      ...where,
      '--json',
      '--command',
      statement,
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } },
  );
  const parsed = JSON.parse(out);
  return parsed[0]?.results ?? [];
}

async function show(tenantId) {
  const rows = await run(`SELECT id, name, plan, limits FROM tenants WHERE id = ${sqlText(tenantId)}`);
  if (rows.length === 0) fail(`no organisation ${tenantId}`);
  const row = rows[0];
  const limits = typeof row.limits === 'string' ? JSON.parse(row.limits) : row.limits;
  console.log(`${row.name} (${row.id}): plan ${row.plan}, overrides ${limits ? JSON.stringify(limits) : 'none'}`);
}

async function main() {
  const [command, tenantId, ...rest] = positionals;
  if (!['show', 'plan', 'limits'].includes(command ?? '')) fail('usage: operator show|plan|limits <tenant id> …');
  if (!UUID.test(tenantId ?? '')) fail('the second argument must be an organisation id (a UUID)');
  const id = sqlText(tenantId.toLowerCase());
  if (command === 'plan') {
    const plan = rest[0];
    if (!PLANS.includes(plan)) fail(`the plan must be one of ${PLANS.join(', ')}`);
    await run(`UPDATE tenants SET plan = ${sqlText(plan)} WHERE id = ${id}`);
  }
  if (command === 'limits') {
    let value = null;
    if (!opts.clear) {
      value = {};
      for (const pair of rest) {
        const [name, raw] = pair.split('=');
        const n = Number(raw);
        if (!LIMITS.includes(name)) fail(`unknown limit ${name}; one of ${LIMITS.join(', ')}`);
        if (!Number.isSafeInteger(n) || n <= 0) fail(`${name} must be a positive whole number`);
        value[name] = n;
      }
      if (Object.keys(value).length === 0) fail('name at least one limit (name=value), or pass --clear');
    }
    const json = value === null ? 'NULL' : `${sqlText(JSON.stringify(value))}${opts.postgres ? '::jsonb' : ''}`;
    await run(`UPDATE tenants SET limits = ${json} WHERE id = ${id}`);
  }
  await show(tenantId.toLowerCase());
}

main().catch((err) => fail(err.stderr?.toString() || err.message));
