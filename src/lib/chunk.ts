/** D1 binds at most 100 parameters per statement, so long id lists are queried in parts. */
export const IDS_PER_QUERY = 90;

export function chunk<T>(items: T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}

export async function inChunks<T>(ids: string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  return (await Promise.all(chunk(ids, IDS_PER_QUERY).map(query))).flat();
}
