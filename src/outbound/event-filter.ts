/**
 * An endpoint's event types: exact (`order:created`), a family (`order:*` is every `order:…` event and
 * `order` itself), or `*` for everything. The same rule decides what is derived for delivery and what a
 * replay resends.
 */
export const EVENT_TYPE_PATTERN = /^(\*|[a-z][a-z_]*(:[a-z_]+)*(:\*)?)$/;

export function matchesEventTypes(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.endsWith(':*')) {
      const family = pattern.slice(0, -2);
      return type === family || type.startsWith(`${family}:`);
    }
    return pattern === type;
  });
}
