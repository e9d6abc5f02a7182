import type { Page } from './types';

interface Fetcher {
  fetch<T>(path: string): Promise<T>;
}

/** Every page of a list (`{data, nextCursor}`), up to `cap` rows: the admin lists are small. */
export async function loadAll<T>(auth: Fetcher, path: string, cap = 2_000): Promise<T[]> {
  const rows: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  let cursor: string | null = null;
  do {
    const page: Page<T> = await auth.fetch<Page<T>>(
      `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    rows.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor && rows.length < cap);
  return rows;
}
