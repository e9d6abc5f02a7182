import { and, asc, desc, eq, gte, isNull, lt, lte, sql } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import { runBatch } from '../db/batch';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { events, type WebhookDeliveryStatus, webhookDeliveries, webhookEndpoints } from '../db/tables';
import { chunk } from '../lib/chunk';
import { fromBase64Url, toBase64Url } from '../lib/crypto';
import { AppError, ErrorCode } from '../lib/errors';
import { newId } from '../lib/ids';
import { endpointEventPayload } from '../outbound/endpoint-payload';
import { matchesEventTypes } from '../outbound/event-filter';
import { webhookUrlProblem } from '../outbound/url-safety';
import { type AttemptResult, postSigned, webhookBody } from '../outbound/webhook-request';
import { newWebhookSecret } from '../outbound/webhook-signing';
import type { ServiceContext } from './context';
import { findEntity, insertEntity, newEntity, softDeleteEntity, updateEntity } from './entity';
import { lastEventSeq } from './search-indexer.service';
import { requireStepUp } from './two-factor.service';
import { DELIVERY_ROWS_PER_INSERT, deliveryId, type SendDeps, type WebhookSettings } from './webhook-delivery.service';

/**
 * Webhook endpoints, managed by owners and admins (`webhooks:manage`): CRUD, secret rotation, the
 * delivery log, replay and a test send. Delivery itself is webhook-delivery.service.ts.
 */

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
/** What the API shows of an endpoint: never a secret (those are shown once, by create and rotate). */
export type WebhookEndpoint = Omit<WebhookEndpointRow, 'tenantId' | 'secret' | 'previousSecret' | 'sendingUntil'>;
export type WebhookDelivery = Omit<typeof webhookDeliveries.$inferSelect, 'tenantId'>;

export interface EndpointInput {
  url: string;
  description?: string | undefined;
  eventTypes?: string[] | undefined;
  enabled?: boolean | undefined;
}

/** Endpoints per tenant: each one multiplies every event's deliveries. */
export const MAX_ENDPOINTS = 20;
/** How long the previous secret keeps signing after a rotation (receivers switch within it). */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** Events one replay may resend. */
export const MAX_REPLAY = 10_000;

const toPublic = ({ tenantId: _t, secret: _s, previousSecret: _p, sendingUntil: _l, ...rest }: WebhookEndpointRow) =>
  rest;

const event = (type: string, row: WebhookEndpointRow) => ({
  event: `webhook_endpoint:${type}`,
  entityType: 'webhook_endpoint',
  payload: endpointEventPayload(row),
});

function checkUrl(url: string, settings: Pick<WebhookSettings, 'allowPrivateUrls'>) {
  const problem = webhookUrlProblem(url, settings.allowPrivateUrls);
  if (problem) {
    const message = `The endpoint URL ${problem}`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, message, { errors: [{ path: 'json.url', message }] });
  }
}

export async function listWebhookEndpoints(ctx: ServiceContext, page: PageRequest): Promise<Page<WebhookEndpoint>> {
  requirePermission(ctx.principal, 'webhooks:manage');
  const result = await listPage(ctx.db, webhookEndpoints, {
    tenantId: ctx.principal.tenantId,
    filters: [],
    sortable: { createdAt: webhookEndpoints.createdAt, updatedAt: webhookEndpoints.updatedAt },
    defaultSort: 'createdAt',
    page,
  });
  return { data: result.data.map(toPublic), nextCursor: result.nextCursor };
}

const findEndpoint = (ctx: ServiceContext, id: string) => findEntity(ctx, webhookEndpoints, id, 'Webhook endpoint');

export async function getWebhookEndpoint(ctx: ServiceContext, id: string): Promise<WebhookEndpoint> {
  requirePermission(ctx.principal, 'webhooks:manage');
  return toPublic(await findEndpoint(ctx, id));
}

