import { and, desc, eq, gte, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import { runBatch } from '../db/batch';
import type { Db, Statement } from '../db/client';
import { apiKeys, auditLog, events, tenants, users } from '../db/tables';
import { fromBase64Url, toBase64Url } from '../lib/crypto';
import { type CsvDelimiter, csvDialect, toCsv } from '../lib/csv';
import { AppError, ErrorCode } from '../lib/errors';
import { newId } from '../lib/ids';
import { planLimits } from '../limits/plans';
import type { PlatformContext, ServiceContext } from './context';
import { tenantSettings } from './tenant-settings';

/**
 * The audit log (docs/security.md, Audit log): who did what, from where.
 *
 * Two sources, read as one list, newest first:
 * - **writes**: the event log. Every write appends its events with the acting principal and the request's
 *   id, client address and user agent (services/write-pipeline.ts), in the write's own unit, so a write
 *   cannot happen without its audit trail and costs no second row;
 * - **access**: `audit_log`, for what changes no record — sign-ins (succeeded, failed, throttled),
 *   sign-outs, refresh-token reuse, exports and downloads, imports started (their rows' writes are events).
 *
 * Both are append-only: no API edits or deletes either, and a trigger refuses updates of `audit_log`.
 * What a plan keeps (`auditRetentionDays`) bounds what is shown, and the daily sweep deletes older
 * `audit_log` entries (the event log itself is kept: sync and the webhooks read it).
 */

/** What `audit_log` records besides writes (an `entity:verb` name like the events'). */
export const AUDIT_ACTIONS = [
  'auth:signed_in',
  'auth:sign_in_failed',
  'auth:sign_in_throttled',
  'auth:signed_out',
  'auth:refresh_reused',
  'export:downloaded',
  'import:started',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntryInput {
  tenantId: string;
  action: AuditAction;
  actor: { type: AuditActorType; id: string | null };
  entity?: { type: string; id: string } | undefined;
  detail?: Record<string, unknown> | undefined;
}

export type AuditActorType = 'user' | 'api_key' | 'system' | 'anonymous';

/** The statement recording one entry, at the context's time, from its request. */
export function auditStatement(
  platform: Pick<PlatformContext, 'db' | 'now' | 'origin'>,
  entry: AuditEntryInput,
): Statement {
  return platform.db.insert(auditLog).values({
    tenantId: entry.tenantId,
    id: newId(),
    at: platform.now,
    action: entry.action,
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    entityType: entry.entity?.type ?? null,
    entityId: entry.entity?.id ?? null,
    detail: entry.detail ?? {},
    requestId: platform.origin?.requestId ?? null,
    clientIp: platform.origin?.clientIp ?? null,
    userAgent: platform.origin?.userAgent ?? null,
  });
}

/** Records entries on their own (an access that writes nothing else). */
export async function recordAudit(
  platform: Pick<PlatformContext, 'db' | 'now' | 'origin'>,
  ...entries: AuditEntryInput[]
): Promise<void> {
  if (entries.length > 0)
    await runBatch(
      platform.db,
      entries.map((entry) => auditStatement(platform, entry)),
    );
}

/** The caller's own entry (an export, a download), as the principal it is. */
export const auditAccess = (ctx: ServiceContext, action: AuditAction, detail: Record<string, unknown>) =>
  recordAudit(ctx, {
    tenantId: ctx.principal.tenantId,
    action,
    actor: { type: ctx.principal.kind, id: ctx.principal.id },
    detail,
  });

export interface AuditEntry {
  id: string;
  at: string;
  /** An event type (`order:created`) for writes, one of AUDIT_ACTIONS otherwise. */
  action: string;
  source: 'write' | 'access';
  actor: { type: AuditActorType; id: string | null; name: string | null };
  entity: { type: string; id: string } | null;
  /** For a write, the event's payload (the record as written); for an access, what it was about. */
  detail: Record<string, unknown>;
  requestId: string | null;
  clientIp: string | null;
  userAgent: string | null;
}

export interface AuditQuery {
  limit: number;
  cursor?: string | undefined;
  /** An action, or a prefix ending in `*` (`auth:*`, `order:*`). */
  action?: string | undefined;
  actorId?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  source?: 'write' | 'access' | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Where a page stopped in each source: the next page continues below the event `seq` and below the
 * (`at`, `id`) entry. `null`: that source is exhausted; absent: not started.
 */
interface AuditCursor {
  e?: number | null;
  a?: [string, string] | null;
}

const encode = (c: AuditCursor) => toBase64Url(new TextEncoder().encode(JSON.stringify(c)));

function decode(raw: string): AuditCursor {
  try {
    const c = JSON.parse(new TextDecoder().decode(fromBase64Url(raw))) as AuditCursor;
    const eOk = c.e === undefined || c.e === null || (Number.isSafeInteger(c.e) && c.e > 0);
    const aOk =
      c.a === undefined ||
      c.a === null ||
      (Array.isArray(c.a) &&
        c.a.length === 2 &&
        !Number.isNaN(Date.parse(String(c.a[0]))) &&
        /^[0-9a-f-]{36}$/i.test(String(c.a[1])));
    if (c && typeof c === 'object' && eOk && aOk) return c;
  } catch {
    // refused below
  }
  throw new AppError(ErrorCode.BAD_REQUEST, 'Invalid cursor (it must come from a previous page of the audit log)');
}

/**
 * The tenant's audit log, newest first, for owners and admins. A page merges the newest entries of both
 * sources by time; the cursor remembers how far each source was read.
 */
export async function listAudit(
  ctx: ServiceContext,
  asked: AuditQuery,
): Promise<{ data: AuditEntry[]; nextCursor: string | null }> {
  requirePermission(ctx.principal, 'audit:read');
  let query = asked;
  const tenantId = ctx.principal.tenantId;
  const cursor = query.cursor ? decode(query.cursor) : {};
  const keptFrom = await retentionStart(ctx);
  // Instants may come with an offset: compared (and stored) in UTC.
  const since = query.from ? new Date(query.from).toISOString() : null;
  const from = since && since > keptFrom ? since : keptFrom;
  if (query.to) query = { ...query, to: new Date(query.to).toISOString() };
  const n = query.limit + 1;

  const wantWrites = query.source !== 'access' && cursor.e !== null;
  const wantAccess = query.source !== 'write' && cursor.a !== null;
  const [writes, accesses] = await Promise.all([
    wantWrites ? readWrites(ctx.db, tenantId, query, from, cursor.e ?? null, n) : [],
    wantAccess ? readAccesses(ctx.db, tenantId, query, from, cursor.a ?? null, n) : [],
  ]);

  // Merge by time (the newest first); on the same instant, writes before accesses.
  const merged: AuditEntry[] = [];
  let w = 0;
  let a = 0;
  while (merged.length < query.limit && (w < writes.length || a < accesses.length)) {
    const nextWrite = writes[w];
    const nextAccess = accesses[a];
    if (nextWrite && (!nextAccess || Date.parse(nextWrite.at) >= Date.parse(nextAccess.at))) {
      merged.push(nextWrite);
      w++;
    } else if (nextAccess) {
      merged.push(nextAccess);
      a++;
    }
  }
  const moreWrites = wantWrites && writes.length > w;
  const moreAccesses = wantAccess && accesses.length > a;
  let nextCursor: string | null = null;
  if (moreWrites || moreAccesses) {
    const lastWrite = writes[w - 1];
    const lastAccess = accesses[a - 1];
    nextCursor = encode({
      e: !wantWrites || !moreWrites ? null : lastWrite ? Number(lastWrite.id.slice(2)) : (cursor.e ?? undefined),
      a: !wantAccess || !moreAccesses ? null : lastAccess ? [lastAccess.at, lastAccess.id] : (cursor.a ?? undefined),
    });
  }
  await withActorNames(ctx.db, tenantId, merged);
  return { data: merged, nextCursor };
}

async function readWrites(
  db: Db,
  tenantId: string,
  query: AuditQuery,
  from: string,
  below: number | null,
  n: number,
): Promise<AuditEntry[]> {
  const conditions: (SQL | undefined)[] = [eq(events.tenantId, tenantId), gte(events.createdAt, from)];
  if (below !== null) conditions.push(lt(events.seq, below));
  if (query.to) conditions.push(lte(events.createdAt, query.to));
  if (query.action) conditions.push(actionMatches(events.type, query.action));
  if (query.actorId) conditions.push(eq(events.actorId, query.actorId));
  if (query.entityType) conditions.push(eq(events.entityType, query.entityType));
  if (query.entityId) conditions.push(eq(events.entityId, query.entityId));
  const rows = await db
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(desc(events.seq))
    .limit(n);
  return rows.map((r) => ({
    id: `e:${r.seq}`,
    at: r.createdAt,
    action: r.type,
    source: 'write',
    actor: actorOf(r.actorId),
    entity: { type: r.entityType, id: r.entityId },
    detail: r.payload,
    requestId: r.requestId,
    clientIp: r.clientIp,
    userAgent: r.userAgent,
  }));
}

async function readAccesses(
  db: Db,
  tenantId: string,
  query: AuditQuery,
  from: string,
  below: [string, string] | null,
  n: number,
): Promise<AuditEntry[]> {
  const conditions: (SQL | undefined)[] = [eq(auditLog.tenantId, tenantId), gte(auditLog.at, from)];
  if (below) {
    conditions.push(or(lt(auditLog.at, below[0]), and(eq(auditLog.at, below[0]), lt(auditLog.id, below[1]))));
  }
  if (query.to) conditions.push(lte(auditLog.at, query.to));
  if (query.action) conditions.push(actionMatches(auditLog.action, query.action));
  if (query.actorId) conditions.push(eq(auditLog.actorId, query.actorId));
  if (query.entityType) conditions.push(eq(auditLog.entityType, query.entityType));
  if (query.entityId) conditions.push(eq(auditLog.entityId, query.entityId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(n);
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    action: r.action,
    source: 'access',
    actor: { type: r.actorType as AuditActorType, id: r.actorId, name: null },
    entity: r.entityType && r.entityId ? { type: r.entityType, id: r.entityId } : null,
    detail: r.detail,
    requestId: r.requestId,
    clientIp: r.clientIp,
    userAgent: r.userAgent,
  }));
}

/** An exact action, or every action starting with what precedes a final `*`. */
function actionMatches(column: typeof events.type | typeof auditLog.action, action: string): SQL {
  if (!action.endsWith('*')) return eq(column, action);
  const prefix = action.slice(0, -1).replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return sql`${column} LIKE ${`${prefix}%`} ESCAPE '\\'`;
}

/** The event log names its actor by id: a user, an API key or `system:<component>`. */
function actorOf(actorId: string | null): AuditEntry['actor'] {
  if (!actorId) return { type: 'system', id: null, name: null };
  if (actorId.startsWith('system:')) return { type: 'system', id: actorId, name: actorId.slice(7) };
  // Told apart from API keys when the names are looked up.
  return { type: 'user', id: actorId, name: null };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Names the page's users and API keys (a user's name, a key's name); an id found in neither stays unnamed. */
async function withActorNames(db: Db, tenantId: string, entries: AuditEntry[]): Promise<void> {
  const ids = [...new Set(entries.map((e) => e.actor.id).filter((id): id is string => !!id && UUID.test(id)))];
  if (ids.length === 0) return;
  const [people, keys] = await Promise.all([
    db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), inArray(users.id, ids))),
    db
      .select({ id: apiKeys.id, name: apiKeys.name })
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenantId), inArray(apiKeys.id, ids))),
  ]);
  const userNames = new Map(people.map((p) => [p.id, p.name]));
  const keyNames = new Map(keys.map((k) => [k.id, k.name]));
  for (const entry of entries) {
    const id = entry.actor.id;
    if (!id || entry.actor.type === 'system') continue;
    if (keyNames.has(id)) entry.actor = { type: 'api_key', id, name: keyNames.get(id) ?? null };
    else if (userNames.has(id)) entry.actor = { ...entry.actor, name: userNames.get(id) ?? null };
  }
}

