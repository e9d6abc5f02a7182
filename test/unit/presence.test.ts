import { describe, expect, it } from 'vitest';
import {
  applyPresence,
  deriveStatus,
  IDLE_AFTER_MS,
  initialFacts,
  nextPresenceDeadline,
  PRESENCE_GRACE_MS,
  type PresenceFacts,
  type PresenceInput,
} from '../../src/durable/presence';

const T0 = 1_700_000_000_000;
const ID = 'salesman-1';

/** Applies inputs in sequence (each with its own time) and returns the facts and every change announced. */
function run(steps: [PresenceInput, number][], start: PresenceFacts = initialFacts(ID, T0)) {
  let facts = start;
  const changes: { status: string; since: number }[] = [];
  for (const [input, at] of steps) {
    const out = applyPresence(facts, input, at);
    facts = out.facts;
    if (out.change) changes.push({ status: out.change.status, since: out.change.since });
  }
  return { facts, changes };
}

describe('presence', () => {
  it('starts offline and goes online on the first connection', () => {
    const { facts, changes } = run([[{ kind: 'connected' }, T0 + 10]]);
    expect(facts).toMatchObject({ status: 'online', since: T0 + 10, connections: 1, graceUntil: null });
    expect(changes).toEqual([{ status: 'online', since: T0 + 10 }]);
  });

  it('announces only real changes', () => {
    const { changes } = run([
      [{ kind: 'connected' }, T0],
      [{ kind: 'connected' }, T0 + 1],
      [{ kind: 'activity' }, T0 + 2],
      [{ kind: 'tick' }, T0 + 3],
    ]);
    expect(changes).toEqual([{ status: 'online', since: T0 }]);
  });

  it('goes offline at once on a clean close of the last socket', () => {
    const { facts, changes } = run([
      [{ kind: 'connected' }, T0],
      [{ kind: 'disconnected', abrupt: false }, T0 + 1000],
    ]);
    expect(facts).toMatchObject({ status: 'offline', connections: 0, graceUntil: null });
    expect(changes.at(-1)).toEqual({ status: 'offline', since: T0 + 1000 });
  });

  it('keeps a salesman present for the grace window after an abrupt disconnect, then offline', () => {
    const dropped = run([
      [{ kind: 'connected' }, T0],
      [{ kind: 'disconnected', abrupt: true }, T0 + 1000],
    ]);
    expect(dropped.facts).toMatchObject({
      status: 'online',
      connections: 0,
      graceUntil: T0 + 1000 + PRESENCE_GRACE_MS,
    });
    expect(nextPresenceDeadline(dropped.facts)).toBe(T0 + 1000 + PRESENCE_GRACE_MS);

    const justBefore = applyPresence(dropped.facts, { kind: 'tick' }, T0 + 1000 + PRESENCE_GRACE_MS - 1);
    expect(justBefore.change).toBeNull();
    expect(justBefore.facts.status).toBe('online');

    const after = applyPresence(dropped.facts, { kind: 'tick' }, T0 + 1000 + PRESENCE_GRACE_MS);
    expect(after.change).toEqual({ salesmanId: ID, status: 'offline', since: T0 + 1000 + PRESENCE_GRACE_MS });
    expect(after.facts.graceUntil).toBeNull();
    expect(nextPresenceDeadline(after.facts)).toBeNull();
  });

  it('does not flap when the salesman reconnects within the grace window', () => {
    const { facts, changes } = run([
      [{ kind: 'connected' }, T0],
      [{ kind: 'disconnected', abrupt: true }, T0 + 1000],
      [{ kind: 'connected' }, T0 + 5000],
      [{ kind: 'tick' }, T0 + 1000 + PRESENCE_GRACE_MS + 1],
    ]);
    expect(changes).toEqual([{ status: 'online', since: T0 }]);
    expect(facts).toMatchObject({ status: 'online', connections: 1, graceUntil: null });
  });

  it('stays present while another socket of the same salesman is open', () => {
    const { facts, changes } = run([
      [{ kind: 'connected' }, T0],
      [{ kind: 'connected' }, T0 + 1],
      [{ kind: 'disconnected', abrupt: false }, T0 + 2],
    ]);
    expect(facts).toMatchObject({ status: 'online', connections: 1 });
    expect(changes).toHaveLength(1);
  });

  it('takes the number of sockets still open when the hub knows it, so a lost close cannot count twice', () => {
    const two = run([
      [{ kind: 'connected' }, T0],
      [{ kind: 'connected' }, T0],
    ]).facts;
    // Restart: one socket vanished without a close event; then its close is reported again anyway.
    const reconciled = applyPresence(two, { kind: 'disconnected', abrupt: true, remaining: 1 }, T0 + 1);
    const again = applyPresence(reconciled.facts, { kind: 'disconnected', abrupt: false, remaining: 1 }, T0 + 2);
    expect(again.facts).toMatchObject({ status: 'online', connections: 1 });
    expect(again.change).toBeNull();
    const allGone = applyPresence(two, { kind: 'disconnected', abrupt: true, remaining: 0 }, T0 + 3);
    expect(allGone.facts).toMatchObject({ status: 'online', connections: 0, graceUntil: T0 + 3 + PRESENCE_GRACE_MS });
  });

  it('never counts below zero connections', () => {
    const { facts } = run([[{ kind: 'disconnected', abrupt: false }, T0]]);
    expect(facts.connections).toBe(0);
    expect(facts.status).toBe('offline');
  });

  it('goes idle after IDLE_AFTER_MS without activity, and back online on activity', () => {
    const connected = run([[{ kind: 'connected' }, T0]]).facts;
    expect(nextPresenceDeadline(connected)).toBe(T0 + IDLE_AFTER_MS);
    expect(applyPresence(connected, { kind: 'tick' }, T0 + IDLE_AFTER_MS - 1).change).toBeNull();
    const idle = applyPresence(connected, { kind: 'tick' }, T0 + IDLE_AFTER_MS);
    expect(idle.change?.status).toBe('idle');
    expect(nextPresenceDeadline(idle.facts)).toBeNull();
    const back = applyPresence(idle.facts, { kind: 'activity' }, T0 + IDLE_AFTER_MS + 10);
    expect(back.change).toEqual({ salesmanId: ID, status: 'online', since: T0 + IDLE_AFTER_MS + 10 });
  });

  it('follows what the app reports (idle / online)', () => {
    const { changes } = run([
      [{ kind: 'connected' }, T0],
      [{ kind: 'reported', status: 'idle' }, T0 + 10],
      [{ kind: 'reported', status: 'online' }, T0 + 20],
    ]);
    expect(changes.map((c) => c.status)).toEqual(['online', 'idle', 'online']);
  });

  it('shows on_visit between check-in and check-out of the same visit', () => {
    const { facts, changes } = run([
      [{ kind: 'connected' }, T0],
      [{ kind: 'visit_started', visitId: 'v1' }, T0 + 10],
      [{ kind: 'visit_ended', visitId: 'other' }, T0 + 20],
    ]);
    expect(changes.map((c) => c.status)).toEqual(['online', 'on_visit']);
    expect(facts.visitId).toBe('v1');
    const ended = applyPresence(facts, { kind: 'visit_ended', visitId: 'v1' }, T0 + 30);
    expect(ended.change?.status).toBe('online');
    expect(ended.facts.visitId).toBeNull();
  });

  it('on_visit outranks idle, and offline outranks on_visit', () => {
    const onVisit = run([
      [{ kind: 'connected' }, T0],
      [{ kind: 'visit_started', visitId: 'v1' }, T0],
      [{ kind: 'reported', status: 'idle' }, T0 + 1],
    ]);
    expect(onVisit.facts.status).toBe('on_visit');
    const gone = applyPresence(onVisit.facts, { kind: 'disconnected', abrupt: false }, T0 + 2);
    expect(gone.change?.status).toBe('offline');
    // The visit is remembered, so he is on_visit again as soon as he reconnects.
    expect(applyPresence(gone.facts, { kind: 'connected' }, T0 + 3).facts.status).toBe('on_visit');
  });

  it('a check-in while offline does not make him present', () => {
    const { facts, changes } = run([[{ kind: 'visit_started', visitId: 'v1' }, T0]]);
    expect(facts.status).toBe('offline');
    expect(changes).toEqual([]);
  });

  it('derives the status from the facts alone', () => {
    const base = initialFacts(ID, T0);
    expect(deriveStatus(base, T0)).toBe('offline');
    expect(deriveStatus({ ...base, graceUntil: T0 + 1 }, T0)).toBe('online');
    expect(deriveStatus({ ...base, connections: 1, reportedIdle: true }, T0)).toBe('idle');
    expect(deriveStatus({ ...base, connections: 1, lastActivity: T0 - IDLE_AFTER_MS }, T0)).toBe('idle');
    expect(deriveStatus({ ...base, connections: 1, visitId: 'v' }, T0)).toBe('on_visit');
  });
});
