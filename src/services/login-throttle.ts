import { and, eq, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import { assertChanged, runBatch, type Statement } from '../db/batch';
import type { Db } from '../db/client';
import { dialect } from '../db/sql';
import { loginThrottle } from '../db/tables';
import { sha256Hex } from '../lib/crypto';
import { AppError, ErrorCode } from '../lib/errors';

/**
 * Sign-in throttling (docs/security.md, Sign-in throttling): failed attempts are counted per account (the
 * email, whether or not an account has it, so the answers never tell) and per client address. Past a few
 * failures each further attempt must wait, longer and longer, then the key is locked out for a while; an
 * attempt that comes too early is refused (429) without its password being checked.
 *
 * An attempt counts as failed *before* its password is checked and is taken back when it succeeds, in
 * one statement that also sets the next lock: attempts sent in parallel cannot all slip in before the
 * first failure is recorded.
 */
export interface Schedule {
  /** Failures at full speed; the next one starts the delays. */
  free: number;
  /** Without a failure for this long, counting starts over. */
  forgetAfterMs: number;
}

/** An account: from the 5th failure the next attempt waits 1, 2, 4, 8, 16 s, then 15 min, from the 20th 1 h. */
export const ACCOUNT: Schedule = { free: 5, forgetAfterMs: 24 * 3600_000 };
/** A client address (an office's NAT holds many users): the same steps from its 20th failure. */
export const ADDRESS: Schedule = { free: 20, forgetAfterMs: 3600_000 };

const SECOND = 1000;
const LOCKOUT_MS = 15 * 60 * SECOND;
const LONG_LOCKOUT_MS = 3600 * SECOND;

/** How long after its `failures`-th failure a key must wait before the next attempt is checked. */
export function delayMs(failures: number, { free }: Schedule): number {
  if (failures < free) return 0;
  if (failures < free + 5) return 2 ** (failures - free) * SECOND;
  if (failures < free + 15) return LOCKOUT_MS;
  return LONG_LOCKOUT_MS;
}

/** The same as delayMs, in SQL over the column expression `n`. */
const delaySql = (n: SQL, { free }: Schedule) =>
  sql`CASE WHEN ${n} < ${free} THEN 0 WHEN ${n} < ${free + 5} THEN (1 << (${n} - ${free})) * ${SECOND}
    WHEN ${n} < ${free + 15} THEN ${LOCKOUT_MS} ELSE ${LONG_LOCKOUT_MS} END`;

export interface ThrottleKey {
  key: string;
  schedule: Schedule;
}

/**
 * The keys an attempt counts against: its email, and the client address when the platform gives one
 * (`CF-Connecting-IP`, set by Cloudflare and not by the client; absent only in local tests). IPv6 clients
 * are counted by /64, the block one subscriber gets.
 */
export async function throttleKeys(email: string, address: string | null): Promise<ThrottleKey[]> {
  const keys = [{ key: `account:${await sha256Hex(email.trim().toLowerCase())}`, schedule: ACCOUNT }];
  const ip = address ? clientBlock(address) : null;
  if (ip) keys.unshift({ key: `ip:${ip}`, schedule: ADDRESS });
  return keys;
}

export function clientBlock(address: string): string | null {
  const a = address.trim().toLowerCase();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(a)) return a;
  if (!/^[0-9a-f:.]+$/.test(a) || !a.includes(':')) return null;
  const [head = '', tail] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Counts one failure on `key`, unless it is locked: then it changes nothing. A failure that sets no wait
 * leaves `locked_until` at 0, not at its own clock reading: a parallel attempt whose clock was read a
 * moment earlier would otherwise find the key "locked until" that reading and be refused unchecked.
 */
function claim(db: Db, { key, schedule }: ThrottleKey, now: number) {
  const next = sql`CASE WHEN ${loginThrottle.lastFailureAt} < ${now - schedule.forgetAfterMs} THEN 1
    ELSE ${loginThrottle.failures} + 1 END`;
  const delay = delaySql(next, schedule);
  const first = delayMs(1, schedule);
  return db
    .insert(loginThrottle)
    .values({ key, failures: 1, lastFailureAt: now, lockedUntil: first === 0 ? 0 : now + first })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: next,
        lastFailureAt: now,
        lockedUntil: sql`CASE WHEN ${delay} = 0 THEN 0 ELSE ${dialect.typed(now, 'bigint')} + ${delay} END`,
      },
      setWhere: sql`${loginThrottle.lockedUntil} <= ${now}`,
    });
}

