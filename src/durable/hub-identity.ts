import type { Permission } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import type { Role } from '../db/schema';
import type { HubIdentity } from './rooms';

/**
 * The Worker authenticates a socket before it reaches the hub and passes who it is in this header. The
 * hub is reachable only through the Worker (Durable Objects have no public address), and the Worker
 * builds the forwarded request itself, so a client cannot set it.
 */
export const IDENTITY_HEADER = 'x-fieldline-identity';

export interface ForwardedIdentity extends HubIdentity {
  permissions: Permission[];
}

/** The principal services see when a socket acts (e.g. a manager sends a notification over the socket). */
export function principalOf(who: ForwardedIdentity): Principal {
  return {
    tenantId: who.tenantId,
    kind: who.kind,
    id: who.principalId,
    role: who.kind === 'user' ? (who.role as Principal['role']) : null,
    salesmanId: who.salesmanId,
    permissions: new Set(who.permissions),
    ...(who.owner ? { owner: { id: who.owner.id, role: who.owner.role as Role } } : {}),
  };
}
