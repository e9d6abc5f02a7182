import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  deviceTimeProblem,
  MAX_FIX_AGE_MS,
  MAX_FUTURE_SKEW_MS,
  PresenceStatus,
  RealtimeErrorCode,
  ROOM_NAME_PATTERN,
} from '../src/protocol.js';

// Deployed apps compare against these values: changing one is a protocol change, not a refactoring.
describe('protocol constants', () => {
  it('pins the wire values of close codes, presence statuses and error codes (docs/realtime.md)', () => {
    expect(CloseCode).toEqual({
      NORMAL: 1000,
      POLICY_VIOLATION: 1008,
      TRY_AGAIN_LATER: 1013,
      TOKEN_EXPIRED: 4001,
      ACCESS_REVOKED: 4003,
    });
    expect(Object.values(PresenceStatus)).toEqual(['online', 'idle', 'on_visit', 'offline']);
    expect(Object.entries(RealtimeErrorCode).every(([key, value]) => key === value)).toBe(true);
    expect(Object.keys(RealtimeErrorCode)).toHaveLength(9);
  });

  it('names the rooms a client may ask for', () => {
    const id = '01900000-0000-7000-8000-000000000001';
    for (const room of ['tenant', 'sync', `salesman:${id}`, `territory:${id}`, `user:${id}`, 'chat:north-team']) {
      expect(ROOM_NAME_PATTERN.test(room)).toBe(true);
    }
    for (const room of ['tenants', 'syncs', 'salesman:42', 'user:me', 'chat:', 'chat:a b', `chat:${'x'.repeat(65)}`]) {
      expect(ROOM_NAME_PATTERN.test(room)).toBe(false);
    }
  });

  it('has one device-clock rule: five minutes ahead at most, the past up to the age given', () => {
    const server = Date.UTC(2026, 11, 5, 12);
    expect(MAX_FUTURE_SKEW_MS).toBe(5 * 60_000);
    expect(deviceTimeProblem(server + MAX_FUTURE_SKEW_MS, server)).toBeNull();
    expect(deviceTimeProblem(server + MAX_FUTURE_SKEW_MS + 1, server)).toBe('ahead');
    expect(deviceTimeProblem(server - 365 * 86_400_000, server)).toBeNull();
    expect(deviceTimeProblem(server - MAX_FIX_AGE_MS, server, MAX_FIX_AGE_MS)).toBeNull();
    expect(deviceTimeProblem(server - MAX_FIX_AGE_MS - 1, server, MAX_FIX_AGE_MS)).toBe('too_old');
  });
});
