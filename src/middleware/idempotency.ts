import { and, eq, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { currentPepper, type Pepper } from '../auth/passwords';
import type { Db } from '../db/client';
import { idempotencyKeys } from '../db/tables';
import type { AppEnv } from '../env';
import { sha256Hex } from '../lib/crypto';
import { AppError, ErrorCode } from '../lib/errors';
import { addSeconds, nowIso } from '../lib/time';

const RETENTION_SECONDS = 24 * 60 * 60;
/** Longer than any request may run (Workers cap CPU at 30 s; D1 queries time out well before this). */
const STALE_CLAIM_SECONDS = 120;
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

/** A completed response as the key store holds it. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyOptions {
  /**
   * What of a completed response is stored (default: all of it). A response carrying live credentials
   * must drop them: the row is kept for 24 h, and a replay must not hand out a token used since.
   */
  store?: (response: StoredResponse) => StoredResponse;
  /** Answers a retry from what was stored (default: replays it as stored). */
  replay?: (c: Context<AppEnv>, stored: StoredResponse) => Response | Promise<Response>;
}

/**
 * For a creation whose answer carries a secret shown once (`{ <resource>: { id, … }, secret }`): the
 * store keeps the answer without the secret, and a retry (same key, same body) answers 409
 * ALREADY_EXISTS naming what the first request created (`<resource>Id`), not a second one and not the
 * secret again. `advice` says what to do when the secret was lost.
 */
export function secretShownOnce(resource: string, advice: (id: string) => string): IdempotencyOptions {
  return {
    store(response) {
      if (response.status !== 201) return response;
      const { secret: _s, ...rest } = JSON.parse(response.body) as { secret?: string };
      return { ...response, body: JSON.stringify({ ...rest, secretWithheld: true }) };
    },
    replay(c, stored) {
      const created = stored.status === 201 ? (JSON.parse(stored.body) as Record<string, unknown>) : null;
      const id = (created?.[resource] as { id?: string } | undefined)?.id;
      if (!created?.secretWithheld || !id) return replay(c, stored);
      throw new AppError(ErrorCode.ALREADY_EXISTS, advice(id), { [`${resource}Id`]: id });
    },
  };
}

/**
 * Stripe-style `Idempotency-Key` for POST requests:
 * - first request: a row is claimed *before* the handler runs, the response is stored after it;
 * - same key, same method + path + body: the stored response is replayed (`Idempotent-Replayed: true`);
 * - same key, different request: 422 IDEMPOTENCY_KEY_REUSED;
 * - same key while the first is still running: 409 IDEMPOTENCY_IN_PROGRESS (the claim is an INSERT on
 *   the primary key, so two concurrent requests can never both run);
 * - a 5xx releases the key so the client may retry. Keys are kept 24 h.
 * Scope is the caller's tenant, or `public` before authentication (signup).
 */
export const idempotencyWith = (options: IdempotencyOptions = {}) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (key.length === 0 || key.length > 255) {
      throw new AppError(ErrorCode.BAD_REQUEST, 'Idempotency-Key must be 1 to 255 characters');
    }
    const db = c.get('db');
    // Per caller, not just per tenant: one user's stored response is never replayed to another.
    const principal = c.var.principal;
    const scope = principal ? `${principal.tenantId}:${principal.kind}:${principal.id}` : 'public';
    const body = await c.req.text();
    const request = `${c.req.method} ${new URL(c.req.url).pathname}\n${body}`;
    const peppers = c.get('config').PASSWORD_PEPPER;
    const requestHash = await fingerprint(currentPepper(peppers), request);
    const now = nowIso();

    const claimed = await claim(db, { scope, key, requestHash, now });
    if (!claimed) {
      const existing = await db.query.idempotencyKeys.findFirst({
        where: and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)),
      });
      if (!existing) throw new AppError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'Retry the request');
      if (!(await sameRequest(existing.requestHash, request, peppers))) {
        throw new AppError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request');
      }
      if (existing.state === 'completed' && existing.responseStatus !== null) {
        const stored = {
          status: existing.responseStatus,
          headers: existing.responseHeaders ?? {},
          body: existing.responseBody ?? '',
        };
        return replayed(await (options.replay ?? replay)(c, stored));
      }
      // A claim whose request died without releasing it (isolate killed mid-request) would block the key
      // for 24 h; after STALE_CLAIM_SECONDS one retry may take it over (the conditional update is the lock).
      if (!(await takeOverStaleClaim(db, scope, key, existing.createdAt, now))) {
        throw new AppError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'The first request with this key is still running');
      }
    }

    try {
      await next();
    } catch (err) {
      await release(db, scope, key);
      throw err;
    }
    // Hono turns a thrown error into c.res via onError before returning here when error handling is
    // composed; a 5xx must not be remembered.
    if (c.res.status >= 500) {
      await release(db, scope, key);
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const v = c.res.headers.get(name);
      if (v) headers[name] = v;
    }
    const completed = { status: c.res.status, headers, body: await c.res.clone().text() };
    const stored = options.store ? options.store(completed) : completed;
    await db
      .update(idempotencyKeys)
      .set({
        state: 'completed',
        responseStatus: stored.status,
        responseHeaders: stored.headers,
        responseBody: stored.body,
      })
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  });

