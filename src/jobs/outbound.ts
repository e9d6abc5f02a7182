import { systemPrincipal } from '../auth/principal';
import { openDatabase } from '../db/connection';
import { loadConfig } from '../env';
import { chunk } from '../lib/chunk';
import { composeEndpointDisabledMail } from '../outbound/endpoint-disabled-mail';
import { bindingSender } from '../outbound/mail-binding';
import { composeNotificationMail } from '../outbound/notification-mail';
import { createPlatformContext, createServiceContext, type ServiceContext } from '../services/context';
import { sendDueNotifications, tenantsWithDueNotifications } from '../services/notification-delivery.service';
import { runNotificationRules } from '../services/notification-engine.service';
import { pushSettings } from '../services/push-subscriptions.service';
import { raiseVisitNotices, tenantsWithPlannedVisits } from '../services/visit-notices.service';
import {
  deriveWebhookDeliveries,
  disabledEndpointNotice,
  endpointsWithDueDeliveries,
  sendDueDeliveries,
  tenantsWithWebhooks,
  webhookSettings,
} from '../services/webhook-delivery.service';

/**
 * The outbound queue (`fieldline-outbound`): work that sends things out of Fieldline, fed by the event
 * log. Every message is idempotent (the services keep cursors, derived ids and leases), so Queues'
 * at-least-once delivery and our own re-sends cannot double a delivery.
 */
export type OutboundMessage =
  /** Read the tenant's new events and derive webhook deliveries; then ask for each endpoint's send. */
  | { job: 'webhooks'; tenantId: string }
  /** Send one endpoint's due deliveries. */
  | { job: 'webhook-send'; tenantId: string; endpointId: string }
  /**
   * Run the notification rules over the tenant's new events (and, with `visits`, over its planned visits),
   * then send its due push and e-mail deliveries.
   */
  | { job: 'notifications'; tenantId: string; visits?: boolean };

export const OUTBOUND_QUEUE = 'fieldline-outbound';

/** Queues delays a message by at most 12 hours; a later retry is asked for again when that one runs. */
const MAX_DELAY_SECONDS = 43_200;
const SEND_BATCH = 100;
/** One message derives at most this many runs (500 events each) before handing over to the next. */
const DERIVE_RUNS_PER_MESSAGE = 4;

export function isOutboundMessage(body: unknown): body is OutboundMessage {
  const m = body as Partial<OutboundMessage & { endpointId: unknown }> | null;
  if (typeof m !== 'object' || m === null || typeof m.tenantId !== 'string') return false;
  return (
    m.job === 'webhooks' || m.job === 'notifications' || (m.job === 'webhook-send' && typeof m.endpointId === 'string')
  );
}

const retryDelay = (attempts: number) => Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));

export async function handleOutboundQueue(batch: MessageBatch<unknown>, env: Env, exec: ExecutionContext) {
  for (const message of batch.messages) {
    if (!isOutboundMessage(message.body)) {
      console.error(
        JSON.stringify({ level: 'error', where: 'outbound', message: 'unknown message', body: message.body }),
      );
      message.ack();
      continue;
    }
    try {
      await runOutbound(env, message.body, exec);
      message.ack();
    } catch (err) {
      console.error(
        JSON.stringify({
          level: 'error',
          where: 'outbound',
          job: message.body,
          attempts: message.attempts,
          message: String(err),
        }),
      );
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}

export async function runOutbound(env: Env, job: OutboundMessage, exec: Pick<ExecutionContext, 'waitUntil'>) {
  const config = loadConfig(env);
  const database = openDatabase(env, config);
  try {
    const ctx = createServiceContext(
      { db: database.db, hubs: env.TENANT_HUB, waitUntil: (p) => exec.waitUntil(p) },
      systemPrincipal(job.tenantId, job.job === 'notifications' ? 'notifications' : 'webhooks'),
    );
    if (job.job === 'notifications') {
      await notify(env, ctx, job);
      return;
    }
    if (job.job === 'webhooks') {
      const endpointIds = new Set<string>();
      let more = false;
      for (let run = 0; run < DERIVE_RUNS_PER_MESSAGE; run++) {
        const result = await deriveWebhookDeliveries(ctx.db, job.tenantId, new Date().toISOString());
        for (const id of result.endpointIds) endpointIds.add(id);
        more = result.more;
        if (!more) break;
      }
      if (more) await enqueue(env, [job]);
      // One endpoint is sent to here, saving a queue hop; several fan out, one message each.
      if (endpointIds.size === 1 && !more) {
        const [endpointId] = endpointIds;
        if (endpointId) await send(env, ctx, { job: 'webhook-send', tenantId: job.tenantId, endpointId });
        return;
      }
      await enqueue(
        env,
        [...endpointIds].map((endpointId) => ({ job: 'webhook-send' as const, tenantId: job.tenantId, endpointId })),
      );
      return;
    }
    await send(env, ctx, job);
  } finally {
    exec.waitUntil(database.close());
  }
}

/** Runs the rules until the log is read (a few runs per message), then sends what is due. */
async function notify(env: Env, ctx: ServiceContext, job: Extract<OutboundMessage, { job: 'notifications' }>) {
  const config = loadConfig(env);
  const push = pushSettings(config);
  if (job.visits) await raiseVisitNotices(ctx, push);
  let more = false;
  for (let run = 0; run < DERIVE_RUNS_PER_MESSAGE; run++) {
    more = (await runNotificationRules(ctx, push)).more;
    if (!more) break;
  }
  const mail = bindingSender(env.REPORT_EMAIL);
  const report = await sendDueNotifications(ctx.db, job.tenantId, {
    push,
    retrySchedule: config.NOTIFICATION_RETRY_SCHEDULE,
    mail: async (to, subject, text) => {
      const from = config.REPORT_EMAIL_FROM;
      await mail(from, to, composeNotificationMail({ from, to, subject, text, baseUrl: config.PUBLIC_BASE_URL }));
    },
  });
  const next: OutboundMessage = { job: 'notifications', tenantId: job.tenantId };
  if (more) await enqueue(env, [next]);
  // Only a run that scheduled retries follows up (one run claims each delivery, so one chain continues);
  // deliveries held by quiet hours are picked up by the sweep.
  else if (report.retried > 0 && report.nextDueAt !== null) {
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((report.nextDueAt - Date.now()) / 1000)));
    await env.OUTBOUND.send(next, { contentType: 'json', delaySeconds });
  }
}

