import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '../src/ledger/event-store.port';
import { SqliteEventStore } from '../src/ledger/sqlite/sqlite-event-store';
import { measure, report, reportRun } from './lib';
import { rawSqliteOneTransactionEach, sampleEvent, streamOf } from './peers';

/** How many appends each scenario makes; `BENCH_SCALE` scales them for a quick or a long run. */
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const N = Math.max(100, Math.round(5000 * SCALE));

/** Appends through a store: single events to many new streams, 10-event batches, and 1/8/64 concurrent writers. */
async function benchStore(
  prefix: string,
  store: EventStore,
  n: number,
  commits?: () => { commits: number; appends: number },
): Promise<number> {
  let base = 0;
  const fresh = (): number => (base += n * 2);

  // Warm-up: statement caches, JIT, the gRPC channel.
  const warm = fresh();
  await measure(Math.min(500, n), 8, (i) => store.append(streamOf(warm + i), [sampleEvent(i)], 'no_stream'));

  const single = fresh();
  reportRun(
    `${prefix}.single_event_many_streams.c1`,
    await measure(n, 1, (i) => store.append(streamOf(single + i), [sampleEvent(i)], 'no_stream')),
  );

  const batch = fresh();
  const batches = await measure(Math.max(20, Math.round(n / 10)), 1, (i) =>
    store.append(
      streamOf(batch + i),
      Array.from({ length: 10 }, (_, k) => sampleEvent(k)),
      'no_stream',
    ),
  );
  reportRun(`${prefix}.batch10.c1`, batches);
  report(`${prefix}.batch10.c1.events`, batches.opsPerSecond * 10, 'events/s');

  let c1 = 0;
  for (const concurrency of [1, 8, 64]) {
    const start = fresh();
    const before = commits?.();
    const figures = await measure(n, concurrency, (i) =>
      store.append(streamOf(start + i), [sampleEvent(i)], 'no_stream'),
    );
    reportRun(`${prefix}.single_event.c${concurrency}`, figures);
    const after = commits?.();
    if (before && after) {
      const perCommit = (after.appends - before.appends) / Math.max(1, after.commits - before.commits);
      report(`${prefix}.single_event.c${concurrency}.appends_per_commit`, perCommit, 'appends/commit');
    }
    if (concurrency === 1) c1 = figures.opsPerSecond;
  }
  return c1;
}

/** The raw limit: plain better-sqlite3 inserts of the same rows, same pragmas, one transaction per append. */
function benchRawSqlite(file: string, n: number): number {
  const perSecond = rawSqliteOneTransactionEach(file, n).opsPerSecond;
  report('append.raw_sqlite.single_event.c1.throughput', perSecond, 'appends/s');
  return perSecond;
}

export async function benchAppend(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-'));
  try {
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const adapterC1 = await benchStore('append.sqlite', store, N, () => ({ ...store.stats }));
    await store.close();
    const raw = benchRawSqlite(join(dir, 'raw.sqlite'), N);
    report('append.sqlite_vs_raw.c1.ratio', adapterC1 / raw, 'x');

    const { startEsdbStandIn } = await import('../test/support/esdb-standin/esdb-standin');
    const { EventStoreDbEventStore } = await import('../src/ledger/eventstoredb/eventstoredb-event-store');
    const standIn = await startEsdbStandIn();
    const esdb = new EventStoreDbEventStore(standIn.connectionString);
    try {
      await benchStore('append.esdb_standin_grpc', esdb, Math.max(100, Math.round(N / 2)));
    } finally {
      await esdb.close();
      await standIn.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
