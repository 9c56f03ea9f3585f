import type { AppConfig } from '../platform/config/config';
import { createEventStore } from '../ledger/event-store.factory';
import { openDataSource, readModelDatabase } from '../app/persistence/data-source';
import { createLeases } from '../platform/workers';
import { ProjectionStore } from '../projections/core/projection-store';
import { type RebuildReport, rebuildProjection } from '../projections/core/rebuild';
import { UnknownProjectionError } from '../projections/projection.errors';
import { PROJECTIONS, projectionNamed } from '../app/read-models';

/** The CLI's usage lines for `rebuild`. */
export const REBUILD_USAGE = [
  'rebuild <projection> [--batch-size <n>]',
  '                             rebuild a read model from position 0 into new tables, then switch to them',
  '                             while queries go on; reports events/s. Projections:',
  `                             ${PROJECTIONS.map((p) => p.name).join(', ')}`,
].join('\n');

/**
 * `kyc-ledger rebuild <projection>`: rebuilds while the service keeps answering queries from the old tables, and
 * reports events/s. Safe to run next to running instances (see docs/projections.md).
 */
export async function rebuildCommand(
  config: AppConfig,
  args: readonly string[],
  out: (line: string) => void,
): Promise<RebuildReport> {
  const [name, ...flags] = args;
  const projection = name === undefined ? undefined : projectionNamed(name);
  if (projection === undefined) {
    throw new UnknownProjectionError(
      name ?? '',
      PROJECTIONS.map((p) => p.name),
    );
  }
  const batchFlag = flags.indexOf('--batch-size');
  const batchSize = batchFlag >= 0 ? Number(flags[batchFlag + 1]) : 2000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new RangeError('--batch-size must be an integer from 1 to 100000');
  }
  const store = await createEventStore(config);
  const dataSource = await openDataSource(readModelDatabase(config));
  const db = new ProjectionStore(dataSource);
  const leases = createLeases(dataSource);
  try {
    const head = await store.headPosition();
    out(`rebuilding ${projection.name} from position 0 to ${head} (batches of ${batchSize})`);
    const report = await rebuildProjection({
      store,
      db,
      projection,
      leases,
      now: () => new Date(),
      batchSize,
      logger: { log: out, warn: out, error: out },
    });
    out(
      `rebuilt ${report.projection}: ${report.events} events in ${report.seconds.toFixed(1)} s ` +
        `(${Math.round(report.eventsPerSecond)} events/s); switched at position ${report.position}, ` +
        `generation ${report.generation}, ${report.parked} parked`,
    );
    return report;
  } finally {
    await leases.close();
    await dataSource.destroy();
    await store.close();
  }
}
