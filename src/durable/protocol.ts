import {
  type ClientMessage as ClientMessageType,
  FieldLimits,
  type LocationFix as LocationFixType,
  PresenceStatus,
  ROOM_NAME_PATTERN,
} from '@fieldline/client/protocol';
import { z } from 'zod';

/**
 * The hub's validation of client frames (JSON text frames `{type, ...}`, docs/realtime.md). The wire
 * types and constants themselves live in `@fieldline/client/protocol` (plain TypeScript, shared with
 * the client); the schemas below must infer exactly those types, which the checks at the end of this
 * file prove at compile time. Anything a schema refuses gets an `error` frame, never a crash.
 */

/** Rooms: `tenant` (managers, dashboards), `salesman:<id>`, `territory:<id>`, `chat:<name>`. */
export const RoomName = z.string().max(FieldLimits.roomName).regex(ROOM_NAME_PATTERN, 'Unknown room name');

export const LocationFix = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  accuracy: z.number().min(0).max(FieldLimits.accuracyMetres),
  speed: z.number().min(0).max(FieldLimits.speedMetresPerSecond).nullable().optional(),
  heading: z.number().min(0).max(360).nullable().optional(),
  ts: z.number().int().positive(),
});
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
    salesmanId: z.uuid().nullable().optional(),
    title: z.string().min(1).max(FieldLimits.notifyTitle),
    body: z.string().min(1).max(FieldLimits.notifyBody),
  }),
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(FieldLimits.token) }),
  z.strictObject({ type: z.literal('ping'), id: z.string().max(FieldLimits.pingId).optional() }),
]);
export type ClientMessage = ClientMessageType;

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
