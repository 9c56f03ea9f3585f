import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../../src/app/persistence/data-source';

/** A migrated PostgreSQL data source in a schema of its own, dropped again by `drop()`. */
export async function postgresSchema(
  url: string,
): Promise<{ dataSource: DataSource; schema: string; drop(): Promise<void> }> {
  const schema = `kyc_test_${randomBytes(6).toString('hex')}`;
  const dataSource = await openDataSource({ kind: 'postgres', url }, { schema });
  return {
    dataSource,
    schema,
    drop: async () => {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}

/** A new, empty database on the same server (for tests that run the whole app against PostgreSQL). */
export async function freshDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { Client } = await import('pg');
  const name = `kyc_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
