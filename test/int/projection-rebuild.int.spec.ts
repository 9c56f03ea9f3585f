import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verificationStream } from '../../src/ledger/stream-names';
import { LocalLeases } from '../../src/platform/workers';
import { ParkedEventEntity } from '../../src/projections/core/parked-event.entity';
import { ProjectionRunner } from '../../src/projections/core/projection-runner';
import { ProjectionStore } from '../../src/projections/core/projection-store';
import { rebuildProjection } from '../../src/projections/core/rebuild';
import { RebuildInProgressError } from '../../src/projections/projection.errors';
import { PROJECTIONS } from '../../src/app/read-models';
import { verificationStatusProjection } from '../../src/verification/verification-status.projection';
import { VerificationStatusEntity } from '../../src/verification/verification-status.entity';
import { writeHistory } from '../support/projection-fixtures';
import { checkpoints, dumpAll, dumpProjection, projectAll, schemaDrift } from '../support/projection-harness';
import { type TempLedger, tempLedger, testActor } from '../support/temp-ledger';
import { until } from '../support/poll';

describe(rebuildProjection.name, () => {
  let t: TempLedger;
  beforeEach(async () => {
    t = await tempLedger();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('rebuilds each projection into new tables and switches to them with the same content', async () => {
    await writeHistory(t.ledger, { subjects: 40, seed: 21 });
    await projectAll(t.store, t.dataSource);
    const before = await dumpAll(t.dataSource);
    const db = new ProjectionStore(t.dataSource);
    for (const projection of PROJECTIONS) {
      const report = await rebuildProjection({
        store: t.store,
        db,
        projection,
        leases: new LocalLeases(),
        now: () => new Date(),
        batchSize: 25,
      });
      expect(report).toMatchObject({
        projection: projection.name,
        events: await t.store.headPosition(),
        position: await t.store.headPosition(),
        generation: 1,
        parked: 0,
      });
      expect(report.eventsPerSecond).toBeGreaterThan(0);
    }
    expect(await dumpAll(t.dataSource)).toEqual(before);
    const tables = await t.dataSource.query<{ name: string }[]>(
      `SELECT name FROM sqlite_master WHERE type = 'table'`,
    );
    expect(tables.map((r) => r.name).filter((n) => n.includes('__'))).toEqual([]);
    // The switched tables carry the indexes the entities declare, under their own names.
    expect(await schemaDrift(t.dataSource)).toEqual([]);
  });

  it('replaces the parked events of the old tables by those of the rebuild', async () => {
    await writeHistory(t.ledger, { subjects: 5, seed: 22 });
    await t.ledger.append(
      verificationStream('ses_poison'),
      [{ type: 'VerificationInitiated', data: { sessionId: 'ses_poison' } }],
      'no_stream',
      { actor: testActor, correlationId: 'c' },
    );
    await projectAll(t.store, t.dataSource, { projections: [verificationStatusProjection] });
    const parked = t.dataSource.getRepository(ParkedEventEntity);
    expect(await parked.countBy({ projection: 'verification_status' })).toBe(1);
    const report = await rebuildProjection({
      store: t.store,
      db: new ProjectionStore(t.dataSource),
      projection: verificationStatusProjection,
      leases: new LocalLeases(),
      now: () => new Date(),
    });
    expect(report.parked).toBe(1);
    expect(await parked.find()).toEqual([
      expect.objectContaining({ projection: 'verification_status', errorCode: 'malformed_event' }),
    ]);
  });

  it('keeps answering queries and the live runner keeps applying while it rebuilds; the live runner resumes on the new tables', async () => {
    await writeHistory(t.ledger, { subjects: 30, seed: 23 });
    const db = new ProjectionStore(t.dataSource);
    const leases = new LocalLeases();
    const live = new ProjectionRunner({
      store: t.store,
      db,
      projection: verificationStatusProjection,
      leases,
      now: () => new Date(),
      options: { batchSize: 4 },
    });
    live.start();
    const rows = t.dataSource.getRepository(VerificationStatusEntity);
    const waitLive = (position: number): Promise<void> =>
      until(() => live.status().position >= position, `the live runner at ${position}`, { intervalMs: 5 });
    try {
      await waitLive(await t.store.headPosition());
      const report = await rebuildProjection({
        store: t.store,
        db,
        projection: verificationStatusProjection,
        leases,
        now: () => new Date(),
        batchSize: 10,
        beforeSwitch: async () => {
          // While the new tables wait to be switched in, the log grows and the live tables serve it.
          await writeHistory(t.ledger, { subjects: 6, seed: 24, prefix: 'during' });
          await waitLive(await t.store.headPosition());
          expect(await rows.countBy({ subjectId: 'during_5' })).toBe(1);
        },
      });
      expect(report.position).toBe(await t.store.headPosition());
      await writeHistory(t.ledger, { subjects: 3, seed: 25, prefix: 'after' });
      await waitLive(await t.store.headPosition());
    } finally {
      await live.stop();
    }
    expect(await rows.countBy({ subjectId: 'during_5' })).toBe(1);
    expect(await rows.countBy({ subjectId: 'after_2' })).toBe(1);
    const rebuilt = await dumpProjection(t.dataSource, verificationStatusProjection);
    const clean = await tempLedger();
    try {
      await projectAll(t.store, clean.dataSource, { projections: [verificationStatusProjection] });
      expect(rebuilt).toEqual(await dumpProjection(clean.dataSource, verificationStatusProjection));
    } finally {
      await clean.cleanup();
    }
    expect((await checkpoints(t.dataSource)).verification_status).toBe(await t.store.headPosition());
  });

  it('refuses a second rebuild of the same projection while one runs', async () => {
    const leases = new LocalLeases();
    const held = await leases.tryAcquire('projection', 'verification_status__rebuild');
    expect(held).toBeDefined();
    await expect(
      rebuildProjection({
        store: t.store,
        db: new ProjectionStore(t.dataSource),
        projection: verificationStatusProjection,
        leases,
        now: () => new Date(),
      }),
    ).rejects.toBeInstanceOf(RebuildInProgressError);
  });
});
