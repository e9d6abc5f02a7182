import { and, asc, eq, gt, isNull, lt, lte, min, or } from 'drizzle-orm';
import { runBatch } from '../db/batch';
import type { Db, Statement } from '../db/client';
import { events, users, webhookDeliveries, webhookEndpoints } from '../db/tables';
import type { Config } from '../env';
import { chunk } from '../lib/chunk';
import { sha256Hex } from '../lib/crypto';
import { endpointEventPayload } from '../outbound/endpoint-payload';
import { matchesEventTypes } from '../outbound/event-filter';
import { type AttemptResult, postSigned, webhookBody } from '../outbound/webhook-request';
import type { ServiceContext } from './context';
import { updateEntity } from './entity';
import { moveOutboundCursor, outboundCursor } from './outbound-cursors';
import { lastEventSeq } from './search-indexer.service';

/**
 * Webhook delivery, fed by the tenant's event log (docs/webhooks.md).
 *
 * 1. `deriveWebhookDeliveries` reads the events after the `webhooks` cursor and writes one delivery per
 *    (event, endpoint that wants it), moving the cursor in the same unit. A delivery's id comes from the
 *    endpoint and the seq, so running this twice (a retried queue message) derives nothing twice, and a
 *    crash between reading and writing loses nothing: the cursor did not move.
 * 2. `sendDueDeliveries` sends one endpoint's due deliveries in seq order, one sender at a time (a lease
 *    on the endpoint row), and records each attempt: delivered on a 2xx, otherwise the next attempt per
 *    the retry schedule, or given up after the last. An endpoint that has failed everything for long
 *    enough is disabled.
 * The queue consumer (jobs/outbound.ts) runs both; the tenant hub asks for a run after every commit, and
 * a cron sweep picks up anything a lost message left behind.
 */

export interface WebhookSettings {
  allowPrivateUrls: boolean;
  /** Seconds before each retry; a delivery gets 1 + length attempts. */
  retrySchedule: readonly number[];
  timeoutMs: number;
  disableAfterHours: number;
}

export const webhookSettings = (config: Config): WebhookSettings => ({
  // Production sends to public https hosts only, whatever the flag says.
  allowPrivateUrls: config.WEBHOOKS_ALLOW_PRIVATE_URLS && config.ENVIRONMENT !== 'production',
  retrySchedule: config.WEBHOOK_RETRY_SCHEDULE,
  timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  disableAfterHours: config.WEBHOOK_DISABLE_AFTER_HOURS,
});

export const WEBHOOK_CONSUMER = 'webhooks';
const EVENTS_PER_RUN = 500;
const DUE_PER_READ = 50;
/** D1 takes 100 bound parameters per statement, and a delivery row has 15 columns. */
export const DELIVERY_ROWS_PER_INSERT = 6;
/** A sender's lease lasts one attempt's timeout and this much more; it is renewed every RENEW_EVERY_MS. */
const LEASE_SLACK_MS = 15_000;
const RENEW_EVERY_MS = 5_000;
/** A run of one endpoint stops after this long (the queue message asks for another run). */
const RUN_BUDGET_MS = 25_000;
/** After this many failures in a row in one run, the rest waits for the retry: the receiver is down. */
const FAILURES_PER_RUN = 3;

type Endpoint = typeof webhookEndpoints.$inferSelect;
type Delivery = typeof webhookDeliveries.$inferSelect;

/** `msg_` and 32 hex digits of SHA-256(endpoint, seq): the same on every attempt and replay. */
export const deliveryId = async (endpointId: string, seq: number) =>
  `msg_${(await sha256Hex(`${endpointId}:${seq}`)).slice(0, 32)}`;

export interface DeriveResult {
  /** The cursor before and after. */
  fromSeq: number;
  toSeq: number;
  derived: number;
  /** Endpoints that got new deliveries. */
  endpointIds: string[];
  /** The log has more after `toSeq` than one run reads. */
  more: boolean;
}

