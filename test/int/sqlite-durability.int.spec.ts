import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/ledger/sqlite/sqlite-event-store';
import { until } from '../support/poll';

const CHILD = join(__dirname, '../support/children/append-child.ts');

interface ChildRun {
  readonly child: ChildProcess;
  readonly acks: { stream: string; eventId: string; position: number }[];
  readonly errors: string[];
  readonly done: Promise<number | null>;
}

function runChild(args: string[]): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: ChildRun['acks'] = [];
  const errors: string[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const [kind, a, b, c] = line.split(' ');
      if (kind === 'ACK' && a && b && c) acks.push({ stream: a, eventId: b, position: Number(c) });
      if (kind === 'ERR') errors.push(line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    errors.push(chunk.toString('utf8'));
  });
  const done = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      resolve(code);
    });
  });
  return { child, acks, errors, done };
}

describe('SQLite event store across processes', () => {
  let dir: string;
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged append when the writer is killed (SIGKILL) mid-stream', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-kill-'));
    const file = join(dir, 'events.sqlite');
    const acknowledged: ChildRun['acks'] = [];
    for (let round = 0; round < 5; round += 1) {
      const run = runChild([file, 'own-streams', '100000', '8', `r${round}`]);
      const target = 50 + Math.floor(Math.random() * 400);
      await until(() => run.acks.length >= target, `${target} acknowledged appends`, {
        timeoutMs: 20_000,
        intervalMs: 10,
      });
      run.child.kill('SIGKILL');
      await run.done;
      acknowledged.push(...run.acks);
    }
    const store = new SqliteEventStore(file);
    try {
      const all = await store.readAll();
      const stored = new Set(all.map((e) => e.eventId));
      const lost = acknowledged.filter((a) => !stored.has(a.eventId));
      expect(lost).toEqual([]);
      for (let i = 1; i < all.length; i += 1) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      // The store still takes appends after the crashes.
      await expect(
        store.append(
          'kyc-subject-after_crash',
          [{ eventId: crypto.randomUUID(), type: 'X', data: {}, metadata: {} }],
          'no_stream',
        ),
      ).resolves.toMatchObject({ nextRevision: 0 });
    } finally {
      await store.close();
    }
  }, 120_000);

  it('serialises two processes appending to the same stream without a busy error reaching either', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-multi-'));
    const file = join(dir, 'events.sqlite');
    new SqliteEventStore(file).close().catch(() => undefined);
    const runs = [
      runChild([file, 'shared-stream', '400', '8', 'a']),
      runChild([file, 'shared-stream', '400', '8', 'b']),
    ];
    const codes = await Promise.all(runs.map((r) => r.done));
    expect(codes).toEqual([0, 0]);
    expect(runs.flatMap((r) => r.errors)).toEqual([]);
    const store = new SqliteEventStore(file);
    try {
      const events = await store.readStream('kyc-subject-shared');
      expect(events).toHaveLength(800);
      expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 800 }, (_, i) => i));
      const acked = new Set(runs.flatMap((r) => r.acks.map((a) => a.eventId)));
      expect(new Set(events.map((e) => e.eventId))).toEqual(acked);
    } finally {
      await store.close();
    }
  }, 120_000);
});
