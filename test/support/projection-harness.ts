import type { DataSource } from 'typeorm';
import { IDENTITY_INDEX_CHECKPOINT } from '../../src/ledger/crypto/identity-index';
import type { EventStore } from '../../src/ledger/event-store.port';
import { LocalLeases } from '../../src/platform/workers';
import type { EntityClass, Projection } from '../../src/projections/core/projection';
import { ProjectionRunner, type RunnerOptions } from '../../src/projections/core/projection-runner';
import { ProjectionStore } from '../../src/projections/core/projection-store';
import { quote } from '../../src/projections/core/table-info';
import { ENTITIES } from '../../src/projections/persistence';
import { PROJECTIONS } from '../../src/app/read-models';

/** Runs every projection (or the given ones) from its checkpoint to the head of the log, once. */
export async function projectAll(
  store: EventStore,
  dataSource: DataSource,
  options: RunnerOptions & { projections?: readonly Projection[] } = {},
): Promise<Record<string, number>> {
  const db = new ProjectionStore(dataSource);
  const leases = new LocalLeases();
  const applied: Record<string, number> = {};
  for (const projection of options.projections ?? PROJECTIONS) {
    const runner = new ProjectionRunner({ store, db, projection, leases, now: () => new Date(), options });
    applied[projection.name] = (await runner.catchUp()).events;
  }
  return applied;
}

/** Every row of a projection's tables, ordered by primary key: for comparing read models. */
export async function dumpProjection(
  dataSource: DataSource,
  projection: Projection,
): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const entity of projection.entities)
    dump[dataSource.getMetadata(entity).tableName] = await rows(dataSource, entity);
  return dump;
}

export async function dumpAll(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const projection of PROJECTIONS) Object.assign(dump, await dumpProjection(dataSource, projection));
  return dump;
}

async function rows(dataSource: DataSource, entity: EntityClass): Promise<unknown[]> {
  const metadata = dataSource.getMetadata(entity);
  const order = Object.fromEntries(metadata.primaryColumns.map((c) => [c.propertyName, 'ASC' as const]));
  return dataSource.getRepository(entity).find({ order });
}

/** Checkpoint positions by projection name. */
export async function checkpoints(dataSource: DataSource): Promise<Record<string, number>> {
  // The projections' checkpoints; the identity index follower keeps its own in the same table.
  const rowsFound = await dataSource.query<{ name: string; position: string | number }[]>(
    `SELECT "name", "position" FROM ${quote('projection_checkpoints')} WHERE "name" <> '${IDENTITY_INDEX_CHECKPOINT}'`,
  );
  return Object.fromEntries(rowsFound.map((r) => [r.name, Number(r.position)]));
}

/**
 * The statements TypeORM would run to make the projections' tables match their entities: none, when the
 * migrations (and any rebuild's switch) left them exactly as declared.
 */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const tables = ENTITIES.map((entity) => dataSource.getMetadata(entity).tableName);
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries
    .map((q) => q.query)
    .filter((sql) => tables.some((table) => sql.includes(`"${table}"`)));
}