export async function deriveWebhookDeliveries(db: Db, tenantId: string, now: string): Promise<DeriveResult> {
  const cursor = await outboundCursor(db, tenantId, WEBHOOK_CONSUMER);
  const endpoints = await liveEndpoints(db, tenantId);
  if (endpoints.length === 0) {
    // Nobody listens: skip what is there, so a new endpoint's run starts near the end of the log.
    const last = await lastEventSeq(db, tenantId);
    await runBatch(db, [moveCursor(db, tenantId, last, now)]);
    return { fromSeq: cursor ?? 0, toSeq: last, derived: 0, endpointIds: [], more: false };
  }
  const fromSeq = cursor ?? Math.min(...endpoints.map((e) => e.startSeq));
  const logged = await db
    .select({ seq: events.seq, type: events.type })
    .from(events)
    .where(and(eq(events.tenantId, tenantId), gt(events.seq, fromSeq)))
    .orderBy(asc(events.seq))
    .limit(EVENTS_PER_RUN);
  const last = logged.at(-1);
  if (!last) return { fromSeq, toSeq: fromSeq, derived: 0, endpointIds: [], more: false };
  const rows: Delivery[] = [];
  for (const event of logged) {
    for (const endpoint of endpoints) {
      if (event.seq <= endpoint.startSeq || !matchesEventTypes(endpoint.eventTypes, event.type)) continue;
      rows.push(newDelivery(tenantId, endpoint.id, await deliveryId(endpoint.id, event.seq), event, now));
    }
  }
  await runBatch(db, [
    ...chunk(rows, DELIVERY_ROWS_PER_INSERT).map((part) =>
      db.insert(webhookDeliveries).values(part).onConflictDoNothing(),
    ),
    moveCursor(db, tenantId, last.seq, now),
  ]);
  return {
    fromSeq,
    toSeq: last.seq,
    derived: rows.length,
    endpointIds: [...new Set(rows.map((r) => r.endpointId))],
    more: logged.length === EVENTS_PER_RUN,
  };
}

const newDelivery = (
  tenantId: string,
  endpointId: string,
  id: string,
  event: { seq: number; type: string },
  now: string,
): Delivery => ({
  tenantId,
  id,
  endpointId,
  seq: event.seq,
  eventType: event.type,
  status: 'pending',
  attempts: 0,
  nextAttemptAt: now,
  lastAttemptAt: null,
  responseStatus: null,
  responseMs: null,
  responseExcerpt: null,
  error: null,
  createdAt: now,
  deliveredAt: null,
});

const moveCursor = (db: Db, tenantId: string, seq: number, now: string): Statement =>
  moveOutboundCursor(db, tenantId, WEBHOOK_CONSUMER, seq, now);

const liveEndpoints = (db: Db, tenantId: string) =>
  db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.tenantId, tenantId),
        isNull(webhookEndpoints.deletedAt),
        eq(webhookEndpoints.enabled, true),
      ),
    );

/** Tenants with an enabled endpoint, for the sweep. */
export async function tenantsWithWebhooks(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tenantId: webhookEndpoints.tenantId })
    .from(webhookEndpoints)
    .where(and(isNull(webhookEndpoints.deletedAt), eq(webhookEndpoints.enabled, true)));
  return rows.map((r) => r.tenantId);
}

/** The endpoints of a tenant with a delivery due at `now` (for the sweep, after lost messages). */
export async function endpointsWithDueDeliveries(db: Db, tenantId: string, now: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ endpointId: webhookDeliveries.endpointId })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, now),
      ),
    );
  return rows.map((r) => r.endpointId);
}

// ------------------------------------------------------------------------------------------ sending

export interface SendReport {
  /** Another sender held the endpoint (it sends what is due), or the endpoint is gone or disabled. */
  skipped?: 'busy' | 'unavailable';
  delivered: number;
  failed: number;
  /** This run disabled the endpoint (it had failed for too long): its owners are to be told. */
  disabled: { lastError: string | null } | null;
  /** When the earliest pending delivery of the endpoint is due (ms since the epoch), or null. */
  nextDueAt: number | null;
}

export interface SendDeps {
  settings: WebhookSettings;
  /** Replaces the runtime's fetch (tests, benchmarks); unset: `fetch`. */
  fetch?: typeof fetch;
  clock?: () => number;
}

/**
 * Sends an endpoint's due deliveries in seq order and records every attempt. `ctx` is the system acting
 * for the endpoint's tenant (disabling an endpoint is a write with an event).
 */
