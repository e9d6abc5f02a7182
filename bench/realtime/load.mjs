// One load phase of the realtime benchmark, run by bench/realtime.mjs as a child pinned to its own core:
// opens the dashboards and salesmen, has every salesman send fixes at a fixed rate, and measures the
// delay from each send to each dashboard's receipt. Prints `MEASURE_START` / `MEASURE_END` when the
// measured window opens and closes (the parent samples server CPU then) and the result as JSON last.
//   node bench/realtime/load.mjs <config.json>
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { Histogram } from './histogram.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// cfg: { target: 'hub'|'socketio', mode: 'plain'|'batched', port, managerToken, salesmen: [{id, token}],
//        dashboards, ratePerSalesman, warmupS, durationS, drainS, openBatch }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hist = new Histogram();
const errors = { connect: 0, errorFrames: 0, closes: 0, socketErrors: 0, unknownFixes: 0 };
/** salesmanId → Map(ts → send time); -1 marks a warm-up fix that is not measured. */
const sent = new Map();
const closeCodes = {};
let deliveries = 0;
let stopping = false;
/** Per second of send time in the measured window: latency sum and count, to show drift over the run. */
const perSecond = { sum: [], count: [] };
let measureStart = 0;

function received(salesmanId, ts) {
  const at = sent.get(salesmanId)?.get(ts);
  if (at === undefined) {
    errors.unknownFixes += 1;
    return;
  }
  if (at < 0) return;
  const latency = performance.now() - at;
  hist.add(latency);
  deliveries += 1;
  const second = Math.floor((at - measureStart) / 1000);
  perSecond.sum[second] = (perSecond.sum[second] ?? 0) + latency;
  perSecond.count[second] = (perSecond.count[second] ?? 0) + 1;
}

function unexpectedClose(why) {
  if (stopping) return;
  errors.closes += 1;
  closeCodes[why] = (closeCodes[why] ?? 0) + 1;
}

// ---------------------------------------------------------------- adapters

function openHub(token, onFrame) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${cfg.port}/v1/realtime`, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
    });
    ws.once('error', reject);
    ws.once('message', (data) => {
      const frame = JSON.parse(data);
      if (frame.type !== 'welcome') return reject(new Error(`expected welcome, got ${frame.type}`));
      ws.off('error', reject);
      ws.on('error', () => (errors.socketErrors += 1));
      ws.on('close', (code) => unexpectedClose(code));
      ws.on('message', (d) => onFrame(JSON.parse(d)));
      resolve({
        sendFix: (fix) => ws.send(JSON.stringify({ type: 'location', ...fix })),
        close: () => ws.close(1000),
      });
    });
  });
}

const hubDashboard = () =>
  openHub(cfg.managerToken, (frame) => {
    if (frame.type === 'locations') for (const l of frame.locations) received(l.salesmanId, l.ts);
    else if (frame.type === 'error') errors.errorFrames += 1;
  });
const hubSalesman = (s) =>
  openHub(s.token, (frame) => {
    if (frame.type === 'error') errors.errorFrames += 1;
  });

function openSocketIo(query, onSocket) {
  return new Promise((resolve, reject) => {
    const socket = io(`http://127.0.0.1:${cfg.port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 15_000,
      query,
    });
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
    socket.once('connect', () => {
      socket.on('disconnect', (reason) => unexpectedClose(reason));
      onSocket(socket);
      resolve({ sendFix: (fix) => socket.emit('location', fix), close: () => socket.close() });
    });
  });
}

const sioDashboard = () =>
  openSocketIo({ role: 'dashboard', mode: cfg.mode }, (socket) => {
    socket.on('location', (l) => received(l.salesmanId, l.ts));
    socket.on('locations', (list) => {
      for (const l of list) received(l.salesmanId, l.ts);
    });
  });
const sioSalesman = (s) => openSocketIo({ role: 'salesman', mode: cfg.mode, id: s.id }, () => {});

