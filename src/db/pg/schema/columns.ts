import { customType, integer, uuid } from 'drizzle-orm/pg-core';

/*
 * Column types of the Postgres schema. The services are shared between D1 and Postgres, so every column
 * here must hand JavaScript the same value the SQLite column does; only the storage type differs.
 *
 *   SQLite (src/db/schema)                   Postgres (here)            JS value
 *   text, an ISO-8601 UTC instant            timestamptz(3)             '2026-12-03T17:46:57.123Z' (isoTimestamp)
 *   text, a local date YYYY-MM-DD            date, mode 'string'        '2026-12-03'
 *   text({ mode: 'json' })                   jsonb                      the parsed value, same $type
 *   integer, money in minor units and        bigint, mode 'number'      number
 *     quantities that can pass 2^31
 *   integer, other counters                  integer                    number
 *   integer({ mode: 'boolean' })             boolean                    boolean
 *   real                                     double precision           number
 *   text, an id that is always a UUID        uuid                       lower-case string
 *
 * Which id columns are uuid. Entity ids are UUIDv7 strings (src/lib/ids.ts, scripts/seed/random.mjs), or
 * chosen by an offline client and validated as UUIDs (`z.uuid()`); tenant ids are minted the same way. So:
 *   - tenant_id everywhere, and every entity's id (the (tenant_id, id) primary keys);
 *   - every column that references an entity: the composite foreign keys' columns (user_id, territory_id,
 *     salesman_id, customer_id, product_id, order_id, visit_id) and the references the analytics tables
 *     keep without a foreign key (rfm_scores.customer_id, report_deliveries.subscription_id,
 *     stock_movements.order_id);
 *   - refresh_tokens.id and family_id (minted with newId() at login), refresh_tokens.user_id;
 *   - api_keys.owner_id (a user id) and api_keys.created_by: the service lets only a user or a user's API
 *     key create a key, so it is always a user id or an API key id;
 *   - events.entity_id: every append names an entity by its id (the tenant, a user, a product for
 *     inventory events, a customer for segment changes, ...).
 * Which stay text, because a value there need not be a UUID:
 *   - events.actor_id, stock_movements.actor_id, notifications.sender_id, report_subscriptions.created_by:
 *     they hold the acting principal's id, which for the platform itself is `system:<component>`
 *     (src/auth/principal.ts);
 *   - idempotency_keys.scope (`<tenant>:<kind>:<principal>` or `public`), token and key hashes, key prefixes,
 *     unsubscribe keys, report_deliveries.message_id (the mail provider's id) and period_key.
 */

const PG_TIMESTAMPTZ =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)$/;

/**
 * A timestamptz as the driver hands it over, as the ISO-8601 UTC string `Date#toISOString` gives. The neon
 * driver passes Postgres' text form through unparsed (`2026-12-03 17:46:57.123+00`, in the session's time
 * zone, so the offset may be `+05:30` or, for old dates, even carry seconds); other drivers give a Date.
 */
export function isoFromPg(value: string | Date): string {
  if (value instanceof Date) return value.toISOString();
  const m = PG_TIMESTAMPTZ.exec(value);
  if (!m) throw new Error(`Unexpected timestamptz value from Postgres: ${value}`);
  const [, year, month, day, hours, minutes, seconds, fraction = '', zulu, sign, offH = '0', offM = '0', offS = '0'] =
    m;
  const offsetMs = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 3600 + Number(offM) * 60 + Number(offS)) * 1000;
  const at = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0..99 as 1900..1999.
  at.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  at.setUTCHours(Number(hours), Number(minutes), Number(seconds), Number(fraction.padEnd(3, '0').slice(0, 3)));
  return new Date(at.getTime() - offsetMs).toISOString();
}

/**
 * An instant: `timestamptz(3)` in Postgres (millisecond precision, what `toISOString` writes), an ISO-8601
 * UTC string in JavaScript exactly as the SQLite schema's text column holds it. Written as the ISO string.
 */
export const isoTimestamp = customType<{ data: string; driverData: string | Date }>({
  dataType: () => 'timestamp (3) with time zone',
  fromDriver: isoFromPg,
  toDriver: (value) => value,
});

/** The columns every tenant-owned entity carries (see src/db/schema/columns.ts). */
export const entityColumns = () => ({
  tenantId: uuid('tenant_id').notNull(),
  id: uuid('id').notNull(),
  createdAt: isoTimestamp('created_at').notNull(),
  updatedAt: isoTimestamp('updated_at').notNull(),
  version: integer('version').notNull().default(1),
  /** Soft delete: the row stays as a tombstone so offline clients learn about the deletion. */
  deletedAt: isoTimestamp('deleted_at'),
});
