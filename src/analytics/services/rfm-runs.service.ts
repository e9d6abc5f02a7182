import { asc, isNull } from 'drizzle-orm';
import { tenants } from '../../db/tables';
import type { PlatformContext, ServiceContext } from '../../services/context';
import { findTenantSettings } from '../../services/tenant-settings';
import { appendEvent, commit } from '../../services/write-pipeline';
import { type RfmRow, rfmThresholds } from '../domain/rfm';
import { localDate, safeTimeZone } from '../domain/timezone';
import {
  completeRfmRun,
  markRfmChangesAnnounced,
  pendingRfmChanges,
  type RfmRunRow,
  readRfmRun,
  startRfmRun,
  writeRfmSnapshot,
} from '../queries/rfm-runs';
import { computeRfm } from './rfm-scoring';

/**
 * The nightly RFM run of one tenant, resumable at every step. The run row (tenant, local date) is the
 * cursor: `scoring` writes the whole snapshot in one transaction (all of it or nothing, so a retry simply
 * scores again), `notifying` appends the `segment:changed` events a slice at a time and marks those rows
 * in the same unit (a retry continues after the last committed slice, never twice), `completed` makes any
 * further run for that date a no-op.
 */
export const EVENTS_PER_BATCH = 100;
/** Events appended per call; a tenant with more changes continues in another call (`continue`). */
export const EVENTS_PER_INVOCATION = 1000;
/** Completed runs kept per tenant (the latest is read by the API; one before it for "moved from"). */
export const RUNS_KEPT = 8;
/** A bound JSON parameter must stay under D1's 1 MB value limit. */
const JSON_CHUNK_CHARS = 800_000;

export type RfmRunResult =
  | { status: 'completed'; runDate: string; customers: number; changed: number; eventsAppended: number }
  | { status: 'continue'; runDate: string; eventsAppended: number }
  | { status: 'skipped'; reason: string };

/** Tenants the nightly run covers: every live one. */
export async function tenantsForNightlyRfm(platform: PlatformContext): Promise<string[]> {
  const rows = await platform.db
    .select({ id: tenants.id })
    .from(tenants)
    .where(isNull(tenants.deletedAt))
    .orderBy(asc(tenants.id));
  return rows.map((r) => r.id);
}

/** Runs (or resumes) the caller's tenant's RFM for the local date of `nowMs`; the caller is the system. */
export async function runNightlyRfm(ctx: ServiceContext, nowMs: number): Promise<RfmRunResult> {
  const tenant = await findTenantSettings(ctx);
  if (!tenant) return { status: 'skipped', reason: 'tenant not found' };
  const tenantId = ctx.principal.tenantId;
  const timezone = safeTimeZone(tenant.timezone);
  const runDate = localDate(timezone, nowMs);
  let run = await startRfmRun(ctx.db, tenantId, runDate, new Date(nowMs).toISOString());
  if (run.status === 'completed') return { status: 'skipped', reason: `run ${runDate} already completed` };
  if (run.status === 'scoring') {
    const started = Date.now();
    const rows = await computeRfm(ctx.db, tenantId, timezone, Date.parse(run.as_of));
    await writeRfmSnapshot(ctx.db, tenantId, run, jsonChunks(rows), {
      scored: rows.length,
      ms: Date.now() - started,
      thresholds: rfmThresholds(rows),
    });
    run = (await readRfmRun(ctx.db, tenantId, runDate)) as RfmRunRow;
  }
  const appended = await announceChanges(ctx, run);
  if (appended.more) return { status: 'continue', runDate, eventsAppended: appended.count };
  await completeRfmRun(ctx.db, tenantId, runDate, RUNS_KEPT);
  return {
    status: 'completed',
    runDate,
    customers: run.customers,
    changed: run.changed,
    eventsAppended: run.events_appended + appended.count,
  };
}

/** Compact JSON arrays of score rows, each under D1's bound-value size limit. */
export function* jsonChunks(rows: readonly RfmRow[]): Generator<string> {
  let parts: string[] = [];
  let size = 2;
  for (const r of rows) {
    const item = JSON.stringify([
      r.customerId,
      r.recencyDays,
      r.frequency,
      r.monetaryMinor,
      r.lastOrderDate ?? null,
      r.r,
      r.f,
      r.m,
      r.segment,
    ]);
    if (size + item.length + 1 > JSON_CHUNK_CHARS && parts.length > 0) {
      yield `[${parts.join(',')}]`;
      parts = [];
      size = 2;
    }
    parts.push(item);
    size += item.length + 1;
  }
  if (parts.length > 0) yield `[${parts.join(',')}]`;
}

/**
 * Appends `segment:changed` for each changed customer not yet announced, EVENTS_PER_BATCH per unit, each
 * unit also marking its rows announced, so an event is in the log exactly once.
 */
async function announceChanges(ctx: ServiceContext, run: RfmRunRow): Promise<{ count: number; more: boolean }> {
  const tenantId = ctx.principal.tenantId;
  let count = 0;
  while (count < EVENTS_PER_INVOCATION) {
    const changes = await pendingRfmChanges(ctx.db, tenantId, run.run_date, EVENTS_PER_BATCH);
    if (changes.length === 0) return { count, more: false };
    await commit(ctx, [
      ...changes.map((c) =>
        appendEvent(ctx, {
          type: 'segment:changed',
          entityType: 'customer',
          entityId: c.customer_id,
          payload: {
            customerId: c.customer_id,
            salesmanId: c.salesman_id,
            from: c.previous_segment,
            to: c.segment,
            r: c.r,
            f: c.f,
            m: c.m,
            recencyDays: c.recency_days,
            frequency: c.frequency,
            monetaryMinor: c.monetary_minor,
            runDate: run.run_date,
          },
        }),
      ),
      ...markRfmChangesAnnounced(
        ctx.db,
        tenantId,
        run.run_date,
        changes.map((c) => c.customer_id),
      ),
    ]);
    count += changes.length;
  }
  return { count, more: true };
}