export async function createWebhookEndpoint(
  ctx: ServiceContext,
  input: EndpointInput & { id?: string | undefined },
  settings: Pick<WebhookSettings, 'allowPrivateUrls'>,
): Promise<WebhookEndpoint & { secret: string }> {
  requirePermission(ctx.principal, 'webhooks:manage');
  checkUrl(input.url, settings);
  // The answer holds a signing secret: a sensitive action (two-factor step-up).
  await requireStepUp(ctx);
  const [count] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, ctx.principal.tenantId), isNull(webhookEndpoints.deletedAt)));
  if (Number(count?.n ?? 0) >= MAX_ENDPOINTS) {
    throw new AppError(ErrorCode.INVALID_STATE, `A tenant has at most ${MAX_ENDPOINTS} webhook endpoints`);
  }
  const row: WebhookEndpointRow = {
    ...newEntity(ctx, input.id ?? newId()),
    url: input.url,
    description: input.description ?? '',
    eventTypes: input.eventTypes ?? ['*'],
    enabled: input.enabled ?? true,
    disabledReason: null,
    secret: newWebhookSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    // Events from now on: whatever is already in the log is history, which `replay` can send.
    startSeq: await lastEventSeq(ctx.db, ctx.principal.tenantId),
    failingSince: null,
    sendingUntil: null,
    createdBy: ctx.principal.id,
  };
  await insertEntity(ctx, webhookEndpoints, row, event('created', row));
  return { ...toPublic(row), secret: row.secret };
}

export async function updateWebhookEndpoint(
  ctx: ServiceContext,
  id: string,
  input: Partial<EndpointInput> & { expectedVersion?: number | undefined },
  settings: Pick<WebhookSettings, 'allowPrivateUrls'>,
): Promise<WebhookEndpoint> {
  requirePermission(ctx.principal, 'webhooks:manage');
  const existing = await findEndpoint(ctx, id);
  if (input.url !== undefined) checkUrl(input.url, settings);
  const { expectedVersion, ...patch } = input;
  const changes: Partial<WebhookEndpointRow> = Object.fromEntries(
    Object.entries(patch).filter(([, v]) => v !== undefined),
  );
  // Turned back on: it starts healthy, and what it missed while off can be replayed.
  if (input.enabled === true && !existing.enabled) Object.assign(changes, { disabledReason: null, failingSince: null });
  if (input.enabled === false) changes.disabledReason = null;
  const updated = await updateEntity(ctx, webhookEndpoints, existing, changes, {
    ...event('updated', { ...existing, ...changes }),
    expectedVersion,
  });
  return toPublic(updated);
}

export async function deleteWebhookEndpoint(
  ctx: ServiceContext,
  id: string,
  expectedVersion?: number,
): Promise<WebhookEndpoint> {
  requirePermission(ctx.principal, 'webhooks:manage');
  const existing = await findEndpoint(ctx, id);
  const deleted = await softDeleteEntity(ctx, webhookEndpoints, existing, {
    ...event('deleted', { ...existing, deletedAt: ctx.now }),
    expectedVersion,
  });
  return toPublic(deleted);
}

/**
 * A new signing secret, shown once. The previous one keeps signing too (a second signature in the
 * header) for ROTATION_OVERLAP_MS, so the receiver can switch without refusing a delivery.
 */
export async function rotateWebhookSecret(
  ctx: ServiceContext,
  id: string,
): Promise<WebhookEndpoint & { secret: string }> {
  requirePermission(ctx.principal, 'webhooks:manage');
  const existing = await findEndpoint(ctx, id);
  await requireStepUp(ctx);
  const secret = newWebhookSecret();
  const previousSecretExpiresAt = new Date(Date.parse(ctx.now) + ROTATION_OVERLAP_MS).toISOString();
  const updated = await updateEntity(
    ctx,
    webhookEndpoints,
    existing,
    { secret, previousSecret: existing.secret, previousSecretExpiresAt },
    event('secret_rotated', { ...existing, previousSecretExpiresAt }),
  );
  return { ...toPublic(updated), secret };
}

// ----------------------------------------------------------------------------------- delivery log

export interface DeliveryFilters {
  status?: WebhookDeliveryStatus | undefined;
}

const encodeSeqCursor = (seq: number) => toBase64Url(new TextEncoder().encode(JSON.stringify({ seq })));

function decodeSeqCursor(raw: string): number {
  try {
    const { seq } = JSON.parse(new TextDecoder().decode(fromBase64Url(raw))) as { seq: unknown };
    if (typeof seq === 'number' && Number.isInteger(seq) && seq >= 0) return seq;
  } catch {
    // the error below
  }
  throw new AppError(ErrorCode.BAD_REQUEST, 'Invalid cursor (it must come from a previous page)');
}

