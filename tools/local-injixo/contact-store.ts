import { Database } from 'node-sqlite3-wasm';
import type { ContactEventsBody } from './contact-events-schema';

/** injixo forecasts in 15-minute intervals; every count here is bucketed the same way. */
export const INTERVAL_MINUTES = 15;

export interface StoredContact {
  /** Clock time (ms) at which the local injixo accepted the request. */
  receivedAt: number;
  requestId: string;
  queueIdentifier: string;
  queueName: string;
  /** The timestamp exactly as sent. */
  timestamp: string;
  channel: string;
  offered: boolean;
  handled: boolean | null;
  duration: number | null;
  integrationId: number | null;
}

export interface QueueIntervalCount {
  queueIdentifier: string;
  queueName: string;
  /** UTC start of the interval, `YYYY-MM-DDTHH:MM:00Z`. */
  intervalStart: string;
  offered: number;
}

export interface QueueTotal {
  queueIdentifier: string;
  queueName: string;
  offered: number;
}

export interface DuplicateContact {
  queueIdentifier: string;
  timestamp: string;
  channel: string;
  /** How many times this identical contact was received (≥ 2). */
  received: number;
}

/** `2026-11-21T10:30:00Z`: the shape the app itself sends, without milliseconds. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Floors a timestamp to the start of its interval, as `formatUtc` text. */
export function intervalStartOf(timestamp: string, intervalMinutes: number = INTERVAL_MINUTES): string {
  const size = intervalMinutes * 60_000;
  return formatUtc(Math.floor(Date.parse(timestamp) / size) * size);
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS contacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  queue_identifier TEXT NOT NULL,
  queue_name TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  channel TEXT NOT NULL,
  offered INTEGER NOT NULL,
  handled INTEGER,
  duration REAL,
  integration_id INTEGER
);
CREATE INDEX IF NOT EXISTS contacts_by_queue_time ON contacts (queue_identifier, timestamp_ms);
`;

/**
 * The contacts the local injixo accepted, in an SQLite file, so a test run (or a person with
 * the CLI) can stop and reopen the same file and still see what was delivered.
 */
export class ContactStore {
  private readonly db: Database;

  constructor(dbPath: string) {
    this.db = new Database(dbPath);
    this.db.exec(SCHEMA);
  }

  /** Stores every contact of one accepted request atomically; returns how many were stored. */
  insertRequest(requestId: string, receivedAt: number, body: ContactEventsBody): number {
    const integrationId = body.meta?.integrationConfigurationId ?? null;
    const insert = this.db.prepare(
      `INSERT INTO contacts (received_at, request_id, queue_identifier, queue_name, timestamp, timestamp_ms,
         channel, offered, handled, duration, integration_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.exec('BEGIN');
    try {
      for (const contact of body.data) {
        insert.run([
          receivedAt,
          requestId,
          contact.queueIdentifier,
          contact.queueName,
          contact.timestamp,
          Date.parse(contact.timestamp),
          contact.channel,
          contact.properties.offered ? 1 : 0,
          contact.properties.handled === undefined ? null : contact.properties.handled ? 1 : 0,
          contact.properties.duration ?? null,
          integrationId,
        ]);
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    } finally {
      insert.finalize();
    }
    return body.data.length;
  }

  /** Every stored contact, in the order received. */
  list(): StoredContact[] {
    return this.db.all('SELECT * FROM contacts ORDER BY id').map((row) => ({
      receivedAt: Number(row['received_at']),
      requestId: row['request_id'] as string,
      queueIdentifier: row['queue_identifier'] as string,
      queueName: row['queue_name'] as string,
      timestamp: row['timestamp'] as string,
      channel: row['channel'] as string,
      offered: row['offered'] === 1,
      handled: row['handled'] === null ? null : row['handled'] === 1,
      duration: row['duration'] === null ? null : Number(row['duration']),
      integrationId: row['integration_id'] === null ? null : Number(row['integration_id']),
    }));
  }

  total(): number {
    return Number(this.db.get('SELECT COUNT(*) AS n FROM contacts')?.['n']);
  }

  /**
   * Offered contacts per queue. A queue is an (identifier, name) pair because injixo creates a
   * new queue whenever the name sent with an identifier changes (SPEC §2 rule 10).
   */
  queues(): QueueTotal[] {
    return this.db
      .all(
        `SELECT queue_identifier, queue_name, SUM(offered) AS offered FROM contacts
         GROUP BY queue_identifier, queue_name ORDER BY queue_identifier, queue_name`,
      )
      .map((row) => ({
        queueIdentifier: row['queue_identifier'] as string,
        queueName: row['queue_name'] as string,
        offered: Number(row['offered']),
      }));
  }

  /** Offered contacts per queue and interval (15 minutes unless told), intervals with none left out. */
  offeredPerQueueInterval(intervalMinutes: number = INTERVAL_MINUTES): QueueIntervalCount[] {
    const size = intervalMinutes * 60_000;
    return this.db
      .all(
        `SELECT queue_identifier, queue_name, (timestamp_ms / ?) * ? AS interval_ms, SUM(offered) AS offered
         FROM contacts GROUP BY queue_identifier, queue_name, interval_ms
         HAVING SUM(offered) > 0 ORDER BY queue_identifier, queue_name, interval_ms`,
        [size, size],
      )
      .map((row) => ({
        queueIdentifier: row['queue_identifier'] as string,
        queueName: row['queue_name'] as string,
        intervalStart: formatUtc(Number(row['interval_ms'])),
        offered: Number(row['offered']),
      }));
  }

  /** Offered contacts by queue identifier, then by 15-minute interval start — handy for assertions. */
  countsByQueueInterval(): Map<string, Map<string, number>> {
    const counts = new Map<string, Map<string, number>>();
    for (const row of this.offeredPerQueueInterval()) {
      const byInterval = counts.get(row.queueIdentifier) ?? new Map<string, number>();
      byInterval.set(row.intervalStart, (byInterval.get(row.intervalStart) ?? 0) + row.offered);
      counts.set(row.queueIdentifier, byInterval);
    }
    return counts;
  }

  /**
   * Contacts received more than once with every field equal. injixo's payload carries no
   * contact id, so two distinct tickets created in the same second in the same queue also show
   * up here; tests that look for delivery duplicates should use distinct timestamps.
   */
  duplicates(): DuplicateContact[] {
    return this.db
      .all(
        `SELECT queue_identifier, MIN(timestamp) AS timestamp, channel, COUNT(*) AS received FROM contacts
         GROUP BY queue_identifier, queue_name, timestamp_ms, channel, offered, handled, duration, integration_id
         HAVING COUNT(*) > 1 ORDER BY queue_identifier, timestamp_ms, channel`,
      )
      .map((row) => ({
        queueIdentifier: row['queue_identifier'] as string,
        timestamp: row['timestamp'] as string,
        channel: row['channel'] as string,
        received: Number(row['received']),
      }));
  }

  clear(): void {
    this.db.run('DELETE FROM contacts');
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
