import { z } from '../contracts/common';
import { PULL_ENTITY_NAMES } from '../contracts/sync.schemas';
import { AppError, ErrorCode } from '../lib/errors';
import { signClaims, verifyClaims } from '../lib/signed-claims';
import type { PullEntity } from './sync-pull-sources';

/**
 * The sync pull cursor (docs/sync.md): where a pull stands, signed with a key of this deployment so that
 * a client can only hand back a position this server gave out.
 */

/**
 * Where a pull stands, as the signed cursor carries it. `who` pins the cursor to the caller and to the
 * working set it was computed for: if the caller's role, salesman profile or territory has changed
 * since, the next pull starts over with a snapshot (and says `reset`).
 */
export interface PullPosition {
  v: 1;
  tenant: string;
  who: string;
  /** `snapshot`: `entity` and `after` say where the snapshot stands; `seq` is where the log part begins. */
  phase: 'snapshot' | 'log';
  seq: number;
  entity?: PullEntity | undefined;
  after?: string | undefined;
}

export const invalidCursor = (detail: string) => new AppError(ErrorCode.INVALID_CURSOR, detail);

const CURSOR_PURPOSE = 'sync pull cursor v1';

const Position = z.strictObject({
  v: z.literal(1),
  tenant: z.string(),
  who: z.string(),
  phase: z.enum(['snapshot', 'log']),
  seq: z.number().int().min(-1),
  entity: z.enum(PULL_ENTITY_NAMES).optional(),
  after: z.string().optional(),
});

/** The cursor a client passes back: the position, signed with a key of this deployment. */
export const encodeCursor = (secrets: readonly string[], position: PullPosition) =>
  signClaims(secrets, CURSOR_PURPOSE, position);

/** The position in a cursor this deployment signed; anything else is refused with INVALID_CURSOR. */
export async function decodeCursor(secrets: readonly string[], cursor: string): Promise<PullPosition> {
  const parsed = Position.safeParse(await verifyClaims(secrets, CURSOR_PURPOSE, cursor));
  if (!parsed.success) throw invalidCursor('This cursor was not issued by this server; pull again without one');
  return parsed.data;
}
