import { tenantsWithReportSubscriptions } from '../analytics/services/report-delivery.service';
import { tenantsForNightlyRfm } from '../analytics/services/rfm-runs.service';
import { openDatabase } from '../db/connection';
import { loadConfig } from '../env';
import { chunk } from '../lib/chunk';
import { sweepAuditLog } from '../services/audit.service';
import { createPlatformContext } from '../services/context';
import { forgetOldFailures } from '../services/login-throttle';
import { forgetOldSyncOutcomes } from '../services/sync-outcomes';
import { CRON_HOURLY, CRON_NIGHTLY, CRON_OUTBOUND_SWEEP, type JobMessage } from './messages';
import { sweepOutbound } from './outbound';

/** Queue.sendBatch takes at most 100 messages. */
const SEND_BATCH = 100;

/**
 * The cron handler only fans out: one queue message per tenant with work to do. The consumer
 * (jobs/queue.ts) does the work, one tenant per message, so a huge tenant gets an invocation of its
 * own and a failing one is retried without holding up the rest.
 */
export async function handleScheduled(
  controller: ScheduledController,
  env: Env,
  exec: Pick<ExecutionContext, 'waitUntil'>,
): Promise<{ enqueued: number }> {
  const at = controller.scheduledTime;
  if (controller.cron === CRON_OUTBOUND_SWEEP) {
    const enqueued = await sweepOutbound(env, exec);
    console.log(JSON.stringify({ level: 'info', where: 'scheduled', cron: controller.cron, enqueued }));
    return { enqueued };
  }
  const database = openDatabase(env, loadConfig(env));
  const platform = createPlatformContext({
    db: database.db,
    hubs: env.TENANT_HUB,
    waitUntil: (promise) => exec.waitUntil(promise),
  });
  const messages: JobMessage[] = [];
  try {
    if (controller.cron === CRON_NIGHTLY) {
      for (const tenantId of await tenantsForNightlyRfm(platform)) messages.push({ job: 'rfm', tenantId, at });
      // Not per tenant: one statement, done here rather than queued.
      await forgetOldFailures(platform.db, at);
      await forgetOldSyncOutcomes(platform.db, at);
      await sweepAuditLog(platform);
    }
    if (controller.cron === CRON_HOURLY) {
      for (const tenantId of await tenantsWithReportSubscriptions(platform)) {
        messages.push({ job: 'reports', tenantId, at });
      }
    }
  } finally {
    exec.waitUntil(database.close());
  }
  for (const part of chunk(messages, SEND_BATCH)) {
    await env.JOBS.sendBatch(part.map((body) => ({ body, contentType: 'json' as const })));
  }
  console.log(JSON.stringify({ level: 'info', where: 'scheduled', cron: controller.cron, enqueued: messages.length }));
  return { enqueued: messages.length };
}
