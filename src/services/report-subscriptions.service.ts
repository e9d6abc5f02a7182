import { and, eq } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { type REPORT_FORMATS, type ReportFrequency, reportSubscriptions } from '../db/tables';
import { fromBase64Url, randomToken, timingSafeEqual, toBase64Url } from '../lib/crypto';
import { AppError, ErrorCode, forbidden } from '../lib/errors';
import { newId } from '../lib/ids';
import type { PlatformContext, ServiceContext } from './context';
import { findEntity, insertEntity, newEntity, softDeleteEntity, updateEntity } from './entity';

export type ReportSubscriptionRow = typeof reportSubscriptions.$inferSelect;
export type ReportSubscription = Omit<ReportSubscriptionRow, 'unsubscribeKey'>;

export interface SubscriptionInput {
  name: string;
  frequency: ReportFrequency;
  format?: (typeof REPORT_FORMATS)[number] | undefined;
  recipients: string[];
  active?: boolean | undefined;
}

const MANAGERS = new Set(['owner', 'admin', 'manager']);

/**
 * Subscriptions send tenant-wide figures to e-mail addresses, so they are managed by people with the
 * whole-tenant view: owners, admins and managers. API keys cannot (there is no scope for it yet).
 */
function requireManager(principal: Principal) {
  if (principal.kind === 'system') return;
  if (principal.kind === 'user' && principal.role && MANAGERS.has(principal.role)) return;
  throw forbidden('Report subscriptions are managed by owners, admins and managers');
}

/** Never leaves the server: it signs the unsubscribe links. */
const toPublic = ({ unsubscribeKey: _k, ...rest }: ReportSubscriptionRow): ReportSubscription => rest;

const normaliseRecipients = (emails: string[]) => [...new Set(emails.map((e) => e.trim().toLowerCase()))];

const event = (type: string, row: ReportSubscriptionRow) => {
  const { tenantId: _t, ...payload } = toPublic(row);
  return { event: `report_subscription:${type}`, entityType: 'report_subscription', payload };
};

export async function listReportSubscriptions(
  ctx: ServiceContext,
  page: PageRequest,
): Promise<Page<ReportSubscription>> {
  requireManager(ctx.principal);
  const result = await listPage(ctx.db, reportSubscriptions, {
    tenantId: ctx.principal.tenantId,
    filters: [],
    sortable: {
      name: reportSubscriptions.name,
      createdAt: reportSubscriptions.createdAt,
      updatedAt: reportSubscriptions.updatedAt,
    },
    defaultSort: 'createdAt',
    page,
  });
  return { data: result.data.map(toPublic), nextCursor: result.nextCursor };
}

export async function getReportSubscription(ctx: ServiceContext, id: string): Promise<ReportSubscription> {
  requireManager(ctx.principal);
  return toPublic(await findEntity(ctx, reportSubscriptions, id, 'Report subscription'));
}

export async function createReportSubscription(
  ctx: ServiceContext,
  input: SubscriptionInput & { id?: string | undefined },
): Promise<ReportSubscription> {
  requireManager(ctx.principal);
  const row: ReportSubscriptionRow = {
    ...newEntity(ctx, input.id ?? newId()),
    name: input.name,
    report: 'executive',
    frequency: input.frequency,
    format: input.format ?? 'both',
    recipients: normaliseRecipients(input.recipients),
    active: input.active ?? true,
    createdBy: ctx.principal.id,
    unsubscribeKey: randomToken(32),
  };
  await insertEntity(ctx, reportSubscriptions, row, event('created', row));
  return toPublic(row);
}

export async function updateReportSubscription(
  ctx: ServiceContext,
  id: string,
  input: Partial<SubscriptionInput> & { expectedVersion?: number | undefined },
): Promise<ReportSubscription> {
  requireManager(ctx.principal);
  const existing = await findEntity(ctx, reportSubscriptions, id, 'Report subscription');
  const { expectedVersion, recipients, ...patch } = input;
  const changes: Partial<ReportSubscriptionRow> = {
    ...patch,
    ...(recipients ? { recipients: normaliseRecipients(recipients) } : {}),
  };
  const next = { ...existing, ...changes };
  const updated = await updateEntity(ctx, reportSubscriptions, existing, changes, {
    ...event('updated', next),
    expectedVersion,
  });
  return toPublic(updated);
}

