import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { PDFDocument } from '@cantoo/pdf-lib';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../src/analytics/domain/timezone';
import type { MailSender } from '../../src/analytics/mail/report-mail';
import { runFirst, runQuery } from '../../src/analytics/queries/run';
import { sendDueReports } from '../../src/analytics/services/report-delivery.service';
import worker from '../../src/index';
import { CRON_HOURLY, CRON_NIGHTLY } from '../../src/jobs/messages';
import { addCustomer, addOrder, berlin } from '../helpers/analytics-fixtures';
import { api } from '../helpers/api';
import { systemContext } from '../helpers/context';
import { testDb } from '../helpers/db';
import { createTenant, type TestTenant } from '../helpers/factories';
import { parseCleanMail } from '../helpers/mail';
import { answered, rest } from '../helpers/rest';

const DAY = 86_400_000;

/** The Worker's own entrypoint, which (like a service binding) can be sent a scheduled event. */
const entrypoint = exports.default as unknown as {
  scheduled(event: { cron: string; scheduledTime: number }): Promise<unknown>;
};

async function waitFor<T>(probe: () => Promise<T | null | undefined>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Stand-ins for sending. Miniflare's send_email binding writes .eml files but offers tests no way to read
 * what was sent, so the e-mail content is checked through a MailSender that keeps the raw MIME, and the
 * real binding is exercised end to end (cron → queue → binding) with the delivery log as the witness.
 */
function recordingMail(fail: (to: string) => boolean = () => false) {
  const sent: { from: string; to: string; raw: string }[] = [];
  const send: MailSender = async (from, to, raw) => {
    if (fail(to)) throw new Error(`mailbox ${to} unavailable`);
    sent.push({ from, to, raw });
    return { messageId: `<${sent.length}@test>` };
  };
  // The same, shaped as the send_email binding (it only needs the envelope recipient).
  const binding = {
    async send(message: { to: string }) {
      if (fail(message.to)) throw new Error(`mailbox ${message.to} unavailable`);
      sent.push({ from: '', to: message.to, raw: '' });
      return { messageId: `<${sent.length}@test>` };
    },
  } as unknown as SendEmail;
  return { send, binding, sent };
}

async function subscribe(t: TestTenant, body: Record<string, unknown>) {
  const res = await answered(
    rest(t.token).POST('/v1/report-subscriptions', {
      body: {
        name: 'Daily numbers',
        frequency: 'daily',
        recipients: ['boss@example.test', 'cfo@example.test'],
        ...body,
      },
    }),
  );
  expect(res.status).toBe(201);
  return res.body;
}

const deliveries = (tenantId: string) =>
  runQuery<{ recipient: string; period_key: string; status: string; message_id: string | null }>(testDb(), {
    sql: 'SELECT recipient, period_key, status, message_id FROM report_deliveries WHERE tenant_id = ?1 ORDER BY recipient, period_key',
    params: [tenantId],
  });

/** 07:00 in Berlin `days` days from now: after SEND_HOUR, and the subscription (made now) predates yesterday. */
const berlinMorning = (days: number) =>
  Date.parse(berlin(`${addDays(localDate('Europe/Berlin', Date.now()), days)}T07:00:00`));

describe('scheduled handler', () => {
  it('nightly cron → queue → RFM for every tenant (events: see rfm.test.ts)', async () => {
    const t = await createTenant();
    const c = await addCustomer(t);
    await addOrder(t, { customerId: c, totalMinor: 5000, orderedAt: new Date(Date.now() - 3 * DAY).toISOString() });
    const scheduledTime = Date.now();
    // The handler itself, as the runtime calls it (createScheduledController), then the queue does the work.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: CRON_NIGHTLY, scheduledTime }), env, ctx);
    await waitOnExecutionContext(ctx);
    const run = await waitFor(
      () =>
        runFirst<{ run_date: string; customers: number }>(testDb(), {
          sql: "SELECT run_date, customers FROM rfm_runs WHERE tenant_id = ?1 AND status = 'completed'",
          params: [t.tenantId],
        }),
      'the RFM run',
    );
    expect(run).toEqual({ run_date: localDate('Europe/Berlin', scheduledTime), customers: 1 });
  });

  it('hourly cron twice → one e-mail per recipient and period, through the real send_email binding', async () => {
    const t = await createTenant();
    const sub = await subscribe(t, {});
    const scheduledTime = berlinMorning(2);
    // Through the Worker's own entrypoint, as a Cron Trigger would invoke it.
    await entrypoint.scheduled({ cron: CRON_HOURLY, scheduledTime });
    await waitFor(
      async () => (await deliveries(t.tenantId)).filter((d) => d.status === 'sent').length === 2,
      'two deliveries',
    );
    await entrypoint.scheduled({ cron: CRON_HOURLY, scheduledTime: scheduledTime + 3_600_000 });
    // Give the second fan-out time to be consumed, then check nothing new was sent.
    await new Promise((r) => setTimeout(r, 3000));
    const rows = await deliveries(t.tenantId);
    const period = `daily:${addDays(localDate('Europe/Berlin', scheduledTime), -1)}`;
    expect(rows.map((r) => [r.recipient, r.period_key, r.status])).toEqual([
      ['boss@example.test', period, 'sent'],
      ['cfo@example.test', period, 'sent'],
    ]);
    expect(rows.every((r) => r.message_id)).toBe(true);
    expect(sub.recipients).toHaveLength(2);
  });
});

describe('queue consumer', () => {
  it('acks the tenants that worked and retries only the one that failed', async () => {
    const good = await createTenant();
    const bad = await createTenant();
    await subscribe(good, { recipients: ['ok@example.test'] });
    await subscribe(bad, { recipients: ['bounce@example.test'] });
    const at = berlinMorning(2);
    const mail = recordingMail((to) => to.startsWith('bounce'));
    const batch = createMessageBatch('fieldline-jobs', [
      { id: 'm-good', timestamp: new Date(), attempts: 1, body: { job: 'reports', tenantId: good.tenantId, at } },
      { id: 'm-bad', timestamp: new Date(), attempts: 2, body: { job: 'reports', tenantId: bad.tenantId, at } },
      { id: 'm-rfm', timestamp: new Date(), attempts: 1, body: { job: 'rfm', tenantId: good.tenantId, at } },
      { id: 'm-junk', timestamp: new Date(), attempts: 1, body: { hello: 'world' } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, REPORT_EMAIL: mail.binding }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(['m-good', 'm-junk', 'm-rfm']);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m-bad']);
    expect(mail.sent.map((m) => m.to)).toEqual(['ok@example.test']);
    // The failed send released its claim, so the retry can send it.
    expect(await deliveries(bad.tenantId)).toEqual([]);
  });
});

describe('report e-mails', () => {
  it('sends HTML with PDF and CSV attachments once per recipient and period, and honours unsubscribe', async () => {
    const t = await createTenant();
    const c = await addCustomer(t);
    const at = berlinMorning(2);
    const yesterday = addDays(localDate('Europe/Berlin', at), -1);
    await addOrder(t, { customerId: c, totalMinor: 12_345, orderedAt: berlin(`${yesterday}T23:30:00`) });
    await addOrder(t, {
      customerId: c,
      totalMinor: 99_999,
      orderedAt: berlin(`${yesterday}T10:00:00`),
      status: 'cancelled',
    });
    await subscribe(t, { format: 'both' });
    const mail = recordingMail();
    const deps = {
      send: mail.send,
      from: 'reports@fieldline.test',
      baseUrl: 'https://api.fieldline.test',
    };

    expect(await sendDueReports(systemContext(t.tenantId, at), deps)).toEqual({
      sent: 2,
      alreadySent: 0,
      notDue: 0,
      failed: 0,
    });
    expect(await sendDueReports(systemContext(t.tenantId, at + 3_600_000), deps)).toEqual({
      sent: 0,
      alreadySent: 2,
      notDue: 0,
      failed: 0,
    });
    expect(mail.sent.map((m) => m.to).sort()).toEqual(['boss@example.test', 'cfo@example.test']);

    const raw = mail.sent[0]?.raw ?? '';
    expect(raw).toMatch(/^From: .*<reports@fieldline\.test>$/m);
    expect(raw).toMatch(/^Message-ID: <.+@fieldline\.test>$/m);
    const [y, mo, d] = yesterday.split('-').map(Number) as [number, number, number];
    const day = `${d} ${new Date(Date.UTC(y, mo - 1, d)).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${y}`;
    const unsubscribe = /List-Unsubscribe: <([^>]+)>/.exec(raw)?.[1] ?? '';
    expect(unsubscribe.startsWith('https://api.fieldline.test/v1/report-subscriptions/unsubscribe?token=')).toBe(true);
    const parsed = await parseCleanMail(raw);
    expect(parsed.subject).toBe(`Daily report · Acme Field Co – ${day}`);
    for (const other of mail.sent.slice(1)) await parseCleanMail(other.raw);
    const html = parsed.html ?? '';
    expect(html).toContain('€123.45');
    expect(html).toContain('Unsubscribe');
    const bytesOf = (a: { content: ArrayBuffer | Uint8Array | string } | undefined) =>
      typeof a?.content === 'string'
        ? new TextEncoder().encode(a.content)
        : new Uint8Array(a?.content ?? new ArrayBuffer(0));
    const pdf = parsed.attachments.find((a) => a.mimeType === 'application/pdf');
    expect(pdf?.filename).toMatch(/\.pdf$/);
    expect((await PDFDocument.load(bytesOf(pdf))).getPageCount()).toBeGreaterThanOrEqual(1);
    const csv = Papa.parse<string[]>(
      new TextDecoder().decode(bytesOf(parsed.attachments.find((a) => a.mimeType === 'text/csv'))),
      { skipEmptyLines: true },
    );
    expect(csv.data.find((r) => r[0] === 'Revenue')?.slice(0, 3)).toEqual(['Revenue', 'EUR', '123.45']);
    expect(csv.data.find((r) => r[0] === 'Cancelled orders')?.[2]).toBe('1');

    // The unsubscribe link works without a login. A GET (a mail scanner following the link) only shows
    // the confirmation page; its button, or a mail client's one-click POST (RFC 8058), unsubscribes, twice
    // harmlessly; the next period goes to the others only.
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    // Untyped: the unsubscribe page answers HTML.
    const path = unsubscribe.replace('https://api.fieldline.test', '');
    const shown = await api('GET', path);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('<form method="post"');
    expect(shown.body).not.toContain('will no longer receive');
    const again = await api('GET', path);
    expect(again.body).toContain('<form method="post"');
    const done = await api('POST', path);
    expect(done.status).toBe(200);
    expect(done.body).toContain('will no longer receive');
    expect((await api('POST', path)).status).toBe(200);
    expect((await api('GET', path)).body).toContain('already unsubscribed');
    const tampered = await api('GET', `${path.slice(0, -3)}abc`);
    expect(tampered.status).toBe(400);
    expect((await api('POST', `${path.slice(0, -3)}abc`)).status).toBe(400);
    const who = mail.sent[0]?.to;
    await sendDueReports(systemContext(t.tenantId, at + DAY), deps);
    expect(mail.sent.slice(2).map((m) => m.to)).toEqual(
      ['boss@example.test', 'cfo@example.test'].filter((r) => r !== who),
    );
  });

  it('waits until 06:00 local, skips periods before the subscription, and sends weekly and monthly periods', async () => {
    const t = await createTenant();
    await subscribe(t, { frequency: 'weekly', recipients: ['w@example.test'] });
    await subscribe(t, { frequency: 'monthly', recipients: ['m@example.test'], format: 'csv' });
    await subscribe(t, { frequency: 'daily', recipients: ['paused@example.test'], active: false });
    const mail = recordingMail();
    const deps = { send: mail.send, from: 'reports@fieldline.test', baseUrl: 'https://x.test' };
    const today = localDate('Europe/Berlin', Date.now());
    const early = Date.parse(berlin(`${addDays(today, 40)}T05:30:00`));
    expect(await sendDueReports(systemContext(t.tenantId, early), deps)).toMatchObject({ sent: 0, notDue: 2 });
    // Now: last week and last month ended before the subscriptions were made.
    expect(
      await sendDueReports(systemContext(t.tenantId, Date.parse(berlin(`${today}T23:00:00`))), deps),
    ).toMatchObject({
      sent: 0,
      notDue: 2,
    });
    const later = Date.parse(berlin(`${addDays(today, 40)}T06:05:00`));
    expect(await sendDueReports(systemContext(t.tenantId, later), deps)).toMatchObject({ sent: 2 });
    const keys = (await deliveries(t.tenantId)).map((d) => d.period_key.split(':')[0]);
    expect(keys.sort()).toEqual(['monthly', 'weekly']);
    const monthly = await parseCleanMail(mail.sent.find((m) => m.to === 'm@example.test')?.raw ?? '');
    expect(monthly.attachments.map((a) => a.mimeType)).toEqual(['text/csv']);
    const weekly = await parseCleanMail(mail.sent.find((m) => m.to === 'w@example.test')?.raw ?? '');
    expect(weekly.attachments.map((a) => a.mimeType)).toEqual(['application/pdf', 'text/csv']);
  });
});
