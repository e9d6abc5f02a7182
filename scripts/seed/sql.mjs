// The tables the seed writes and removes, and rows → SQLite SQL text. Values are inlined as literals:
// D1's exec() takes one statement per line with no bindings, and that is ~100× faster locally than binding
// parameters statement by statement. Rows hold the values the app reads back (booleans, JSON as objects,
// ISO-8601 strings); each database's writer converts them (here for SQLite, scripts/seed/postgres.mjs).

/** Columns per table, in insertion order (parents before children, for the composite foreign keys). */
export const TABLES = {
  tenants: [
    'id',
    'name',
    'plan',
    'timezone',
    'currency',
    'check_in_radius_m',
    'locale',
    'holidays',
    'created_at',
    'updated_at',
    'version',
    'deleted_at',
  ],
  users: [
    'tenant_id',
    'id',
    'created_at',
    'updated_at',
    'version',
    'deleted_at',
    'email',
    'name',
    'role',
    'password_hash',
    'active',
    'last_login_at',
  ],
  territories: [
    'tenant_id',
    'id',
    'created_at',
    'updated_at',
    'version',
    'deleted_at',
    'name',
    'description',
    'boundary',
  ],
  salesmen: [
    'tenant_id',
    'id',
    'created_at',
    'updated_at',
    'version',
    'deleted_at',
    'user_id',
    'territory_id',
    'name',
    'phone',
    'employee_code',
    'active',
  ],
  customers: [
    'tenant_id',
    'id',
    'created_at',
    'updated_at',
    'version',
    'deleted_at',
    'name',
    'email',
    'phone',
    'company',
    'address',
    'city',
    'lat',
    'lng',
    'territory_id',
    'salesman_id',
    'notes',
  ],
  products: [
    'tenant_id',
    'id',
    'created_at',
    'updated_at',
    'version',
    'deleted_at',
    'sku',
    'name',
    'description',
    'category',
    'price_minor',
    'currency',
    'active',
  ],
  inventory: [
    'tenant_id',
    'product_id',
    'on_hand',
    'reserved',
    'low_stock_threshold',
    'created_at',
    'updated_at',
    'version',
  ],
  stock_movements: [
    'tenant_id',
    'id',
    'product_id',
    'kind',
    'on_hand_delta',
    'reserved_delta',
    'on_hand_after',
    'reserved_after',
    'reason',
    'order_id',
    'actor_id',
    'created_at',
  ],
  visits: [
    'tenant_id',
    'id',
    'created_at',
    'updated_at',
    'version',
    'deleted_at',
    'customer_id',
    'salesman_id',
    'status',
    'planned_at',
    'check_in_at',
    'check_in_lat',
    'check_in_lng',
    'check_in_accuracy_m',
    'check_in_distance_m',
    'verdict',
    'check_out_at',
    'check_out_lat',
    'check_out_lng',
    'check_out_accuracy_m',
    'outcome',
    'notes',
  ],
  orders: [
    'tenant_id',
    'id',
    'created_at',
    'updated_at',
    'version',
    'deleted_at',
    'customer_id',
    'salesman_id',
    'visit_id',
    'status',
    'currency',
    'subtotal_minor',
    'discount_minor',
    'total_minor',
    'paid_minor',
    'notes',
    'ordered_at',
    'confirmed_at',
    'fulfilled_at',
    'cancelled_at',
    'cancel_reason',
  ],
  order_lines: [
    'tenant_id',
    'id',
    'order_id',
    'position',
    'product_id',
    'quantity',
    'unit_price_minor',
    'discount_bps',
    'line_total_minor',
  ],
  payments: [
    'tenant_id',
    'id',
    'created_at',
    'updated_at',
    'version',
    'deleted_at',
    'order_id',
    'amount_minor',
    'currency',
    'method',
    'status',
    'reference',
    'received_at',
    'refunded_at',
    'notes',
  ],
  targets: [
    'tenant_id',
    'id',
    'created_at',
    'updated_at',
    'version',
    'deleted_at',
    'salesman_id',
    'period_type',
    'period_start',
    'period_end',
    'revenue_goal_minor',
    'visit_goal',
  ],
  events: ['tenant_id', 'seq', 'type', 'entity_type', 'entity_id', 'actor_id', 'payload', 'created_at'],
};

