import type { LiveLocation } from '@fieldline/client/protocol';
import { z } from 'zod';
import { uuid } from '../contracts/common';
import { formatIssues } from '../lib/zod-issues';
import type { StreamFilter } from '../services/hub-port';
import { RoomName } from './protocol';

/**
 * Filters of the sockets the Worker opens for GraphQL subscriptions (StreamFilter in services/hub-port.ts):
 * validated when the socket opens, kept in its attachment, applied in fan-out. Pure, unit-tested without
 * the runtime. A socket without a filter (a device) gets everything its rooms carry.
 */

const MAX_ROOMS = 50;
const MAX_TYPES = 50;
const MAX_SALESMEN = 100;

const StreamFilterSchema = z.strictObject({
  rooms: z.array(RoomName).min(1).max(MAX_ROOMS).optional(),
  events: z.array(z.string().min(1).max(100)).max(MAX_TYPES).optional(),
  locations: z.strictObject({ salesmanIds: z.array(uuid()).max(MAX_SALESMEN).nullable() }).optional(),
  presence: z.boolean().optional(),
});

/** What a fan-out carries, for the filter to decide on. Locations are filtered one by one (pickLocations). */
export type Topic = { kind: 'event'; type: string } | { kind: 'presence' } | { kind: 'chat' };

/** The filter in the header (absent: none), or why it is refused. */
export function parseStreamFilter(
  header: string | null,
): { ok: true; filter: StreamFilter | null } | { ok: false; message: string } {
  if (header === null) return { ok: true, filter: null };
  let json: unknown;
  try {
    json = JSON.parse(header);
  } catch {
    return { ok: false, message: 'The stream filter is not JSON' };
  }
  const parsed = StreamFilterSchema.safeParse(json);
  if (!parsed.success) return { ok: false, message: formatIssues(parsed.error.issues, 'filter').detail };
  return { ok: true, filter: parsed.data };
}

/** Whether a socket with this filter gets a frame of this topic. */
export function admits(filter: StreamFilter | null | undefined, topic: Topic): boolean {
  if (!filter) return true;
  switch (topic.kind) {
    case 'event':
      return filter.events?.includes(topic.type) ?? false;
    case 'presence':
      return filter.presence === true;
    case 'chat':
      return false;
  }
}

/** The locations a socket with this filter gets out of those its rooms carry. */
export function pickLocations(filter: StreamFilter | null | undefined, locations: LiveLocation[]): LiveLocation[] {
  if (!filter) return locations;
  if (!filter.locations) return [];
  const only = filter.locations.salesmanIds;
  return only === null ? locations : locations.filter((l) => only.includes(l.salesmanId));
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
// Never used: typechecking it proves the schema accepts exactly the services' StreamFilter.
type _FilterCheck = Assert<Equal<z.infer<typeof StreamFilterSchema>, StreamFilter>>;
