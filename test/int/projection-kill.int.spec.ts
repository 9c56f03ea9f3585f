import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger';
import { SqliteEventStore } from '../../src/ledger/sqlite/sqlite-event-store';
import { ParkedEventEntity } from '../../src/projections/core/parked-event.entity';
import { PROJECTIONS } from '../../src/app/read-models';
import { postgresSchema } from '../support/postgres';
import { writeHistory } from '../support/projection-fixtures';
import { checkpoints, dumpAll, projectAll } from '../support/projection-harness';
import { describeWithService } from '../support/services';
import { until } from '../support/poll';

const CHILD = join(__dirname, '../support/children/projection-runner-child.ts');
const NAMES = PROJECTIONS.map((p) => p.name);

interface Child {
  readonly process: ChildProcess;
  readonly positions: Map<string, number>;
  readonly states: Map<string, string>;
  /** Every projection this process committed a batch of, after it first became active. */
  readonly applied: Set<string>;
  readonly stderr: string[];
  readonly exited: Promise<void>;
}

function spawnRunner(file: string, url: string, schema: string, maxBatch: number): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, url, schema, String(maxBatch)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const positions = new Map<string, number>();
  const states = new Map<string, string>();
  const applied = new Set<string>();
  const stderr: string[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const [kind, name, value] = line.split(' ');
      if (name === undefined || value === undefined) continue;
      if (kind === 'STATE') states.set(name, value);
      if (kind === 'POS') {
        if (positions.has(name) && Number(value) > (positions.get(name) ?? 0)) applied.add(name);
        positions.set(name, Number(value));
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      resolve();
    }),
  );
  return { process: child, positions, states, applied, stderr, exited };
}

async function kill(child: Child): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

