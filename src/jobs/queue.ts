import { cjkFontFromAssets } from '../analytics/documents/cjk-font';
import { sendDueReports } from '../analytics/services/report-delivery.service';
import { runNightlyRfm } from '../analytics/services/rfm-runs.service';
import { systemPrincipal } from '../auth/principal';
import type { Db } from '../db/client';
import { openDatabase } from '../db/connection';
import { loadConfig } from '../env';
import { bindingSender } from '../outbound/mail-binding';
import { createServiceContext } from '../services/context';
import { runImportStep } from '../services/imports.service';
import { isJobMessage, type JobMessage } from './messages';

/** Retries back off: 30 s, 60 s, 120 s, … up to 10 minutes (max_retries in wrangler.jsonc, then the DLQ). */
const retryDelay = (attempts: number) => Math.min(600, 30 * 2 ** Math.max(0, attempts - 1));

/**
 * The jobs queue consumer. Each message is acked or retried on its own: a failing tenant never holds
 * up the others in the batch. Every job is idempotent (analytics/services/rfm-runs.service.ts and
 * report-delivery.service.ts), so Queues' at-least-once delivery and our retries cannot double anything.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  for (const message of batch.messages) {
    if (!isJobMessage(message.body)) {
      console.error(
        JSON.stringify({ level: 'error', where: 'queue', message: 'unknown job message', body: message.body }),
      );
      message.ack();
      continue;
    }
    try {
      await runJob(env, message.body, ctx);
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

/** Decodes one job into a call of its service, as the system acting for the message's tenant at its time. */
export async function runJob(env: Env, job: JobMessage, exec: Pick<ExecutionContext, 'waitUntil'>): Promise<unknown> {
  const database = openDatabase(env, loadConfig(env));
  try {
    return await runJobOn(database.db, env, job, exec);
  } finally {
    exec.waitUntil(database.close());
  }
}

async function runJobOn(db: Db, env: Env, job: JobMessage, exec: Pick<ExecutionContext, 'waitUntil'>) {
  const ctx = createServiceContext(
    {
      db,
      hubs: env.TENANT_HUB,
      waitUntil: (promise) => exec.waitUntil(promise),
      // An import's rows are written now; the scheduled jobs work as of the instant they were due.
      now: new Date(job.job === 'import' ? Date.now() : job.at).toISOString(),
    },
    systemPrincipal(job.tenantId, job.job === 'import' ? 'import' : job.job === 'rfm' ? 'rfm' : 'report-emails'),
  );
  if (job.job === 'import') {
    const result = await runImportStep(ctx, job.importId);
    if (result.status === 'continue') await env.JOBS.send(job, { contentType: 'json' });
    return result;
  }
  if (job.job === 'rfm') {
    const result = await runNightlyRfm(ctx, job.at);
    // A tenant with more changes than one invocation appends continues in a message of its own.
    if (result.status === 'continue') await env.JOBS.send(job, { contentType: 'json' });
    return result;
  }
  const config = loadConfig(env);
  return sendDueReports(ctx, {
    send: bindingSender(env.REPORT_EMAIL),
    from: config.REPORT_EMAIL_FROM,
    baseUrl: config.PUBLIC_BASE_URL,
    cjkFont: cjkFontFromAssets(env.ASSETS),
  });
}
