// The Socket.IO baseline for `npm run bench:realtime`: the idiomatic way to fan GPS fixes out to
// dashboards with Socket.IO on one Node process. Dashboards join a room; salesmen emit `location`.
//   plain   (query mode=plain):   every fix is broadcast at once to room `tenant`, one message per fix;
//   batched (query mode=batched): the hub's policy ported — at most one fix per salesman per second, the
//                                 newest winning, due fixes leaving together in one `locations` message per
//                                 20 ms window — to room `tenant:batched`.
// No authentication, validation or persistence: the baseline measures fan-out alone.
//   node bench/socketio-server.mjs --port 8794 [--ttl-seconds 3600]
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: '8794' },
    'batch-ms': { type: 'string', default: '20' },
    'ttl-seconds': { type: 'string', default: '3600' },
  },
});
const BATCH_MS = Number(opts['batch-ms']);
const MIN_INTERVAL_MS = 1000;

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 8 * 1024,
});

/** Same algorithm as src/durable/location-coalescer.ts. */
const pending = new Map();
const lastSent = new Map();
let flushTimer = null;
let flushAt = 0;

function nextDueAt() {
  let next = null;
  for (const id of pending.keys()) {
    const due = (lastSent.get(id) ?? Number.NEGATIVE_INFINITY) + MIN_INTERVAL_MS;
    if (next === null || due < next) next = due;
  }
  return next;
}

function takeDue(now) {
  const due = [];
  for (const [id, location] of pending) {
    if ((lastSent.get(id) ?? Number.NEGATIVE_INFINITY) + MIN_INTERVAL_MS <= now) {
      due.push(location);
      pending.delete(id);
      lastSent.set(id, now);
    }
  }
  return due;
}

/** Same scheduling as TenantHub.scheduleLocationFlush. */
function scheduleFlush(now) {
  const due = nextDueAt();
  if (due === null) return;
  const at = due <= now ? now + BATCH_MS : due;
  if (flushTimer && flushAt <= at) return;
  if (flushTimer) clearTimeout(flushTimer);
  flushAt = at;
  flushTimer = setTimeout(
    () => {
      flushTimer = null;
      const t = Date.now();
      const locations = takeDue(t);
      if (locations.length > 0) io.to('tenant:batched').emit('locations', locations);
      scheduleFlush(t);
    },
    Math.max(0, at - now),
  );
}

io.on('connection', (socket) => {
  const { role, mode, id } = socket.handshake.query;
  if (role === 'dashboard') {
    socket.join(mode === 'batched' ? 'tenant:batched' : 'tenant');
    return;
  }
  const salesmanId = String(id);
  socket.on('location', (fix) => {
    if (typeof fix !== 'object' || fix === null || typeof fix.ts !== 'number') return;
    const location = { salesmanId, ...fix };
    if (mode === 'batched') {
      pending.set(salesmanId, location);
      scheduleFlush(Date.now());
    } else {
      io.to('tenant').emit('location', location);
    }
  });
});

// Bounded life even if the parent dies without stopping us.
setTimeout(() => process.exit(0), Number(opts['ttl-seconds']) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
http.listen(Number(opts.port), '127.0.0.1', () => console.log(`socket.io listening on 127.0.0.1:${opts.port}`));
