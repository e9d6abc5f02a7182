import { EmailMessage } from 'cloudflare:email';
import type { MailSender } from '../analytics/mail/report-mail';

/** The Workers send_email binding as a MailSender. */
export const bindingSender =
  (binding: SendEmail): MailSender =>
  (from, to, raw) =>
    binding.send(new EmailMessage(from, to, raw));
