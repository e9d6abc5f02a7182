import { buildApp } from './app';
import { handleOutboundQueue, OUTBOUND_QUEUE } from './jobs/outbound';
import { handleQueue } from './jobs/queue';
import { handleScheduled } from './jobs/scheduled';

export { RateLimiter } from './durable/rate-limiter';
export { TenantHub } from './durable/tenant-hub';

const app = buildApp();

export default {
  fetch: app.fetch,
  /** Cron Triggers (wrangler.jsonc `triggers.crons`): fan out one queue message per tenant. */
  async scheduled(controller, env, ctx) {
    await handleScheduled(controller, env, ctx);
  },
  /**
   * The jobs queue (nightly RFM and scheduled report e-mails, one tenant per message) and the outbound
   * queue (webhook deliveries).
   */
  async queue(batch, env, ctx) {
    if (batch.queue === OUTBOUND_QUEUE) await handleOutboundQueue(batch, env, ctx);
    else await handleQueue(batch, env, ctx);
  },
} satisfies ExportedHandler<Env>;
