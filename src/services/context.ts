import type { Principal } from '../auth/principal';
import type { Db } from '../db/client';

/**
 * What every service function receives first: the database and the verified caller. The tenant is
 * `principal.tenantId` and nothing else; services never take a tenant id from input.
 */
export interface ServiceContext {
  db: Db;
  principal: Principal;
  /** One clock reading per request, so every row and event written by it carries the same time. */
  now: string;
}

export const tenantOf = (ctx: ServiceContext): string => ctx.principal.tenantId;
