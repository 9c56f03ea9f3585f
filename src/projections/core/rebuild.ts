import { Table } from 'typeorm';
import type { EventStore } from '../../ledger/event-store.port';
import { RebuildInProgressError } from '../projection.errors';
import type { Leases } from '../../platform/workers';
import type { EntityClass, Projection } from './projection';
import { ProjectionRunner, type RunnerLogger } from './projection-runner';
import type { ProjectionStore } from './projection-store';
import { execute, selectRows, type SqlProgram } from './sql-program';
import { quote, type TableInfo } from './table-info';
import { driverCode } from './write-errors';

/** Suffix of the tables a rebuild fills, and of their indexes until the switch. */
const SHADOW = '__rebuild';
const RETIRED = '__retired';
/** How long the switch waits for queries holding the live tables before trying again. */
const SWITCH_LOCK_TIMEOUT_MS = 5000;
const LOCK_NOT_AVAILABLE = '55P03';

export interface RebuildReport {
  readonly projection: string;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** The checkpoint the new tables took over at. */
  readonly position: number;
  readonly generation: number;
  readonly parked: number;
}

export interface RebuildDeps {
  readonly store: EventStore;
  readonly db: ProjectionStore;
  readonly projection: Projection;
  readonly leases: Leases;
  readonly now: () => Date;
  readonly logger?: RunnerLogger;
  readonly batchSize?: number;
  /** Called once the new tables have caught up, before the switch (tests use it to interleave live writes). */
  readonly beforeSwitch?: () => Promise<void>;
}

interface ShadowIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

interface ShadowTable {
  readonly entity: EntityClass;
  readonly live: string;
  readonly shadow: string;
  readonly primaryKeyName: string | undefined;
  readonly indexes: readonly ShadowIndex[];
}

/**
 * Rebuilds one projection from position 0 without taking its queries down: the events go into new tables
 * (`<table>__rebuild`) under a checkpoint of their own while the live tables keep answering and the live runner
 * keeps applying. Once the new tables have caught up with the live checkpoint, one transaction swaps them in
 * and moves the live checkpoint to theirs (with a new generation, so a live runner's next compare-and-set fails
 * and it resumes from there). Parked events of the old tables are replaced by those of the rebuild.
 */
