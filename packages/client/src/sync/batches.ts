import type { Mutation } from './protocol.js';

const utf8 = new TextEncoder();
const bytesOf = (value: unknown): number => utf8.encode(JSON.stringify(value)).length;

export interface Batch {
  mutations: Mutation[];
  /** JSON bytes of the whole push body. */
  bytes: number;
}

/**
 * The next push from the head of the outbox: at most `maxCount` mutations and, past the first, no more
 * than `maxBytes` of JSON body. The first mutation always goes, whatever its size: it cannot be split,
 * and the server's answer (413) is the judge.
 */
export function nextBatch(outbox: readonly Mutation[], clientId: string, maxCount: number, maxBytes: number): Batch {
  let bytes = bytesOf({ clientId, mutations: [] });
  const mutations: Mutation[] = [];
  for (const m of outbox) {
    if (mutations.length >= maxCount) break;
    const size = bytesOf(m) + (mutations.length > 0 ? 1 : 0);
    if (mutations.length > 0 && bytes + size > maxBytes) break;
    mutations.push(m);
    bytes += size;
  }
  return { mutations, bytes };
}
