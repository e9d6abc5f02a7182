import { EmailMessage } from 'cloudflare:email';
import { createMimeMessage } from 'mimetext/browser';
import { documentToCsv } from '../analytics/export/csv';
import type { ReportDocument } from '../analytics/export/document';
import { executiveDocument } from '../analytics/export/documents';
import { documentToHtml, documentToText } from '../analytics/export/html';
import { documentToPdf } from '../analytics/export/pdf';
import { comparePeriods, lastCompletePeriod, type Period, type PeriodType } from '../analytics/periods';
import { localDate, localHour, safeTimeZone } from '../analytics/timezone';
import type { Db } from '../db/client';
import type { ReportFrequency } from '../db/schema';
import { executiveReportFor } from '../services/analytics.service';
import type { ReportScope } from '../services/analytics-data';
import { type ReportSubscriptionRow, unsubscribeToken } from '../services/report-subscriptions.service';

/**
 * Scheduled report e-mails for one tenant. Run hourly: each active subscription's latest complete
 * period (yesterday / last week / last month in the tenant's timezone) is sent once it is SEND_HOUR
 * local time or later. Exactly-once per (subscription, period, recipient) rests on report_deliveries:
 * the row is claimed (INSERT … ON CONFLICT DO NOTHING) before sending and marked sent after; a retried
 * or overlapping run finds the claim and skips. A send that throws releases its claim for the retry.
 * A crash between claim and send loses that one e-mail rather than risk sending it twice.
 */
export const SEND_HOUR = 6;

const PERIOD_OF: Record<ReportFrequency, PeriodType> = { daily: 'day', weekly: 'week', monthly: 'month' };
const TITLE_OF: Record<ReportFrequency, string> = {
  daily: 'Daily report',
  weekly: 'Weekly report',
  monthly: 'Monthly report',
};

/** Sends one raw RFC 5322 message; resolves with the provider's message id when it gives one. */
export type MailSender = (from: string, to: string, raw: string) => Promise<{ messageId?: string } | undefined>;

/** The Workers send_email binding as a MailSender. */
export const bindingSender =
  (binding: SendEmail): MailSender =>
  (from, to, raw) =>
    binding.send(new EmailMessage(from, to, raw));

export interface MailDeps {
  db: Db;
  send: MailSender;
  from: string;
  baseUrl: string;
}

export interface MailResult {
  sent: number;
  alreadySent: number;
  notDue: number;
  failed: number;
}

export const periodKey = (frequency: ReportFrequency, period: Period) => `${frequency}:${period.start}`;

export async function sendDueReports(deps: MailDeps, tenantId: string, nowMs: number): Promise<MailResult> {
  const result: MailResult = { sent: 0, alreadySent: 0, notDue: 0, failed: 0 };
  const d1 = deps.db.$client;
  const tenant = await d1
    .prepare('SELECT name, timezone, currency FROM tenants WHERE id = ?1 AND deleted_at IS NULL')
    .bind(tenantId)
    .first<{ name: string; timezone: string; currency: string }>();
  if (!tenant) return result;
  const timezone = safeTimeZone(tenant.timezone);
  const today = localDate(timezone, nowMs);
  const { results: subs } = await d1
    .prepare('SELECT * FROM report_subscriptions WHERE tenant_id = ?1 AND active = 1 AND deleted_at IS NULL')
    .bind(tenantId)
    .all<Record<string, unknown>>();
  const scope: ReportScope = {
    db: deps.db,
    tenantId,
    timezone,
    currency: tenant.currency,
    salesmanId: null,
    nowMs,
    today,
  };
  let firstError: unknown = null;
  // Subscriptions of one frequency report the same period: build each report once per run.
  const reports = new Map<ReportFrequency, Promise<ReportDocument>>();
  for (const raw of subs) {
    const sub = subscriptionOf(raw);
    const period = lastCompletePeriod(PERIOD_OF[sub.frequency], today);
    // Not before SEND_HOUR local time, and never for a period that ended before the subscription existed.
    if (localHour(timezone, nowMs) < SEND_HOUR || localDate(timezone, Date.parse(sub.createdAt)) > period.end) {
      result.notDue += 1;
      continue;
    }
    const key = periodKey(sub.frequency, period);
    const { results: done } = await d1
      .prepare(
        'SELECT recipient FROM report_deliveries WHERE tenant_id = ?1 AND subscription_id = ?2 AND period_key = ?3',
      )
      .bind(tenantId, sub.id, key)
      .all<{ recipient: string }>();
    const claimed = new Set(done.map((d) => d.recipient));
    const pending = sub.recipients.filter((r) => !claimed.has(r));
    result.alreadySent += sub.recipients.length - pending.length;
    if (pending.length === 0) continue;
    let building = reports.get(sub.frequency);
    if (!building) {
      building = executiveReportFor(scope, comparePeriods(period.type, period.start, today)).then((report) =>
        executiveDocument(report, report.meta, `${TITLE_OF[sub.frequency]} · ${tenant.name}`),
      );
      reports.set(sub.frequency, building);
    }
    const doc = await building;
    const attachments = await attachmentsFor(doc, sub.format);
    for (const recipient of pending) {
      try {
        const sent = await deliver(deps, sub, key, recipient, doc, attachments);
        if (sent) result.sent += 1;
        else result.alreadySent += 1;
      } catch (err) {
        result.failed += 1;
        firstError ??= err;
        console.error(
          JSON.stringify({
            level: 'error',
            where: 'report e-mail',
            tenantId,
            subscriptionId: sub.id,
            message: String(err),
          }),
        );
      }
    }
  }
  // The others went out; throwing makes the queue retry this tenant, and the claims skip what was sent.
  if (firstError) throw firstError;
  return result;
}

