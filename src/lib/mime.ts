import type { MIMEMessage } from 'mimetext/browser';

/**
 * Standards-clean parts for the e-mails Fieldline sends (reports, notifications, webhook notices).
 * mimetext writes a part's data as given and labels text parts `7bit` by default, so UTF-8 text (€, ·,
 * Łódź) would travel as undeclared 8-bit bytes and long HTML lines would pass SMTP's 998-octet limit
 * (RFC 5322 section 2.1.1). Every part here is base64 in lines of 76 characters (RFC 2045 section 6.8):
 * 7-bit clean, short lines, whatever the text.
 */

const LINE = 76;
const EOL = '\r\n';

/** Standard base64 of bytes, one line. */
export function base64Of(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Base64 text cut into lines of 76 characters. */
export function wrapBase64(base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += LINE) lines.push(base64.slice(i, i + LINE));
  return lines.join(EOL);
}

/** The UTF-8 bytes of `text` (or `bytes`) as base64 in 76-character lines. */
export const base64Lines = (data: string | Uint8Array): string =>
  wrapBase64(base64Of(typeof data === 'string' ? new TextEncoder().encode(data) : data));

/** A text or HTML body in UTF-8, base64-encoded. */
export function addTextPart(msg: MIMEMessage, contentType: 'text/plain' | 'text/html', text: string): void {
  // Bare LF line ends become CRLF first, as text in a MIME body must have.
  const crlf = text.replace(/\r?\n/g, EOL);
  msg.addMessage({ contentType, charset: 'UTF-8', encoding: 'base64', data: base64Lines(crlf) });
}

/** An attachment from its base64 (one long line is fine: it is wrapped here). */
export function addAttachmentPart(
  msg: MIMEMessage,
  attachment: { filename: string; contentType: string; base64: string },
): void {
  msg.addAttachment({
    filename: attachment.filename,
    contentType: attachment.contentType,
    encoding: 'base64',
    data: wrapBase64(attachment.base64.replace(/\s+/g, '')),
  });
}