/** One endpoint's due deliveries; a later due one is asked for by a delayed message. */
async function send(env: Env, ctx: ServiceContext, job: Extract<OutboundMessage, { job: 'webhook-send' }>) {
  const settings = webhookSettings(loadConfig(env));
  const report = await sendDueDeliveries(ctx, job.endpointId, { settings });
  if (report.disabled)
    await tellOwners(env, ctx, job.endpointId, report.disabled.lastError, settings.disableAfterHours);
  if (report.nextDueAt !== null) {
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((report.nextDueAt - Date.now()) / 1000)));
    await env.OUTBOUND.send(job, { contentType: 'json', delaySeconds });
  }
}

/**
 * E-mails the tenant's owners that an endpoint was disabled. Sent once, by the run that disabled it; a
 * failed send is logged, not retried (the endpoint shows `disabledReason` and its event is in the log).
 */
async function tellOwners(env: Env, ctx: ServiceContext, endpointId: string, lastError: string | null, hours: number) {
  const config = loadConfig(env);
  const notice = await disabledEndpointNotice(ctx, endpointId);
  if (!notice) return;
  const send = bindingSender(env.REPORT_EMAIL);
  for (const to of notice.recipients) {
    const raw = composeEndpointDisabledMail({
      from: config.REPORT_EMAIL_FROM,
      to,
      endpoint: notice.endpoint,
      lastError,
      hours,
      baseUrl: config.PUBLIC_BASE_URL,
    });
    await send(config.REPORT_EMAIL_FROM, to, raw).catch((err: unknown) =>
      console.error(
        JSON.stringify({ level: 'error', where: 'outbound', message: `disabled-endpoint mail: ${String(err)}` }),
      ),
    );
  }
}

async function enqueue(env: Env, messages: OutboundMessage[]) {
  for (const part of chunk(messages, SEND_BATCH)) {
    await env.OUTBOUND.sendBatch(part.map((body) => ({ body, contentType: 'json' as const })));
  }
}

/**
 * The sweep (a cron, every 5 minutes): planned visits due a reminder or a missed-visit notice, and
 * whatever a lost message left behind. Every tenant with a planned visit near now or a due notification
 * delivery gets a notifications run; every tenant with an endpoint a derive run, and every endpoint with
 * an overdue delivery a send.
 */
export async function sweepOutbound(env: Env, exec: Pick<ExecutionContext, 'waitUntil'>): Promise<number> {
  const database = openDatabase(env, loadConfig(env));
  const platform = createPlatformContext({
    db: database.db,
    hubs: env.TENANT_HUB,
    waitUntil: (p) => exec.waitUntil(p),
  });
  const messages: OutboundMessage[] = [];
  try {
    const now = new Date(platform.now);
    const withVisits = new Set(await tenantsWithPlannedVisits(platform.db, now));
    const withDue = new Set(await tenantsWithDueNotifications(platform.db, platform.now));
    for (const tenantId of new Set([...withVisits, ...withDue])) {
      messages.push({ job: 'notifications', tenantId, visits: withVisits.has(tenantId) });
    }
    for (const tenantId of await tenantsWithWebhooks(platform.db)) {
      messages.push({ job: 'webhooks', tenantId });
      for (const endpointId of await endpointsWithDueDeliveries(platform.db, tenantId, platform.now)) {
        messages.push({ job: 'webhook-send', tenantId, endpointId });
      }
    }
  } finally {
    exec.waitUntil(database.close());
  }
  await enqueue(env, messages);
  return messages.length;
}
