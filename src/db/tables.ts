import * as sqlite from './schema';

/**
 * The tables services query, for the database this deployment runs on.
 *
 * Drizzle has no dialect-neutral schema: `src/db/schema/` defines the tables for D1 (sqlite-core) and
 * `src/db/pg/schema/` the same tables for Postgres (pg-core), with the same export names, column names
 * and JS row shapes (test/unit/schema-parity.test.ts holds them together). Services import their
 * tables from here, and `useTables` points these bindings at one set or the other. A deployment runs
 * on one database (DATABASE_URL set → Postgres, else D1), so the choice is made once per isolate,
 * before the first query (src/db/connection.ts does it when it opens the database).
 *
 * The bindings are typed as the sqlite tables: drizzle's query builders take the same calls on both
 * dialects, and the rows carry the same values (ISO timestamps, numbers, booleans, parsed JSON).
 */
export let tenants = sqlite.tenants;
export let users = sqlite.users;
export let invitations = sqlite.invitations;
export let refreshTokens = sqlite.refreshTokens;
export let apiKeys = sqlite.apiKeys;
export let idempotencyKeys = sqlite.idempotencyKeys;
export let territories = sqlite.territories;
export let salesmen = sqlite.salesmen;
export let customers = sqlite.customers;
export let visits = sqlite.visits;
export let targets = sqlite.targets;
export let products = sqlite.products;
export let inventory = sqlite.inventory;
export let stockMovements = sqlite.stockMovements;
export let orders = sqlite.orders;
export let orderLines = sqlite.orderLines;
export let payments = sqlite.payments;
export let events = sqlite.events;
export let locationTrail = sqlite.locationTrail;
export let notifications = sqlite.notifications;
export let searchCursors = sqlite.searchCursors;
export let rfmRuns = sqlite.rfmRuns;
export let rfmScores = sqlite.rfmScores;
export let reportSubscriptions = sqlite.reportSubscriptions;
export let reportDeliveries = sqlite.reportDeliveries;
export let loginThrottle = sqlite.loginThrottle;
export let syncClients = sqlite.syncClients;
export let syncMutations = sqlite.syncMutations;
export let syncConflicts = sqlite.syncConflicts;
export let outboundCursors = sqlite.outboundCursors;
export let webhookEndpoints = sqlite.webhookEndpoints;
export let webhookDeliveries = sqlite.webhookDeliveries;
export let notificationRules = sqlite.notificationRules;
export let notificationPreferences = sqlite.notificationPreferences;
export let pushSubscriptions = sqlite.pushSubscriptions;
export let notificationDeliveries = sqlite.notificationDeliveries;
export let imports = sqlite.imports;
export let sampleData = sqlite.sampleData;
export let auditLog = sqlite.auditLog;
export let twoFactor = sqlite.twoFactor;
export let recoveryCodes = sqlite.recoveryCodes;

/** The enum constants and row types, which are the same on both databases. */
export * from './schema';

export type TableSet = Pick<typeof sqlite, TableName>;

/** Points every binding above at `set` (the sqlite tables, or the pg tables cast to their shape). */
export function useTables(set: TableSet): void {
  tenants = set.tenants;
  users = set.users;
  invitations = set.invitations;
  refreshTokens = set.refreshTokens;
  apiKeys = set.apiKeys;
  idempotencyKeys = set.idempotencyKeys;
  territories = set.territories;
  salesmen = set.salesmen;
  customers = set.customers;
  visits = set.visits;
  targets = set.targets;
  products = set.products;
  inventory = set.inventory;
  stockMovements = set.stockMovements;
  orders = set.orders;
  orderLines = set.orderLines;
  payments = set.payments;
  events = set.events;
  locationTrail = set.locationTrail;
  notifications = set.notifications;
  searchCursors = set.searchCursors;
  rfmRuns = set.rfmRuns;
  rfmScores = set.rfmScores;
  reportSubscriptions = set.reportSubscriptions;
  reportDeliveries = set.reportDeliveries;
  loginThrottle = set.loginThrottle;
  syncClients = set.syncClients;
  syncMutations = set.syncMutations;
  syncConflicts = set.syncConflicts;
  outboundCursors = set.outboundCursors;
  webhookEndpoints = set.webhookEndpoints;
  webhookDeliveries = set.webhookDeliveries;
  notificationRules = set.notificationRules;
  notificationPreferences = set.notificationPreferences;
  pushSubscriptions = set.pushSubscriptions;
  notificationDeliveries = set.notificationDeliveries;
  imports = set.imports;
  sampleData = set.sampleData;
  auditLog = set.auditLog;
  twoFactor = set.twoFactor;
  recoveryCodes = set.recoveryCodes;
}

export type TableName =
  | 'tenants'
  | 'users'
  | 'invitations'
  | 'refreshTokens'
  | 'apiKeys'
  | 'idempotencyKeys'
  | 'territories'
  | 'salesmen'
  | 'customers'
  | 'visits'
  | 'targets'
  | 'products'
  | 'inventory'
  | 'stockMovements'
  | 'orders'
  | 'orderLines'
  | 'payments'
  | 'events'
  | 'locationTrail'
  | 'notifications'
  | 'searchCursors'
  | 'rfmRuns'
  | 'rfmScores'
  | 'reportSubscriptions'
  | 'reportDeliveries'
  | 'loginThrottle'
  | 'syncClients'
  | 'syncMutations'
  | 'syncConflicts'
  | 'outboundCursors'
  | 'webhookEndpoints'
  | 'webhookDeliveries'
  | 'notificationRules'
  | 'notificationPreferences'
  | 'pushSubscriptions'
  | 'notificationDeliveries'
  | 'imports'
  | 'sampleData'
  | 'auditLog'
  | 'twoFactor'
  | 'recoveryCodes';
