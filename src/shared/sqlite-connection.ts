import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/** How long a write waits for another transaction on the shared connection before it counts as a failure. */
const IDLE_WAIT_MS = 10_000;

/** The connection's own `synchronous` level (FULL as opened), read once per connection. */
const durableLevels = new WeakMap<Database, number>();

/** The raw better-sqlite3 connection TypeORM uses for the read-model database; undefined on PostgreSQL. */
export function sqliteConnectionOf(dataSource: DataSource): Database | undefined {
  if (dataSource.options.type !== 'better-sqlite3') return undefined;
  return (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
}

/**
 * Runs `work` (synchronous) once no TypeORM transaction is open on the connection: a write of its own must not
 * become part of another feature's transaction (it would commit or roll back with it). The check and the work
 * run in one synchronous step: an `await` between them would let another transaction begin in the meantime.
 */
export async function whenIdle<T>(db: Database, work: () => T, waitMs = IDLE_WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (!db.inTransaction) return work();
    if (Date.now() > deadline) throw new SqliteConnectionBusyError();
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Runs `commit` (synchronous: one transaction, or one statement) with `synchronous = NORMAL`, on a connection that
 * is otherwise `FULL`: for a write the ledger can always produce again (a projection batch with its checkpoint, an
 * identity index entry its follower writes again). A crash of the process loses nothing (the write-ahead log is in
 * the operating system's cache); a power loss may lose the last such commits. The next durable commit on the file
 * (a data key, a parked delivery) fsyncs the log with everything before it. All synchronous: no other statement of
 * the process runs while the connection is NORMAL.
 */
export function withoutFsync<T>(db: Database, commit: () => T): T {
  let durable = durableLevels.get(db);
  if (durable === undefined) {
    durable = Number(db.pragma('synchronous', { simple: true }));
    durableLevels.set(db, durable);
  }
  db.pragma('synchronous = NORMAL');
  try {
    return commit();
  } finally {
    db.pragma(`synchronous = ${String(durable)}`);
  }
}

export class SqliteConnectionBusyError extends Error {
  constructor() {
    super('the read-model connection stayed inside another transaction');
  }
}
