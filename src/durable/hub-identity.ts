import type { Principal } from '../auth/principal';
import type { Role } from '../db/tables';
import type { ForwardedIdentity } from '../services/hub-port';

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
