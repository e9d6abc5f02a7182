import { and, asc, eq, isNull } from 'drizzle-orm';
import { type ReportFrequency, reportDeliveries, reportSubscriptions } from '../../db/tables';
import type { PlatformContext, ServiceContext } from '../../services/context';
import { type ReportSubscriptionRow, unsubscribeToken } from '../../services/report-subscriptions.service';
import { findTenantSettings } from '../../services/tenant-settings';
import type { CjkFontLoader } from '../documents/cjk-font';
import { executiveDocument } from '../documents/executive.document';
import type { ReportDocument } from '../documents/report-document';
import { comparePeriods, lastCompletePeriod, type Period, type PeriodType } from '../domain/periods';
import { localDate, localHour } from '../domain/timezone';
import { composeReportMail, type MailSender, type ReportAttachment, reportAttachments } from '../mail/report-mail';
import { executiveReportFor } from './executive-report.service';
import { reportScope } from './report-scope';

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

export interface MailDeps {
  send: MailSender;
  from: string;
  baseUrl: string;
  /** The CJK font for PDF attachments (analytics/documents/cjk-font.ts). */
  cjkFont?: CjkFontLoader | undefined;
}

export interface MailResult {
  sent: number;
  alreadySent: number;
  notDue: number;
  failed: number;
}

export const periodKey = (frequency: ReportFrequency, period: Period) => `${frequency}:${period.start}`;

/** Tenants with at least one active report subscription. */
export async function tenantsWithReportSubscriptions(platform: PlatformContext): Promise<string[]> {
  const rows = await platform.db
    .selectDistinct({ id: reportSubscriptions.tenantId })
    .from(reportSubscriptions)
    .where(and(eq(reportSubscriptions.active, true), isNull(reportSubscriptions.deletedAt)))
    .orderBy(asc(reportSubscriptions.tenantId));
  return rows.map((r) => r.id);
}

/** Sends the caller's tenant's due report e-mails as of the context's time (the caller is the system). */
export async function sendDueReports(ctx: ServiceContext, deps: MailDeps): Promise<MailResult> {
  const result: MailResult = { sent: 0, alreadySent: 0, notDue: 0, failed: 0 };
  const tenant = await findTenantSettings(ctx);
  if (!tenant) return result;
  const tenantId = ctx.principal.tenantId;
  const scope = await reportScope(ctx, []);
  const { timezone, today, nowMs } = scope;
  const subs = await ctx.db
    .select()
    .from(reportSubscriptions)
    .where(
      and(
        eq(reportSubscriptions.tenantId, tenantId),
        eq(reportSubscriptions.active, true),
        isNull(reportSubscriptions.deletedAt),
      ),
    );
  let firstError: unknown = null;
  // Subscriptions of one frequency report the same period: build each report once per run.
  const reports = new Map<ReportFrequency, Promise<ReportDocument>>();
  for (const sub of subs) {
    const period = lastCompletePeriod(PERIOD_OF[sub.frequency], today);
    // Not before SEND_HOUR local time, and never for a period that ended before the subscription existed.
    if (localHour(timezone, nowMs) < SEND_HOUR || localDate(timezone, Date.parse(sub.createdAt)) > period.end) {
      result.notDue += 1;
      continue;
    }
    const key = periodKey(sub.frequency, period);
    const done = await ctx.db
      .select({ recipient: reportDeliveries.recipient })
      .from(reportDeliveries)
      .where(
        and(
          eq(reportDeliveries.tenantId, tenantId),
          eq(reportDeliveries.subscriptionId, sub.id),
          eq(reportDeliveries.periodKey, key),
        ),
      );
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
    const attachments = await reportAttachments(doc, sub.format, { cjkFont: deps.cjkFont });
    for (const recipient of pending) {
      try {
        const sent = await deliver(ctx, deps, { sub, key, recipient, doc, attachments });
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

interface Delivery {
  sub: ReportSubscriptionRow;
  key: string;
  recipient: string;
  doc: ReportDocument;
  attachments: ReportAttachment[];
}

/** Claims, sends and records one e-mail; false when someone else had already claimed it. */
async function deliver(ctx: ServiceContext, deps: MailDeps, d: Delivery): Promise<boolean> {
  const { sub, key, recipient } = d;
  const row = and(
    eq(reportDeliveries.tenantId, ctx.principal.tenantId),
    eq(reportDeliveries.subscriptionId, sub.id),
    eq(reportDeliveries.periodKey, key),
    eq(reportDeliveries.recipient, recipient),
  );
  const claim = await ctx.db
    .insert(reportDeliveries)
    .values({
      tenantId: ctx.principal.tenantId,
      subscriptionId: sub.id,
      periodKey: key,
      recipient,
      status: 'sending',
      claimedAt: new Date().toISOString(),
    })
    .onConflictDoNothing()
    .returning({ status: reportDeliveries.status });
  if (claim.length === 0) return false;
  let messageId: string | null = null;
  try {
    const token = await unsubscribeToken(sub, recipient);
    const unsubscribeUrl = `${deps.baseUrl.replace(/\/$/, '')}/v1/report-subscriptions/unsubscribe?token=${encodeURIComponent(token)}`;
    const raw = composeReportMail({
      from: deps.from,
      to: recipient,
      doc: d.doc,
      attachments: d.attachments,
      unsubscribeUrl,
      deliveryId: `${sub.id}/${key}`,
    });
    const sent = await deps.send(deps.from, recipient, raw);
    messageId = (sent && 'messageId' in sent ? sent.messageId : null) ?? null;
  } catch (err) {
    await ctx.db.delete(reportDeliveries).where(and(row, eq(reportDeliveries.status, 'sending')));
    throw err;
  }
  await ctx.db.update(reportDeliveries).set({ status: 'sent', sentAt: new Date().toISOString(), messageId }).where(row);
  return true;
}
