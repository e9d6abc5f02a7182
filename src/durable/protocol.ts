import { z } from 'zod';

/**
 * The realtime wire protocol (JSON text frames `{type, ...}`), shared by the tenant hub, the typed client
 * and the docs (docs/realtime.md). Client frames are validated with this discriminated union; anything
 * else gets an `error` frame, never a crash.
 */

/** Rooms: `tenant` (managers, dashboards), `salesman:<id>`, `territory:<id>`, `chat:<name>`. */
export const RoomName = z
  .string()
  .max(120)
  .regex(/^(tenant|salesman:[0-9a-f-]{36}|territory:[0-9a-f-]{36}|chat:[A-Za-z0-9_.-]{1,64})$/, 'Unknown room name');

/** A device may report fixes up to a minute ahead of the server clock, and no older than a day. */
export const MAX_FUTURE_SKEW_MS = 60_000;
export const MAX_FIX_AGE_MS = 24 * 60 * 60 * 1000;

export const LocationFix = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  /** Horizontal accuracy in metres. */
  accuracy: z.number().min(0).max(10_000),
  /** Metres per second; 100 m/s is well above any road vehicle. */
  speed: z.number().min(0).max(100).nullable().optional(),
  heading: z.number().min(0).max(360).nullable().optional(),
  /** Device time of the fix, milliseconds since the epoch. */
  ts: z.number().int().positive(),
});
export type LocationFix = z.infer<typeof LocationFix>;

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), room: RoomName }),
  z.strictObject({ type: z.literal('unsubscribe'), room: RoomName }),
  z.strictObject({ type: z.literal('location'), ...LocationFix.shape }),
  z.strictObject({ type: z.literal('presence'), status: z.enum(['online', 'idle']) }),
  z.strictObject({ type: z.literal('chat'), room: RoomName, text: z.string().min(1).max(2000) }),
  z.strictObject({ type: z.literal('typing'), room: RoomName, typing: z.boolean() }),
  z.strictObject({
    type: z.literal('notify'),
    salesmanId: z.uuid().nullable().optional(),
    title: z.string().min(1).max(200),
    body: z.string().min(1).max(2000),
  }),
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(4096) }),
  z.strictObject({ type: z.literal('ping'), id: z.string().max(64).optional() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type PresenceStatus = 'online' | 'idle' | 'on_visit' | 'offline';

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
  /** `ts` is absent when the runtime answers a bare `{"type":"ping"}` itself (without waking the hub). */
  | { type: 'pong'; id?: string | undefined; ts?: number | undefined }
  | { type: 'error'; code: RealtimeErrorCode; message: string; ref?: string | undefined };

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

/** Largest client frame accepted, in UTF-8 bytes. */
export const MAX_FRAME_BYTES = 8 * 1024;
