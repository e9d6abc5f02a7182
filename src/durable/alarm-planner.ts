/**
 * When the hub's single alarm should next fire. Pure: the hub gathers the facts, this decides, and the
 * hub sets the alarm when told to. Tested without the runtime (test/unit/alarm-planner.test.ts).
 *
 * The alarm drives, while there is a reason: the catch-up poll of the event log and token expiry (every
 * CATCH_UP_POLL_MS while sockets are open), the GPS trail flush (TRAIL_FLUSH_MS after fixes are
 * buffered), and presence deadlines (grace windows ending, salesmen going idle).
 */

export const CATCH_UP_POLL_MS = 10_000;
export const TRAIL_FLUSH_MS = 5_000;
/** A presence deadline already due is handled this soon, not in a busy loop. */
export const MIN_DEADLINE_LEAD_MS = 100;
/** An alarm this far in the past was lost (it would have fired): plan a new one. */
export const STALE_ALARM_MS = 60_000;

export interface AlarmFacts {
  now: number;
  socketsOpen: number;
  trailPending: number;
  /** Times at which some salesman's presence changes by itself (see nextPresenceDeadline). */
  presenceDeadlines: readonly number[];
  /** The alarm currently set, or null. */
  current: number | null;
}

/**
 * The time to set the alarm to, or null to leave it as it is: nothing needs one, or the current alarm
 * fires early enough (an alarm that fires early finds nothing due and plans again).
 */
export function planAlarm(f: AlarmFacts): number | null {
  const candidates: number[] = [];
  if (f.socketsOpen > 0) candidates.push(f.now + CATCH_UP_POLL_MS);
  if (f.trailPending > 0) candidates.push(f.now + TRAIL_FLUSH_MS);
  for (const deadline of f.presenceDeadlines) candidates.push(Math.max(deadline, f.now + MIN_DEADLINE_LEAD_MS));
  if (candidates.length === 0) return null;
  const at = Math.min(...candidates);
  if (f.current === null || f.current > at || f.current < f.now - STALE_ALARM_MS) return at;
  return null;
}
