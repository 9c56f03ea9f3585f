import { join } from 'node:path';
import type { AppConfig } from '../config/config';
import type { EventStore } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** The adapter the configuration asks for: EventStoreDB when a connection string is set, SQLite otherwise. */
export function createEventStore(config: AppConfig): EventStore {
  if (config.eventStoreConnectionString) {
    return new EventStoreDbEventStore(config.eventStoreConnectionString, {
      maxEventBytes: config.maxEventBytes,
    });
  }
  return new SqliteEventStore(join(config.dataDir, 'events.sqlite'), {
    synchronous: config.sqliteSynchronous,
    maxEventBytes: config.maxEventBytes,
  });
}
