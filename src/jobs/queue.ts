import { createDb } from '../db/client';
import { loadConfig } from '../env';
import { nudgeHub } from '../services/realtime.service';
import { isJobMessage, type JobMessage } from './messages';
import { bindingSender, sendDueReports } from './report-emails.job';
import { runRfmJob } from './rfm.job';

/** Retries back off: 30 s, 60 s, 120 s, … up to 10 minutes (max_retries in wrangler.jsonc, then the DLQ). */
const retryDelay = (attempts: number) => Math.min(600, 30 * 2 ** Math.max(0, attempts - 1));

/**
 * The jobs queue consumer. Each message is acked or retried on its own: a failing tenant never holds
 * up the others in the batch. Every job is idempotent (see rfm.job.ts, report-emails.job.ts), so
 * Queues' at-least-once delivery and our retries cannot double anything.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    if (!isJobMessage(message.body)) {
      console.error(
        JSON.stringify({ level: 'error', where: 'queue', message: 'unknown job message', body: message.body }),
      );
      message.ack();
      continue;
    }
    try {
      await runJob(env, message.body);
      message.ack();
    } catch (err) {
      console.error(
        JSON.stringify({
          level: 'error',
          where: 'queue',
          job: message.body,
          attempts: message.attempts,
          message: String(err),
        }),
      );
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}

export async function runJob(env: Env, job: JobMessage): Promise<unknown> {
  const db = createDb(env.DB);
  if (job.job === 'rfm') {
    const result = await runRfmJob(db, job.tenantId, job.at);
    // The hub delivers the new segment:changed events now instead of at its next catch-up.
    if (result.status !== 'skipped' && result.eventsAppended > 0) await nudgeHub(env, job.tenantId);
    // A tenant with more changes than one invocation appends continues in a message of its own.
    if (result.status === 'continue') await env.JOBS.send(job, { contentType: 'json' });
    return result;
  }
  const config = loadConfig(env);
  return sendDueReports(
    { db, send: bindingSender(env.REPORT_EMAIL), from: config.REPORT_EMAIL_FROM, baseUrl: config.PUBLIC_BASE_URL },
    job.tenantId,
    job.at,
  );
}
