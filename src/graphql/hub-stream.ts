import { CloseCode, type ServerMessage } from '@fieldline/client/protocol';
import type { Permission } from '../auth/permissions';
import { requirePermission } from '../auth/principal';
import { AppError, ErrorCode } from '../lib/errors';
import type { StreamFilter } from '../services/hub-port';
import { openHubSocket } from '../services/realtime.service';
import type { GraphQLContext } from './context';

/** Frames buffered for a subscriber that reads slower than the hub sends; beyond it the stream ends. */
const MAX_BUFFERED_FRAMES = 1000;

export interface HubSubscription<T> {
  /** Read permission the subscription's data needs (the same one the matching query needs). */
  permission: Permission;
  /**
   * What the hub is to send: rooms (each one the caller may join, or the hub refuses: FORBIDDEN), event
   * types, locations, presence. The hub sends nothing else.
   */
  filter: StreamFilter;
  /** The items a frame yields to the subscriber. */
  pick: (frame: ServerMessage) => T[];
}

/**
 * A GraphQL subscription fed by the tenant hub: the Worker opens a socket to the hub as the caller (same
 * identity and entitlements as a device's WebSocket) with a filter, the hub sends it only the frames the
 * filter asks for, and each becomes items of the subscription. Ending the subscription (client gone,
 * `return()`) closes the socket; the hub closing it ends the subscription (token expiry → UNAUTHENTICATED).
 */
export async function hubSubscription<T>(
  ctx: GraphQLContext,
  spec: HubSubscription<T>,
): Promise<AsyncIterableIterator<T>> {
  requirePermission(ctx.service.principal, spec.permission);
  const socket = await openHubSocket(ctx.service, ctx.expiresAt, spec.filter);
  // A client that left while the socket was opening gets no subscription, and the hub keeps no socket.
  return picked(new SocketFrames(socket, ctx.signal), spec.pick);
}

/** Maps frames to items without an async generator, so `return()` takes effect at once, mid-wait. */
function picked<T>(frames: SocketFrames, pick: (frame: ServerMessage) => T[]): AsyncIterableIterator<T> {
  const ready: T[] = [];
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const item = ready.shift();
        if (item !== undefined) return { value: item, done: false };
        const frame = await frames.next();
        if (frame.done) return { value: undefined, done: true };
        ready.push(...pick(frame.value));
      }
    },
    async return() {
      frames.close();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

class SocketFrames {
  private readonly queue: ServerMessage[] = [];
  private waiter: { resolve: (r: IteratorResult<ServerMessage>) => void; reject: (e: unknown) => void } | null = null;
  private ended: { error: unknown } | null = null;

  constructor(
    private readonly socket: WebSocket,
    signal: AbortSignal,
  ) {
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      const frame = JSON.parse(event.data) as ServerMessage;
      if (this.waiter) {
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve({ value: frame, done: false });
      } else if (this.queue.length >= MAX_BUFFERED_FRAMES) {
        this.end(new AppError(ErrorCode.RATE_LIMITED, 'The subscription fell too far behind; subscribe again'), true);
      } else {
        this.queue.push(frame);
      }
    });
    socket.addEventListener('close', (event) =>
      this.end(
        event.code === CloseCode.TOKEN_EXPIRED
          ? new AppError(ErrorCode.UNAUTHENTICATED, 'The access token expired; subscribe again with a fresh one')
          : null,
        false,
      ),
    );
    socket.addEventListener('error', () => this.end(null, false));
    if (signal.aborted) this.close();
    else signal.addEventListener('abort', () => this.close(), { once: true });
  }

  next(): Promise<IteratorResult<ServerMessage>> {
    const frame = this.queue.shift();
    if (frame) return Promise.resolve({ value: frame, done: false });
    if (this.ended) {
      return this.ended.error ? Promise.reject(this.ended.error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  close() {
    this.end(null, true);
  }

  /** `drop`: forget what is buffered (we are leaving); otherwise it is still read before the end. */
  private end(error: unknown, drop: boolean) {
    if (this.ended) return;
    this.ended = { error };
    if (drop) this.queue.length = 0;
    try {
      this.socket.close(CloseCode.NORMAL, 'Subscription ended');
    } catch {
      // Already closed by the hub.
    }
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter) {
      if (error) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }
}
