import type { LoggedEvent } from '../db/event-log';
import type { OutboundMessage } from '../jobs/outbound';
import { concernsNotifications } from '../services/notification-triggers';
import type { HubStorage } from './hub-storage';

/** Hub metadata set once the tenant has had a webhook endpoint: its commits kick the outbound queue. */
const OUTBOUND_META = 'outbound';

type Kick = Extract<OutboundMessage, { job: 'webhooks' | 'notifications' }>;

export interface FollowerDeps {
  store: Pick<HubStorage, 'getMeta' | 'setMeta'>;
  /** Sends one message to the outbound queue. */
  sendOutbound: (message: Kick) => Promise<unknown>;
  /** Runs the search indexer over the tenant's new events. */
  index: (tenantId: string) => Promise<unknown>;
  waitUntil: (promise: Promise<unknown>) => void;
  logFailure: (step: string, err: unknown) => void;
}

/**
 * What follows the tenant's log after the hub relayed a commit: the search indexer (when Meilisearch is
 * configured), the webhook deliveries (only for tenants that ever had an endpoint: the hub saw a
 * `webhook_endpoint:*` event; the rest cost nothing) and the notification rules (after an event they
 * watch). Each runs on its own cursor elsewhere; the hub only asks. Asks coalesce: one run in flight per
 * follower and one more after it if events came in meanwhile, so a burst of writes costs two. An ask
 * lost with an evicted hub is made up by the sweep (jobs/outbound.ts).
 */
export class LogFollowers {
  private readonly kicking = new Map<Kick['job'], { again: boolean }>();
  /** A relayed event the notification rules watch for (or a message for devices) awaits a run. */
  private notifyPending = false;
  /** The search indexer's run in progress, and whether events came in during it (one more run). */
  private indexing: Promise<void> | null = null;
  private indexAgain = false;

  constructor(private readonly deps: FollowerDeps) {}

  /** Notes what a relayed event asks of the followers. */
  observe(event: LoggedEvent): void {
    if (concernsNotifications(event)) this.notifyPending = true;
    if (event.type.startsWith('webhook_endpoint:') && this.deps.store.getMeta(OUTBOUND_META) === null) {
      this.deps.store.setMeta(OUTBOUND_META, '1');
    }
  }

  /** After a relay: asks each follower that has something new for a run. */
  follow(): void {
    const tenantId = this.deps.store.getMeta('tenant_id');
    if (!tenantId) return;
    if (this.deps.store.getMeta(OUTBOUND_META) !== null) this.kick({ job: 'webhooks', tenantId });
    if (this.notifyPending) {
      this.notifyPending = false;
      this.kick({ job: 'notifications', tenantId });
    }
    if (this.indexing) {
      this.indexAgain = true;
      return;
    }
    const run = async () => {
      do {
        this.indexAgain = false;
        await this.deps.index(tenantId);
      } while (this.indexAgain);
    };
    this.indexing = run().finally(() => {
      this.indexing = null;
    });
    this.deps.waitUntil(this.indexing);
  }

  private kick(message: Kick): void {
    const inFlight = this.kicking.get(message.job);
    if (inFlight) {
      inFlight.again = true;
      return;
    }
    const state = { again: false };
    this.kicking.set(message.job, state);
    const run = async () => {
      do {
        state.again = false;
        await this.deps.sendOutbound(message);
      } while (state.again);
    };
    this.deps.waitUntil(
      run()
        .catch((err) => this.deps.logFailure('outbound kick', err))
        .finally(() => this.kicking.delete(message.job)),
    );
  }
}
