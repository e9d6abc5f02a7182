import { decodeGlobalID } from '@pothos/plugin-relay';
import { badInput } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Arguments naming a record accept its global id (`base64("Customer:<uuid>")`, what `id` fields return)
 * or the plain UUID the REST API uses, so clients can mix both APIs. A global id of another type is
 * refused rather than silently looked up in the wrong table. Ids come out in lower case, as REST's
 * (src/contracts/common.ts `uuid`), so the same id finds the same row on D1 and on Postgres.
 */
export function localId(value: string, typename: string, field = 'id'): string {
  if (UUID.test(value)) return value.toLowerCase();
  const decoded = recordGlobalId(value);
  if (!decoded || decoded.typename !== typename) {
    throw badInput(`${field} must be a ${typename} id (global id or UUID)`, { field });
  }
  return decoded.id;
}

export const optionalLocalId = (value: string | null | undefined, typename: string, field: string) =>
  value === null || value === undefined ? value : localId(value, typename, field);

/** `{typename, id}` of a global id naming a record (`base64("Type:<uuid>")`), or null for anything else. */
export function recordGlobalId(value: string): { typename: string; id: string } | null {
  try {
    const decoded = decodeGlobalID(value);
    return UUID.test(decoded.id) ? { typename: decoded.typename, id: decoded.id.toLowerCase() } : null;
  } catch {
    return null;
  }
}
