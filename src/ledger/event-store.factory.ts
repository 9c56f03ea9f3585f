import { join } from 'node:path';
import type { EventStore } from './event-store.port';
import { SqliteEventStore, type SqliteSynchronous } from './sqlite/sqlite-event-store';

/** What choosing and opening the event store needs (a subset of the application's configuration). */
export interface EventStoreSettings {
  readonly eventStoreConnectionString?: string | undefined;
  readonly dataDir: string;
  readonly sqliteSynchronous: SqliteSynchronous;
  readonly maxEventBytes: number;
  /** Embedded store: live subscriptions woken at most once per this many milliseconds (default: every commit). */
  readonly followerWakeMs?: number;
  /** Embedded store: SQLite's page cache in MiB (default: the driver's). */
  readonly sqliteCacheMib?: number;
}

/**
 * The adapter the configuration asks for: EventStoreDB when a connection string is set, SQLite otherwise. The
 * EventStoreDB adapter (its gRPC client and generated protocol code, about 5 MB of heap) is loaded only when asked
 * for, so an embedded process does not carry it.
 */
export async function createEventStore(config: EventStoreSettings): Promise<EventStore> {
  if (config.eventStoreConnectionString) {
    const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store');
    return new EventStoreDbEventStore(config.eventStoreConnectionString, {
      maxEventBytes: config.maxEventBytes,
    });
  }
  return new SqliteEventStore(join(config.dataDir, 'events.sqlite'), {
    synchronous: config.sqliteSynchronous,
    maxEventBytes: config.maxEventBytes,
    ...(config.followerWakeMs === undefined ? {} : { wakeIntervalMs: config.followerWakeMs }),
    ...(config.sqliteCacheMib === undefined ? {} : { cacheMib: config.sqliteCacheMib }),
  });
}
