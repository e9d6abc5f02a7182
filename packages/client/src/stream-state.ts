import type { PresenceChange, PresenceStatus } from './protocol.js';

/**
 * Resume position in the tenant's event log. The hub numbers events with a per-tenant `seq`; a client
 * that reconnects with `since=<last>` gets what it missed, and anything at or below `last` is a
 * duplicate (a replay racing a live delivery, or a second socket's echo) and is dropped.
 */
export class SeqTracker {
  constructor(private position: number | null = null) {}

  /** The last seq delivered to the app, or null before the first welcome. */
  get last(): number | null {
    return this.position;
  }

  /**
   * On `welcome`: a first connection adopts the hub's position; a resumed one keeps its own, because the
   * hub replays everything after it right behind the welcome.
   */
  welcome(seq: number): void {
    if (this.position === null) this.position = seq;
  }

  /** True if the event is new (and advances the position); false for a duplicate. */
  accept(seq: number): boolean {
    if (this.position !== null && seq <= this.position) return false;
    this.position = seq;
    return true;
  }

  /** On `resync`: the gap cannot be replayed; the app reloads over REST and live delivery goes on from `seq`. */
  resync(seq: number): void {
    this.position = seq;
  }
}

/** Salesman id → presence status, from the welcome snapshot plus `presence` diffs. */
export class PresenceMap {
  private readonly statuses = new Map<string, PresenceStatus>();

  get view(): ReadonlyMap<string, PresenceStatus> {
    return this.statuses;
  }

  /**
   * Replaces the map with a welcome snapshot. Returns the differences from what was known, so an app that
   * was disconnected for a while hears about the changes it missed like any other change.
   */
  reset(snapshot: PresenceChange[], now: number): PresenceChange[] {
    const changed: PresenceChange[] = [];
    const seen = new Set<string>();
    for (const entry of snapshot) {
      seen.add(entry.salesmanId);
      if (this.statuses.get(entry.salesmanId) !== entry.status) changed.push(entry);
      this.statuses.set(entry.salesmanId, entry.status);
    }
    for (const id of [...this.statuses.keys()]) {
      if (seen.has(id)) continue;
      // The hub forgot him (e.g. its storage was reset): the safe reading is that he is not connected.
      if (this.statuses.get(id) !== 'offline') changed.push({ salesmanId: id, status: 'offline', since: now });
      this.statuses.delete(id);
    }
    return changed;
  }

  /** Applies a `presence` frame; returns the entries that actually changed something. */
  apply(changes: PresenceChange[]): PresenceChange[] {
    const changed = changes.filter((c) => this.statuses.get(c.salesmanId) !== c.status);
    for (const c of changes) this.statuses.set(c.salesmanId, c.status);
    return changed;
  }
}

/**
 * Expiry (ms since the epoch) of a JWT access token, read without verifying it: the client only uses it
 * to know when to send a fresh token. Null for anything that is not a JWT with a numeric `exp` (API keys).
 */
export function tokenExpiry(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const claims = JSON.parse(atob(padded)) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}