export async function rebuildProjection(deps: RebuildDeps): Promise<RebuildReport> {
  const { db, projection } = deps;
  const name = projection.name;
  const shadowCheckpoint = `${name}${SHADOW}`;
  const lease = await deps.leases.tryAcquire('projection', shadowCheckpoint);
  if (lease === undefined) throw new RebuildInProgressError(name);
  const started = performance.now();
  try {
    const tables = projection.entities.map((entity) => shadowTable(db, entity));
    await createShadowTables(db, tables);
    await db.transaction(() => resetCheckpoint(db, shadowCheckpoint));

    const runner = new ProjectionRunner({
      store: deps.store,
      db,
      projection,
      leases: deps.leases,
      now: deps.now,
      ...(deps.logger === undefined ? {} : { logger: deps.logger }),
      options: { batchSize: deps.batchSize ?? 2000 },
      target: {
        checkpoint: shadowCheckpoint,
        tables: new Map<EntityClass, TableInfo>(
          tables.map((t) => [t.entity, db.tableInfo(t.entity, t.shadow)]),
        ),
      },
    });
    let events = (await runner.catchUp()).events;
    if (db.dialect === 'postgres') await createIndexes(db, tables);
    await deps.beforeSwitch?.();

    for (;;) {
      const reached = runner.status().position;
      const now = deps.now().toISOString();
      let outcome: SwitchOutcome;
      try {
        outcome = await db.transaction(
          () => switchProgram(db, name, shadowCheckpoint, reached, tables, now),
          {
            lockTimeoutMs: SWITCH_LOCK_TIMEOUT_MS,
          },
        );
      } catch (error) {
        // Long-running queries held the tables past the lock timeout: queries go on, the switch tries again.
        if (driverCode(error) !== LOCK_NOT_AVAILABLE) throw error;
        deps.logger?.warn(`rebuild ${name}: tables busy, switching again shortly`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (outcome.switched) {
        db.forgetStatements();
        const seconds = (performance.now() - started) / 1000;
        return {
          projection: name,
          events,
          seconds,
          eventsPerSecond: events / Math.max(seconds, 1e-9),
          position: reached,
          generation: outcome.generation,
          parked: await db.parkedCount(name),
        };
      }
      // The live projection is ahead: follow the log up to where it stands, then try again.
      events += (await runner.catchUp({ until: outcome.livePosition })).events;
    }
  } finally {
    await lease.release();
  }
}

function shadowTable(db: ProjectionStore, entity: EntityClass): ShadowTable {
  const metadata = db.dataSource.getMetadata(entity);
  const live = metadata.tableName;
  return {
    entity,
    live,
    shadow: `${live}${SHADOW}`,
    primaryKeyName: metadata.primaryColumns[0]?.primaryKeyConstraintName,
    indexes: metadata.indices.map((index) => ({
      name: index.name,
      columns: index.columns.map((c) => c.databaseName),
      unique: index.isUnique,
    })),
  };
}

/** Fresh, empty shadow tables with the live tables' columns and primary keys (secondary indexes come later). */
async function createShadowTables(db: ProjectionStore, tables: readonly ShadowTable[]): Promise<void> {
  const runner = db.dataSource.createQueryRunner();
  try {
    for (const t of tables) {
      await runner.query(`DROP TABLE IF EXISTS ${quote(t.shadow)}`);
      const table = Table.create(db.dataSource.getMetadata(t.entity), db.dataSource.driver);
      table.name = t.shadow;
      table.indices = [];
      for (const column of table.columns) {
        // PostgreSQL names the primary key's index, and index names are unique per schema.
        if (column.isPrimary && t.primaryKeyName !== undefined)
          column.primaryKeyConstraintName = `${t.primaryKeyName}${SHADOW}`;
      }
      await runner.createTable(table, false, false, false);
    }
  } finally {
    await runner.release();
  }
}

function createIndexSql(table: string, index: ShadowIndex, name: string): string {
  const columns = index.columns.map(quote).join(', ');
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quote(name)} ON ${quote(table)} (${columns})`;
}

/** PostgreSQL: indexes on the filled shadow tables (faster than maintaining them during the build). */
async function createIndexes(db: ProjectionStore, tables: readonly ShadowTable[]): Promise<void> {
  for (const t of tables) {
    for (const index of t.indexes) {
      await db.transaction(function* () {
        yield* execute(createIndexSql(t.shadow, index, `${index.name}${SHADOW}`));
      });
    }
  }
}

function* resetCheckpoint(db: ProjectionStore, checkpoint: string): SqlProgram<void> {
  yield* execute(`DELETE FROM ${quote(db.checkpointTable)} WHERE "name" = ?`, [checkpoint]);
  yield* execute(`DELETE FROM ${quote(db.parkedTable.table)} WHERE "projection" = ?`, [checkpoint]);
}

type SwitchOutcome =
  | { readonly switched: true; readonly generation: number }
  | { readonly switched: false; readonly livePosition: number };

function* switchProgram(
  db: ProjectionStore,
  name: string,
  shadowCheckpoint: string,
  reached: number,
  tables: readonly ShadowTable[],
  now: string,
): SqlProgram<SwitchOutcome> {
  const checkpoints = quote(db.checkpointTable);
  const parked = quote(db.parkedTable.table);
  // Lock the live checkpoint first, as every batch does: the live runner's next batch waits for this switch.
  const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const [live] = yield* selectRows(
    `SELECT "position", "generation" FROM ${checkpoints} WHERE "name" = ?${lock}`,
    [name],
  );
  const livePosition = Number(live?.position ?? 0);
  const generation = Number(live?.generation ?? 0) + 1;
  if (livePosition > reached) return { switched: false, livePosition };

  for (const t of tables) {
    yield* execute(`ALTER TABLE ${quote(t.live)} RENAME TO ${quote(`${t.live}${RETIRED}`)}`);
    yield* execute(`DROP TABLE ${quote(`${t.live}${RETIRED}`)}`);
    yield* execute(`ALTER TABLE ${quote(t.shadow)} RENAME TO ${quote(t.live)}`);
    if (db.dialect === 'postgres') {
      if (t.primaryKeyName !== undefined) {
        yield* execute(
          `ALTER TABLE ${quote(t.live)} RENAME CONSTRAINT ${quote(`${t.primaryKeyName}${SHADOW}`)} TO ${quote(t.primaryKeyName)}`,
        );
      }
      for (const index of t.indexes) {
        yield* execute(`ALTER INDEX ${quote(`${index.name}${SHADOW}`)} RENAME TO ${quote(index.name)}`);
      }
    } else {
      for (const index of t.indexes) yield* execute(createIndexSql(t.live, index, index.name));
    }
  }
  if (live === undefined) {
    yield* execute(
      `INSERT INTO ${checkpoints} ("name", "position", "generation", "updated_at") VALUES (?, ?, ?, ?)`,
      [name, reached, generation, now],
    );
  } else {
    yield* execute(
      `UPDATE ${checkpoints} SET "position" = ?, "generation" = ?, "updated_at" = ? WHERE "name" = ?`,
      [reached, generation, now, name],
    );
  }
  yield* execute(`DELETE FROM ${parked} WHERE "projection" = ?`, [name]);
  yield* execute(`UPDATE ${parked} SET "projection" = ? WHERE "projection" = ?`, [name, shadowCheckpoint]);
  yield* execute(`DELETE FROM ${checkpoints} WHERE "name" = ?`, [shadowCheckpoint]);
  return { switched: true, generation };
}