/** The oldest instant the tenant's plan keeps in its audit log. */
async function retentionStart(ctx: ServiceContext): Promise<string> {
  const [tenant] = await ctx.db
    .select({ plan: tenants.plan, limits: tenants.limits })
    .from(tenants)
    .where(eq(tenants.id, ctx.principal.tenantId));
  const days = planLimits(tenant?.plan ?? 'free', tenant?.limits ?? null).auditRetentionDays;
  return new Date(Date.parse(ctx.now) - days * 86_400_000).toISOString();
}

/**
 * The retention sweep (daily): deletes each tenant's `audit_log` entries older than its plan keeps.
 * Returns how many were deleted.
 */
export async function sweepAuditLog(platform: PlatformContext): Promise<number> {
  const all = await platform.db.select({ id: tenants.id, plan: tenants.plan, limits: tenants.limits }).from(tenants);
  let deleted = 0;
  for (const tenant of all) {
    const days = planLimits(tenant.plan, tenant.limits).auditRetentionDays;
    const before = new Date(Date.parse(platform.now) - days * 86_400_000).toISOString();
    const gone = await platform.db
      .delete(auditLog)
      .where(and(eq(auditLog.tenantId, tenant.id), lt(auditLog.at, before)))
      .returning({ id: auditLog.id });
    deleted += gone.length;
  }
  return deleted;
}

