// Bulk writes in chunks of a few MB, the next chunk built while the database takes the previous one.

/** Groups strings (any iterable, consumed lazily) into arrays of about `maxChars` characters each. */
export function* chunksOf(strings, maxChars) {
  let chunk = [];
  let size = 0;
  for (const s of strings) {
    chunk.push(s);
    size += s.length + 1;
    if (size >= maxChars) {
      yield chunk;
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Calls `send(item)` for each item of `items` (consumed lazily), one send at a time: while the database
 * works on one, the next item is being built. Stops at the first failure and throws it.
 */
export async function sendOverlapped(items, send) {
  let inFlight = null;
  let failure = null;
  const settle = async () => {
    await inFlight;
    if (failure) throw failure;
  };
  for (const item of items) {
    await settle();
    // The rejection is kept, not left unhandled, while the next item is being built.
    inFlight = send(item).then(
      () => {},
      (error) => {
        failure = error;
      },
    );
    // Let the request leave before the next item is built synchronously.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await settle();
}
