import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger';
import { SqliteEventStore } from '../../src/ledger/sqlite/sqlite-event-store';
import { openDataSource } from '../../src/app/persistence/data-source';
import { VerificationStatusEntity } from '../../src/verification/verification-status.entity';
import { writeHistory } from '../support/projection-fixtures';
import { checkpoints } from '../support/projection-harness';

const CLI = join(__dirname, '../../src/cli/main.ts');

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, DATABASE_URL: '', EVENTSTORE_CONNECTION_STRING: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('exit', (code) => {
      resolve({ code, out, err });
    });
  });
}

describe('kyc-ledger rebuild', () => {
  let dir: string;
  let events: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-cli-rebuild-'));
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    events = (await writeHistory(new Ledger(store, undefined), { subjects: 40, seed: 71 })).events;
    await store.close();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds a projection from position 0, switches to it and reports events per second', async () => {
    const run = await cli(['rebuild', 'verification_status', '--batch-size', '50'], { LEDGER_DATA_DIR: dir });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      new RegExp(
        `rebuilt verification_status: ${events} events in [0-9.]+ s \\(\\d+ events/s\\); switched at position ${events}, generation 1, 0 parked`,
      ),
    );
    const dataSource = await openDataSource({ kind: 'sqlite', file: join(dir, 'readmodels.sqlite') });
    try {
      expect(await dataSource.getRepository(VerificationStatusEntity).count()).toBe(40);
      expect(await checkpoints(dataSource)).toEqual({ verification_status: events });
    } finally {
      await dataSource.destroy();
    }
  }, 60_000);

  it('names the projections it knows when asked for another', async () => {
    const run = await cli(['rebuild', 'nonsense'], { LEDGER_DATA_DIR: dir });
    expect(run.code).toBe(2);
    expect(run.err).toContain('unknown projection "nonsense"; known: verification_status, audit_timeline');
  }, 60_000);
});
