import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { entityColumns } from './columns';
import { type GeoJsonGeometry, TARGET_PERIODS, VISIT_OUTCOMES, VISIT_STATUSES, VISIT_VERDICTS } from './enums';
import { tenants, users } from './tenancy';

export const territories = sqliteTable(
  'territories',
  {
    ...entityColumns(),
    name: text('name').notNull(),
    description: text('description'),
    /** GeoJSON Polygon or MultiPolygon geometry. */
    boundary: text('boundary', { mode: 'json' }).$type<GeoJsonGeometry | null>(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('territories_tenant_name_uq').on(t.tenantId, t.name).where(sql`deleted_at IS NULL`),
    index('territories_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
  ],
);

export const salesmen = sqliteTable(
  'salesmen',
  {
    ...entityColumns(),
    userId: text('user_id'),
    territoryId: text('territory_id'),
    name: text('name').notNull(),
    phone: text('phone'),
    employeeCode: text('employee_code'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('salesmen_tenant_user_uq')
      .on(t.tenantId, t.userId)
      .where(sql`deleted_at IS NULL AND user_id IS NOT NULL`),
    uniqueIndex('salesmen_tenant_code_uq')
      .on(t.tenantId, t.employeeCode)
      .where(sql`deleted_at IS NULL AND employee_code IS NOT NULL`),
    index('salesmen_tenant_territory_idx').on(t.tenantId, t.territoryId),
    index('salesmen_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({
      columns: [t.tenantId, t.territoryId],
      foreignColumns: [territories.tenantId, territories.id],
    }),
  ],
);

export const customers = sqliteTable(
  'customers',
  {
    ...entityColumns(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    company: text('company'),
    address: text('address'),
    city: text('city'),
    lat: real('lat'),
    lng: real('lng'),
    territoryId: text('territory_id'),
    salesmanId: text('salesman_id'),
    notes: text('notes'),
    /** The customer's id in the organisation's own system (ERP, CRM): what a CSV import upserts by. */
    externalId: text('external_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('customers_tenant_external_uq')
      .on(t.tenantId, t.externalId)
      .where(sql`deleted_at IS NULL AND external_id IS NOT NULL`),
    index('customers_tenant_name_idx').on(t.tenantId, t.name, t.id),
    index('customers_tenant_salesman_idx').on(t.tenantId, t.salesmanId),
    index('customers_tenant_territory_idx').on(t.tenantId, t.territoryId),
    index('customers_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    // `customers near a point`: a latitude range scan within the tenant, longitude checked from the index.
    index('customers_tenant_lat_lng_idx').on(t.tenantId, t.lat, t.lng),
    foreignKey({
      columns: [t.tenantId, t.territoryId],
      foreignColumns: [territories.tenantId, territories.id],
    }),
    foreignKey({
      columns: [t.tenantId, t.salesmanId],
      foreignColumns: [salesmen.tenantId, salesmen.id],
    }),
  ],
);

export const visits = sqliteTable(
  'visits',
  {
    ...entityColumns(),
    customerId: text('customer_id').notNull(),
    salesmanId: text('salesman_id').notNull(),
    status: text('status', { enum: VISIT_STATUSES }).notNull().default('planned'),
    plannedAt: text('planned_at'),
    checkInAt: text('check_in_at'),
    checkInLat: real('check_in_lat'),
    checkInLng: real('check_in_lng'),
    checkInAccuracyM: real('check_in_accuracy_m'),
    /** Distance in metres from the check-in fix to the customer's location, when both are known. */
    checkInDistanceM: real('check_in_distance_m'),
    verdict: text('verdict', { enum: VISIT_VERDICTS }),
    /** The check-in fix reached the server well after the device captured it (docs/sync.md, Offline GPS). */
    checkInOffline: integer('check_in_offline', { mode: 'boolean' }).notNull().default(false),
    checkOutAt: text('check_out_at'),
    checkOutLat: real('check_out_lat'),
    checkOutLng: real('check_out_lng'),
    checkOutAccuracyM: real('check_out_accuracy_m'),
    checkOutOffline: integer('check_out_offline', { mode: 'boolean' }).notNull().default(false),
    outcome: text('outcome', { enum: VISIT_OUTCOMES }),
    notes: text('notes'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('visits_tenant_salesman_idx').on(t.tenantId, t.salesmanId, t.plannedAt),
    index('visits_tenant_customer_idx').on(t.tenantId, t.customerId),
    // Planned visits by time across tenants, for the reminder and missed-visit cron (notification rules).
    index('visits_status_planned_idx').on(t.status, t.plannedAt),
    index('visits_tenant_checkin_idx').on(t.tenantId, t.checkInAt),
    index('visits_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }),
    foreignKey({
      columns: [t.tenantId, t.salesmanId],
      foreignColumns: [salesmen.tenantId, salesmen.id],
    }),
  ],
);

export const targets = sqliteTable(
  'targets',
  {
    ...entityColumns(),
    salesmanId: text('salesman_id').notNull(),
    periodType: text('period_type', { enum: TARGET_PERIODS }).notNull(),
    /** First day of the period, YYYY-MM-DD in the tenant's timezone. */
    periodStart: text('period_start').notNull(),
    /** Last day of the period (inclusive), YYYY-MM-DD. */
    periodEnd: text('period_end').notNull(),
    revenueGoalMinor: integer('revenue_goal_minor').notNull().default(0),
    visitGoal: integer('visit_goal').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('targets_tenant_salesman_period_uq')
      .on(t.tenantId, t.salesmanId, t.periodType, t.periodStart)
      .where(sql`deleted_at IS NULL`),
    index('targets_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({
      columns: [t.tenantId, t.salesmanId],
      foreignColumns: [salesmen.tenantId, salesmen.id],
    }),
  ],
);