export async function deleteReportSubscription(
  ctx: ServiceContext,
  id: string,
  expectedVersion?: number,
): Promise<ReportSubscription> {
  requireManager(ctx.principal);
  const existing = await findEntity(ctx, reportSubscriptions, id, 'Report subscription');
  const deleted = await softDeleteEntity(ctx, reportSubscriptions, existing, {
    ...event('deleted', { ...existing, deletedAt: ctx.now }),
    expectedVersion,
  });
  return toPublic(deleted);
}

// ------------------------------------------------------------------ unsubscribe links

interface UnsubscribeClaims {
  t: string;
  s: string;
  e: string;
}

const encoder = new TextEncoder();

async function hmac(key: string, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, encoder.encode(data)));
}

/** `<claims>.<HMAC-SHA256 of the claims under the subscription's own random key>`, both base64url. */
export async function unsubscribeToken(
  sub: Pick<ReportSubscriptionRow, 'tenantId' | 'id' | 'unsubscribeKey'>,
  email: string,
) {
  const claims = toBase64Url(
    encoder.encode(JSON.stringify({ t: sub.tenantId, s: sub.id, e: email } satisfies UnsubscribeClaims)),
  );
  return `${claims}.${toBase64Url(await hmac(sub.unsubscribeKey, claims))}`;
}

const invalidLink = () => new AppError(ErrorCode.BAD_REQUEST, 'This unsubscribe link is not valid');

/** The subscription and recipient a signed unsubscribe link names, or 400 when it is not genuine. */
async function verifyUnsubscribeLink(platform: PlatformContext, token: string) {
  const [claimsPart, signature] = token.split('.');
  if (!claimsPart || !signature) throw invalidLink();
  let claims: UnsubscribeClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64Url(claimsPart))) as UnsubscribeClaims;
  } catch {
    throw invalidLink();
  }
  if (typeof claims?.t !== 'string' || typeof claims.s !== 'string' || typeof claims.e !== 'string')
    throw invalidLink();
  const [sub] = await platform.db
    .select()
    .from(reportSubscriptions)
    .where(and(eq(reportSubscriptions.tenantId, claims.t), eq(reportSubscriptions.id, claims.s)))
    .limit(1);
  if (!sub) throw invalidLink();
  let given: Uint8Array;
  try {
    given = fromBase64Url(signature);
  } catch {
    throw invalidLink();
  }
  if (!timingSafeEqual(given, await hmac(sub.unsubscribeKey, claimsPart))) throw invalidLink();
  return { sub, email: claims.e };
}

/**
 * What an unsubscribe link would do, without doing it (the page a GET on the link shows: mail scanners
 * follow links, so only a POST unsubscribes, RFC 8058). `subscribed` is false when it was done already.
 */
export async function previewUnsubscribe(
  platform: PlatformContext,
  token: string,
): Promise<{ email: string; subscriptionName: string; subscribed: boolean }> {
  const { sub, email } = await verifyUnsubscribeLink(platform, token);
  return { email, subscriptionName: sub.name, subscribed: sub.recipients.includes(email) && !sub.deletedAt };
}

/**
 * Removes the link's recipient from the subscription (no login: the link is the credential). Idempotent:
 * a second click finds the address gone and still answers success. A subscription left without
 * recipients is deactivated.
 */
export async function unsubscribe(
  platform: PlatformContext,
  token: string,
): Promise<{ email: string; subscriptionName: string }> {
  const { sub, email } = await verifyUnsubscribeLink(platform, token);
  if (sub.recipients.includes(email) && !sub.deletedAt) {
    const recipients = sub.recipients.filter((r) => r !== email);
    // The signed link is the credential: the platform acts on it, with no permission of its own.
    const ctx = platform.as({
      tenantId: sub.tenantId,
      kind: 'system',
      id: 'system:unsubscribe',
      role: null,
      salesmanId: null,
      permissions: new Set(),
    });
    const changes = { recipients, ...(recipients.length === 0 ? { active: false } : {}) };
    await updateEntity(ctx, reportSubscriptions, sub, changes, event('updated', { ...sub, ...changes }));
  }
  return { email, subscriptionName: sub.name };
}
