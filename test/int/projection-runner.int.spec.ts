import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verificationStream } from '../../src/ledger/stream-names';
import { ParkedEventEntity } from '../../src/projections/core/parked-event.entity';
import { LocalLeases } from '../../src/platform/workers';
import { insert, type Projection } from '../../src/projections/core/projection';
import { ProjectionProgress } from '../../src/projections/core/projection-progress';
import { ProjectionRunner, type RunnerOptions } from '../../src/projections/core/projection-runner';
import { ProjectionStore } from '../../src/projections/core/projection-store';
import { CheckpointMovedError } from '../../src/projections/projection.errors';
import { PROJECTIONS } from '../../src/app/read-models';
import { TimelineSessionEntity } from '../../src/audit/timeline/timeline-entry.entity';
import { verificationStatusProjection } from '../../src/verification/verification-status.projection';
import { VerificationStatusEntity } from '../../src/verification/verification-status.entity';
import { writeHistory } from '../support/projection-fixtures';
import { checkpoints, dumpAll, projectAll } from '../support/projection-harness';
import { type TempLedger, tempLedger, testActor } from '../support/temp-ledger';
import { until } from '../support/poll';

function runner(
  t: TempLedger,
  projection: Projection,
  options: RunnerOptions = {},
  db = new ProjectionStore(t.dataSource),
) {
  return new ProjectionRunner({
    store: t.store,
    db,
    projection,
    leases: new LocalLeases(),
    now: () => new Date(),
    options: { leaseRetryMs: 20, backoffMs: { initial: 10, max: 50 }, ...options },
  });
}

