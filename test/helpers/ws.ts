import { exports } from 'cloudflare:workers';

/** A test-side WebSocket client over the Worker's in-process fetch, collecting JSON frames. */
export interface TestSocket {
  ws: WebSocket;
  frames: any[];
  send(frame: unknown): void;
  /** Resolves with the first frame (already received or future) matching `predicate`. */
  next(predicate: (frame: any) => boolean, timeoutMs?: number): Promise<any>;
  close(code?: number): void;
  closed: Promise<{ code: number; reason: string }>;
}

export async function connect(
  token: string,
  options: { since?: number; viaQuery?: boolean } = {},
): Promise<TestSocket> {
  const url = new URL('https://fieldline.test/v1/realtime');
  if (options.since !== undefined) url.searchParams.set('since', String(options.since));
  const headers = new Headers({ upgrade: 'websocket' });
  if (options.viaQuery) url.searchParams.set('access_token', token);
  else headers.set('authorization', `Bearer ${token}`);
  const res = await exports.default.fetch(new Request(url, { headers }));
  const ws = res.webSocket;
  if (!ws) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  ws.accept();
  const frames: any[] = [];
  const waiters: { predicate: (f: any) => boolean; resolve: (f: any) => void }[] = [];
  let closedResolve!: (v: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => {
    closedResolve = r;
  });
  ws.addEventListener('message', (e) => {
    const frame = JSON.parse(typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data as ArrayBuffer));
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.predicate(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  ws.addEventListener('close', (e) => closedResolve({ code: e.code, reason: e.reason }));
  return {
    ws,
    frames,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next(predicate, timeoutMs = 5000) {
      const found = frames.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-5))}`)),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      });
    },
    close: (code = 1000) => ws.close(code, 'test done'),
    closed,
  };
}
