import type { FeedItem, LiveSalesman } from './live-model';

/** "order:created" → "Order created". */
const describe = (type: string) => {
  const [entity = type, action = ''] = type.split(':');
  const words = `${entity} ${action.replaceAll('_', ' ')}`.trim().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The tenant's domain events as the hub relays them, newest first. */
export function EventFeed({
  items,
  team,
  currency,
}: {
  items: FeedItem[];
  team: Map<string, LiveSalesman> | null;
  currency: string | null;
}) {
  if (items.length === 0) {
    return <p class="muted">Nothing yet today on this screen: orders, check-ins and stock alerts appear here live.</p>;
  }
  const money = currency ? new Intl.NumberFormat(undefined, { style: 'currency', currency }) : null;
  const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return (
    <ol class="feed" data-testid="feed">
      {items.map((item) => (
        <li key={item.seq} data-event-type={item.type} data-entity-id={item.entityId} data-seq={item.seq}>
          <time dateTime={item.createdAt}>{time.format(new Date(item.createdAt))}</time>
          <span class="feed-what">{describe(item.type)}</span>
          {item.salesmanId && team?.get(item.salesmanId) && (
            <span class="feed-who">{team.get(item.salesmanId)?.name}</span>
          )}
          {item.amountMinor !== null && money && (
            <span class="feed-amount">{money.format(item.amountMinor / 100)}</span>
          )}
        </li>
      ))}
    </ol>
  );
}
