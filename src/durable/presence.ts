import type { PresenceChange, PresenceStatus } from '@fieldline/client/protocol';

/**
 * Presence of one salesman, as facts; the status is derived from them so every transition is explainable:
 * - offline: no open socket and the grace window (abrupt disconnects only) is over;
 * - on_visit: connected (or in grace) while a visit is checked in;
 * - idle: connected but silent for IDLE_AFTER_MS, or the app said so;
 * - online: otherwise.
 */
export interface PresenceFacts {
  salesmanId: string;
  connections: number;
  /** Last message (location, chat, ...) from any of his sockets, ms. */
  lastActivity: number;
  /** After an abrupt disconnect of his last socket: until when he still counts as present, ms. */
  graceUntil: number | null;
  /** The visit he is checked in at, if any. */
  visitId: string | null;
  /** The app reported the user idle (screen off, app in background). */
  reportedIdle: boolean;
  /** The status last announced, and since when. */
  status: PresenceStatus;
  since: number;
}

/** A salesman's presence as of a moment, as the REST views show it. */
export interface PresenceView {
  salesmanId: string;
  status: PresenceStatus;
  since: number;
  connections: number;
  visitId: string | null;
}

export const PRESENCE_GRACE_MS = 15_000;
export const IDLE_AFTER_MS = 5 * 60_000;

export type PresenceInput =
  | { kind: 'connected' }
  /** `remaining`: his sockets still open, when the caller knows (the count is then exact, not decremented). */
  | { kind: 'disconnected'; abrupt: boolean; remaining?: number }
  | { kind: 'activity' }
  | { kind: 'reported'; status: 'online' | 'idle' }
  | { kind: 'visit_started'; visitId: string }
  | { kind: 'visit_ended'; visitId: string }
  | { kind: 'tick' };

export const initialFacts = (salesmanId: string, now: number): PresenceFacts => ({
  salesmanId,
  connections: 0,
  lastActivity: now,
  graceUntil: null,
  visitId: null,
  reportedIdle: false,
  status: 'offline',
  since: now,
});

export function deriveStatus(f: PresenceFacts, now: number): PresenceStatus {
  const present = f.connections > 0 || (f.graceUntil !== null && now < f.graceUntil);
  if (!present) return 'offline';
  if (f.visitId) return 'on_visit';
  if (f.reportedIdle || now - f.lastActivity >= IDLE_AFTER_MS) return 'idle';
  return 'online';
}

/** Applies one input; returns the new facts and the change to announce, if the status changed. */
export function applyPresence(
  before: PresenceFacts,
  input: PresenceInput,
  now: number,
): { facts: PresenceFacts; change: PresenceChange | null } {
  const f: PresenceFacts = { ...before };
  switch (input.kind) {
    case 'connected':
      f.connections += 1;
      f.graceUntil = null;
      f.lastActivity = now;
      f.reportedIdle = false;
      break;
    case 'disconnected':
      f.connections = Math.max(0, input.remaining ?? f.connections - 1);
      // A clean close (logout) ends presence at once; a dropped connection may come back.
      if (f.connections === 0) f.graceUntil = input.abrupt ? now + PRESENCE_GRACE_MS : null;
      break;
    case 'activity':
      f.lastActivity = now;
      f.reportedIdle = false;
      break;
    case 'reported':
      f.reportedIdle = input.status === 'idle';
      if (input.status === 'online') f.lastActivity = now;
      break;
    case 'visit_started':
      f.visitId = input.visitId;
      break;
    case 'visit_ended':
      if (f.visitId === input.visitId) f.visitId = null;
      break;
    case 'tick':
      break;
  }
  if (f.graceUntil !== null && now >= f.graceUntil) f.graceUntil = null;
  const status = deriveStatus(f, now);
  if (status === before.status) return { facts: f, change: null };
  f.status = status;
  f.since = now;
  return { facts: f, change: { salesmanId: f.salesmanId, status, since: now } };
}

/** When this salesman's status may next change without any input (grace expiry, going idle). */
export function nextPresenceDeadline(f: PresenceFacts): number | null {
  if (f.connections === 0) return f.graceUntil;
  if (f.status === 'online') return f.lastActivity + IDLE_AFTER_MS;
  return null;
}
