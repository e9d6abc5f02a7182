import { createMimeMessage } from 'mimetext/browser';
import { addTextPart } from '../lib/mime';

/**
 * The e-mail an owner gets when Fieldline disables a webhook endpoint that failed every attempt for too
 * long: which endpoint, since when, its last error, and how to turn it back on.
 */
export function composeEndpointDisabledMail(input: {
  from: string;
  to: string;
  endpoint: { id: string; url: string; description: string; failingSince: string | null };
  lastError: string | null;
  hours: number;
  baseUrl: string;
}): string {
  const { endpoint } = input;
  const name = endpoint.description ? `${endpoint.description} (${endpoint.url})` : endpoint.url;
  const msg = createMimeMessage();
  msg.setSender({ name: 'Fieldline', addr: input.from });
  msg.setRecipient(input.to);
  msg.setSubject(`Webhook endpoint disabled: ${endpoint.url}`);
  addTextPart(
    msg,
    'text/plain',
    [
      `Fieldline stopped sending to your webhook endpoint ${name}.`,
      '',
      `Every delivery attempt has failed since ${endpoint.failingSince ?? 'an unknown time'} (more than ${input.hours} hours).`,
      `Last error: ${input.lastError ?? 'unknown'}`,
      '',
      'Nothing is lost: the deliveries it missed are kept. Once the receiver works again, enable the endpoint',
      `(PATCH ${input.baseUrl}/v1/webhooks/${endpoint.id} with {"enabled": true}) and they are sent, in order;`,
      `its delivery log is GET ${input.baseUrl}/v1/webhooks/${endpoint.id}/deliveries.`,
    ].join('\n'),
  );
  return msg.asRaw();
}
