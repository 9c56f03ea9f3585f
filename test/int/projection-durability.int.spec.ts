import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalLeases } from '../../src/platform/workers';
import { ProjectionRunner } from '../../src/projections/core/projection-runner';
import { ProjectionStore } from '../../src/projections/core/projection-store';
import { execute, selectRows, type SqlProgram } from '../../src/projections/core/sql-program';
import { sharedCommitStats } from '../../src/shared/sqlite-connection';
import { PROJECTIONS } from '../../src/app/read-models';
import { writeHistory } from '../support/projection-fixtures';
import { checkpoints } from '../support/projection-harness';
import { type TempLedger, tempLedger } from '../support/temp-ledger';

/** SQLite's `synchronous` levels as `PRAGMA synchronous` reports them. */
const NORMAL = 1;
const FULL = 2;

/** The connection's `synchronous` level, read inside the transaction the program runs in. */
function* levelInside(): SqlProgram<number> {
  const [row] = yield* selectRows('PRAGMA synchronous');
  return Number(row?.synchronous);
}

/**
 * The read-model file holds rebuildable rows (projection batches with their checkpoints) beside state that is
 * not (data keys, parked deliveries): only the former may skip the fsync, one commit at a time.
 */
describe('read-model durability on SQLite', () => {
  let t: TempLedger;
  beforeEach(async () => {
    t = await tempLedger();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const level = (db: ProjectionStore): number => Number(db.sqlite().pragma('synchronous', { simple: true }));

  it('commits a rebuildable write without fsync and leaves the connection fully durable', async () => {
    const db = new ProjectionStore(t.dataSource);
    expect(level(db)).toBe(FULL);
    expect(await db.transaction(levelInside, { rebuildable: true })).toBe(NORMAL);
    expect(level(db)).toBe(FULL);
    expect(await db.transaction(levelInside)).toBe(FULL);
  });

  it('restores full durability when a rebuildable write fails', async () => {
    const db = new ProjectionStore(t.dataSource);
    function* failing(): SqlProgram<number> {
      yield* selectRows('SELECT * FROM no_such_table');
      return 0;
    }
    await expect(db.transaction(failing, { rebuildable: true })).rejects.toThrow(/no such table/);
    expect(level(db)).toBe(FULL);
    // A key written next is fsynced.
    await t.keys.activeKeys('sub_durability', ['identity_attributes']);
    expect(level(db)).toBe(FULL);
  });

  it('marks every projection batch rebuildable; creating a checkpoint stays durable', async () => {
    await writeHistory(t.ledger, { subjects: 8, seed: 11 });
    const calls: boolean[] = [];
    class Recording extends ProjectionStore {
      override transaction<T>(
        program: () => SqlProgram<T>,
        options: { lockTimeoutMs?: number; rebuildable?: boolean } = {},
      ): Promise<T> {
        calls.push(options.rebuildable === true);
        return super.transaction(program, options);
      }
    }
    const db = new Recording(t.dataSource);
    for (const projection of PROJECTIONS) {
      await new ProjectionRunner({
        store: t.store,
        db,
        projection,
        leases: new LocalLeases(),
        now: () => new Date(),
        options: { batchSize: 5 },
      }).catchUp();
    }
    const head = await t.store.headPosition();
    expect(Object.values(await checkpoints(t.dataSource))).toEqual(PROJECTIONS.map(() => head));
    // One durable commit per projection (its checkpoint row, created once), then only batches.
    expect(calls.filter((rebuildable) => !rebuildable)).toHaveLength(PROJECTIONS.length);
    expect(calls.filter(Boolean).length).toBeGreaterThan(PROJECTIONS.length);
    expect(level(db)).toBe(FULL);
  });

  it('waits for a transaction begun right after the request and commits on its own: the foreign rollback keeps the write', async () => {
    const db = new ProjectionStore(t.dataSource);
    const raw = db.sqlite();
    raw.exec('CREATE TABLE scratch (v TEXT NOT NULL)');
    // Another feature begins a transaction on the shared connection as soon as the current step yields, before the
    // shared commit runs; it rolls back at the next turn of the event loop, after the commit's first attempt (which
    // found it open and waits).
    queueMicrotask(() => raw.exec('BEGIN'));
    const batch = db.transaction(() => writeAndReadLevel('kept'), { rebuildable: true });
    setImmediate(() => raw.exec('ROLLBACK'));
    // Had the batch run inside the foreign transaction, its own level change would have thrown, or its row would
    // have gone with the rollback.
    expect(await batch).toBe(NORMAL);
    expect(raw.inTransaction).toBe(false);
    expect(raw.prepare('SELECT v FROM scratch').pluck().all()).toEqual(['kept']);
    expect(level(db)).toBe(FULL);
  });

  it('commits the rebuildable writes requested in one step together; one that fails rolls back alone', async () => {
    const first = new ProjectionStore(t.dataSource);
    const second = new ProjectionStore(t.dataSource);
    const raw = first.sqlite();
    raw.exec('CREATE TABLE scratch (v TEXT NOT NULL)');
    const before = sharedCommitStats(raw);
    function* writeThenFail(): SqlProgram<number> {
      yield* execute('INSERT INTO scratch (v) VALUES (?)', ['rolled back']);
      yield* selectRows('SELECT * FROM no_such_table');
      return 0;
    }
    const outcomes = await Promise.allSettled([
      first.transaction(() => writeAndReadLevel('a'), { rebuildable: true }),
      second.transaction(writeThenFail, { rebuildable: true }),
      second.transaction(() => writeAndReadLevel('b'), { rebuildable: true }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/no such table/);
    expect(raw.prepare('SELECT v FROM scratch ORDER BY v').pluck().all()).toEqual(['a', 'b']);
    const after = sharedCommitStats(raw);
    expect({ commits: after.commits - before.commits, works: after.works - before.works }).toEqual({
      commits: 1,
      works: 3,
    });
    // A later write commits apart from this group.
    await first.transaction(() => writeAndReadLevel('c'), { rebuildable: true });
    expect(sharedCommitStats(raw).commits - before.commits).toBe(2);
    expect(level(first)).toBe(FULL);
  });
});

/** Writes one row of `scratch` and returns the connection's level inside the transaction. */
function* writeAndReadLevel(value: string): SqlProgram<number> {
  yield* execute('INSERT INTO scratch (v) VALUES (?)', [value]);
  return yield* levelInside();
}
