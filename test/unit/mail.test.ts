import { describe, expect, it } from 'vitest';
import { wrapBase64 } from '../../src/lib/mime';
import { composeEndpointDisabledMail } from '../../src/outbound/endpoint-disabled-mail';
import { composeNotificationMail } from '../../src/outbound/notification-mail';
import { parseCleanMail } from '../helpers/mail';

describe('e-mail composition', () => {
  it('sends a notification with non-ASCII text as clean MIME a parser reads back exactly', async () => {
    const text = `Order SO-7 for Łódź Ćwiek — 1.250,00 € — was confirmed.\n${'Ελληνικά και 日本語 '.repeat(120)}`;
    const raw = composeNotificationMail({
      from: 'push@fieldline.dev',
      to: 'anna@example.test',
      subject: 'Large order confirmed: 1,250.00 EUR · Łódź',
      text,
      baseUrl: 'https://api.fieldline.dev',
    });
    const mail = await parseCleanMail(raw);
    expect(mail.subject).toBe('Large order confirmed: 1,250.00 EUR · Łódź');
    expect(mail.from).toEqual({ name: 'Fieldline', address: 'push@fieldline.dev' });
    expect(mail.text?.startsWith(`${text.trimEnd().replace(/\n/g, '\r\n')}\r\n\r\n--`)).toBe(true);
    expect(mail.text).toContain('PUT https://api.fieldline.dev/v1/me/notification-preferences');
  });

  it('sends the disabled-endpoint notice as clean MIME', async () => {
    const mail = await parseCleanMail(
      composeEndpointDisabledMail({
        from: 'reports@fieldline.dev',
        to: 'owner@example.test',
        endpoint: { id: 'e1', url: 'https://erp.example.com/hooks', description: 'ERP Zürich', failingSince: null },
        lastError: 'HTTP 502',
        hours: 72,
        baseUrl: 'https://api.fieldline.dev',
      }),
    );
    expect(mail.text).toContain('ERP Zürich (https://erp.example.com/hooks)');
  });

  it('wraps base64 at 76 characters', () => {
    const lines = wrapBase64('A'.repeat(200)).split('\r\n');
    expect(lines.map((l) => l.length)).toEqual([76, 76, 48]);
    expect(wrapBase64('')).toBe('');
  });
});
