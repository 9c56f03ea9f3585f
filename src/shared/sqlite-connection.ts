import type { Database, Transaction } from 'better-sqlite3';
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

/** Sets a connection's page cache to `mib` MiB (SQLite takes a negative `cache_size` as KiB). */
export function setCacheMib(db: Pick<Database, 'pragma'>, mib: number): void {
  db.pragma(`cache_size = ${String(-Math.round(mib * 1024))}`);
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

interface SharedWork {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface SharedCommit {
  queue: SharedWork[];
  scheduled: boolean;
  /** Runs the queued works, each in its own savepoint, inside one transaction. */
  readonly runAll: Transaction<(works: readonly SharedWork[]) => ({ ok: unknown } | { error: unknown })[]>;
  /** Commits and the works they carried, for tests and benchmarks. */
  readonly stats: { commits: number; works: number };
}

const sharedCommits = new WeakMap<Database, SharedCommit>();

/**
 * Runs `work` (synchronous) for a write the ledger can always produce again, in one transaction shared with every
 * other such write requested on the connection in the same step: the followers that resume together from one
 * `idle()` after the same appends all ask before the microtask queued by the first of them runs. One commit, not
 * fsynced (`withoutFsync`), once the connection is idle (`whenIdle`), in the same turn of the event loop as the
 * request, so a read right after sees it as soon as before. Each work runs in its own savepoint: one that throws
 * rolls back alone and its caller gets the error; the others commit. When the commit itself fails, every caller
 * of the group gets that error and nothing of the group is written.
 */
export function inSharedCommit<T>(db: Database, work: () => T): Promise<T> {
  const shared = sharedCommitOf(db);
  return new Promise<T>((resolve, reject) => {
    shared.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    if (shared.scheduled) return;
    shared.scheduled = true;
    // After the jobs already queued: the followers that resumed together (one `idle()`) have all asked by then.
    queueMicrotask(() => {
      shared.scheduled = false;
      void commitShared(db, shared);
    });
  });
}

/** How many shared commits ran on the connection, and how many works they carried. */
export function sharedCommitStats(db: Database): { readonly commits: number; readonly works: number } {
  return { ...sharedCommitOf(db).stats };
}

function sharedCommitOf(db: Database): SharedCommit {
  let shared = sharedCommits.get(db);
  if (shared !== undefined) return shared;
  // Nested inside `runAll`'s transaction, better-sqlite3 runs `one` as a savepoint.
  const one = db.transaction((work: () => unknown) => work());
  const runAll = db.transaction((works: readonly SharedWork[]) =>
    works.map((item) => {
      try {
        return { ok: one(item.work) };
      } catch (error) {
        // Some errors (a full disk, an I/O error) make SQLite roll back the whole transaction: then nothing of the
        // group is written, and the group fails as one.
        if (!db.inTransaction) throw error;
        return { error };
      }
    }),
  );
  shared = { queue: [], scheduled: false, runAll, stats: { commits: 0, works: 0 } };
  sharedCommits.set(db, shared);
  return shared;
}

async function commitShared(db: Database, shared: SharedCommit): Promise<void> {
  let taken: SharedWork[] = [];
  try {
    await whenIdle(db, () => {
      taken = shared.queue.splice(0);
      if (taken.length === 0) return;
      const outcomes = withoutFsync(db, () => shared.runAll.immediate(taken));
      shared.stats.commits += 1;
      shared.stats.works += taken.length;
      for (const [i, outcome] of outcomes.entries()) {
        const item = taken[i];
        if (item === undefined) continue;
        if ('ok' in outcome) item.resolve(outcome.ok);
        else item.reject(outcome.error);
      }
    });
  } catch (error) {
    // The connection stayed busy (nothing was taken yet: every queued work fails), or the commit failed.
    for (const item of taken.length > 0 ? taken : shared.queue.splice(0)) item.reject(error);
  }
}