/**
 * Counts the attempt as failed on every key, or refuses it (429 RATE_LIMITED, `retryAfter` seconds) when
 * one of them is locked, counting nothing then.
 */
export async function claimLoginAttempt(
  db: Db,
  keys: ThrottleKey[],
  now = Date.now(),
  what = 'failed sign-ins',
): Promise<void> {
  const statements: Statement[] = keys.flatMap((k) => [claim(db, k, now), assertChanged(db)]);
  const locked = new AppError(ErrorCode.RATE_LIMITED, `Too many ${what}; try again later`);
  try {
    await runBatch(db, statements, () => locked);
  } catch (err) {
    if (err !== locked) throw err;
    const rows = await db
      .select({ lockedUntil: loginThrottle.lockedUntil })
      .from(loginThrottle)
      .where(
        inArray(
          loginThrottle.key,
          keys.map((k) => k.key),
        ),
      );
    const until = Math.max(now + SECOND, ...rows.map((r) => r.lockedUntil));
    const retryAfter = Math.ceil((until - now) / SECOND);
    throw new AppError(ErrorCode.RATE_LIMITED, `Too many ${what}; try again in ${retryAfter} s`, {
      retryAfter,
    });
  }
}

/**
 * When the failure just counted put the account into its first lockout (ACCOUNT.free + 5 failures), when
 * that lock started and ends: the moment to tell the account's owner. Null otherwise.
 */
export async function accountLockStarted(
  db: Db,
  keys: ThrottleKey[],
): Promise<{ since: number; until: number } | null> {
  const account = keys.find((k) => k.schedule === ACCOUNT);
  if (!account) return null;
  const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, account.key));
  if (!row || Number(row.failures) !== ACCOUNT.free + 5) return null;
  return { since: Number(row.lastFailureAt), until: Number(row.lockedUntil) };
}

/**
 * The password was right: the account starts over; the address only gets this attempt back, and the wait
 * counting it had set (the claim succeeded, so no earlier wait was pending). An attacker with one good
 * account cannot wipe his address's failures by signing in with it, nor skip a wait: while one is pending,
 * his sign-in is refused unchecked like any attempt.
 */
export async function loginSucceeded(db: Db, keys: ThrottleKey[]): Promise<void> {
  const statements: Statement[] = keys.map(({ key, schedule }) =>
    schedule === ACCOUNT
      ? db.delete(loginThrottle).where(eq(loginThrottle.key, key))
      : db
          .update(loginThrottle)
          .set({ failures: dialect.greatest(sql`${loginThrottle.failures} - 1`, sql`0`), lockedUntil: 0 })
          .where(eq(loginThrottle.key, key)),
  );
  await runBatch(db, statements);
}

/**
 * Rows nobody will need again: no wait pending and the failures old enough to be forgotten by either
 * schedule (the nightly cron). Each failed email and address leaves one row until then.
 */
export async function forgetOldFailures(db: Db, now = Date.now()): Promise<number> {
  const forgotten = await db
    .delete(loginThrottle)
    .where(
      and(
        lt(loginThrottle.lastFailureAt, now - Math.max(ACCOUNT.forgetAfterMs, ADDRESS.forgetAfterMs)),
        lte(loginThrottle.lockedUntil, now),
      ),
    )
    .returning({ key: loginThrottle.key });
  return forgotten.length;
}
