import type { LiveLocation } from '@fieldline/client/protocol';
import { describe, expect, it } from 'vitest';
import { admits, parseStreamFilter, pickLocations } from '../../src/durable/stream-filter';

const A = '01900000-0000-7000-8000-00000000000a';
const B = '01900000-0000-7000-8000-00000000000b';
const at = (salesmanId: string): LiveLocation => ({ salesmanId, lat: 1, lng: 2, accuracy: 3, ts: 4 });

describe('stream filters', () => {
  it('let an unfiltered socket (a device) have everything', () => {
    for (const topic of [{ kind: 'event', type: 'order:created' }, { kind: 'presence' }, { kind: 'chat' }] as const) {
      expect(admits(null, topic)).toBe(true);
    }
    expect(pickLocations(undefined, [at(A), at(B)])).toEqual([at(A), at(B)]);
  });

  it('admit only the event types, presence and locations asked for, and never chat', () => {
    const filter = { events: ['order:created', 'order:updated'] };
    expect(admits(filter, { kind: 'event', type: 'order:created' })).toBe(true);
    expect(admits(filter, { kind: 'event', type: 'customer:created' })).toBe(false);
    expect(admits(filter, { kind: 'presence' })).toBe(false);
    expect(admits(filter, { kind: 'chat' })).toBe(false);
    expect(pickLocations(filter, [at(A)])).toEqual([]);
    expect(admits({ presence: true }, { kind: 'presence' })).toBe(true);
    expect(admits({ presence: true }, { kind: 'event', type: 'order:created' })).toBe(false);
  });

  it('narrow locations to the salesmen asked for, or keep all with null', () => {
    expect(pickLocations({ locations: { salesmanIds: [A] } }, [at(B), at(A), at(B)])).toEqual([at(A)]);
    expect(pickLocations({ locations: { salesmanIds: null } }, [at(A), at(B)])).toEqual([at(A), at(B)]);
  });

  it('parse the header strictly: absent is no filter, anything malformed is refused', () => {
    expect(parseStreamFilter(null)).toEqual({ ok: true, filter: null });
    const filter = { rooms: [`salesman:${A}`], locations: { salesmanIds: [A] } };
    expect(parseStreamFilter(JSON.stringify(filter))).toEqual({ ok: true, filter });
    for (const bad of [
      'not json',
      '[]',
      JSON.stringify({ events: 'order:created' }),
      JSON.stringify({ rooms: ['everything'] }),
      JSON.stringify({ rooms: [] }),
      JSON.stringify({ locations: { salesmanIds: ['not-a-uuid'] } }),
      JSON.stringify({ presence: true, extra: 1 }),
    ]) {
      expect(parseStreamFilter(bad).ok, bad).toBe(false);
    }
    const refused = parseStreamFilter(JSON.stringify({ rooms: ['everything'] }));
    expect(refused.ok ? '' : refused.message).toMatch(/^filter\.rooms\.0: /);
  });
});
