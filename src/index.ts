import { buildApp } from './app';
import { handleQueue } from './jobs/queue';
import { handleScheduled } from './jobs/scheduled';

export { TenantHub } from './durable/tenant-hub';

const app = buildApp();

export default {
  fetch: app.fetch,
  /** Cron Triggers (wrangler.jsonc `triggers.crons`): fan out one queue message per tenant. */
  async scheduled(controller, env) {
    await handleScheduled(controller, env);
  },
  /** The jobs queue: nightly RFM and scheduled report e-mails, one tenant per message. */
  async queue(batch, env) {
    await handleQueue(batch, env);
  },
} satisfies ExportedHandler<Env>;
