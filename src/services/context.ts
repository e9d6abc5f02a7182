import type { Principal } from '../auth/principal';
import type { Db, Statement } from '../db/client';
import type { LoggedEvent } from '../db/event-log';
import type { RowsInHand } from '../db/rows-in-hand';
import { nowIso } from '../lib/time';
import type { HubDirectory, TenantHubPort } from './hub-port';

/**
 * What every adapter has before it knows the caller (a public link, a signup): the database and one
 * clock reading. `as` turns it into the context of a verified principal.
 */
export interface PlatformContext {
  db: Db;
  /** Where the request came from (null for jobs and the hub's own work): the audit log records it. */
  origin: RequestOrigin | null;
  /** One clock reading per request or job, so every row and event written by it carries the same time. */
  now: string;
  as(principal: Principal): ServiceContext;
}

/**
 * What every service function receives first: the database, the verified caller and the caller's tenant
 * hub. The tenant is `principal.tenantId` and nothing else; services never take a tenant id from input.
 */
export interface ServiceContext extends PlatformContext {
  principal: Principal;
  /** The live state of the caller's tenant (sockets, presence, latest locations). */
  hub: TenantHubPort;
  /**
   * Where the events of each committed unit go (services/write-pipeline.ts calls it right after commit):
   * to the tenant hub, which relays them and feeds the consumers that follow the log.
   */
  published(events: LoggedEvent[]): void;
  /**
   * Statements a caller enlisted into the next unit this context commits (services/write-pipeline.ts,
   * `enlist`): a sync push's bookkeeping, which must commit or roll back with the mutation's own write.
   */
  enlisted?: Enlistment;
  /**
   * Reads that hold for the rest of this context's work, kept by `remembered` (a sync push sets it: its
   * hundreds of mutations read the same tenant settings and the same customers). Unset: nothing is kept.
   */
  memo?: Map<string, Promise<unknown>>;
  /**
   * Rows this context's work already holds (a sync push: those its mutations name, read ahead, and
   * those it wrote since); the entity layer answers reads by id from them (db/rows-in-hand.ts).
   */
  held?: RowsInHand;
}

/**
 * `read()`, or its answer from earlier in this context's work when `ctx.memo` is set. A failed read is
 * not kept, so only facts are remembered (a 404 is asked again).
 */
export function remembered<T>(ctx: ServiceContext, key: string, read: () => Promise<T>): Promise<T> {
  const memo = ctx.memo;
  if (!memo) return read();
  const known = memo.get(key) as Promise<T> | undefined;
  if (known) return known;
  const answer = read();
  memo.set(key, answer);
  answer.catch(() => memo.delete(key));
  return answer;
}

/** A request's id, the client's address (as Cloudflare saw it) and user agent. */
export interface RequestOrigin {
  requestId: string | null;
  clientIp: string | null;
  userAgent: string | null;
}

/** The origin of a request, from its headers (`CF-Connecting-IP` is set by Cloudflare, never by clients). */
export function requestOrigin(headers: Headers, requestId: string | null): RequestOrigin {
  return {
    requestId,
    clientIp: headers.get('cf-connecting-ip')?.slice(0, 64) ?? null,
    userAgent: headers.get('user-agent')?.slice(0, 256) ?? null,
  };
}

/** Statements waiting to join a unit; handed out once, to the first unit committed after enlisting them. */
export interface Enlistment {
  take(): Statement[];
  readonly pending: boolean;
  /** How many units the context committed since (more than one: the service is not one unit). */
  readonly units: number;
}

/** Hands committed events on; the default sends them to the tenant's hub in the background. */
export type EventSink = (tenantId: string, events: LoggedEvent[]) => void;

export interface ContextDeps {
  db: Db;
  hubs: HubDirectory;
  /** Keeps background work (the hand-off to the hub) alive after the response (ExecutionContext.waitUntil). */
  waitUntil(promise: Promise<unknown>): void;
  /** Replaces the hand-off to the hub; the hub itself delivers its own writes' events in place. */
  sink?: EventSink;
  now?: string;
  origin?: RequestOrigin | null;
}

/**
 * The one place a context is built, for requests (REST, GraphQL, the realtime upgrade), jobs and the
 * tenant hub alike, so every adapter's writes reach the hub the same way.
 */
export function createPlatformContext(deps: ContextDeps): PlatformContext {
  const now = deps.now ?? nowIso();
  const origin = deps.origin ?? null;
  const sink = deps.sink ?? hubSink(deps);
  const as = (principal: Principal): ServiceContext => ({
    db: deps.db,
    origin,
    now,
    as,
    principal,
    get hub() {
      return deps.hubs.getByName(principal.tenantId);
    },
    published: (events) => {
      if (events.length > 0) sink(principal.tenantId, events);
    },
  });
  return { db: deps.db, origin, now, as };
}

export const createServiceContext = (deps: ContextDeps, principal: Principal): ServiceContext =>
  createPlatformContext(deps).as(principal);

/**
 * `ctx` with some members replaced, for one caller's purpose (a sync push holding its events until the
 * push ends, statements enlisted into a unit). The other members are copied as they are defined, so
 * the lazy ones (the hub) stay lazy.
 */
export function deriveContext(ctx: ServiceContext, replaced: Partial<ServiceContext>): ServiceContext {
  const descriptors: PropertyDescriptorMap = Object.getOwnPropertyDescriptors(ctx);
  for (const [name, value] of Object.entries(replaced)) {
    descriptors[name] = { value, enumerable: true, configurable: true, writable: false };
  }
  return Object.create(Object.getPrototypeOf(ctx), descriptors) as ServiceContext;
}

/**
 * The default after-commit step: the tenant's hub receives the events after the response. It may fail
 * harmlessly (the hub also follows the log on a timer, so an event is late at worst, never lost).
 */
function hubSink(deps: ContextDeps): EventSink {
  return (tenantId, events) => {
    deps.waitUntil(
      deps.hubs
        .getByName(tenantId)
        .publish(events)
        .catch((err: unknown) => {
          console.warn(JSON.stringify({ level: 'warn', where: 'event hand-off', tenantId, message: String(err) }));
        }),
    );
  };
}
