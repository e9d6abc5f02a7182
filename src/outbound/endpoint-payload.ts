/**
 * A webhook endpoint as its events (`webhook_endpoint:*`) carry it. The log is read more widely than
 * endpoints are (`events:read`, the tenant room of the realtime hub), so the secrets and the sender's
 * lease stay out, and the URL goes without its query, where a receiver's own token often sits.
 */
export function endpointEventPayload<
  T extends {
    tenantId: string;
    url: string;
    secret: string;
    previousSecret: string | null;
    sendingUntil: string | null;
  },
>(row: T): Omit<T, 'tenantId' | 'secret' | 'previousSecret' | 'sendingUntil'> {
  const { tenantId: _t, secret: _s, previousSecret: _p, sendingUntil: _l, ...rest } = row;
  return { ...rest, url: withoutQuery(rest.url) };
}

function withoutQuery(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return raw;
  }
}
