// The demo tenant on Postgres (a deployment with DATABASE_URL): the same rows as on D1, written in one
// transaction through the Neon driver the Worker uses (scripts/pg-client.mjs).
//
// Each statement inserts a few MB of rows passed as one JSON parameter and read back through the table's
// own row type (`json_populate_recordset(NULL::orders, $1)`), so Postgres converts every value to its
// column type (uuid, timestamptz, date, boolean, bigint, jsonb) itself, and a statement never nears the
// 65,535-parameter limit of a multi-row VALUES list.
import { openPool } from '../pg-client.mjs';
import { chunksOf, sendOverlapped } from './pipeline.mjs';
import { deleteTenantStatements, TABLES } from './sql.mjs';

/** The transaction-local index that speeds up removing a tenant (deleteTenants). */
const VISIT_INDEX = 'seed_removal_orders_visit_idx';

/** JSON text per INSERT statement. */
const CHUNK_CHARS = 4_000_000;

/** Where `settings` ({ url, proxy }) points, without the password. */
export function describePostgres({ url }) {
  const where = new URL(url);
  return `Postgres ${where.host}${where.pathname}`;
}

/** A store on the Postgres database of `settings`, with the operations scripts/seed.mjs needs. */
export function openPostgresStore(settings) {
  const pool = openPool(settings);
  const query = (text, params) =>
    pool.query(text, params).catch((error) => {
      if (error?.code === '42P01')
        throw new Error(`${describePostgres(settings)} has no schema yet; run \`npm run db:migrate:pg\` first`);
      throw error;
    });
  return {
    label: describePostgres(settings),
    countTenants: async () => (await query('SELECT count(*)::int AS n FROM tenants')).rows[0].n,
    /** Tenants that own a user with this e-mail: how the demo tenant is recognised (its id changes daily). */
    tenantsWithUser: async (email) =>
      (await query('SELECT DISTINCT tenant_id::text AS id FROM users WHERE email = $1', [email])).rows.map((r) => r.id),
    /** Removes tenants and everything they own, in one transaction. */
    deleteTenants: async (ids) => {
      if (ids.length === 0) return;
      await inTransaction(pool, async (client) => {
        // No index leads with orders.visit_id, so the foreign-key check of each deleted visit would read
        // through the tenant's orders, deleted in this transaction but still on disk until vacuumed: minutes
        // for the demo. An index that lives only inside this transaction makes each check a lookup (it locks
        // writes to orders until the commit, a few seconds).
        await client.query(`CREATE INDEX ${VISIT_INDEX} ON orders (tenant_id, visit_id)`);
        for (const statement of deleteTenantStatements(ids, 'postgres')) await client.query(statement);
        await client.query(`DROP INDEX ${VISIT_INDEX}`);
      });
    },
    /** Writes the tenant's rows; all of them or, on any error, none. */
    writeTenant: async (tenantId, tables, onProgress) => {
      await inTransaction(pool, async (client) => {
        let written = 0;
        for (const table of Object.keys(TABLES)) {
          await sendOverlapped(chunksOf(jsonRows(table, tables[table]), CHUNK_CHARS), async (chunk) => {
            await client.query(insertFromJson(table), [`[${chunk.join(',')}]`]);
            written += chunk.length;
            onProgress?.(written);
          });
          // Statistics of the rows just written (ANALYZE counts this transaction's own rows). Without them a
          // table the last removal left empty looks empty to the planner, and the foreign-key checks of the
          // next tables read a tenant's whole index instead of looking each key up: minutes, not seconds.
          await client.query(`ANALYZE ${table}`);
        }
        // The event log continues after the seeded events: the next append takes last_seq + 1.
        await client.query(
          `INSERT INTO event_counters (tenant_id, last_seq)
           SELECT tenant_id, max(seq) FROM events WHERE tenant_id = $1 GROUP BY tenant_id
           ON CONFLICT (tenant_id) DO UPDATE SET last_seq = excluded.last_seq`,
          [tenantId],
        );
      });
    },
    dispose: () => pool.end(),
  };
}

/** `INSERT … SELECT` of the table's seeded columns from a JSON array of rows ($1). */
function insertFromJson(table) {
  const columns = TABLES[table].join(', ');
  return `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1::json)`;
}

/** Each row as a JSON object of the table's seeded columns, built as they are consumed. */
function* jsonRows(table, rows) {
  const columns = TABLES[table];
  for (const row of rows) yield JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])));
}

async function inTransaction(pool, work) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
