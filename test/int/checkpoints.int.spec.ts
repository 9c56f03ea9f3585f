import { generateKeyPairSync } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkpointer } from '../../src/audit/checkpointer';
import { verifyCheckpoints } from '../../src/audit/checkpoint-verifier';
import type { AppConfig } from '../../src/platform/config/config';
import { Ledger } from '../../src/ledger/ledger';
import { subjectStream } from '../../src/ledger/stream-names';
import { HealthRegistry } from '../../src/platform/observability/health-registry';
import { WorkerSupervisor } from '../../src/platform/workers';
import { MetricsRegistry } from '../../src/platform/observability/metrics';
import { ManualClock } from '../../src/shared/clock';
import { tempLedger, testActor, type TempLedger } from '../support/temp-ledger';

describe(Checkpointer.name, () => {
  let t: TempLedger;
  let checkpointer: Checkpointer;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const clock = new ManualClock(new Date('2026-11-26T10:00:00Z'));

  beforeEach(async () => {
    t = await tempLedger();
    const config = {
      signingKey: privateKey,
      checkpointEveryEvents: 5,
      checkpointIntervalMs: 60_000,
    } as AppConfig;
    const ledger = new Ledger(t.store, t.cipher, () => clock.now());
    checkpointer = new Checkpointer(
      t.store,
      ledger,
      t.dataSource,
      config,
      clock,
      new WorkerSupervisor(new HealthRegistry(), new MetricsRegistry()),
      new MetricsRegistry(),
    );
    for (let i = 0; i < 12; i += 1) {
      await ledger.append(subjectStream(`s${i % 3}`), [{ type: 'ConsentGranted', data: { i } }], 'any', {
        actor: testActor,
        correlationId: `c${i}`,
      });
    }
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function signAll(): Promise<number> {
    let count = 0;
    while (await checkpointer.tick()) count += 1;
    return count;
  }

  it('signs full checkpoints by count and waits with a partial one until it is due by time', async () => {
    expect(await signAll()).toBe(2);
    const latest = await checkpointer.latest();
    expect(latest?.checkpoint.statement).toMatchObject({
      sequence: 2,
      fromPosition: 5,
      toPosition: 10,
      treeSize: 5,
    });
    clock.advance(61_000);
    expect(await signAll()).toBe(1);
    expect((await checkpointer.latest())?.checkpoint.statement).toMatchObject({
      sequence: 3,
      fromPosition: 10,
    });
    // Only checkpoint events wait now: nothing is due, however long it waits.
    clock.advance(3_600_000);
    expect(await signAll()).toBe(0);
    expect(await verifyCheckpoints(t.store, publicKey)).toMatchObject({ ok: true, checkpointsChecked: 3 });
  });

  it('refuses a checkpoint signed by a key the auditor does not trust', async () => {
    await signAll();
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(await verifyCheckpoints(t.store, other)).toMatchObject({
      ok: false,
      failure: { sequence: 1, reason: 'unknown_key' },
    });
  });

  it('finds a deleted event at the checkpoint that covered it', async () => {
    await signAll();
    const db = new Database(t.eventsFile);
    db.exec('DROP TRIGGER IF EXISTS events_are_immutable_delete');
    db.prepare('DELETE FROM events WHERE position = 7').run();
    db.close();
    expect(await verifyCheckpoints(t.store)).toMatchObject({
      ok: false,
      checkpointsChecked: 1,
      failure: { sequence: 2, reason: 'size_mismatch' },
    });
  });

  it('finds a rewritten event hash at the checkpoint whose root it changes', async () => {
    await signAll();
    const db = new Database(t.eventsFile);
    db.exec('DROP TRIGGER IF EXISTS events_are_immutable_update');
    db.prepare("UPDATE events SET metadata = json_set(metadata, '$.hash', ?) WHERE position = 3").run(
      'ab'.repeat(32),
    );
    db.close();
    expect(await verifyCheckpoints(t.store)).toMatchObject({
      ok: false,
      failure: { sequence: 1, reason: 'root_mismatch' },
    });
  });
});