function subscriptionOf(raw: Record<string, unknown>): ReportSubscriptionRow {
  return {
    tenantId: String(raw.tenant_id),
    id: String(raw.id),
    createdAt: String(raw.created_at),
    updatedAt: String(raw.updated_at),
    version: Number(raw.version),
    deletedAt: null,
    name: String(raw.name),
    report: 'executive',
    frequency: raw.frequency as ReportFrequency,
    format: raw.format as ReportSubscriptionRow['format'],
    recipients: JSON.parse(String(raw.recipients)) as string[],
    active: true,
    createdBy: String(raw.created_by),
    unsubscribeKey: String(raw.unsubscribe_key),
  };
}

interface Attachment {
  filename: string;
  contentType: string;
  base64: string;
}

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

async function attachmentsFor(doc: ReportDocument, format: ReportSubscriptionRow['format']): Promise<Attachment[]> {
  const out: Attachment[] = [];
  if (format !== 'csv')
    out.push({
      filename: `${doc.fileName}.pdf`,
      contentType: 'application/pdf',
      base64: base64(await documentToPdf(doc)),
    });
  if (format !== 'pdf') {
    out.push({
      filename: `${doc.fileName}.csv`,
      contentType: 'text/csv',
      base64: base64(new TextEncoder().encode(documentToCsv(doc))),
    });
  }
  return out;
}

/** Claims, sends and records one e-mail; false when someone else had already claimed it. */
async function deliver(
  deps: MailDeps,
  sub: ReportSubscriptionRow,
  key: string,
  recipient: string,
  doc: ReportDocument,
  attachments: Attachment[],
): Promise<boolean> {
  const d1 = deps.db.$client;
  const claim = await d1
    .prepare(
      `INSERT INTO report_deliveries (tenant_id, subscription_id, period_key, recipient, status, claimed_at)
       VALUES (?1, ?2, ?3, ?4, 'sending', ?5) ON CONFLICT DO NOTHING`,
    )
    .bind(sub.tenantId, sub.id, key, recipient, new Date().toISOString())
    .run();
  if (claim.meta.changes === 0) return false;
  const release = () =>
    d1
      .prepare(
        "DELETE FROM report_deliveries WHERE tenant_id = ?1 AND subscription_id = ?2 AND period_key = ?3 AND recipient = ?4 AND status = 'sending'",
      )
      .bind(sub.tenantId, sub.id, key, recipient)
      .run();
  let messageId: string | null = null;
  try {
    const url = `${deps.baseUrl.replace(/\/$/, '')}/v1/report-subscriptions/unsubscribe?token=${encodeURIComponent(await unsubscribeToken(sub, recipient))}`;
    const msg = createMimeMessage();
    msg.setSender({ name: 'Fieldline Reports', addr: deps.from });
    msg.setRecipient(recipient);
    msg.setSubject(`${doc.title} – ${doc.subtitle.split(' · ')[0]}`);
    msg.setHeader('List-Unsubscribe', `<${url}>`);
    msg.setHeader('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click');
    msg.setHeader('X-Fieldline-Delivery', `${sub.id}/${key}`);
    msg.addMessage({ contentType: 'text/plain', data: documentToText(doc, url) });
    msg.addMessage({
      contentType: 'text/html',
      data: documentToHtml(doc, { unsubscribeUrl: url, attachments: attachments.map((a) => a.filename) }),
    });
    for (const a of attachments)
      msg.addAttachment({ filename: a.filename, contentType: a.contentType, data: a.base64 });
    const sent = await deps.send(deps.from, recipient, msg.asRaw());
    messageId = (sent && 'messageId' in sent ? sent.messageId : null) ?? null;
  } catch (err) {
    await release();
    throw err;
  }
  await d1
    .prepare(
      `UPDATE report_deliveries SET status = 'sent', sent_at = ?5, message_id = ?6
       WHERE tenant_id = ?1 AND subscription_id = ?2 AND period_key = ?3 AND recipient = ?4`,
    )
    .bind(sub.tenantId, sub.id, key, recipient, new Date().toISOString(), messageId)
    .run();
  return true;
}
