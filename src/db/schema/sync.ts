import { foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { SYNC_MUTATION_STATUSES, type SyncConflictField } from './enums';
import { users } from './tenancy';

/**
 * One offline client (an app install) of one user, with the last of its mutations the server has processed.
 * The client mints its id; the id is unique across tenants, so one device's queue can never be replayed
 * under another user or tenant (docs/sync.md).
 */
export const syncClients = sqliteTable(
  'sync_clients',
  {
    tenantId: text('tenant_id').notNull(),
    clientId: text('client_id').notNull(),
    userId: text('user_id').notNull(),
    /** Every mutation of this client with an id up to this one has been processed (applied or refused). */
    lastMutationId: integer('last_mutation_id').notNull().default(0),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.clientId] }),
    uniqueIndex('sync_clients_client_uq').on(t.clientId),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }),
  ],
);

/**
 * The outcome of every processed mutation, written in the same unit as the client's `last_mutation_id`
 * advance: a replayed push answers from here, and a refusal keeps its problem for the client to show.
 */
export const syncMutations = sqliteTable(
  'sync_mutations',
  {
    tenantId: text('tenant_id').notNull(),
    clientId: text('client_id').notNull(),
    mutationId: integer('mutation_id').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: SYNC_MUTATION_STATUSES }).notNull(),
    /** The record the mutation wrote (or named), when its arguments named one. */
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    /** The record's version right after the mutation applied. */
    entityVersion: integer('entity_version'),
    problemCode: text('problem_code'),
    problemStatus: integer('problem_status'),
    problemDetail: text('problem_detail'),
    /** The device's clock when the mutation was made, as the client reported it. */
    clientTime: text('client_time').notNull(),
    processedAt: text('processed_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.clientId, t.mutationId] }),
    foreignKey({ columns: [t.tenantId, t.clientId], foreignColumns: [syncClients.tenantId, syncClients.clientId] }),
  ],
);

/**
 * A pushed update that was based on an older version of its record than the server's, merged field by
 * field (docs/sync.md, Conflicts): written in the same unit as the mutation, for managers to review.
 */
export const syncConflicts = sqliteTable(
  'sync_conflicts',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    clientId: text('client_id').notNull(),
    mutationId: integer('mutation_id').notNull(),
    /** The user whose device pushed the mutation. */
    userId: text('user_id').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    /** The version the client's edit was based on, and the server's when the mutation arrived. */
    baseVersion: integer('base_version').notNull(),
    serverVersion: integer('server_version').notNull(),
    /** Each field both sides had changed: both values and which one the record kept. */
    fields: text('fields', { mode: 'json' }).$type<SyncConflictField[]>().notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('sync_conflicts_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    foreignKey({ columns: [t.tenantId, t.clientId], foreignColumns: [syncClients.tenantId, syncClients.clientId] }),
  ],
);