export async function sendDueDeliveries(ctx: ServiceContext, endpointId: string, deps: SendDeps): Promise<SendReport> {
  const clock = deps.clock ?? Date.now;
  const tenantId = ctx.principal.tenantId;
  const db = ctx.db;
  const report: SendReport = { delivered: 0, failed: 0, disabled: null, nextDueAt: null };
  const started = clock();
  let endpoint = await takeLease(db, tenantId, endpointId, clock(), deps.settings.timeoutMs);
  if (!endpoint) {
    const exists = await liveEndpoint(db, tenantId, endpointId);
    return { ...report, skipped: exists ? 'busy' : 'unavailable' };
  }
  let deferUntil: string | null = null;
  let renewedAt = clock();
  try {
    let failuresInARow = 0;
    sending: while (clock() - started < RUN_BUDGET_MS) {
      const due = await dueDeliveries(db, tenantId, endpointId, iso(clock()));
      for (const { delivery, event } of due) {
        // The lease covers an attempt with LEASE_SLACK_MS to spare; renewing reads the endpoint again, so
        // an edit (URL, rotation, disabling, deletion) reaches a long run within RENEW_EVERY_MS.
        if (clock() - renewedAt >= RENEW_EVERY_MS) {
          const renewed = await takeLease(db, tenantId, endpointId, clock(), deps.settings.timeoutMs, true);
          if (!renewed) break sending;
          endpoint = renewed;
          renewedAt = clock();
        }
        const result = event
          ? await postSigned(endpoint, delivery.id, webhookBody(tenantId, event), deps, clock)
          : { ok: false, status: null, latencyMs: 0, excerpt: null, error: 'event no longer in the log' };
        const next = await recordAttempt(db, endpoint, delivery, result, deps.settings, clock());
        if (result.ok) {
          report.delivered++;
          failuresInARow = 0;
          if (endpoint.failingSince) endpoint = { ...endpoint, failingSince: null };
          continue;
        }
        report.failed++;
        failuresInARow++;
        const failingSince: string = endpoint.failingSince ?? iso(clock());
        endpoint = { ...endpoint, failingSince };
        if (shouldDisable(failingSince, deps.settings, clock())) {
          if (await disableFailingEndpoint(ctx, endpointId)) report.disabled = { lastError: result.error };
          break sending;
        }
        // A receiver that timed out or failed several in a row is down: what is due waits with the
        // delivery that failed (its backoff paces the endpoint), instead of each failing in turn now.
        if (result.status === null || failuresInARow >= FAILURES_PER_RUN) {
          deferUntil = next ?? iso(clock() + (deps.settings.retrySchedule[0] ?? 60) * 1000);
          break sending;
        }
        if (clock() - started >= RUN_BUDGET_MS) break sending;
      }
      if (due.length < DUE_PER_READ) break;
    }
    if (deferUntil) await deferDue(db, tenantId, endpointId, deferUntil);
  } finally {
    await releaseLease(db, tenantId, endpointId);
  }
  report.nextDueAt = await earliestPending(db, tenantId, endpointId);
  return report;
}

const iso = (ms: number) => new Date(ms).toISOString();

async function takeLease(
  db: Db,
  tenantId: string,
  endpointId: string,
  now: number,
  timeoutMs: number,
  renew = false,
): Promise<Endpoint | null> {
  const until = iso(now + timeoutMs + LEASE_SLACK_MS);
  const rows = await db
    .update(webhookEndpoints)
    .set({ sendingUntil: until })
    .where(
      and(
        eq(webhookEndpoints.tenantId, tenantId),
        eq(webhookEndpoints.id, endpointId),
        isNull(webhookEndpoints.deletedAt),
        eq(webhookEndpoints.enabled, true),
        // Renewing: the holder extends its own lease; taking: only a free or expired one.
        renew ? undefined : or(isNull(webhookEndpoints.sendingUntil), lte(webhookEndpoints.sendingUntil, iso(now))),
      ),
    )
    .returning();
  return (rows[0] as Endpoint | undefined) ?? null;
}

const releaseLease = (db: Db, tenantId: string, endpointId: string) =>
  db
    .update(webhookEndpoints)
    .set({ sendingUntil: null })
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId)));

async function liveEndpoint(db: Db, tenantId: string, endpointId: string): Promise<boolean> {
  const rows = await liveEndpoints(db, tenantId);
  return rows.some((r) => r.id === endpointId);
}

