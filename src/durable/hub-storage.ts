import type { LiveLocation } from '@fieldline/client/protocol';
import type { PresenceFacts } from './presence';

/**
 * The tenant hub's own SQLite: recent events for resume, presence facts, latest locations and the GPS
 * trail waiting to be flushed to D1. Everything the hub must remember across eviction lives here;
 * in-memory state is only a cache of it.
 */
export const RING_MIN_EVENTS = 10_000;
export const RING_MIN_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * How long the writes of GPS fixes wait to be committed together. Every write a Durable Object makes in
 * one event is one storage transaction; a fix per event each committing its own (a trail row, the
 * salesman's activity) was the hub's largest cost after the fan-out itself (bench:realtime --profile).
 * Gathered, ten commits a second carry them all; a crash loses at most this much of the trail.
 */
export const WRITE_BEHIND_MS = 100;

interface PendingFix {
  location: LiveLocation;
  receivedAt: string;
}

export interface StoredEvent {
  seq: number;
  rooms: string[];
  frame: string;
}

export class HubStorage {
  /** Each salesman's latest fix since this instance started; the trail buffer and `locations` hold it durably. */
  private readonly latest = new Map<string, LiveLocation>();
  /** Writes gathered for the next commit (`flushWrites`), in arrival order. */
  private pendingFixes: PendingFix[] = [];
  private readonly pendingPresence = new Map<string, PresenceFacts>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS event_log (
        seq INTEGER PRIMARY KEY, rooms TEXT NOT NULL, frame TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS presence (salesman_id TEXT PRIMARY KEY, facts TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS locations (salesman_id TEXT PRIMARY KEY, location TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS trail_buffer (
        id INTEGER PRIMARY KEY, salesman_id TEXT NOT NULL, recorded_at TEXT NOT NULL,
        lat REAL NOT NULL, lng REAL NOT NULL, accuracy REAL NOT NULL, speed REAL, heading REAL,
        received_at TEXT NOT NULL);
    `);
  }

  getMeta(key: string): string | null {
    const row = this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0];
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  /** Highest seq the hub has received from the event log. */
  get lastSeq(): number {
    return Number(this.getMeta('last_seq') ?? 0);
  }

  /** Events up to this seq have been trimmed from the ring; a resume from before it must resync. */
  get trimmedThrough(): number {
    return Number(this.getMeta('trimmed_through') ?? 0);
  }

  appendEvent(event: StoredEvent, now: number): void {
    this.sql.exec(
      'INSERT OR IGNORE INTO event_log (seq, rooms, frame, created_at) VALUES (?, ?, ?, ?)',
      event.seq,
      JSON.stringify(event.rooms),
      event.frame,
      now,
    );
    this.setMeta('last_seq', String(event.seq));
  }

  eventsAfter(seq: number): StoredEvent[] {
    return this.sql
      .exec<{ seq: number; rooms: string; frame: string }>(
        'SELECT seq, rooms, frame FROM event_log WHERE seq > ? ORDER BY seq',
        seq,
      )
      .toArray()
      .map((r) => ({ seq: r.seq, rooms: JSON.parse(r.rooms) as string[], frame: r.frame }));
  }

  /** Keeps at least the last RING_MIN_EVENTS events and everything younger than RING_MIN_AGE_MS. */
  trimRing(now: number): void {
    const cutoffSeq = this.lastSeq - RING_MIN_EVENTS;
    if (cutoffSeq <= 0) return;
    const cutoffTime = now - RING_MIN_AGE_MS;
    const row = this.sql
      .exec<{ maxSeq: number | null }>(
        'SELECT MAX(seq) AS maxSeq FROM event_log WHERE seq <= ? AND created_at < ?',
        cutoffSeq,
        cutoffTime,
      )
      .toArray()[0];
    if (!row?.maxSeq) return;
    // Trim a contiguous prefix only, so "trimmed through N" stays exact.
    const firstYoung = this.sql
      .exec<{ seq: number | null }>('SELECT MIN(seq) AS seq FROM event_log WHERE created_at >= ?', cutoffTime)
      .toArray()[0]?.seq;
    const through = firstYoung ? Math.min(row.maxSeq, firstYoung - 1) : row.maxSeq;
    if (through <= this.trimmedThrough) return;
    this.sql.exec('DELETE FROM event_log WHERE seq <= ?', through);
    this.setMeta('trimmed_through', String(through));
  }

  loadPresence(): PresenceFacts[] {
    this.flushWrites();
    return this.sql
      .exec<{ facts: string }>('SELECT facts FROM presence')
      .toArray()
      .map((r) => JSON.parse(r.facts) as PresenceFacts);
  }

  /** Saves a salesman's presence now (a connection, a status change). */
  savePresence(facts: PresenceFacts): void {
    this.pendingPresence.delete(facts.salesmanId);
    this.writePresence(facts);
  }

  /** Saves presence with the next gathered commit: a fix's activity, which changes no status. */
  savePresenceLater(facts: PresenceFacts): void {
    this.pendingPresence.set(facts.salesmanId, facts);
    this.commitSoon();
  }

  private writePresence(facts: PresenceFacts): void {
    this.sql.exec(
      'INSERT INTO presence (salesman_id, facts) VALUES (?, ?) ON CONFLICT(salesman_id) DO UPDATE SET facts = excluded.facts',
      facts.salesmanId,
      JSON.stringify(facts),
    );
  }

  /** Commits the gathered writes (one storage transaction). Reads of what they touch call it first. */
  flushWrites(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const fixes = this.pendingFixes;
    this.pendingFixes = [];
    for (const { location, receivedAt } of fixes) this.writeTrailRow(location, receivedAt);
    for (const facts of this.pendingPresence.values()) this.writePresence(facts);
    this.pendingPresence.clear();
  }

  private commitSoon(): void {
    this.flushTimer ??= setTimeout(() => this.flushWrites(), WRITE_BEHIND_MS);
  }

  /**
   * Keeps a fix: the latest location in memory at once, and a row of the trail buffer with the next
   * gathered commit (WRITE_BEHIND_MS). Until its row is flushed to D1, the buffer is where the latest
   * location survives an eviction; `deleteTrailThrough` moves it into `locations` first.
   */
  saveLocation(location: LiveLocation, receivedAt: string): void {
    this.latest.set(location.salesmanId, location);
    this.pendingFixes.push({ location, receivedAt });
    this.commitSoon();
  }

  private writeTrailRow(location: LiveLocation, receivedAt: string): void {
    this.sql.exec(
      `INSERT INTO trail_buffer (salesman_id, recorded_at, lat, lng, accuracy, speed, heading, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      location.salesmanId,
      new Date(location.ts).toISOString(),
      location.lat,
      location.lng,
      location.accuracy,
      location.speed ?? null,
      location.heading ?? null,
      receivedAt,
    );
  }

  /** The salesman's latest fix: kept in memory, else his newest buffered row, else the one last flushed. */
  latestLocation(salesmanId: string): LiveLocation | null {
    const known = this.latest.get(salesmanId);
    if (known) return known;
    this.flushWrites();
    const buffered = this.sql
      .exec<TrailRow>(
        `SELECT id, salesman_id AS salesmanId, recorded_at AS recordedAt, lat, lng, accuracy, speed, heading,
                received_at AS receivedAt
         FROM trail_buffer WHERE salesman_id = ? ORDER BY id DESC LIMIT 1`,
        salesmanId,
      )
      .toArray()[0];
    if (buffered) return liveLocationOf(buffered);
    const row = this.sql
      .exec<{ location: string }>('SELECT location FROM locations WHERE salesman_id = ?', salesmanId)
      .toArray()[0];
    return row ? (JSON.parse(row.location) as LiveLocation) : null;
  }

  trailBatch(limit: number): TrailRow[] {
    this.flushWrites();
    return this.sql
      .exec<TrailRow>(
        `SELECT id, salesman_id AS salesmanId, recorded_at AS recordedAt, lat, lng, accuracy, speed, heading,
                received_at AS receivedAt
         FROM trail_buffer ORDER BY id LIMIT ?`,
        limit,
      )
      .toArray();
  }

  /**
   * Forgets the buffered rows up to `id` (flushed to D1), after keeping in `locations` each salesman's
   * newest of them (a newer one still buffered wins over it in `latestLocation`).
   */
  deleteTrailThrough(id: number): void {
    this.flushWrites();
    const newest = this.sql
      .exec<TrailRow>(
        `SELECT id, salesman_id AS salesmanId, recorded_at AS recordedAt, lat, lng, accuracy, speed, heading,
                received_at AS receivedAt
         FROM trail_buffer WHERE id IN (SELECT max(id) FROM trail_buffer WHERE id <= ? GROUP BY salesman_id)`,
        id,
      )
      .toArray();
    for (const row of newest) {
      this.sql.exec(
        'INSERT INTO locations (salesman_id, location) VALUES (?, ?) ON CONFLICT(salesman_id) DO UPDATE SET location = excluded.location',
        row.salesmanId,
        JSON.stringify(liveLocationOf(row)),
      );
    }
    this.sql.exec('DELETE FROM trail_buffer WHERE id <= ?', id);
  }

  get trailPending(): number {
    this.flushWrites();
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM trail_buffer').one().n;
  }
}

export type TrailRow = {
  id: number;
  salesmanId: string;
  recordedAt: string;
  lat: number;
  lng: number;
  accuracy: number;
  speed: number | null;
  heading: number | null;
  receivedAt: string;
};

/** A buffered trail row as the live location it was (optional fields only when the device sent them). */
function liveLocationOf(row: TrailRow): LiveLocation {
  return {
    salesmanId: row.salesmanId,
    lat: row.lat,
    lng: row.lng,
    accuracy: row.accuracy,
    ts: Date.parse(row.recordedAt),
    ...(row.speed === null ? {} : { speed: row.speed }),
    ...(row.heading === null ? {} : { heading: row.heading }),
  };
}
