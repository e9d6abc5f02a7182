import { exports } from 'cloudflare:workers';

/** A test-side WebSocket client over the Worker's in-process fetch, collecting JSON frames. */
export interface TestSocket {
  ws: WebSocket;
  frames: any[];
  send(frame: unknown): void;
  /** Sends bytes as a binary frame. */
  sendBinary(bytes: Uint8Array): void;
  /** Resolves with the first frame (already received or future) matching `predicate`. */
  next(predicate: (frame: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Resolves once `count` frames match `predicate` (counting those already received). */
  collect(predicate: (frame: any) => boolean, count: number, timeoutMs?: number): Promise<any[]>;
  /** Event frames received so far (type `event`). */
  events(): any[];
  close(code?: number): void;
  closed: Promise<{ code: number; reason: string }>;
}

export interface ConnectOptions {
  since?: number;
  viaQuery?: boolean;
}

export function realtimeRequest(token: string, options: ConnectOptions = {}): Request {
  const url = new URL('https://fieldline.test/v1/realtime');
  if (options.since !== undefined) url.searchParams.set('since', String(options.since));
  const headers = new Headers({ upgrade: 'websocket' });
  if (options.viaQuery) url.searchParams.set('access_token', token);
  else headers.set('authorization', `Bearer ${token}`);
  return new Request(url, { headers });
}

export async function connect(token: string, options: ConnectOptions = {}): Promise<TestSocket> {
  const res = await exports.default.fetch(realtimeRequest(token, options));
  const ws = res.webSocket;
  if (!ws) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  ws.accept();
  const frames: any[] = [];
  const waiters: { check: () => boolean }[] = [];
  let closedResolve!: (v: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => {
    closedResolve = r;
  });
  ws.addEventListener('message', (e) => {
    frames.push(JSON.parse(typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data as ArrayBuffer)));
    for (const w of [...waiters]) if (w.check()) waiters.splice(waiters.indexOf(w), 1);
  });
  ws.addEventListener('close', (e) => closedResolve({ code: e.code, reason: e.reason }));

  /** Waits until `done()` returns a value (checked now and after every frame). */
  function waitFor<T>(done: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const now = done();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          const value = done();
          if (value === undefined) return false;
          clearTimeout(timer);
          resolve(value);
          return true;
        },
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`${what} within ${timeoutMs} ms; last frames ${JSON.stringify(frames.slice(-5))}`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  }

  return {
    ws,
    frames,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    sendBinary: (bytes) => ws.send(bytes),
    next: (predicate, timeoutMs = 5000) => waitFor(() => frames.find(predicate), timeoutMs, 'no matching frame'),
    collect: (predicate, count, timeoutMs = 5000) =>
      waitFor(
        () => {
          const matching = frames.filter(predicate);
          return matching.length >= count ? matching : undefined;
        },
        timeoutMs,
        `fewer than ${count} matching frames`,
      ),
    events: () => frames.filter((f) => f.type === 'event'),
    close: (code = 1000) => ws.close(code, 'test done'),
    closed,
  };
}
