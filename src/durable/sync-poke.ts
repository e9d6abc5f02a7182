import type { ServerMessage } from '@fieldline/client/protocol';
import type { HubIdentity } from '../services/hub-port';
import { concernsSync, SYNC_ROOM } from './rooms';

/** At most one poke per socket per this many ms; the ones in between fold into one sent at the end. */
export const POKE_INTERVAL_MS = 250;

export interface PokeDeps {
  /** The sockets in a room. */
  members(room: string): Iterable<WebSocket>;
  identityOf(ws: WebSocket): HubIdentity | null;
  sendRaw(ws: WebSocket, frame: string): void;
  clock?: () => number;
  /** Runs `fn` after `ms` (setTimeout; tests pass their own). */
  later?: (fn: () => void, ms: number) => void;
}

/**
 * `sync:poke` frames (docs/sync.md, Poke): members of the `sync` room hear that a change their pull
 * would return has been committed, so an online phone pulls at once instead of polling. Pokes carry no
 * data, only the log position, and are coalesced per socket: the first goes at once, the ones within the
 * next 250 ms become one poke at the end of that interval with the newest position.
 */
export class SyncPoker {
  private readonly lastSent = new WeakMap<WebSocket, number>();
  /** Sockets owed a poke at the end of their interval, with the newest seq. */
  private readonly owed = new Map<WebSocket, number>();
  private flushAt: number | null = null;
  private readonly now: () => number;
  private readonly later: (fn: () => void, ms: number) => void;

  constructor(private readonly deps: PokeDeps) {
    this.now = deps.clock ?? Date.now;
    this.later = deps.later ?? ((fn, ms) => setTimeout(fn, ms));
  }

  /** An event was relayed to `rooms`: poke the sync sockets it concerns. */
  delivered(event: { seq: number; entityType: string }, rooms: readonly string[]): void {
    const now = this.now();
    for (const ws of this.deps.members(SYNC_ROOM)) {
      const who = this.deps.identityOf(ws);
      if (!who || !concernsSync(who, event, rooms)) continue;
      const last = this.lastSent.get(ws);
      if (last === undefined || now - last >= POKE_INTERVAL_MS) {
        this.poke(ws, event.seq, now);
      } else {
        this.owed.set(ws, event.seq);
        this.flushLater(last + POKE_INTERVAL_MS - now);
      }
    }
  }

  private flushLater(ms: number) {
    if (this.flushAt !== null) return;
    this.flushAt = this.now() + ms;
    this.later(() => this.flush(), ms);
  }

  private flush() {
    this.flushAt = null;
    const now = this.now();
    for (const [ws, seq] of this.owed) {
      const last = this.lastSent.get(ws) ?? 0;
      if (now - last < POKE_INTERVAL_MS) {
        this.flushLater(last + POKE_INTERVAL_MS - now);
        continue;
      }
      this.owed.delete(ws);
      this.poke(ws, seq, now);
    }
  }

  private poke(ws: WebSocket, seq: number, now: number) {
    this.lastSent.set(ws, now);
    this.deps.sendRaw(ws, JSON.stringify({ type: 'sync:poke', seq } satisfies ServerMessage));
  }
}
