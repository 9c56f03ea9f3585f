import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { setCacheMib } from '../../shared/sqlite-connection';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export type ReadModelDatabase =
  | {
      kind: 'sqlite';
      file: string;
      /** SQLite's page cache in MiB (default: the driver's). */
      cacheMib?: number;
    }
  | { kind: 'postgres'; url: string };

export function readModelDatabase(config: {
  databaseUrl?: string | undefined;
  dataDir: string;
  sqliteCacheMib?: number;
}): ReadModelDatabase {
  if (config.databaseUrl) return { kind: 'postgres', url: config.databaseUrl };
  const file = join(config.dataDir, 'readmodels.sqlite');
  return config.sqliteCacheMib === undefined
    ? { kind: 'sqlite', file }
    : { kind: 'sqlite', file, cacheMib: config.sqliteCacheMib };
}

/**
 * The read-model and key-store database: PostgreSQL in production, a SQLite file (separate from the event
 * store file) in the embedded profile. Migrations run at start-up.
 */
export function createDataSource(db: ReadModelDatabase, options: { schema?: string } = {}): DataSource {
  if (db.kind === 'postgres') {
    return new DataSource({
      type: 'postgres',
      url: db.url,
      schema: options.schema,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      migrationsRun: false,
      synchronize: false,
      logging: false,
      // search_path too, so raw SQL of repositories lands in the same schema as the entities.
      extra: { max: 10, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) },
    });
  }
  if (db.file !== ':memory:') mkdirSync(join(db.file, '..'), { recursive: true });
  const { cacheMib } = db;
  return new DataSource({
    type: 'better-sqlite3',
    database: db.file,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    prepareDatabase: (database: { pragma(source: string): unknown }) => {
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = FULL');
      database.pragma('busy_timeout = 5000');
      if (cacheMib !== undefined) setCacheMib(database, cacheMib);
      // This file holds the data keys: a destroyed key's bytes must not linger in the freed space of its page
      // or in free pages (docs/privacy.md, "What destruction reaches").
      database.pragma('secure_delete = ON');
    },
  });
}

export async function openDataSource(
  db: ReadModelDatabase,
  options: { schema?: string } = {},
): Promise<DataSource> {
  const dataSource = createDataSource(db, options);
  await dataSource.initialize();
  if (db.kind === 'postgres') {
    // Instances started together on a new database (an API scaled out beside its workers) migrate one after
    // the other: each runs only what the ones before it left to do.
    const lock = dataSource.createQueryRunner();
    await lock.connect();
    const key = `kyc-ledger/migrations/${options.schema ?? 'public'}`;
    try {
      await lock.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      if (options.schema) {
        await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replaceAll('"', '')}"`);
      }
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
      await lock.release();
    }
    return dataSource;
  }
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
