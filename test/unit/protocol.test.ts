import { type ClientMessage as ClientFrame, FieldLimits } from '@fieldline/client/protocol';
import { describe, expect, it } from 'vitest';
import { ClientMessage } from '../../src/durable/protocol';

// The frames of docs/realtime.md (Client → server), typed with the shared protocol types.
const documented: ClientFrame[] = [
  { type: 'subscribe', room: 'chat:north-team' },
  { type: 'unsubscribe', room: 'chat:north-team' },
  { type: 'location', lat: 52.52, lng: 13.405, accuracy: 8, speed: 3.5, heading: 270, ts: 1795283695000 },
  { type: 'presence', status: 'idle' },
  { type: 'chat', room: 'chat:north-team', text: 'On my way' },
  { type: 'typing', room: 'chat:north-team', typing: true },
  { type: 'notify', salesmanId: '01900000-0000-7000-8000-000000000001', title: 'Call HQ', body: 'Before noon' },
  { type: 'auth', token: 'fresh.access.token' },
  { type: 'ping', id: '42' },
];

describe('client frame schemas', () => {
  it('accept every documented client frame unchanged', () => {
    for (const frame of documented) expect(ClientMessage.parse(frame)).toEqual(frame);
  });

  it('enforce the limits the client package publishes', () => {
    const x = (n: number) => 'x'.repeat(n);
    const cases: [number, (n: number) => unknown][] = [
      [FieldLimits.chatText, (n) => ({ type: 'chat', room: 'chat:a', text: x(n) })],
      [FieldLimits.notifyTitle, (n) => ({ type: 'notify', title: x(n), body: 'b' })],
      [FieldLimits.notifyBody, (n) => ({ type: 'notify', title: 't', body: x(n) })],
      [FieldLimits.token, (n) => ({ type: 'auth', token: x(n) })],
      [FieldLimits.pingId, (n) => ({ type: 'ping', id: x(n) })],
      [FieldLimits.accuracyMetres, (n) => ({ type: 'location', lat: 0, lng: 0, accuracy: n, ts: 1 })],
      [FieldLimits.speedMetresPerSecond, (n) => ({ type: 'location', lat: 0, lng: 0, accuracy: 1, speed: n, ts: 1 })],
    ];
    for (const [limit, frame] of cases) {
      expect(ClientMessage.safeParse(frame(limit)).success).toBe(true);
      expect(ClientMessage.safeParse(frame(limit + 1)).success).toBe(false);
    }
  });
});
