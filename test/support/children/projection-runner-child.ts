/**
 * A separate process running every projection against a SQLite event store and a PostgreSQL read-model schema,
 * as a service instance would (PostgreSQL advisory-lock leases, live subscription). Used by the kill test and
 * the two-runner test. It reports on stdout:
 *   `STATE <projection> <state>`     when a runner changes state (active, standby, failing, …)
 *   `POS <projection> <position>`    after every committed batch
 *
 * argv: <events file> <database url> <schema> <max batch size>
 */
import 'reflect-metadata';
import { SqliteEventStore } from '../../../src/ledger/sqlite/sqlite-event-store';
import { openDataSource } from '../../../src/app/persistence/data-source';
import { PostgresLeases } from '../../../src/platform/workers';
import { ProjectionProgress } from '../../../src/projections/core/projection-progress';
import { ProjectionRunner } from '../../../src/projections/core/projection-runner';
import { ProjectionStore } from '../../../src/projections/core/projection-store';
import { PROJECTIONS } from '../../../src/app/read-models';

const [file, url, schema, maxBatchArg] = process.argv.slice(2);
if (!file || !url || !schema || !maxBatchArg) {
  throw new Error('usage: projection-runner-child <events file> <database url> <schema> <max batch size>');
}
const maxBatch = Number(maxBatchArg);

class ReportingProgress extends ProjectionProgress {
  override notify(name: string, position: number): void {
    process.stdout.write(`POS ${name} ${position}\n`);
    super.notify(name, position);
  }
}

async function main(): Promise<void> {
  const store = new SqliteEventStore(file ?? '', { pollIntervalMs: 20 });
  const dataSource = await openDataSource({ kind: 'postgres', url: url ?? '' }, { schema });
  const db = new ProjectionStore(dataSource);
  const leases = new PostgresLeases(dataSource, { heartbeatMs: 200 });
  const progress = new ReportingProgress(db);
  const runners = PROJECTIONS.map(
    (projection) =>
      new ProjectionRunner({
        store,
        db,
        projection,
        leases,
        now: () => new Date(),
        progress,
        logger: { log: () => undefined, warn: () => undefined, error: (m) => process.stderr.write(`${m}\n`) },
        // Small, varying batches: many commits, so a kill lands anywhere.
        options: {
          batchSize: 1 + Math.floor(Math.random() * maxBatch),
          leaseRetryMs: 50,
          backoffMs: { initial: 20, max: 200 },
        },
      }),
  );
  const states = new Map<string, string>();
  setInterval(() => {
    for (const runner of runners) {
      if (states.get(runner.name) === runner.state) continue;
      states.set(runner.name, runner.state);
      process.stdout.write(`STATE ${runner.name} ${runner.state}\n`);
    }
  }, 5);
  for (const runner of runners) runner.start();
  process.on('SIGTERM', () => {
    void Promise.all(runners.map((r) => r.stop()))
      .then(() => leases.close())
      .then(() => dataSource.destroy())
      .then(() => store.close())
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
