import type { TestProject } from 'vitest/node';
import { startPushService } from './push-service';
import { startWebhookReceiver } from './webhook-receiver';

/**
 * The real local receivers outbound delivery is tested against, run in Node next to the suite: a
 * webhook receiver that verifies Standard Webhooks signatures, and a push service that checks VAPID and
 * decrypts RFC 8291 payloads. Tests inside workerd reach them over HTTP (`inject('receivers')`).
 */
export default async function setup(project: TestProject) {
  const webhooks = await startWebhookReceiver();
  const push = await startPushService();
  project.provide('receivers', { webhooks: webhooks.url, push: push.url });
  return async () => {
    await webhooks.close();
    await push.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    receivers: { webhooks: string; push: string };
  }
}
