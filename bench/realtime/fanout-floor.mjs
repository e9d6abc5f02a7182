// Client side of the fan-out floor (run pinned to core 1 by bench/realtime.mjs): opens `sockets`
// WebSockets to the bare Durable Object of floor/worker.js, asks it to send `rounds` frames of `bytes`
// to every socket, and waits until every frame has arrived. Prints `ready` once the sockets are open and
// waits for a line on stdin, so the caller can read the server's CPU time right around the sends; then
// prints {frames, wallMs} as JSON.
//   node bench/realtime/fanout-floor.mjs <port> <sockets> <rounds> <bytes>
import WebSocket from 'ws';

const [port, sockets, rounds, bytes] = process.argv.slice(2).map(Number);
let received = 0;
const open = [];
for (let i = 0; i < sockets; i++) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  ws.on('message', () => received++);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  open.push(ws);
}
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const expected = sockets * rounds;
const started = performance.now();
const res = await fetch(`http://127.0.0.1:${port}/blast?rounds=${rounds}&bytes=${bytes}`);
if (!res.ok) throw new Error(`blast -> ${res.status}`);
while (received < expected) await new Promise((resolve) => setTimeout(resolve, 10));
const wallMs = performance.now() - started;
for (const ws of open) ws.terminate();
process.stdout.write(`${JSON.stringify({ frames: expected, wallMs })}\n`);
process.exit(0);