describe(ProjectionRunner.name, () => {
  let t: TempLedger;
  let reference: TempLedger | undefined;
  beforeEach(async () => {
    t = await tempLedger();
  });
  afterEach(async () => {
    await t.cleanup();
    await reference?.cleanup();
    reference = undefined;
  });

  /** The read models of a clean build, in another read-model database over the same events. */
  async function cleanBuild(): Promise<Record<string, unknown[]>> {
    reference = await tempLedger();
    await projectAll(t.store, reference.dataSource, { batchSize: 1000 });
    return dumpAll(reference.dataSource);
  }

  it('ends with the same read models whatever the batch size and however often it stops', async () => {
    await writeHistory(t.ledger, { subjects: 60, seed: 3 });
    const head = await t.store.headPosition();
    // Stop and resume at arbitrary positions, with small batches.
    for (const stop of [1, 17, 18, 90, Math.floor(head / 2), head - 3]) {
      for (const projection of PROJECTIONS)
        await runner(t, projection, { batchSize: 7 }).catchUp({ until: stop });
    }
    await projectAll(t.store, t.dataSource, { batchSize: 5 });
    expect(await dumpAll(t.dataSource)).toEqual(await cleanBuild());
    expect(Object.values(await checkpoints(t.dataSource))).toEqual(PROJECTIONS.map(() => head));
  });

  it('parks events it cannot apply, records why, and goes on', async () => {
    await writeHistory(t.ledger, { subjects: 5, seed: 4 });
    const bad = 'ses_bad';
    // No ledger envelope at all.
    await t.store.append(
      verificationStream('ses_raw'),
      [
        {
          eventId: randomUUID(),
          type: 'VerificationInitiated',
          data: { sessionId: 'ses_raw' },
          metadata: {},
        },
      ],
      'no_stream',
    );
    // A sealed event whose data does not have the shape of its type, then an event of that session.
    await t.ledger.append(
      verificationStream(bad),
      [
        { type: 'VerificationInitiated', data: { sessionId: bad, subjectId: 'sub_bad', tier: 42 } },
        {
          type: 'CaptureStarted',
          data: { attempt: 1, channel: 'web', deviceClass: 'x', startedAt: '2026-01-01T00:00:00Z' },
        },
        { type: 'VerificationShouldNotExist', data: {} },
      ],
      'no_stream',
      { actor: testActor, correlationId: 'c' },
    );
    await writeHistory(t.ledger, { subjects: 5, seed: 5, prefix: 'after' });
    await projectAll(t.store, t.dataSource, { batchSize: 50 });

    const parked = await t.dataSource
      .getRepository(ParkedEventEntity)
      .find({ where: { projection: 'verification_status' }, order: { position: 'ASC' } });
    expect(parked.map((p) => [p.type, p.errorCode])).toEqual([
      ['VerificationInitiated', 'malformed_envelope'],
      ['VerificationInitiated', 'malformed_event'],
      ['CaptureStarted', 'orphan_event'],
      ['VerificationShouldNotExist', 'unknown_event_type'],
    ]);
    // The reason names the field, never its value.
    expect(parked[1]?.errorDetail).toMatch(/^VerificationInitiated\.data\.[A-Za-z]+: expected /);
    // Sessions after the poison are there; the poisoned ones are not.
    const sessions = await t.dataSource.getRepository(VerificationStatusEntity).find();
    expect(sessions.map((s) => s.sessionId)).toEqual(expect.arrayContaining(['ses_after_0', 'ses_after_4']));
    expect(sessions.find((s) => s.sessionId === bad)).toBeUndefined();
    // The timeline records what it can (every sealed event), and parks only the one without an envelope.
    const timelineParked = await t.dataSource
      .getRepository(ParkedEventEntity)
      .findBy({ projection: 'audit_timeline' });
    expect(timelineParked.map((p) => p.errorCode)).toEqual(['malformed_envelope']);
    const head = await t.store.headPosition();
    expect(await checkpoints(t.dataSource)).toMatchObject({
      verification_status: head,
      audit_timeline: head,
    });
  });

  it('parks an event whose write the database refuses, and applies the rest of its batch', async () => {
    await writeHistory(t.ledger, { subjects: 3, seed: 6 });
    const events = await t.store.readAll();
    const victim = events[5];
    if (victim === undefined) throw new Error('fixture too small');
    // A projection that writes the same key twice for one event: the database refuses that event's writes.
    const faulty: Projection = {
      name: 'faulty',
      streams: ['subject', 'verification'],
      entities: [TimelineSessionEntity],
      keysOf: () => [],
      apply: (event) =>
        event.eventId === victim.eventId
          ? [
              insert(TimelineSessionEntity, { sessionId: 'same', subjectId: 'a' }),
              insert(TimelineSessionEntity, { sessionId: 'same', subjectId: 'b' }),
            ]
          : [insert(TimelineSessionEntity, { sessionId: event.eventId, subjectId: 's' })],
    };
    await runner(t, faulty, { batchSize: 100 }).catchUp();
    const parked = await t.dataSource.getRepository(ParkedEventEntity).findBy({ projection: 'faulty' });
    expect(parked.map((p) => [p.eventId, p.errorCode])).toEqual([[victim.eventId, 'write_failed']]);
    expect(parked[0]?.errorDetail).toMatch(/^SqliteError SQLITE_CONSTRAINT/);
    expect(await t.dataSource.getRepository(TimelineSessionEntity).count()).toBe(events.length - 1);
  });

  it('retries a batch the database could not take, without parking anything', async () => {
    await writeHistory(t.ledger, { subjects: 4, seed: 8 });
    const db = new ProjectionStore(t.dataSource);
    let outages = 3;
    const transaction = db.transaction.bind(db);
    db.transaction = (program, options) => {
      if (outages > 0) {
        outages -= 1;
        return Promise.reject(new Error('connection terminated unexpectedly'));
      }
      return transaction(program, options);
    };
    const live = runner(t, verificationStatusProjection, {}, db);
    const states: string[] = [];
    live.start();
    const head = await t.store.headPosition();
    await until(
      () => {
        states.push(live.state);
        return live.status().position === head;
      },
      'the runner',
      { intervalMs: 10 },
    );
    await live.stop();
    expect(states).toContain('failing');
    expect(live.status()).toMatchObject({ parked: 0, failingSinceMs: undefined });
    expect(await t.dataSource.getRepository(ParkedEventEntity).count()).toBe(0);
    expect(await t.dataSource.getRepository(VerificationStatusEntity).count()).toBe(4);
  });

  it('starting together on an empty database, shares the log it reads and builds what a clean build builds', async () => {
    await writeHistory(t.ledger, { subjects: 150, seed: 13 });
    const head = await t.store.headPosition();
    expect(head).toBeGreaterThan(1000); // more than one finished block of the log
    const db = new ProjectionStore(t.dataSource);
    const runners = PROJECTIONS.map((projection) => runner(t, projection, {}, db));
    for (const r of runners) r.start();
    try {
      await until(() => runners.every((r) => r.status().position === head), 'every projection at the head', {
        timeoutMs: 30_000,
      });
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
    // The blocks were read from the file once and handed to the other projections from memory.
    const { reads, hits } = t.store.history.stats;
    expect(reads).toBeGreaterThan(0);
    expect(hits).toBeGreaterThan(reads);
    expect(await dumpAll(t.dataSource)).toEqual(await cleanBuild());
  });

  it('follows the log live and tells waiting readers when a position is committed', async () => {
    const db = new ProjectionStore(t.dataSource);
    const progress = new ProjectionProgress(db, 1000);
    const live = new ProjectionRunner({
      store: t.store,
      db,
      projection: verificationStatusProjection,
      leases: new LocalLeases(),
      now: () => new Date(),
      progress,
    });
    live.start();
    try {
      const history = await writeHistory(t.ledger, { subjects: 3, seed: 9 });
      const head = await t.store.headPosition();
      const waited = await progress.waitFor('verification_status', head, 5000);
      expect(waited).toEqual({ reached: true, position: head });
      expect(await t.dataSource.getRepository(VerificationStatusEntity).count()).toBe(
        history.sessions.length,
      );
      expect(await progress.waitFor('verification_status', head + 1, 50)).toEqual({
        reached: false,
        position: head,
      });
    } finally {
      await live.stop();
    }
    expect(live.state).toBe('stopped');
  });

  it('refuses to commit over a checkpoint another runner moved, and resumes from it without duplicates', async () => {
    const [timeline] = PROJECTIONS.filter((p) => p.name === 'audit_timeline');
    if (timeline === undefined) throw new Error('no timeline projection');
    await writeHistory(t.ledger, { subjects: 10, seed: 10 });
    const db = new ProjectionStore(t.dataSource);
    const live = runner(t, timeline, { batchSize: 10 }, db);
    const rival = runner(t, timeline, { batchSize: 3 });
    // Just before the live runner's next commit, another instance applies everything there is.
    let interfere = false;
    let conflicts = 0;
    const transaction = db.transaction.bind(db);
    db.transaction = async (program, options) => {
      if (interfere) {
        interfere = false;
        await rival.catchUp();
        try {
          return await transaction(program, options);
        } catch (error) {
          if (error instanceof CheckpointMovedError) conflicts += 1;
          throw error;
        }
      }
      return transaction(program, options);
    };
    live.start();
    try {
      await until(
        async () => live.status().position === (await t.store.headPosition()),
        'the live runner at the head',
        { intervalMs: 10 },
      );
      interfere = true;
      await writeHistory(t.ledger, { subjects: 4, seed: 11, prefix: 'late' });
      const head = await t.store.headPosition();
      await until(() => live.status().position === head, 'the live runner at the head', { intervalMs: 10 });
      await writeHistory(t.ledger, { subjects: 2, seed: 12, prefix: 'later' });
      const last = await t.store.headPosition();
      await until(() => live.status().position === last, 'the live runner at the last event', {
        intervalMs: 10,
      });
    } finally {
      await live.stop();
    }
    expect(conflicts).toBe(1);
    // Timeline entries are insert-only: a second application of any event would have failed the batch.
    expect(await t.dataSource.getRepository(ParkedEventEntity).count()).toBe(0);
    expect((await dumpAll(t.dataSource)).timeline_entries).toEqual((await cleanBuild()).timeline_entries);
  });
});
