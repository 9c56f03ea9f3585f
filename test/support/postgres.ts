import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../../src/persistence/data-source';

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