/** Replays stored responses as they were. */
export const idempotency = idempotencyWith();

/**
 * What identifies a request in the key store: an HMAC of method, path and body, `hmac$<pepper id>$<hex>`. A
 * plain SHA-256 would be a fast, unsalted hash of the passwords that signup and user creation carry (the rest
 * of their body is in the stored answer); keyed with a secret (derived from the password pepper, which is
 * kept out of D1 for the same reason) it tells nothing without the secret.
 */
async function fingerprint(pepper: Pepper, request: string): Promise<string> {
  const key = await fingerprintKey(pepper);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(request)));
  return `hmac$${pepper.id}$${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Rows written before fingerprints were keyed hold a bare SHA-256; they expire within 24 h. */
async function sameRequest(stored: string, request: string, peppers: readonly Pepper[]): Promise<boolean> {
  if (!stored.startsWith('hmac$')) return stored === (await sha256Hex(request));
  const pepper = peppers.find((p) => p.id === stored.split('$')[1]);
  return pepper !== undefined && stored === (await fingerprint(pepper, request));
}

const encoder = new TextEncoder();
const fingerprintKeys = new Map<string, CryptoKey>();

/** A key of its own for fingerprints: HMAC(pepper, purpose), so the pepper itself only ever keys passwords. */
async function fingerprintKey(pepper: Pepper): Promise<CryptoKey> {
  const cached = fingerprintKeys.get(pepper.secret);
  if (cached) return cached;
  const hmac = { name: 'HMAC', hash: 'SHA-256' };
  const root = await crypto.subtle.importKey('raw', encoder.encode(pepper.secret), hmac, false, ['sign']);
  const derived = await crypto.subtle.sign('HMAC', root, encoder.encode('fieldline idempotency fingerprint v1'));
  const key = await crypto.subtle.importKey('raw', derived, hmac, false, ['sign']);
  fingerprintKeys.set(pepper.secret, key);
  return key;
}

async function claim(db: Db, r: { scope: string; key: string; requestHash: string; now: string }) {
  // An expired record is replaced, not replayed.
  await db
    .delete(idempotencyKeys)
    .where(
      and(eq(idempotencyKeys.scope, r.scope), eq(idempotencyKeys.key, r.key), lt(idempotencyKeys.expiresAt, r.now)),
    );
  const inserted = await db
    .insert(idempotencyKeys)
    .values({
      scope: r.scope,
      key: r.key,
      requestHash: r.requestHash,
      state: 'in_progress',
      createdAt: r.now,
      expiresAt: addSeconds(r.now, RETENTION_SECONDS),
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return inserted.length === 1;
}

async function takeOverStaleClaim(db: Db, scope: string, key: string, claimedAt: string, now: string) {
  if (Date.parse(claimedAt) > Date.parse(now) - STALE_CLAIM_SECONDS * 1000) return false;
  const taken = await db
    .update(idempotencyKeys)
    .set({ createdAt: now })
    .where(
      and(
        eq(idempotencyKeys.scope, scope),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.state, 'in_progress'),
        eq(idempotencyKeys.createdAt, claimedAt),
      ),
    )
    .returning({ key: idempotencyKeys.key });
  return taken.length === 1;
}

const release = (db: Db, scope: string, key: string) =>
  db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));

/** A stored response as it was sent. */
export const replay = (_c: Context<AppEnv>, { status, headers, body }: StoredResponse) =>
  new Response(status === 204 ? null : body, { status, headers });

function replayed(response: Response) {
  const h = new Headers(response.headers);
  h.set('idempotent-replayed', 'true');
  return new Response(response.body, { status: response.status, headers: h });
}
