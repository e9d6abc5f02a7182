// Server processes for the realtime benchmark: the hub's Worker and the Socket.IO baseline, pinned to one
// core, stopped by process group, and the CPU time of a process tree read from /proc.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { haveTaskset, pinned, waitFor } from '../lib.mjs';

export { haveTaskset, pinned, waitFor };

const children = new Set();

/** Starts `cmd args` on `core` in its own process group, so stopping it also stops what it spawned. */
export function startPinned(core, cmd, args, { cwd, env, stdout = 'ignore' } = {}) {
  const [c, a] = pinned(core, cmd, args);
  const child = spawn(c, a, { cwd, env, detached: true, stdio: ['ignore', stdout, 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function stop(child, timeoutMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {}
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }, timeoutMs);
  await exited;
  clearTimeout(timer);
  // Let the group's stragglers (workerd) go before the next server takes the same port and state.
  await new Promise((r) => setTimeout(r, 1500));
}

export function stopAllNow() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by `rootPid` and all its descendants. */
export function treeCpuSeconds(rootPid) {
  const stats = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const raw = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the parenthesised command name: state ppid ... utime(14) stime(15).
      const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(rest[1]), cpu: Number(rest[11]) + Number(rest[12]) });
    } catch {}
  }
  let total = 0;
  const queue = [rootPid];
  const seen = new Set();
  while (queue.length > 0) {
    const pid = queue.pop();
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += stats.get(pid)?.cpu ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) queue.push(child);
  }
  return total / TICKS_PER_SECOND;
}

/** Busy and total jiffies per core, from /proc/stat: shows whether other work shared the cores. */
export function coreTimes() {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const v = l.trim().split(/\s+/).slice(1).map(Number);
      const idle = v[3] + (v[4] ?? 0);
      const total = v.reduce((s, x) => s + x, 0);
      return { busy: total - idle, total };
    });
}

export const busyPct = (before, after) =>
  after.map((a, i) => Math.round((100 * (a.busy - before[i].busy)) / Math.max(1, a.total - before[i].total)));

/**
 * Waits (bounded) until the machine is nearly idle, so a phase does not share its cores with unrelated
 * work; returns the busy share (% of all cores) seen last, which the report shows either way.
 */
export async function waitQuiet({ maxBusyPct = 15, windowMs = 2000, timeoutMs = 300_000 } = {}) {
  const until = Date.now() + timeoutMs;
  let busy = 100;
  while (Date.now() < until) {
    const before = coreTimes();
    await new Promise((r) => setTimeout(r, windowMs));
    const per = busyPct(before, coreTimes());
    busy = per.reduce((s, x) => s + x, 0) / per.length;
    if (busy <= maxBusyPct) return busy;
  }
  return busy;
}
