import { createMimeMessage } from 'mimetext/browser';
import type { MailSender } from '../analytics/mail/report-mail';
import type { Role } from '../db/tables';
import { escapeHtml } from '../lib/html';
import { addTextPart } from '../lib/mime';

/** How an invitation leaves: the send_email binding (or a test's recorder), the sender and the app's origin. */
export interface InvitationMailer {
  send: MailSender;
  from: string;
  baseUrl: string;
}

const ROLE_NAMES: Record<Role, string> = {
  owner: 'an owner',
  admin: 'an administrator',
  manager: 'a manager',
  salesman: 'a salesman',
  viewer: 'a viewer',
};

/**
 * The invitation e-mail: who invites the reader to which organisation as what, the button (and the
 * link written out, for clients that show no HTML), and until when it works. Plain text and HTML.
 */
export function composeInvitationMail(input: {
  from: string;
  to: string;
  link: string;
  organisation: string;
  inviter: string | null;
  name: string;
  role: Role;
  expiresAt: string;
  /** The organisation's timezone: the expiry is written in it. */
  timeZone: string;
}): string {
  const who = input.inviter ? `${input.inviter} invites you` : 'You are invited';
  const what = `${who} to join ${input.organisation} on Fieldline as ${ROLE_NAMES[input.role]}.`;
  const until = `${new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: input.timeZone,
  }).format(new Date(input.expiresAt))} (${input.timeZone})`;
  const msg = createMimeMessage();
  msg.setSender({ name: 'Fieldline', addr: input.from });
  msg.setRecipient(input.to);
  msg.setSubject(`${input.inviter ?? input.organisation} invited you to ${input.organisation} on Fieldline`);
  addTextPart(
    msg,
    'text/plain',
    [
      `Hello ${input.name},`,
      '',
      what,
      '',
      'Choose your password and join here:',
      input.link,
      '',
      `The link works once, until ${until}. If you did not expect this e-mail, ignore it: nothing happens`,
      'until the link is opened and a password chosen.',
    ].join('\n'),
  );
  addTextPart(
    msg,
    'text/html',
    [
      '<!doctype html><html><head><meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width,initial-scale=1"></head>',
      '<body style="margin:0;padding:0;background:#f4f6f8">',
      '<div style="max-width:560px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;color:#21262d">',
      '<div style="background:#fff;border-radius:8px;padding:24px">',
      `<p style="margin:0 0 12px;font-size:16px">Hello ${escapeHtml(input.name)},</p>`,
      `<p style="margin:0 0 20px;font-size:16px;line-height:1.5">${escapeHtml(what)}</p>`,
      `<p style="margin:0 0 20px"><a href="${escapeHtml(input.link)}" style="display:inline-block;background:#0b5cad;`,
      'color:#fff;text-decoration:none;font-size:16px;padding:12px 20px;border-radius:6px">Join',
      ` ${escapeHtml(input.organisation)}</a></p>`,
      '<p style="margin:0 0 8px;font-size:13px;color:#57606a">Or open this link:</p>',
      `<p style="margin:0 0 20px;font-size:13px;word-break:break-all"><a href="${escapeHtml(input.link)}"`,
      ` style="color:#0b5cad">${escapeHtml(input.link)}</a></p>`,
      `<p style="margin:0;font-size:13px;color:#57606a">The link works once, until ${escapeHtml(until)}.`,
      ' If you did not expect this e-mail, ignore it: nothing happens until the link is opened and a password chosen.</p>',
      '</div></div></body></html>',
    ].join(''),
  );
  return msg.asRaw();
}
