import { createMimeMessage } from 'mimetext/browser';
import { addAttachmentPart, addTextPart, base64Of } from '../../lib/mime';
import { documentToCsv } from '../documents/csv';
import { documentToHtml, documentToText } from '../documents/html';
import { documentToPdf, type PdfOptions } from '../documents/pdf';
import type { ReportDocument } from '../documents/report-document';

/** Sends one raw RFC 5322 message; resolves with the provider's message id when it gives one. */
export type MailSender = (from: string, to: string, raw: string) => Promise<{ messageId?: string } | undefined>;

export interface ReportAttachment {
  filename: string;
  contentType: string;
  base64: string;
}

/** What a subscription attaches (its `format`). */
export type AttachmentFormat = 'pdf' | 'csv' | 'both';

/** The files a subscription asked for (PDF, CSV or both), built once per report and shared by recipients. */
export async function reportAttachments(
  doc: ReportDocument,
  format: AttachmentFormat,
  pdf: PdfOptions = {},
): Promise<ReportAttachment[]> {
  const out: ReportAttachment[] = [];
  if (format !== 'csv')
    out.push({
      filename: `${doc.fileName}.pdf`,
      contentType: 'application/pdf',
      base64: base64Of(await documentToPdf(doc, pdf)),
    });
  if (format !== 'pdf') {
    out.push({
      filename: `${doc.fileName}.csv`,
      contentType: 'text/csv',
      base64: base64Of(new TextEncoder().encode(documentToCsv(doc))),
    });
  }
  return out;
}

/** The e-mail of one report to one recipient: text and HTML bodies, attachments, one-click unsubscribe. */
export function composeReportMail(input: {
  from: string;
  to: string;
  doc: ReportDocument;
  attachments: ReportAttachment[];
  unsubscribeUrl: string;
  deliveryId: string;
}): string {
  const { doc, unsubscribeUrl: url } = input;
  const msg = createMimeMessage();
  msg.setSender({ name: 'Fieldline Reports', addr: input.from });
  msg.setRecipient(input.to);
  msg.setSubject(`${doc.title} – ${doc.subtitle.split(' · ')[0]}`);
  msg.setHeader('List-Unsubscribe', `<${url}>`);
  msg.setHeader('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click');
  msg.setHeader('X-Fieldline-Delivery', input.deliveryId);
  addTextPart(msg, 'text/plain', documentToText(doc, url));
  addTextPart(
    msg,
    'text/html',
    documentToHtml(doc, { unsubscribeUrl: url, attachments: input.attachments.map((a) => a.filename) }),
  );
  for (const a of input.attachments) addAttachmentPart(msg, a);
  return msg.asRaw();
}