/** Opens `count` clients `batch` at a time (wrangler dev answers 503 to big bursts), retrying failures. */
async function openMany(count, open, batch) {
  const out = [];
  for (let i = 0; i < count; i += batch) {
    const group = await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, async (_, j) => {
        for (let attempt = 0; attempt < 5; attempt++) {
          try {
            return await open(i + j);
          } catch {
            await sleep(250 * (attempt + 1));
          }
        }
        errors.connect += 1;
        return null;
      }),
    );
    out.push(...group.filter(Boolean));
  }
  return out;
}

// ---------------------------------------------------------------- the phase

async function main() {
  const hub = cfg.target === 'hub';
  const openedAt = performance.now();
  const dashboards = await openMany(cfg.dashboards, hub ? hubDashboard : sioDashboard, cfg.openBatch);
  const salesmen = await openMany(
    cfg.salesmen.length,
    (i) => (hub ? hubSalesman : sioSalesman)(cfg.salesmen[i]),
    cfg.openBatch,
  );
  const connectS = (performance.now() - openedAt) / 1000;
  await sleep(1000);

  const period = 1000 / cfg.ratePerSalesman;
  const t0 = performance.now();
  const measureFrom = t0 + cfg.warmupS * 1000;
  measureStart = measureFrom;
  const sendUntil = measureFrom + cfg.durationS * 1000;
  let measuredFixes = 0;
  let sendFailures = 0;
  const timers = salesmen.map((client, i) => {
    const id = cfg.salesmen[i].id;
    const log = new Map();
    sent.set(id, log);
    let lastTs = 0;
    let k = 0;
    const offset = (i / salesmen.length) * period;
    const tick = () => {
      const now = performance.now();
      if (now >= sendUntil) return;
      const ts = Math.max(Date.now(), lastTs + 1);
      lastTs = ts;
      const measured = now >= measureFrom;
      log.set(ts, measured ? now : -1);
      try {
        client.sendFix({ lat: 52.5 + Math.random() / 10, lng: 13.4 + Math.random() / 10, accuracy: 5, ts });
        if (measured) measuredFixes += 1;
      } catch {
        sendFailures += 1;
      }
      k += 1;
      timer.ref = setTimeout(tick, Math.max(0, t0 + offset + k * period - performance.now()));
    };
    const timer = { ref: setTimeout(tick, offset) };
    return timer;
  });

  const loop = monitorEventLoopDelay({ resolution: 5 });
  await sleep(measureFrom - performance.now());
  loop.enable();
  const cpu0 = process.cpuUsage();
  console.log('MEASURE_START');
  await sleep(sendUntil - performance.now());
  const cpu = process.cpuUsage(cpu0);
  console.log('MEASURE_END');
  loop.disable();
  await sleep(cfg.drainS * 1000);
  stopping = true;
  for (const t of timers) clearTimeout(t.ref);
  for (const c of [...dashboards, ...salesmen]) c.close();
  const measuredMs = cfg.durationS * 1000;
  const expected = measuredFixes * dashboards.length;
  const result = {
    target: cfg.target,
    mode: cfg.mode,
    dashboards: dashboards.length,
    salesmen: salesmen.length,
    ratePerSalesman: cfg.ratePerSalesman,
    offeredUpdatesPerSec: measuredFixes / cfg.durationS,
    connectS,
    measuredFixes,
    deliveries,
    expected,
    deliveredPct: expected ? (100 * deliveries) / expected : 0,
    deliveriesPerSec: deliveries / cfg.durationS,
    p50: hist.percentile(0.5),
    p95: hist.percentile(0.95),
    p99: hist.percentile(0.99),
    max: hist.max,
    errors: { ...errors, sendFailures },
    closeCodes,
    meanLatencyBySecond: perSecond.count.map((c, i) => Math.round(perSecond.sum[i] / c)),
    loadCpuPct: (100 * (cpu.user + cpu.system)) / 1000 / measuredMs,
    loadLoopDelayP99Ms: loop.percentile(99) / 1e6,
  };
  await sleep(500);
  console.log(JSON.stringify(result));
  process.exit(0);
}

// Bounded: whatever happens, the phase ends.
setTimeout(
  () => {
    console.error('load phase timed out');
    process.exit(2);
  },
  (cfg.timeoutS ?? 600) * 1000,
).unref();
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
