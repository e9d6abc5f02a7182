// The fan-out floor of workerd on this machine: a bare Durable Object, no Fieldline code, that accepts
// hibernatable WebSockets and, on /blast, sends the same frame to every socket `rounds` times (yielding
// between rounds, as the hub's flushes are separate events). bench/realtime/fanout-floor.mjs drives it.
import { DurableObject } from 'cloudflare:workers';

export class Floor extends DurableObject {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/ws') {
      const { 0: client, 1: server } = new WebSocketPair();
      this.ctx.acceptWebSocket(server);
      return new Response(null, { status: 101, webSocket: client });
    }
    if (url.pathname === '/blast') {
      const rounds = Number(url.searchParams.get('rounds'));
      const frame = 'x'.repeat(Number(url.searchParams.get('bytes')));
      const sockets = this.ctx.getWebSockets();
      for (let r = 0; r < rounds; r++) {
        for (const ws of sockets) ws.send(frame);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return Response.json({ sockets: sockets.length });
    }
    return new Response('not found', { status: 404 });
  }

  webSocketMessage() {}
}

export default {
  fetch(request, env) {
    return env.FLOOR.get(env.FLOOR.idFromName('floor')).fetch(request);
  },
};
