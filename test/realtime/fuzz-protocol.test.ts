/**
 * The realtime protocol under hostile frames (docs/realtime.md): for every client message type, frames
 * fast-check derives from the type's shape (valid-looking values) with hostile values in any field (the
 * same set as the REST fuzz test), extra and prototype keys, plus arbitrary JSON and raw text. Sent by a
 * manager and by a salesman, each followed by a ping, so everything the frame caused arrives before its
 * pong. Asserted: the socket stays open and answers the ping; the only error frames carry documented
 * codes and never INTERNAL; the tenant's event log gains nothing but the notifications of the `notify`
 * frames that were accepted. Seeded and reproducible (the seed is printed on failure).
 */
import { RealtimeErrorCode } from '@fieldline/client/protocol';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeSql } from '../helpers/db';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { hostileValues } from '../helpers/openapi-arbitraries';
import { connect, type TestSocket } from '../helpers/ws';

const SEED = 20_261_205;
/** Frames per message type and sender (the per-socket rate limit paces the run: ~10 frames a second). */
const RUNS = 6;
const DOCUMENTED = new Set<string>(Object.values(RealtimeErrorCode).filter((c) => c !== 'INTERNAL'));

const hostile = fc.constantFrom(...hostileValues);
const room = fc.oneof(
  fc.constantFrom('tenant', 'managers', 'chat:field', 'sync', 'salesman:x', 'user:nobody', 'chat:', '__proto__'),
  fc.string({ maxLength: 80 }),
  hostile,
);
const latitude = fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), fc.double(), hostile);
const longitude = fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }), fc.double(), hostile);
const anyValue = fc.oneof(hostile, fc.jsonValue({ maxDepth: 3 }));

/** Each type's fields with values that are right, nearly right or hostile. */
const FIELDS: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  subscribe: { room },
  unsubscribe: { room },
  location: {
    lat: latitude,
    lng: longitude,
    accuracy: fc.oneof(fc.double({ min: 0, max: 200, noNaN: true }), hostile),
    speed: fc.oneof(fc.constant(null), fc.double({ min: -10, max: 500, noNaN: true }), hostile),
    heading: fc.oneof(fc.constant(null), fc.double({ min: -10, max: 400, noNaN: true }), hostile),
    ts: fc.oneof(fc.constant(Date.now()), fc.integer(), hostile),
  },
  presence: { status: fc.oneof(fc.constantFrom('available', 'busy', 'on_break', 'offline', 'away'), hostile) },
  chat: { room, text: fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), hostile) },
  typing: { room, typing: fc.oneof(fc.boolean(), hostile) },
  notify: {
    salesmanId: fc.oneof(fc.constant(null), fc.uuid(), hostile),
    title: fc.oneof(fc.string({ minLength: 1, maxLength: 100 }), hostile),
    body: fc.oneof(fc.string({ minLength: 1, maxLength: 300 }), hostile),
  },
  auth: { token: fc.oneof(fc.string({ maxLength: 600 }), hostile) },
  ping: { id: fc.oneof(fc.string({ maxLength: 80 }), hostile) },
};

/** A frame of `type`: some of its fields (any of them may be missing), maybe an extra or prototype key. */
const frameOf = (type: string) =>
  fc
    .record(
      {
        ...FIELDS[type],
        extra: anyValue,
        ['__proto__' as string]: anyValue,
      },
      { requiredKeys: [] },
    )
    .map((fields) => JSON.stringify({ type, ...fields }));

const anyFrame = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{"type":', '{"type":"ping"', '', ' ', '[]', `${'['.repeat(3000)}${']'.repeat(3000)}`),
  fc.record({ type: fc.oneof(fc.string({ maxLength: 20 }), hostile) }).map((v) => JSON.stringify(v)),
);

const notificationEvents = async (tenantId: string) =>
  Number(
    (
      await executeSql<{ n: number }>(
        sql`SELECT COUNT(*) AS n FROM events WHERE tenant_id = ${tenantId} AND type = 'notification'`,
      )
    ).rows[0]?.n ?? 0,
  );
const allEvents = async (tenantId: string) =>
  Number(
    (await executeSql<{ n: number }>(sql`SELECT COUNT(*) AS n FROM events WHERE tenant_id = ${tenantId}`)).rows[0]?.n ??
      0,
  );

/** Sends `frame` then a ping; answers the frames that arrived for it (up to and including the pong). */
async function exchange(socket: TestSocket, frame: string, n: number): Promise<any[]> {
  const from = socket.frames.length;
  socket.ws.send(frame);
  socket.send({ type: 'ping', id: `fuzz-${n}` });
  await socket.next((f) => f.type === 'pong' && f.id === `fuzz-${n}`, 10_000);
  return socket.frames.slice(from);
}

describe('realtime protocol fuzz', () => {
  it('answers every hostile frame of every type with a documented error or its normal reply, never INTERNAL', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    const rep = await createSalesmanUser(t);
    const senders = { manager: await connect(manager.token), salesman: await connect(rep.token) };
    for (const s of Object.values(senders)) await s.next((f) => f.type === 'welcome');
    const eventsBefore = await allEvents(t.tenantId);
    const notificationsBefore = await notificationEvents(t.tenantId);
    let n = 0;
    let acceptedNotifies = 0;
    const failures: string[] = [];
    // Sockets keep their rate: a pause between frames keeps each well under its bucket.
    const pace = () => new Promise((resolve) => setTimeout(resolve, 120));
    const cases: [string, fc.Arbitrary<string>][] = [
      ...Object.keys(FIELDS).map((type) => [type, frameOf(type)] as [string, fc.Arbitrary<string>]),
      ['anything', anyFrame],
    ];
    for (const [index, [type, arbitrary]] of cases.entries()) {
      for (const [who, socket] of Object.entries(senders)) {
        await fc.assert(
          fc.asyncProperty(arbitrary, async (frame) => {
            const replies = await exchange(socket, frame, n++);
            await pace();
            for (const reply of replies) {
              if (reply.type !== 'error') continue;
              if (!DOCUMENTED.has(reply.code) || reply.code === 'RATE_LIMITED') {
                failures.push(`${who} ${type}: ${frame.slice(0, 200)} -> ${JSON.stringify(reply).slice(0, 200)}`);
              }
            }
            if (type === 'notify' && !replies.some((r) => r.type === 'error')) acceptedNotifies++;
            return true;
          }),
          { seed: SEED + index, numRuns: RUNS, endOnFailure: true },
        );
      }
    }
    expect(failures).toEqual([]);
    for (const socket of Object.values(senders)) {
      // Still open and served.
      const pong = await exchange(socket, JSON.stringify({ type: 'ping', id: 'last' }), n++);
      expect(pong.some((f) => f.type === 'pong')).toBe(true);
    }
    // Only notifications were written, one per accepted notify frame (a salesman's notify is refused).
    const notifications = (await notificationEvents(t.tenantId)) - notificationsBefore;
    expect(notifications).toBe(acceptedNotifies);
    expect((await allEvents(t.tenantId)) - eventsBefore).toBe(notifications);
    for (const socket of Object.values(senders)) socket.close();
  }, 120_000);
});
