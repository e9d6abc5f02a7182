import { type ClientMessage as ClientFrame, FieldLimits, MAX_FRAME_BYTES } from '@fieldline/client/protocol';
import { describe, expect, it } from 'vitest';
import { ClientMessage, parseClientFrame } from '../../src/durable/protocol';

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

describe('parseClientFrame', () => {
  const codeOf = (message: string | ArrayBuffer) => {
    const parsed = parseClientFrame(message);
    return parsed.ok ? 'ok' : parsed.code;
  };

  it('accepts every documented frame and returns it as sent', () => {
    for (const frame of documented) expect(parseClientFrame(JSON.stringify(frame))).toEqual({ ok: true, msg: frame });
  });

  it('refuses binary, oversized, non-JSON, type-less and unknown frames with their codes', () => {
    expect(codeOf(new TextEncoder().encode('{"type":"ping"}').buffer as ArrayBuffer)).toBe('UNSUPPORTED_FRAME');
    for (const bad of ['not json', '{"type":', '42', 'null', '[{"type":"ping"}]', '{"room":"tenant"}', '{"type":7}']) {
      expect(codeOf(bad), bad).toBe('BAD_FRAME');
    }
    expect(codeOf('{"type":"shutdown"}')).toBe('UNKNOWN_TYPE');
    expect(codeOf('{"type":"constructor"}')).toBe('UNKNOWN_TYPE');
    expect(parseClientFrame('{"type":"shutdown"}')).not.toHaveProperty('ref');
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    const framed = (text: string) => JSON.stringify({ type: 'chat', room: 'chat:a', text });
    const overhead = framed('').length;
    // ASCII up to the byte limit is fine (then refused by the schema's text limit, not by size).
    expect(codeOf(framed('x'.repeat(MAX_FRAME_BYTES - overhead)))).toBe('INVALID_MESSAGE');
    expect(codeOf(framed('x'.repeat(MAX_FRAME_BYTES - overhead + 1)))).toBe('FRAME_TOO_LARGE');
    // 'é' is one UTF-16 unit but two UTF-8 bytes.
    expect(codeOf(framed('é'.repeat(Math.ceil((MAX_FRAME_BYTES - overhead + 1) / 2))))).toBe('FRAME_TOO_LARGE');
    expect(codeOf(framed('é'.repeat(FieldLimits.chatText)))).toBe('ok');
  });

  it('answers a schema failure with INVALID_MESSAGE, the frame type as ref and every issue in the message', () => {
    expect(parseClientFrame('{"type":"location","lat":91,"lng":0,"accuracy":-1,"ts":1}')).toEqual({
      ok: false,
      code: 'INVALID_MESSAGE',
      message: expect.stringMatching(/^location\.lat: .+; location\.accuracy: .+$/),
      ref: 'location',
    });
    const extra = parseClientFrame('{"type":"subscribe","room":"tenant","extra":true}');
    expect(extra).toMatchObject({ ok: false, code: 'INVALID_MESSAGE', ref: 'subscribe' });
    expect(extra.ok ? '' : extra.message).toMatch(/^subscribe: .*extra/);
  });
});