/** The endpoint's deliveries, newest event first. */
export async function listWebhookDeliveries(
  ctx: ServiceContext,
  endpointId: string,
  filters: DeliveryFilters,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<WebhookDelivery>> {
  requirePermission(ctx.principal, 'webhooks:manage');
  await findEndpoint(ctx, endpointId);
  const rows = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, ctx.principal.tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        filters.status ? eq(webhookDeliveries.status, filters.status) : undefined,
        page.cursor ? lt(webhookDeliveries.seq, decodeSeqCursor(page.cursor)) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.seq))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const data = rows.slice(0, page.limit).map(({ tenantId: _t, ...rest }) => rest);
  const last = data.at(-1);
  return { data, nextCursor: more && last ? encodeSeqCursor(last.seq) : null };
}

export interface ReplayRange {
  fromSeq?: number | undefined;
  toSeq?: number | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/**
 * Sends the endpoint's events of a range again (or for the first time: events from before it existed,
 * or that its filters did not take then): each becomes a pending delivery due now, with the same
 * `webhook-id` as before so a receiver that kept them can tell. Answers how many were queued.
 */
export async function replayWebhookDeliveries(
  ctx: ServiceContext,
  endpointId: string,
  range: ReplayRange,
): Promise<{ queued: number; fromSeq: number | null; toSeq: number | null }> {
  requirePermission(ctx.principal, 'webhooks:manage');
  const endpoint = await findEndpoint(ctx, endpointId);
  if (range.fromSeq === undefined && range.since === undefined) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'A replay needs a start: fromSeq or since', {
      errors: [{ path: 'json', message: 'fromSeq or since is required' }],
    });
  }
  const matching = await ctx.db
    .select({ seq: events.seq, type: events.type })
    .from(events)
    .where(
      and(
        eq(events.tenantId, ctx.principal.tenantId),
        range.fromSeq !== undefined ? gte(events.seq, range.fromSeq) : undefined,
        range.toSeq !== undefined ? lte(events.seq, range.toSeq) : undefined,
        range.since !== undefined ? gte(events.createdAt, range.since) : undefined,
        range.until !== undefined ? lt(events.createdAt, range.until) : undefined,
      ),
    )
    .orderBy(asc(events.seq))
    .limit(MAX_REPLAY + 1);
  const wanted = matching.filter((e) => matchesEventTypes(endpoint.eventTypes, e.type));
  if (matching.length > MAX_REPLAY) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `A replay covers at most ${MAX_REPLAY} events; narrow the range`, {
      errors: [{ path: 'json', message: `more than ${MAX_REPLAY} events in the range` }],
    });
  }
  const rows = await Promise.all(
    wanted.map(async (e) => ({
      tenantId: ctx.principal.tenantId,
      id: await deliveryId(endpoint.id, e.seq),
      endpointId: endpoint.id,
      seq: e.seq,
      eventType: e.type,
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: ctx.now,
      createdAt: ctx.now,
    })),
  );
  const statements = chunk(rows, DELIVERY_ROWS_PER_INSERT).map((part) =>
    ctx.db
      .insert(webhookDeliveries)
      .values(part)
      .onConflictDoUpdate({
        target: [webhookDeliveries.tenantId, webhookDeliveries.id],
        set: { status: 'pending', attempts: 0, nextAttemptAt: ctx.now, deliveredAt: null },
      }),
  );
  // Larger replays go in several units: each delivery stands on its own.
  for (const part of chunk(statements, 100)) await runBatch(ctx.db, part);
  return { queued: rows.length, fromSeq: wanted[0]?.seq ?? null, toSeq: wanted.at(-1)?.seq ?? null };
}

/**
 * Sends a `webhook:test` message to the endpoint now and answers what happened (it is not in the log
 * and not retried): how an integrator checks his receiver and its signature check.
 */
export async function testWebhookEndpoint(
  ctx: ServiceContext,
  id: string,
  deps: SendDeps,
): Promise<AttemptResult & { webhookId: string }> {
  requirePermission(ctx.principal, 'webhooks:manage');
  const endpoint = await findEndpoint(ctx, id);
  const webhookId = `msg_test_${newId().replaceAll('-', '')}`;
  const body = webhookBody(ctx.principal.tenantId, {
    seq: 0,
    type: 'webhook:test',
    entityType: 'webhook_endpoint',
    entityId: endpoint.id,
    actorId: ctx.principal.id,
    payload: { message: 'A test delivery from Fieldline' },
    createdAt: ctx.now,
  });
  const result = await postSigned(endpoint, webhookId, body, deps);
  return { ...result, webhookId };
}