/** The endpoint's due deliveries in seq order, each with its event (one query for the lot). */
const dueDeliveries = (db: Db, tenantId: string, endpointId: string, now: string) =>
  db
    .select({ delivery: webhookDeliveries, event: events })
    .from(webhookDeliveries)
    .leftJoin(events, and(eq(events.tenantId, webhookDeliveries.tenantId), eq(events.seq, webhookDeliveries.seq)))
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, now),
      ),
    )
    .orderBy(asc(webhookDeliveries.seq))
    .limit(DUE_PER_READ);

async function earliestPending(db: Db, tenantId: string, endpointId: string): Promise<number | null> {
  const [row] = await db
    .select({ at: min(webhookDeliveries.nextAttemptAt) })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.status, 'pending'),
      ),
    );
  return row?.at ? Date.parse(row.at) : null;
}

async function recordAttempt(
  db: Db,
  endpoint: Endpoint,
  delivery: Delivery,
  result: AttemptResult,
  settings: WebhookSettings,
  now: number,
): Promise<string | null> {
  const attempts = delivery.attempts + 1;
  const delay = settings.retrySchedule[attempts - 1];
  const status = result.ok ? 'delivered' : delay === undefined ? 'failed' : 'pending';
  const nextAttemptAt = status === 'pending' ? iso(now + (delay ?? 0) * 1000) : null;
  const statements: Statement[] = [
    db
      .update(webhookDeliveries)
      .set({
        status,
        attempts,
        nextAttemptAt,
        lastAttemptAt: iso(now),
        responseStatus: result.status,
        responseMs: Math.round(result.latencyMs),
        responseExcerpt: result.excerpt,
        error: result.error,
        deliveredAt: result.ok ? iso(now) : null,
      })
      .where(and(eq(webhookDeliveries.tenantId, delivery.tenantId), eq(webhookDeliveries.id, delivery.id))),
  ];
  // The endpoint's health: failing since its first failure after a success.
  if (result.ok && endpoint.failingSince) statements.push(setFailingSince(db, endpoint, null));
  if (!result.ok && !endpoint.failingSince) statements.push(setFailingSince(db, endpoint, iso(now)));
  await runBatch(db, statements);
  return nextAttemptAt;
}

/** Moves the endpoint's due deliveries to `until` (their attempt counts stay: none was made). */
const deferDue = (db: Db, tenantId: string, endpointId: string, until: string) =>
  db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: until })
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.status, 'pending'),
        lt(webhookDeliveries.nextAttemptAt, until),
      ),
    );

const setFailingSince = (db: Db, endpoint: Endpoint, at: string | null) =>
  db
    .update(webhookEndpoints)
    .set({ failingSince: at })
    .where(and(eq(webhookEndpoints.tenantId, endpoint.tenantId), eq(webhookEndpoints.id, endpoint.id)));

const shouldDisable = (failingSince: string, settings: WebhookSettings, now: number) =>
  now - Date.parse(failingSince) >= settings.disableAfterHours * 3_600_000;

/**
 * Turns a failing endpoint off (its pending deliveries stay, sent once it is enabled again). False when
 * it was no longer enabled (someone else got there first).
 */
async function disableFailingEndpoint(ctx: ServiceContext, endpointId: string): Promise<boolean> {
  const [existing] = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, ctx.principal.tenantId), eq(webhookEndpoints.id, endpointId)));
  if (!existing?.enabled) return false;
  await updateEntity(
    ctx,
    webhookEndpoints,
    existing,
    { enabled: false, disabledReason: 'failing', sendingUntil: null },
    {
      event: 'webhook_endpoint:disabled',
      entityType: 'webhook_endpoint',
      payload: endpointEventPayload({ ...existing, enabled: false, disabledReason: 'failing' }),
    },
  );
  return true;
}

/** Who is told when an endpoint is disabled: the tenant's active owners, and the endpoint as they see it. */
export async function disabledEndpointNotice(ctx: ServiceContext, endpointId: string) {
  const [endpoint] = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, ctx.principal.tenantId), eq(webhookEndpoints.id, endpointId)));
  const owners = await ctx.db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.tenantId, ctx.principal.tenantId), eq(users.role, 'owner'), eq(users.active, true)));
  return endpoint ? { endpoint, recipients: owners.map((o) => o.email) } : null;
}
