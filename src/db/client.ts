import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

export const createDb = (d1: D1Database) => drizzle(d1, { schema });

/** Drizzle over the D1 binding (`db.$client` is the binding itself, used for raw batches). */
export type Db = ReturnType<typeof createDb>;

export { schema };
