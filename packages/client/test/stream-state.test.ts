import { describe, expect, it } from 'vitest';
import { PresenceMap, SeqTracker, tokenExpiry } from '../src/stream-state.js';

describe('seq tracking', () => {
  it('adopts the hub position on a first welcome and drops duplicates', () => {
    const s = new SeqTracker();
    expect(s.last).toBeNull();
    s.welcome(41);
    expect(s.last).toBe(41);
    expect(s.accept(41)).toBe(false);
    expect(s.accept(42)).toBe(true);
    expect(s.accept(45)).toBe(true);
    expect(s.accept(44)).toBe(false);
    expect(s.last).toBe(45);
  });

  it('keeps its own position on a resumed welcome and jumps on resync', () => {
    const s = new SeqTracker();
    s.welcome(10);
    s.welcome(20);
    expect(s.last).toBe(10);
    expect(s.accept(11)).toBe(true);
    s.resync(30);
    expect(s.accept(30)).toBe(false);
    expect(s.accept(31)).toBe(true);
  });
});

describe('presence map', () => {
  it('keeps the welcome snapshot plus diffs, reporting only real changes', () => {
    const p = new PresenceMap();
    const a = { salesmanId: 'a', status: 'online' as const, since: 1 };
    const b = { salesmanId: 'b', status: 'offline' as const, since: 1 };
    expect(p.reset([a, b], 5)).toEqual([a, b]);
    expect(p.apply([{ salesmanId: 'a', status: 'online', since: 2 }])).toEqual([]);
    expect(p.apply([{ salesmanId: 'b', status: 'idle', since: 3 }])).toHaveLength(1);
    expect(p.view.get('b')).toBe('idle');
    // A reconnect's snapshot reports what changed while away, and forgets salesmen the hub no longer knows.
    const changed = p.reset([{ salesmanId: 'b', status: 'on_visit', since: 4 }], 9);
    expect(changed).toEqual([
      { salesmanId: 'b', status: 'on_visit', since: 4 },
      { salesmanId: 'a', status: 'offline', since: 9 },
    ]);
    expect([...p.view.keys()]).toEqual(['b']);
  });
});

describe('token expiry', () => {
  const jwt = (claims: object) =>
    `h.${btoa(JSON.stringify(claims)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.s`;
  it('reads exp from a JWT and ignores anything else', () => {
    expect(tokenExpiry(jwt({ sub: 'ü?>', exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
    expect(tokenExpiry(jwt({ sub: 'x' }))).toBeNull();
    expect(tokenExpiry('fl_live_apikey')).toBeNull();
    expect(tokenExpiry('a.!!!.c')).toBeNull();
  });
});
