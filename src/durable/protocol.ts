import {
  type ClientMessage as ClientMessageType,
  FieldLimits,
  type LocationFix as LocationFixType,
  MAX_FRAME_BYTES,
  PresenceStatus,
  RealtimeErrorCode,
  ROOM_NAME_PATTERN,
} from '@fieldline/client/protocol';
import { z } from 'zod';
import { uuid } from '../contracts/common';
import { LocationFix as GpsLocationFix } from '../contracts/gps.schemas';
import { formatIssues } from '../lib/zod-issues';

/**
 * The hub's validation of client frames (JSON text frames `{type, ...}`, docs/realtime.md). The wire
 * types and constants themselves live in `@fieldline/client/protocol` (plain TypeScript, shared with
 * the client); the schemas below must infer exactly those types, which the checks at the end of this
 * file prove at compile time. Anything a schema refuses gets an `error` frame, never a crash.
 */

/** Rooms: `tenant` (managers, dashboards), `salesman:<id>`, `territory:<id>`, `chat:<name>`. */
export const RoomName = z.string().max(FieldLimits.roomName).regex(ROOM_NAME_PATTERN, 'Unknown room name');

export const LocationFix = GpsLocationFix;
export type LocationFix = LocationFixType;

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), room: RoomName }),
  z.strictObject({ type: z.literal('unsubscribe'), room: RoomName }),
  z.strictObject({ type: z.literal('location'), ...LocationFix.shape }),
  z.strictObject({ type: z.literal('presence'), status: z.enum([PresenceStatus.ONLINE, PresenceStatus.IDLE]) }),
  z.strictObject({ type: z.literal('chat'), room: RoomName, text: z.string().min(1).max(FieldLimits.chatText) }),
  z.strictObject({ type: z.literal('typing'), room: RoomName, typing: z.boolean() }),
  z.strictObject({
    type: z.literal('notify'),
    salesmanId: uuid().nullable().optional(),
    title: z.string().min(1).max(FieldLimits.notifyTitle),
    body: z.string().min(1).max(FieldLimits.notifyBody),
  }),
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(FieldLimits.token) }),
  z.strictObject({ type: z.literal('ping'), id: z.string().max(FieldLimits.pingId).optional() }),
]);
export type ClientMessage = ClientMessageType;

// ------------------------------------------------------------------ parsing a frame

const KNOWN_TYPES: ReadonlySet<string> = new Set(ClientMessage.options.map((o) => o.shape.type.value));
const utf8 = new TextEncoder();

/** A client frame, parsed and validated; or the `error` frame's fields that answer it. */
export type ParsedFrame =
  | { ok: true; msg: ClientMessage }
  | { ok: false; code: RealtimeErrorCode; message: string; ref?: string };

const refused = (code: RealtimeErrorCode, message: string, ref?: string): ParsedFrame => ({
  ok: false,
  code,
  message,
  ...(ref ? { ref } : {}),
});

/**
 * Everything the hub checks on a frame before acting on it, in order: text, size, JSON object with a string
 * `type`, a known type, then the schema (docs/realtime.md, Errors).
 */
export function parseClientFrame(message: string | ArrayBuffer): ParsedFrame {
  if (typeof message !== 'string') {
    return refused(RealtimeErrorCode.UNSUPPORTED_FRAME, 'Binary frames are not supported; send JSON text');
  }
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: count the bytes only when the length alone cannot decide.
  if (
    message.length > MAX_FRAME_BYTES ||
    (message.length * 3 > MAX_FRAME_BYTES && utf8.encode(message).byteLength > MAX_FRAME_BYTES)
  ) {
    return refused(RealtimeErrorCode.FRAME_TOO_LARGE, `Frames are limited to ${MAX_FRAME_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return refused(RealtimeErrorCode.BAD_FRAME, 'Frames must be JSON objects');
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (typeof type !== 'string') return refused(RealtimeErrorCode.BAD_FRAME, 'Frames need a string "type"');
  if (!KNOWN_TYPES.has(type)) return refused(RealtimeErrorCode.UNKNOWN_TYPE, `Unknown type "${type}"`);
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    return refused(RealtimeErrorCode.INVALID_MESSAGE, formatIssues(parsed.error.issues, type).detail, type);
  }
  return { ok: true, msg: parsed.data };
}

// ------------------------------------------------------------------ schemas ≡ shared types, at compile time

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
/** The frame types whose schema and shared type differ; `never` when they agree (names the drift in errors). */
type Drifted<A extends { type: string }, B extends { type: string }> = {
  [K in A['type'] | B['type']]: Equal<Extract<A, { type: K }>, Extract<B, { type: K }>> extends true ? never : K;
}[A['type'] | B['type']];
type NoDrift<T extends never> = T;

// Never used: typechecking it is the proof (a drift fails `npm run typecheck`, naming the frame type).
type _ProtocolChecks = [
  Assert<Equal<z.infer<typeof LocationFix>, LocationFixType>>,
  NoDrift<Drifted<z.infer<typeof ClientMessage>, ClientMessageType>>,
  Assert<Equal<z.infer<typeof ClientMessage>, ClientMessageType>>,
];
