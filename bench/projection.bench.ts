import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Ledger } from '../src/ledger/ledger';
import { SqliteEventStore } from '../src/ledger/sqlite/sqlite-event-store';
import type * as AppFactory from '../src/app/app.factory';
import type * as Config from '../src/platform/config/config';
import type * as Secrets from '../src/platform/config/embedded-secrets';
import type * as SqliteStore from '../src/ledger/sqlite/sqlite-event-store';
import type * as DataSources from '../src/app/persistence/data-source';
import type * as Leases from '../src/platform/workers';
import type * as Progress from '../src/projections/core/projection-progress';
import type * as Runners from '../src/projections/core/projection-runner';
import type * as Stores from '../src/projections/core/projection-store';
import type * as Rebuilds from '../src/projections/core/rebuild';
import type * as ReadModels from '../src/app/read-models';
import { writeHistory } from '../test/support/projection-fixtures';
import { percentile, report } from './lib';

/*
 * Projections into PostgreSQL (needs DATABASE_URL; skipped with a note otherwise):
 * - catch-up: a log of ≥ 200,000 realistic events (BENCH_SCALE scales it) in the embedded SQLite event store,
 *   read models built from position 0 by a starting service (the four runners at once) and by the rebuild
 *   command (one projection at a time);
 * - lag: commands at a steady rate over HTTP against the compiled app, and for each command the time from its
 *   acknowledgement to each projection committing its position (what X-Min-Position waits for).
 * The projection code is the compiled one (`dist/`), as the service runs it.
 */

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const CATCH_UP_EVENTS = Math.max(20_000, Math.round(200_000 * SCALE));
const LAG_SECONDS = Math.max(5, Math.round(20 * SCALE));
const JOURNEYS_PER_SECOND = 20;

/* eslint-disable @typescript-eslint/no-require-imports -- the compiled service, loaded at run time */
const compiled = {
  dataSource: (): typeof DataSources => require('../dist/app/persistence/data-source') as typeof DataSources,
  leases: (): typeof Leases => require('../dist/platform/workers') as typeof Leases,
  progress: (): typeof Progress => require('../dist/projections/core/projection-progress') as typeof Progress,
  runner: (): typeof Runners => require('../dist/projections/core/projection-runner') as typeof Runners,
  store: (): typeof Stores => require('../dist/projections/core/projection-store') as typeof Stores,
  rebuild: (): typeof Rebuilds => require('../dist/projections/core/rebuild') as typeof Rebuilds,
  readModels: (): typeof ReadModels => require('../dist/app/read-models') as typeof ReadModels,
  app: (): typeof AppFactory => require('../dist/app/app.factory') as typeof AppFactory,
  config: (): typeof Config => require('../dist/platform/config/config') as typeof Config,
  secrets: (): typeof Secrets => require('../dist/platform/config/embedded-secrets') as typeof Secrets,
  eventStore: (): typeof SqliteStore =>
    require('../dist/ledger/sqlite/sqlite-event-store') as typeof SqliteStore,
};
/* eslint-enable @typescript-eslint/no-require-imports */

export async function benchProjection(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    process.stderr.write(
      '# projection: DATABASE_URL is not set; the PostgreSQL projection benchmarks are skipped\n',
    );
    return;
  }
  // BENCH_PROJECTION=catchup or =lag runs one half.
  const parts = (process.env.BENCH_PROJECTION ?? 'catchup,lag').split(',');
  if (parts.includes('catchup')) await benchCatchUp(url);
  if (parts.includes('lag')) await benchLag(url);
}

