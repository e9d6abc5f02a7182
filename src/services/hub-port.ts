import type { LiveLocation, PresenceStatus } from '@fieldline/client/protocol';
import type { Permission } from '../auth/permissions';
import type { LoggedEvent } from '../db/event-log';

/**
 * The tenant hub (a Durable Object, one per tenant) as the services see it: the calls they make, and the
 * identity they forward with a socket. The Durable Object implements this; services never import it.
 */
export interface TenantHubPort {
  /** Hands committed events to the hub, which relays them to sockets in sequence order. */
  publish(events: LoggedEvent[]): Promise<void>;
  stats(): Promise<HubStats>;
  online(): Promise<OnlineSalesman[]>;
  status(salesmanId: string): Promise<SalesmanLive>;
  /** The WebSocket upgrade, with the identity in IDENTITY_HEADER (and a StreamFilter in FILTER_HEADER). */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
}

/** Hubs by tenant: the Durable Object namespace binding (`TENANT_HUB`). */
export interface HubDirectory {
  getByName(tenantId: string): TenantHubPort;
}

export interface HubStats {
  connections: { total: number; byRole: Record<string, number> };
  rooms: Record<string, number>;
  lastSeq: number;
  eventsDelivered: number;
  eventsPerSecond: number;
  trailPending: number;
}

export interface OnlineSalesman {
  salesmanId: string;
  status: PresenceStatus;
  /** ms since the epoch */
  since: number;
  location: LiveLocation | null;
}

export interface SalesmanLive {
  status: PresenceStatus;
  since: number;
  connections: number;
  visitId: string | null;
  location: LiveLocation | null;
}

/**
 * The Worker authenticates a socket before it reaches the hub and passes who it is in this header. The
 * hub is reachable only through the Worker (Durable Objects have no public address), and the Worker
 * builds the forwarded request itself, so a client cannot set it.
 */
export const IDENTITY_HEADER = 'x-fieldline-identity';

/** Who is on a socket, as the hub places it in rooms. */
export interface HubIdentity {
  tenantId: string;
  /** User id, or API key id for integrations. */
  principalId: string;
  kind: 'user' | 'api_key';
  /** The user's role; `integration` for API keys. */
  role: string;
  salesmanId: string | null;
  territoryId: string | null;
  /** Access token expiry, ms since the epoch; null for API keys (revocation is checked at connect). */
  expiresAt: number | null;
  /** For an API key: the user whose authority it carries, with that user's role when the socket opened. */
  owner?: { id: string; role: string };
}

export interface ForwardedIdentity extends HubIdentity {
  permissions: Permission[];
}

/**
 * What a socket the Worker opens for itself (a GraphQL subscription) wants: the hub sends it only these
 * frames, instead of everything its rooms carry. The Worker builds it (FILTER_HEADER, next to the identity);
 * a device's upgrade never carries one. Absent parts are not sent at all.
 */
export interface StreamFilter {
  /** Rooms to be in instead of the identity's default ones; each must be one the identity may join. */
  rooms?: string[] | undefined;
  /** Domain event types, sent as `event` frames. */
  events?: string[] | undefined;
  /** Live locations: of these salesmen, or of everyone the rooms carry (null). */
  locations?: { salesmanIds: string[] | null } | undefined;
  /** Presence diffs (the `tenant` room carries them). */
  presence?: boolean | undefined;
}

export const FILTER_HEADER = 'x-fieldline-filter';
