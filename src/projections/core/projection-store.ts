import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { inSharedCommit, sqliteConnectionOf, whenIdle } from '../../shared/sqlite-connection';
import { ProjectionCheckpointEntity } from './checkpoint.entity';
import { ParkedEventEntity } from './parked-event.entity';
import type { EntityClass } from './projection';
import { execute, runAsync, runSync, selectRows, type SqlProgram, StatementCache } from './sql-program';
import { quote, type TableInfo, tableInfo } from './table-info';

export type Dialect = 'postgres' | 'sqlite';

export interface Checkpoint {
  readonly name: string;
  readonly position: number;
  readonly generation: number;
}

/**
 * The projections' access to the read-model database: transactions for batch programs, checkpoints and parked
 * events. On SQLite a transaction runs synchronously on TypeORM's own connection, so no other query of the
 * process can slip into it; on PostgreSQL it holds one pooled connection for its duration.
 */
export class ProjectionStore {
  readonly dialect: Dialect;
  private readonly statements = new StatementCache();

  constructor(readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  tableInfo(entity: EntityClass, table?: string): TableInfo {
    return tableInfo(this.dataSource, entity, table);
  }

  get checkpointTable(): string {
    return this.dataSource.getMetadata(ProjectionCheckpointEntity).tableName;
  }

  get parkedTable(): TableInfo {
    return this.tableInfo(ParkedEventEntity);
  }

  /**
   * Runs `program` in one transaction. `rebuildable` marks a write the ledger can always produce again (a
   * projection batch with its checkpoint): on SQLite its commit is not fsynced (`synchronous = NORMAL` for this
   * one commit, on a connection that is otherwise `FULL`). A crash of the process loses nothing (the write-ahead
   * log is in the operating system's cache); a power loss may lose the last such commits, checkpoint and rows
   * together, and the projection reads those events again. The next durable commit on the file (a data key, a
   * parked delivery) fsyncs the log with everything before it. Such writes requested in the same step (the followers
   * resuming together after the same appends) share one commit, each in its own savepoint (`inSharedCommit`): one
   * that fails rolls back alone.
   */
  async transaction<T>(
    program: () => SqlProgram<T>,
    options: { lockTimeoutMs?: number; rebuildable?: boolean } = {},
  ): Promise<T> {
    if (this.dialect === 'sqlite') {
      // Not inside another feature's open transaction: the batch would commit or roll back with it.
      const db = this.sqlite();
      if (options.rebuildable === true) {
        return inSharedCommit(db, () => runSync(db, program(), this.statements));
      }
      const run = db.transaction(() => runSync(db, program(), this.statements));
      return whenIdle(db, () => run.immediate());
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      if (options.lockTimeoutMs !== undefined) {
        await runner.query(`SET LOCAL lock_timeout = ${String(Math.round(options.lockTimeoutMs))}`);
      }
      const result = await runAsync(runner, program());
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** A read outside any transaction. */
  async read<T>(program: () => SqlProgram<T>): Promise<T> {
    if (this.dialect === 'sqlite') return runSync(this.sqlite(), program(), this.statements);
    const runner = this.dataSource.createQueryRunner();
    try {
      return await runAsync(runner, program());
    } finally {
      await runner.release();
    }
  }

  /** The checkpoint of `name`, created at position 0 when missing. */
  async ensureCheckpoint(name: string, now: string): Promise<Checkpoint> {
    const table = quote(this.checkpointTable);
    return this.transaction(function* () {
      const rows = yield* selectRows(`SELECT "position", "generation" FROM ${table} WHERE "name" = ?`, [
        name,
      ]);
      const [row] = rows;
      if (row !== undefined) {
        return { name, position: Number(row.position), generation: Number(row.generation) };
      }
      yield* execute(
        `INSERT INTO ${table} ("name", "position", "generation", "updated_at") VALUES (?, 0, 0, ?) ` +
          `ON CONFLICT ("name") DO NOTHING`,
        [name, now],
      );
      const again = yield* selectRows(`SELECT "position", "generation" FROM ${table} WHERE "name" = ?`, [
        name,
      ]);
      const [created] = again;
      return {
        name,
        position: Number(created?.position ?? 0),
        generation: Number(created?.generation ?? 0),
      };
    });
  }

  async checkpoint(name: string): Promise<Checkpoint | undefined> {
    const table = quote(this.checkpointTable);
    const rows = await this.read(() =>
      selectRows(`SELECT "position", "generation" FROM ${table} WHERE "name" = ?`, [name]),
    );
    const [row] = rows;
    return row === undefined
      ? undefined
      : { name, position: Number(row.position), generation: Number(row.generation) };
  }

  async parkedCount(name: string): Promise<number> {
    const table = quote(this.parkedTable.table);
    const rows = await this.read(() =>
      selectRows(`SELECT count(*) AS "n" FROM ${table} WHERE "projection" = ?`, [name]),
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** The parked row of an event in a projection, if it is parked there. */
  async parkedEvent(
    name: string,
    position: number,
  ): Promise<{ eventId: string; errorCode: string } | undefined> {
    const table = quote(this.parkedTable.table);
    const rows = await this.read(() =>
      selectRows(
        `SELECT "event_id" AS "eventId", "error_code" AS "errorCode" FROM ${table} WHERE "projection" = ? AND "position" = ?`,
        [name, position],
      ),
    );
    const row = rows[0];
    return row === undefined ? undefined : { eventId: String(row.eventId), errorCode: String(row.errorCode) };
  }

  /** The raw better-sqlite3 connection TypeORM uses. */
  sqlite(): Database {
    const db = sqliteConnectionOf(this.dataSource);
    if (db === undefined) throw new Error('the read-model database is not SQLite');
    return db;
  }

  /** Drops cached SQLite statements (after a rebuild replaced tables under them). */
  forgetStatements(): void {
    this.statements.clear();
  }
}

export { SqliteConnectionBusyError } from '../../shared/sqlite-connection';
