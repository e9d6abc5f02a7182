import { describe, expect, it } from 'vitest';
import {
  type AlarmFacts,
  CATCH_UP_POLL_MS,
  MIN_DEADLINE_LEAD_MS,
  planAlarm,
  STALE_ALARM_MS,
  TRAIL_FLUSH_MS,
} from '../../src/durable/alarm-planner';

const NOW = 1_800_000_000_000;
const facts = (overrides: Partial<AlarmFacts> = {}): AlarmFacts => ({
  now: NOW,
  socketsOpen: 0,
  trailPending: 0,
  presenceDeadlines: [],
  current: null,
  ...overrides,
});

describe('alarm planner', () => {
  it('plans nothing for an idle hub', () => {
    expect(planAlarm(facts())).toBeNull();
  });

  it('polls the log while sockets are open', () => {
    expect(planAlarm(facts({ socketsOpen: 3 }))).toBe(NOW + CATCH_UP_POLL_MS);
  });

  it('flushes a pending trail sooner than the poll', () => {
    expect(planAlarm(facts({ socketsOpen: 1, trailPending: 12 }))).toBe(NOW + TRAIL_FLUSH_MS);
    expect(planAlarm(facts({ trailPending: 1 }))).toBe(NOW + TRAIL_FLUSH_MS);
  });

  it('wakes at the earliest presence deadline, never sooner than the minimum lead', () => {
    expect(planAlarm(facts({ socketsOpen: 1, presenceDeadlines: [NOW + 4_000, NOW + 2_000] }))).toBe(NOW + 2_000);
    expect(planAlarm(facts({ presenceDeadlines: [NOW - 5_000] }))).toBe(NOW + MIN_DEADLINE_LEAD_MS);
    // A deadline without sockets (a grace window after the last drop) still needs the alarm.
    expect(planAlarm(facts({ presenceDeadlines: [NOW + 15_000] }))).toBe(NOW + 15_000);
  });

  it('keeps an alarm that already fires early enough, and replaces one that is later or lost', () => {
    expect(planAlarm(facts({ socketsOpen: 1, current: NOW + 1_000 }))).toBeNull();
    expect(planAlarm(facts({ socketsOpen: 1, current: NOW + CATCH_UP_POLL_MS }))).toBeNull();
    expect(planAlarm(facts({ socketsOpen: 1, current: NOW + 60_000 }))).toBe(NOW + CATCH_UP_POLL_MS);
    expect(planAlarm(facts({ socketsOpen: 1, current: NOW - STALE_ALARM_MS + 1 }))).toBeNull();
    expect(planAlarm(facts({ socketsOpen: 1, current: NOW - STALE_ALARM_MS - 1 }))).toBe(NOW + CATCH_UP_POLL_MS);
  });

  it('leaves the current alarm alone when nothing needs one', () => {
    expect(planAlarm(facts({ current: NOW + 5 }))).toBeNull();
  });
});
