/**
 * "Something in the organisation changed" (a territory saved, an import finished): screens that summarise
 * the organisation, like the onboarding progress in the header, read it again.
 */
const listeners = new Set<() => void>();

export function notifyChanged(): void {
  for (const listener of listeners) listener();
}

export function onChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
