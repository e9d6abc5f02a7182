/**
 * The realtime wire protocol (JSON text frames `{type, ...}`, docs/realtime.md) as plain types and
 * constants, shared by the tenant hub and every client. No validation library: the hub validates client
 * frames with zod schemas that the Worker's typecheck proves equal to these types, so apps get the
 * types without bundling zod.
 */

/**
 * Rooms: `tenant` (managers, dashboards), `sync` (sync pokes), `salesman:<id>`, `territory:<id>`,
 * `user:<id>` (the notices addressed to one user), `chat:<name>`.
 */
export const ROOM_NAME_PATTERN =
  /^(tenant|sync|salesman:[0-9a-f-]{36}|territory:[0-9a-f-]{36}|user:[0-9a-f-]{36}|chat:[A-Za-z0-9_.-]{1,64})$/;

/** Largest client frame accepted, in UTF-8 bytes. */
export const MAX_FRAME_BYTES = 8 * 1024;

/**
 * The device-clock rule, one for every device time the server takes (live fixes, check-ins and
 * check-outs, offline orders and payments): a phone's clock may run up to five minutes ahead of the
 * server's; anything later is refused. The past is accepted up to an age that depends on what the time
 * stamps (below).
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
/** A live fix older than a day is no position to show anyone; the `location` frame refuses it. */
export const MAX_FIX_AGE_MS = 24 * 60 * 60 * 1000;
/** A recorded fix (check-in, check-out) older than a week is refused: no phone keeps one unsent that long. */
export const MAX_RECORDED_FIX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Checks a device time (epoch ms) against the server's clock under the rule above: `ahead` when it is
 * more than MAX_FUTURE_SKEW_MS in the future, `too_old` when older than `maxAgeMs`, else null.
 */
export function deviceTimeProblem(deviceMs: number, serverMs: number, maxAgeMs = Number.POSITIVE_INFINITY) {
  if (deviceMs > serverMs + MAX_FUTURE_SKEW_MS) return 'ahead' as const;
  if (deviceMs < serverMs - maxAgeMs) return 'too_old' as const;
  return null;
}

/** Upper bounds of client frame fields; a frame beyond them is refused with INVALID_MESSAGE. */
export const FieldLimits = {
  /** Characters of a room name. */
  roomName: 120,
  /** Characters of a chat message. */
  chatText: 2000,
  notifyTitle: 200,
  notifyBody: 2000,
  /** Characters of an access token sent with `auth`. */
  token: 4096,
  pingId: 64,
  /** Horizontal accuracy of a fix, metres. */
  accuracyMetres: 10_000,
  /** Metres per second; 100 m/s is well above any road vehicle. */
  speedMetresPerSecond: 100,
} as const;

export const PresenceStatus = {
  ONLINE: 'online',
  IDLE: 'idle',
  ON_VISIT: 'on_visit',
  OFFLINE: 'offline',
} as const;
export type PresenceStatus = (typeof PresenceStatus)[keyof typeof PresenceStatus];

/** What a salesman's app may report about itself (foreground/background); the rest the hub derives. */
export type ReportedPresenceStatus = typeof PresenceStatus.ONLINE | typeof PresenceStatus.IDLE;

export const RealtimeErrorCode = {
  BAD_FRAME: 'BAD_FRAME',
  UNSUPPORTED_FRAME: 'UNSUPPORTED_FRAME',
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INTERNAL: 'INTERNAL',
} as const;
export type RealtimeErrorCode = (typeof RealtimeErrorCode)[keyof typeof RealtimeErrorCode];

/** WebSocket close codes the hub uses (4000–4999 are application codes). */
export const CloseCode = {
  NORMAL: 1000,
  POLICY_VIOLATION: 1008,
  TRY_AGAIN_LATER: 1013,
  TOKEN_EXPIRED: 4001,
  ACCESS_REVOKED: 4003,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

// ------------------------------------------------------------------ client → server

export interface LocationFix {
  /** −90…90. */
  lat: number;
  /** −180…180. */
  lng: number;
  /** Horizontal accuracy in metres, 0…FieldLimits.accuracyMetres. */
  accuracy: number;
  /** Metres per second, 0…FieldLimits.speedMetresPerSecond. */
  speed?: number | null | undefined;
  /** Degrees, 0…360. */
  heading?: number | null | undefined;
  /** Device time of the fix, integer milliseconds since the epoch. */
  ts: number;
}

export interface LocationFrame extends LocationFix {
  type: 'location';
}

export type ClientMessage =
  | { type: 'subscribe'; room: string }
  | { type: 'unsubscribe'; room: string }
  | LocationFrame
  | { type: 'presence'; status: ReportedPresenceStatus }
  | { type: 'chat'; room: string; text: string }
  | { type: 'typing'; room: string; typing: boolean }
  /** `salesmanId` null or absent: every salesman. */
  | { type: 'notify'; salesmanId?: string | null | undefined; title: string; body: string }
  | { type: 'auth'; token: string }
  | { type: 'ping'; id?: string | undefined };

// ------------------------------------------------------------------ server → client

export interface PresenceChange {
  salesmanId: string;
  status: PresenceStatus;
  /** When this status began, ms since the epoch. */
  since: number;
}

export interface LiveLocation extends LocationFix {
  salesmanId: string;
}

export interface EventFrame {
  type: 'event';
  seq: number;
  event: {
    type: string;
    entityType: string;
    entityId: string;
    actorId: string | null;
    payload: Record<string, unknown>;
    createdAt: string;
  };
}

export type ServerMessage =
  | {
      type: 'welcome';
      seq: number;
      you: { userId: string; role: string; salesmanId: string | null };
      rooms: string[];
      presence: PresenceChange[];
    }
  | EventFrame
  | { type: 'resync'; seq: number; reason: string }
  | { type: 'subscribed'; room: string }
  | { type: 'unsubscribed'; room: string }
  | { type: 'locations'; locations: LiveLocation[] }
  | { type: 'presence'; changes: PresenceChange[] }
  | { type: 'chat'; room: string; from: { userId: string; role: string }; text: string; ts: number }
  | { type: 'typing'; room: string; userId: string; typing: boolean }
  | { type: 'authenticated'; expiresAt: number }
  /** To `sync` room members: a change that concerns you was committed (up to `seq`); pull. */
  | { type: 'sync:poke'; seq: number }
  /** `ts` is absent when the runtime answers a bare `{"type":"ping"}` itself (without waking the hub). */
  | { type: 'pong'; id?: string | undefined; ts?: number | undefined }
  | { type: 'error'; code: RealtimeErrorCode; message: string; ref?: string | undefined };

/** The frame of one type, e.g. `ServerFrame<'welcome'>`. */
export type ServerFrame<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
export type ClientFrame<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;
