import { chunk } from '../lib/chunk';
import { CRON_HOURLY, CRON_NIGHTLY, type JobMessage } from './messages';

/** Queue.sendBatch takes at most 100 messages. */
const SEND_BATCH = 100;

/**
 * The cron handler only fans out: one queue message per tenant with work to do. The consumer
 * (jobs/queue.ts) does the work, one tenant per message, so a huge tenant gets an invocation of its
 * own and a failing one is retried without holding up the rest.
 */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<{ enqueued: number }> {
  const at = controller.scheduledTime;
  const messages: JobMessage[] = [];
  if (controller.cron === CRON_NIGHTLY) {
    const { results } = await env.DB.prepare('SELECT id FROM tenants WHERE deleted_at IS NULL ORDER BY id').all<{
      id: string;
    }>();
    for (const t of results) messages.push({ job: 'rfm', tenantId: t.id, at });
  }
  if (controller.cron === CRON_HOURLY) {
    const { results } = await env.DB.prepare(
      'SELECT DISTINCT tenant_id AS id FROM report_subscriptions WHERE active = 1 AND deleted_at IS NULL ORDER BY tenant_id',
    ).all<{ id: string }>();
    for (const t of results) messages.push({ job: 'reports', tenantId: t.id, at });
  }
  for (const part of chunk(messages, SEND_BATCH)) {
    await env.JOBS.sendBatch(part.map((body) => ({ body, contentType: 'json' as const })));
  }
  console.log(JSON.stringify({ level: 'info', where: 'scheduled', cron: controller.cron, enqueued: messages.length }));
  return { enqueued: messages.length };
}
