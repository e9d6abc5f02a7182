// A CPU profile of a Worker served by bench/serve-worker.mjs with --inspector-port (Chrome DevTools
// protocol over the inspector's WebSocket): start it, stop it, write the .cpuprofile (opens in Chrome
// DevTools or speedscope) and summarise where the time went by function (self time).

/** Connects to the inspector target whose title names `worker` (workerd lists one per worker). */
export async function connectProfiler(inspectorPort, worker = 'fieldline') {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((t) => t.title?.endsWith(`:${worker}`) || t.title === `workerd: worker ${worker}`);
  if (!target) throw new Error(`no inspector target for ${worker}: ${targets.map((t) => t.title).join(', ')}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', reject, { once: true });
  });
  let id = 0;
  const pending = new Map();
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      pending.set(n, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return {
    async start(intervalUs = 500) {
      await send('Profiler.enable');
      await send('Profiler.setSamplingInterval', { interval: intervalUs });
      await send('Profiler.start');
    },
    async stop() {
      const { profile } = await send('Profiler.stop');
      ws.close();
      return profile;
    },
  };
}

/** The `top` functions by self time (ms and % of the profile), "name file:line". */
export function selfTimes(profile, top = 25) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((sample, i) => {
    const frame = nodes.get(sample).callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() || ''}:${frame.lineNumber + 1}`;
    const us = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / total }));
}
