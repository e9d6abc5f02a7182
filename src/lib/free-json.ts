import { z } from '@hono/zod-openapi';

/**
 * Free-form JSON a client may send (notification `data`) is stored, put in events and serialized again for
 * every socket, GraphQL answer and page that carries it. A value nested thousands of levels deep overflows
 * the stack of every recursive serializer on that way, and a large one is multiplied by the fan-out, so
 * both are refused at validation.
 */
export const FREE_JSON_LIMITS = { depth: 32, bytes: 16 * 1024 } as const;

/**
 * Whether `value` nests objects and arrays more than `max` levels deep (`{}` is one level). Iterative, so
 * it cannot overflow on the very input it guards against, and it stops as soon as the answer is known.
 */
export function jsonDeeperThan(value: unknown, max: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > max) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth });
  }
  return false;
}

/** A free-form JSON object within FREE_JSON_LIMITS (depth first: serializing a too-deep value would overflow). */
export const freeJsonObject = () =>
  z
    .record(z.string(), z.unknown())
    .superRefine((value, ctx) => {
      const { depth, bytes } = FREE_JSON_LIMITS;
      if (jsonDeeperThan(value, depth)) {
        ctx.addIssue({ code: 'custom', message: `must be nested at most ${depth} levels deep` });
        return;
      }
      const size = new TextEncoder().encode(JSON.stringify(value)).byteLength;
      if (size > bytes)
        ctx.addIssue({ code: 'custom', message: `must be at most ${bytes} bytes as JSON (got ${size})` });
    })
    .openapi({
      description: `Free-form JSON object, at most ${FREE_JSON_LIMITS.depth} levels deep and ${FREE_JSON_LIMITS.bytes} bytes serialized (UTF-8)`,
    });
