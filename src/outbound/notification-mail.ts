import { createMimeMessage } from 'mimetext/browser';
import { addTextPart } from '../lib/mime';

/**
 * A notification as an e-mail (for users who chose the e-mail channel): its title as the subject, its
 * text, and where to change what they receive.
 */
export function composeNotificationMail(input: {
  from: string;
  to: string;
  subject: string;
  text: string;
  baseUrl: string;
}): string {
  const msg = createMimeMessage();
  msg.setSender({ name: 'Fieldline', addr: input.from });
  msg.setRecipient(input.to);
  msg.setSubject(input.subject);
  addTextPart(
    msg,
    'text/plain',
    [
      input.text.trimEnd(),
      '',
      '--',
      'You receive this because e-mail is on for this kind of notification.',
      `Change it in your notification preferences: PUT ${input.baseUrl}/v1/me/notification-preferences`,
    ].join('\n'),
  );
  return msg.asRaw();
}
