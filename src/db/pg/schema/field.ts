import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  type GeoJsonGeometry,
  TARGET_PERIODS,
  VISIT_OUTCOMES,
  VISIT_STATUSES,
  VISIT_VERDICTS,
} from '../../schema/enums';
import { entityColumns, isoTimestamp } from './columns';
import { tenants, users } from './tenancy';

export const territories = pgTable(
  'territories',
  {
    ...entityColumns(),
    name: text('name').notNull(),
    description: text('description'),
    /** GeoJSON Polygon or MultiPolygon geometry. */
    boundary: jsonb('boundary').$type<GeoJsonGeometry | null>(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('territories_tenant_name_uq').on(t.tenantId, t.name).where(sql`deleted_at IS NULL`),
    index('territories_tenant_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
  ],
);

export const salesmen = pgTable(
  'salesmen',
  {
    ...entityColumns(),
    userId: uuid('user_id'),
    territoryId: uuid('territory_id'),
    name: text('name').notNull(),
    phone: text('phone'),
    employeeCode: text('employee_code'),
    active: boolean('active').notNull().default(true),
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

export const customers = pgTable(
  'customers',
  {
    ...entityColumns(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    company: text('company'),
    address: text('address'),
    city: text('city'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    territoryId: uuid('territory_id'),
    salesmanId: uuid('salesman_id'),
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

export const visits = pgTable(
  'visits',
  {
    ...entityColumns(),
    customerId: uuid('customer_id').notNull(),
    salesmanId: uuid('salesman_id').notNull(),
    status: text('status', { enum: VISIT_STATUSES }).notNull().default('planned'),
    plannedAt: isoTimestamp('planned_at'),
    checkInAt: isoTimestamp('check_in_at'),
    checkInLat: doublePrecision('check_in_lat'),
    checkInLng: doublePrecision('check_in_lng'),
    checkInAccuracyM: doublePrecision('check_in_accuracy_m'),
    /** Distance in metres from the check-in fix to the customer's location, when both are known. */
    checkInDistanceM: doublePrecision('check_in_distance_m'),
    verdict: text('verdict', { enum: VISIT_VERDICTS }),
    /** The check-in fix reached the server well after the device captured it (docs/sync.md, Offline GPS). */
    checkInOffline: boolean('check_in_offline').notNull().default(false),
    checkOutAt: isoTimestamp('check_out_at'),
    checkOutLat: doublePrecision('check_out_lat'),
    checkOutLng: doublePrecision('check_out_lng'),
    checkOutAccuracyM: doublePrecision('check_out_accuracy_m'),
    checkOutOffline: boolean('check_out_offline').notNull().default(false),
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

export const targets = pgTable(
  'targets',
  {
    ...entityColumns(),
    salesmanId: uuid('salesman_id').notNull(),
    periodType: text('period_type', { enum: TARGET_PERIODS }).notNull(),
    /** First day of the period, in the tenant's timezone. */
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    /** Last day of the period (inclusive). */
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    revenueGoalMinor: bigint('revenue_goal_minor', { mode: 'number' }).notNull().default(0),
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