/**
 * Everything a tenant owns, children before parents, so deleting a tenant's rows never trips a foreign
 * key; `tenants` itself goes last. `only` names the one database that has the table.
 */
export const TENANT_TABLES = [
  { table: 'recovery_codes' },
  { table: 'invitations' },
  { table: 'two_factor' },
  { table: 'audit_log' },
  { table: 'sample_data' },
  { table: 'imports' },
  { table: 'notification_deliveries' },
  { table: 'push_subscriptions' },
  { table: 'notification_preferences' },
  { table: 'notification_rules' },
  { table: 'webhook_deliveries' },
  { table: 'webhook_endpoints' },
  { table: 'outbound_cursors' },
  { table: 'sync_conflicts' },
  { table: 'sync_mutations' },
  { table: 'sync_clients' },
  { table: 'report_deliveries' },
  { table: 'report_subscriptions' },
  { table: 'rfm_scores' },
  { table: 'rfm_runs' },
  { table: 'search_cursors' },
  { table: 'notifications' },
  { table: 'location_trail' },
  { table: 'payments' },
  { table: 'order_lines' },
  { table: 'orders' },
  { table: 'visits' },
  { table: 'targets' },
  { table: 'customers' },
  { table: 'salesmen' },
  { table: 'territories' },
  { table: 'stock_movements' },
  { table: 'inventory' },
  { table: 'products' },
  { table: 'api_keys' },
  { table: 'refresh_tokens' },
  { table: 'users' },
  { table: 'events' },
  // The tenant's last event seq (src/db/event-log.ts): references tenants.
  { table: 'event_counters', only: 'postgres' },
];

/**
 * The statements that remove `ids` (tenants) and everything they own, in order, for `database` ('d1' or
 * 'postgres'); the caller runs them in one transaction. The search index goes with the rows on both
 * (triggers; on Postgres also cascading foreign keys).
 */
export function deleteTenantStatements(ids, database) {
  const list = ids.map(literal).join(',');
  return [
    ...TENANT_TABLES.filter((t) => !t.only || t.only === database).map(
      ({ table }) => `DELETE FROM ${table} WHERE tenant_id IN (${list});`,
    ),
    // Idempotency scopes are `<tenant>:<kind>:<principal>`.
    ...ids.map((id) => `DELETE FROM idempotency_keys WHERE scope LIKE ${literal(`${id}:%`)};`),
    `DELETE FROM tenants WHERE id IN (${list});`,
  ];
}

export function literal(value) {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`seed data: non-finite number ${value}`);
    return String(value);
  }
  // JSON columns are text in SQLite.
  if (typeof value === 'object') return literal(JSON.stringify(value));
  // exec() splits on newlines, so a newline inside a string would cut the statement in two.
  if (value.includes('\n') || value.includes('\r')) throw new Error(`seed data: newline in ${JSON.stringify(value)}`);
  return value.includes("'") ? `'${value.replaceAll("'", "''")}'` : `'${value}'`;
}

// Local D1 allows ~1 MB per statement; production D1 allows 100 KB. Stay well under both.
const MAX_STATEMENT_CHARS = 90_000;

/** Multi-row INSERT statements (one per line) for `rows` of `table`. */
export function* insertStatements(table, rows) {
  const columns = TABLES[table];
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  let values = [];
  let size = head.length;
  for (const row of rows) {
    const tuple = `(${columns.map((c) => literal(row[c])).join(',')})`;
    if (values.length > 0 && size + tuple.length + 1 > MAX_STATEMENT_CHARS) {
      yield `${head}${values.join(',')};`;
      values = [];
      size = head.length;
    }
    values.push(tuple);
    size += tuple.length + 1;
  }
  if (values.length > 0) yield `${head}${values.join(',')};`;
}