/** The most entries one CSV download holds. */
export const AUDIT_CSV_MAX = 10_000;

/**
 * The entries matching `query` (from the newest, up to AUDIT_CSV_MAX) as CSV, for a download. The download
 * is itself recorded in the audit log.
 */
export async function auditCsv(
  ctx: ServiceContext,
  query: Omit<AuditQuery, 'limit' | 'cursor'>,
  delimiter?: CsvDelimiter,
): Promise<string> {
  const rows: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAudit(ctx, { ...query, limit: 200, cursor });
    rows.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows.length < AUDIT_CSV_MAX);
  const kept = rows.slice(0, AUDIT_CSV_MAX);
  await auditAccess(ctx, 'export:downloaded', { export: 'audit', rows: kept.length, filter: query });
  return toCsv(
    [
      'at',
      'action',
      'source',
      'actor_type',
      'actor_id',
      'actor_name',
      'entity_type',
      'entity_id',
      'client_ip',
      'user_agent',
      'request_id',
      'detail',
    ],
    kept.map((e) => [
      e.at,
      e.action,
      e.source,
      e.actor.type,
      e.actor.id ?? '',
      e.actor.name ?? '',
      e.entity?.type ?? '',
      e.entity?.id ?? '',
      e.clientIp ?? '',
      e.userAgent ?? '',
      e.requestId ?? '',
      JSON.stringify(e.detail),
    ]),
    csvDialect((await tenantSettings(ctx)).locale, delimiter),
  );
}
