// A WebSocket-to-TCP proxy for local development and CI: the Neon serverless driver speaks the Postgres
// wire protocol inside WebSocket binary frames, and a plain PostgreSQL listens on TCP. This does what
// websockify does, in one Node process: websockify (Debian's) forks a Python process per connection,
// several hundred milliseconds each here, and the Worker opens a connection per request.
//
//   node scripts/ws-proxy.mjs <listen host:port> <target host:port>
import net from 'node:net';
import { WebSocketServer } from 'ws';

const [listen, target] = process.argv.slice(2);
if (!listen || !target) {
  console.error('usage: node scripts/ws-proxy.mjs <listen host:port> <target host:port>');
  process.exit(2);
}
const split = (address) => {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
};
const from = split(listen);
const to = split(target);

const server = new WebSocketServer({ host: from.host, port: from.port, perMessageDeflate: false });
server.on('connection', (ws) => {
  const socket = net.connect(to.port, to.host);
  socket.setNoDelay(true);
  // Frames that arrive before the TCP connection is up are queued by the socket itself.
  ws.on('message', (data) => {
    if (!socket.write(data)) ws._socket?.pause();
  });
  socket.on('drain', () => ws._socket?.resume());
  socket.on('data', (chunk) => ws.send(chunk, { binary: true }));
  socket.on('close', () => ws.close());
  socket.on('error', () => ws.terminate());
  ws.on('close', () => socket.end());
  ws.on('error', () => socket.destroy());
});
server.on('listening', () => console.log(`ws-proxy: ws://${listen} -> tcp://${target}`));
server.on('error', (err) => {
  console.error(`ws-proxy: ${err.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