/** A new, empty database on the server, dropped afterwards. */
async function withDatabase<T>(url: string, use: (databaseUrl: string) => Promise<T>): Promise<T> {
  const name = `kyc_bench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  try {
    return await use(target.toString());
  } finally {
    const cleanup = new Client({ connectionString: url });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await cleanup.end();
  }
}

async function benchCatchUp(url: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-projection-'));
  const file = join(dir, 'events.sqlite');
  try {
    const writer = new SqliteEventStore(file, { synchronous: 'normal' });
    const ledger = new Ledger(writer, undefined);
    let events = 0;
    for (let round = 0; events < CATCH_UP_EVENTS; round += 1) {
      const subjects = Math.ceil((CATCH_UP_EVENTS - events) / 8.5) + 10;
      events += (
        await writeHistory(ledger, { subjects, seed: 1000 + round, prefix: `b${round}`, concurrency: 64 })
      ).events;
    }
    await writer.close();
    process.stderr.write(`# projection: ${events} events in the log\n`);
    report('projection.catchup.log_events', events, 'events');

    const { openDataSource } = compiled.dataSource();
    const { PostgresLeases } = compiled.leases();
    const { ProjectionRunner } = compiled.runner();
    const { ProjectionStore } = compiled.store();
    const { rebuildProjection } = compiled.rebuild();
    const { PROJECTIONS } = compiled.readModels();
    const { SqliteEventStore: CompiledStore } = compiled.eventStore();

    // A service starting on an empty read-model database: four runners follow the log at once.
    await withDatabase(url, async (databaseUrl) => {
      const store = new CompiledStore(file);
      const dataSource = await openDataSource({ kind: 'postgres', url: databaseUrl });
      const db = new ProjectionStore(dataSource);
      const leases = new PostgresLeases(dataSource);
      const head = await store.headPosition();
      const runners = PROJECTIONS.map(
        (projection) => new ProjectionRunner({ store, db, projection, leases, now: () => new Date() }),
      );
      const started = performance.now();
      for (const runner of runners) runner.start();
      while (runners.some((r) => r.status().position < head)) await new Promise((r) => setTimeout(r, 20));
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(runners.map((r) => r.stop()));
      await leases.close();
      report('projection.catchup.pg.service_start', events / seconds, 'events/s');
      // How often a projection found its block of the log already read by another (HistoryBlocks).
      const { reads, hits, waits } = store.history.stats;
      report(
        'projection.catchup.pg.service_start.shared_block_hits',
        hits / Math.max(1, reads + hits),
        'ratio',
      );
      // 10 ms waits of projections held back for slower ones (HistoryBlocks.pace).
      report('projection.catchup.pg.service_start.pacing_waits', waits, 'waits');
      process.stderr.write(`# projection: four read models from 0 in ${seconds.toFixed(1)} s\n`);

      // The rebuild command, one projection at a time, into new tables next to the ones just built.
      for (const projection of PROJECTIONS) {
        const rebuildLeases = new PostgresLeases(dataSource);
        const result = await rebuildProjection({
          store,
          db,
          projection,
          leases: rebuildLeases,
          now: () => new Date(),
        });
        await rebuildLeases.close();
        report(`projection.catchup.pg.rebuild.${projection.name}`, result.eventsPerSecond, 'events/s');
      }
      await dataSource.destroy();
      await store.close();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CLEAR = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];

async function benchLag(url: string): Promise<void> {
  await withDatabase(url, async (databaseUrl) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-lag-'));
    const key = `bench_${randomBytes(16).toString('hex')}`;
    const { config } = compiled.secrets().withEmbeddedSecrets(
      compiled.config().loadConfig({
        LEDGER_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        LEDGER_API_KEYS: JSON.stringify([{ key, principal: 'bench', roles: ['operator'] }]),
        POLICY_DIR: join(__dirname, '../policies'),
        LEDGER_RATE_LIMIT_PER_MINUTE: '1000000',
        LOG_LEVEL: 'error',
      }),
    );
    const app = await compiled.app().createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    const port = ((app.getHttpServer() as Server).address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}`;
    const progress = app.get(compiled.progress().ProjectionProgress);
    const names = compiled.readModels().PROJECTIONS.map((p) => p.name);
    const lags = new Map<string, number[]>(names.map((n) => [n, []]));
    const waits: Promise<void>[] = [];
    let commands = 0;
    // The first failure of any journey or wait; kept, not thrown, so no rejection goes unhandled meanwhile.
    let failure: Error | undefined;

    const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      const acknowledged = performance.now();
      commands += 1;
      const position = Number(json.position);
      for (const name of names) {
        waits.push(
          progress.waitFor(name, position, 30_000).then((result) => {
            if (!result.reached) failure ??= new Error(`${name} did not reach ${position}`);
            lags.get(name)?.push(performance.now() - acknowledged);
          }),
        );
      }
      return json;
    };

    const journey = async (): Promise<void> => {
      const subjectId = `lag_${randomUUID().slice(0, 12)}`;
      await post(`/v1/subjects/${subjectId}/consents`, {
        scopes: ['identity_verification'],
        noticeVersion: '2026-01',
        locale: 'de-DE',
        channel: 'web',
      });
      const started = await post('/v1/verifications', { subjectId, jurisdiction: 'DE', segment: 'retail' });
      const id = started.sessionId as string;
      await post(`/v1/verifications/${id}/capture`, { channel: 'web', deviceClass: 'desktop' });
      await post(`/v1/verifications/${id}/evidence`, {
        kind: 'document',
        documentType: 'passport',
        issuingCountry: 'DE',
        vendor: 'onfido',
        vendorReference: `chk_${id.slice(0, 8)}`,
      });
      await post(`/v1/verifications/${id}/vendor-results`, {
        vendor: 'onfido',
        vendorEventId: `evt_${id}`,
        vendorCreatedAt: new Date().toISOString(),
        checks: CLEAR,
      });
    };

    try {
      // Open loop: a new journey every 1/rate seconds, whether or not earlier ones have finished.
      const running: Promise<void>[] = [];
      const total = LAG_SECONDS * JOURNEYS_PER_SECOND;
      const t0 = performance.now();
      for (let i = 0; i < total; i += 1) {
        const due = t0 + (i * 1000) / JOURNEYS_PER_SECOND;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        running.push(
          journey().catch((error: unknown) => {
            failure ??= error instanceof Error ? error : new Error('a journey failed');
          }),
        );
      }
      await Promise.all(running);
      const seconds = (performance.now() - t0) / 1000;
      await Promise.all(waits);
      if (failure !== undefined) throw failure;
      report('projection.lag.load', commands / seconds, 'commands/s');
      for (const [name, values] of lags) {
        values.sort((a, b) => a - b);
        report(`projection.lag.pg.${name}.p50`, percentile(values, 50), 'ms');
        report(`projection.lag.pg.${name}.p99`, percentile(values, 99), 'ms');
      }
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
