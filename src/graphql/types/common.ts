import { AppError, ErrorCode } from '../../lib/errors';
import type { builder } from '../builder';

type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

interface EntityShape {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** Fields every stored record has (see docs/api.md, Requests and responses). */
export function entityFields<T extends EntityShape>(t: PothosSchemaTypes.ObjectFieldBuilder<BuilderTypes, T>) {
  return {
    uuid: t.string({ description: 'The UUID the REST API uses for this record', resolve: (row) => row.id }),
    version: t.int({
      description: 'Incremented on every write (optimistic concurrency)',
      resolve: (row) => row.version,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (row) => row.updatedAt }),
    deletedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => row.deletedAt }),
  };
}

/** A lookup whose record is missing (or another tenant's) answers null, as `node(id)` does. */
export async function orNull<T>(lookup: Promise<T>): Promise<T | null> {
  try {
    return await lookup;
  } catch (err) {
    if (err instanceof AppError && err.code === ErrorCode.NOT_FOUND) return null;
    throw err;
  }
}

export type { BuilderTypes };