describeWithService('DATABASE_URL', 'projections on PostgreSQL across process crashes', (url) => {
  let dir: string;
  let store: SqliteEventStore;
  let ledger: Ledger;
  let file: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kyc-projection-kill-'));
    file = join(dir, 'events.sqlite');
    store = new SqliteEventStore(file, { synchronous: 'normal' });
    ledger = new Ledger(store, undefined);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The read models a single clean run produces over the same events, in a schema of their own. */
  async function cleanBuild(): Promise<Record<string, unknown[]>> {
    const clean = await postgresSchema(url);
    try {
      await projectAll(store, clean.dataSource, { batchSize: 1000 });
      return await dumpAll(clean.dataSource);
    } finally {
      await clean.drop();
    }
  }

  async function expectIdenticalToCleanBuild(dataSource: DataSource): Promise<void> {
    const head = await store.headPosition();
    expect(await checkpoints(dataSource)).toEqual(Object.fromEntries(NAMES.map((n) => [n, head])));
    expect(await dataSource.getRepository(ParkedEventEntity).count()).toBe(0);
    const actual = await dumpAll(dataSource);
    const expected = await cleanBuild();
    for (const table of Object.keys(expected)) {
      expect(actual[table]?.length, table).toBe(expected[table]?.length);
      expect(actual[table], table).toEqual(expected[table]);
    }
  }

  it('ends identical to a clean rebuild after SIGKILLs at random points, many times', async () => {
    const history = await writeHistory(ledger, { subjects: 1000, seed: 31, concurrency: 16 });
    expect(history.events).toBeGreaterThan(8000);
    const target = await postgresSchema(url);
    try {
      let kills = 0;
      let interrupted = 0;
      // At least 20 kills, and more until 10 of them hit a runner mid-work (a loaded machine idles more often).
      for (let round = 0; round < 20 || (interrupted < 10 && round < 60); round += 1) {
        const child = spawnRunner(file, url, target.schema, 20);
        await until(() => NAMES.some((n) => child.states.get(n) === 'active'), 'a runner active', {
          timeoutMs: 20_000,
          intervalMs: 10,
        });
        const before = NAMES.map((n) => child.positions.get(n) ?? 0);
        // In odd rounds the log grows while the child runs: it is killed catching up or following live.
        const growing =
          round % 2 === 1
            ? writeHistory(ledger, { subjects: 40, seed: 100 + round, prefix: `r${round}` })
            : undefined;
        await new Promise((r) => setTimeout(r, 30 + Math.floor(Math.random() * 600)));
        const head = await store.headPosition();
        await kill(child);
        await growing;
        kills += 1;
        const moved = NAMES.some((n, i) => (child.positions.get(n) ?? 0) > (before[i] ?? 0));
        const unfinished = NAMES.some((n) => (child.positions.get(n) ?? 0) < head);
        if (moved && unfinished) interrupted += 1;
        expect(child.stderr.join('')).toBe('');
      }
      expect(kills).toBeGreaterThanOrEqual(20);
      // Most kills hit a runner in the middle of its work, not an idle one.
      expect(interrupted).toBeGreaterThanOrEqual(10);

      const last = spawnRunner(file, url, target.schema, 40);
      const head = await store.headPosition();
      await until(() => NAMES.every((n) => last.positions.get(n) === head), 'every projection at the head', {
        timeoutMs: 60_000,
        intervalMs: 10,
      });
      await kill(last);
      await expectIdenticalToCleanBuild(target.dataSource);
    } finally {
      await target.drop();
    }
  }, 240_000);

  it('lets one of two instances apply each projection, and the other take over when it is killed', async () => {
    const target = await postgresSchema(url);
    const a = spawnRunner(file, url, target.schema, 3);
    const b = spawnRunner(file, url, target.schema, 3);
    try {
      const settled = (): boolean =>
        NAMES.every((n) => [a, b].filter((c) => c.states.get(n) === 'active').length === 1) &&
        NAMES.every((n) => [a, b].some((c) => c.states.get(n) === 'standby'));
      await until(settled, 'one active and one standby runner per projection', {
        timeoutMs: 20_000,
        intervalMs: 10,
      });
      const holderOf = (n: (typeof NAMES)[number]): typeof a => (a.states.get(n) === 'active' ? a : b);
      const headNow = await store.headPosition();
      await until(
        () => NAMES.every((n) => holderOf(n).applied.has(n) || holderOf(n).positions.get(n) === headNow),
        'each holder applied its projection',
        { timeoutMs: 30_000, intervalMs: 10 },
      );
      // Only the holder of a projection's lease has committed batches of it.
      for (const n of NAMES) {
        const holder = a.states.get(n) === 'active' ? a : b;
        const other = holder === a ? b : a;
        expect(other.applied.has(n), n).toBe(false);
        expect(holder.applied.has(n) || holder.positions.get(n) === (await store.headPosition()), n).toBe(
          true,
        );
      }

      const victim = NAMES.filter((n) => a.states.get(n) === 'active').length >= 2 ? a : b;
      const survivor = victim === a ? b : a;
      const victimOwned = NAMES.filter((n) => victim.states.get(n) === 'active');
      await kill(victim);
      await writeHistory(ledger, { subjects: 20, seed: 41, prefix: 'takeover' });
      const head = await store.headPosition();
      await until(() => NAMES.every((n) => survivor.states.get(n) === 'active'), 'survivor active', {
        timeoutMs: 20_000,
        intervalMs: 10,
      });
      await until(() => NAMES.every((n) => survivor.positions.get(n) === head), 'survivor at the head', {
        timeoutMs: 60_000,
        intervalMs: 10,
      });
      for (const n of victimOwned) expect(survivor.applied.has(n), n).toBe(true);
      await kill(survivor);
      await expectIdenticalToCleanBuild(target.dataSource);
      expect([...a.stderr, ...b.stderr].join('')).toBe('');
    } finally {
      await Promise.all([a, b].map((c) => (c.process.exitCode === null ? kill(c) : Promise.resolve())));
      await target.drop();
    }
  }, 180_000);
});
