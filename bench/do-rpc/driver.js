// Driver of the Durable Object RPC benchmark (bench/do-rpc.mjs), served in front of the built Worker by
// serve-worker.mjs --front, in the same workerd process. GET /rpc?method=&calls=&concurrency=&tenant=
// makes `calls` RPCs to one tenant's hub, `concurrency` at a time, each through a fresh stub as every
// Worker request makes one (the service context's `hub`), and answers with the failures by message. Its
// own cost per call runs on the same core as the hub, so the rates it sees are a floor.
let nextSeq = null;
const CALLS = {
  status: (hub) => hub.status('bench-salesman'),
  stats: (hub) => hub.stats(),
  // One committed event per call, as the write pipeline hands it over, numbered on from the hub's log.
  // Calls in flight together may arrive out of order: the hub then takes its gap path (a D1 catch-up).
  publish: async (hub) => {
    nextSeq ??= (await hub.stats()).lastSeq + 1;
    const seq = nextSeq++;
    await hub.publish([
      {
        seq,
        type: 'bench:published',
        entityType: 'bench',
        entityId: String(seq),
        actorId: null,
        payload: { seq },
        createdAt: new Date().toISOString(),
      },
    ]);
  },
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/health') return new Response('ok');
    if (url.pathname !== '/rpc') return new Response('not found', { status: 404 });
    const call = CALLS[url.searchParams.get('method')];
    const calls = Number(url.searchParams.get('calls'));
    const concurrency = Number(url.searchParams.get('concurrency'));
    const tenantId = url.searchParams.get('tenant');
    if (!call || !(calls > 0) || !(concurrency > 0) || !tenantId) return new Response('bad query', { status: 400 });
    const failures = {};
    let started = 0;
    const lane = async () => {
      while (started < calls) {
        started++;
        try {
          await call(env.TENANT_HUB.getByName(tenantId));
        } catch (err) {
          const message = String(err?.message ?? err).slice(0, 160);
          failures[message] = (failures[message] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, lane));
    return Response.json({ calls, failures });
  },
};
