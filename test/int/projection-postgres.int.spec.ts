import { afterAll, beforeAll, expect, it } from 'vitest';
import { verificationStream } from '../../src/ledger/stream-names';
import { PostgresLeases } from '../../src/platform/workers';
import { ParkedEventEntity } from '../../src/projections/core/parked-event.entity';
import { ProjectionRunner } from '../../src/projections/core/projection-runner';
import { ProjectionStore } from '../../src/projections/core/projection-store';
import { rebuildProjection } from '../../src/projections/core/rebuild';
import { PROJECTIONS } from '../../src/app/read-models';
import { verificationStatusProjection } from '../../src/verification/verification-status.projection';
import { VerificationStatusEntity } from '../../src/verification/verification-status.entity';
import { postgresSchema } from '../support/postgres';
import { writeHistory } from '../support/projection-fixtures';
import { dumpAll, dumpProjection, projectAll, schemaDrift } from '../support/projection-harness';
import { describeWithService } from '../support/services';
import { type TempLedger, tempLedger, testActor } from '../support/temp-ledger';
import { until } from '../support/poll';

describeWithService('DATABASE_URL', 'projections on PostgreSQL', (url) => {
  let t: TempLedger;
  let pg: Awaited<ReturnType<typeof postgresSchema>>;

  beforeAll(async () => {
    t = await tempLedger();
    await writeHistory(t.ledger, { subjects: 120, seed: 51, pii: true });
    pg = await postgresSchema(url);
  }, 60_000);
  afterAll(async () => {
    await pg.drop();
    await t.cleanup();
  });

  it('has tables exactly as the entities declare them', async () => {
    expect(await schemaDrift(pg.dataSource)).toEqual([]);
  });

  it('builds the same read models on PostgreSQL as on SQLite', async () => {
    await projectAll(t.store, pg.dataSource, { batchSize: 100 });
    await projectAll(t.store, t.dataSource, { batchSize: 100 });
    expect(await dumpAll(pg.dataSource)).toEqual(await dumpAll(t.dataSource));
  });

  it('parks an event whose values PostgreSQL refuses, with its SQLSTATE, and goes on', async () => {
    const session = 'ses_long_jurisdiction';
    await t.ledger.append(
      verificationStream(session),
      [
        {
          type: 'VerificationInitiated',
          data: {
            sessionId: session,
            subjectId: 'sub_long',
            jurisdiction: 'NOT-A-COUNTRY-CODE',
            segment: 'retail',
            path: 'automatic',
            tier: 'standard',
            policyId: 'p',
            policyVersion: '1',
            policyHash: 'a'.repeat(64),
            requiredChecks: [],
            riskSignals: {},
            maxResubmissions: 1,
            ruleTrace: [],
            consentId: 'c',
            expiresAt: '2026-12-01T00:00:00.000Z',
            initiatedAt: '2026-11-26T00:00:00.000Z',
          },
        },
      ],
      'no_stream',
      { actor: testActor, correlationId: 'c' },
    );
    await writeHistory(t.ledger, { subjects: 3, seed: 52, prefix: 'after_long' });
    await projectAll(t.store, pg.dataSource, { projections: [verificationStatusProjection], batchSize: 100 });
    const parked = await pg.dataSource
      .getRepository(ParkedEventEntity)
      .findBy({ projection: 'verification_status' });
    expect(parked).toEqual([
      expect.objectContaining({
        type: 'VerificationInitiated',
        errorCode: 'write_failed',
        errorDetail: 'QueryFailedError 22001',
      }),
    ]);
    expect(
      await pg.dataSource.getRepository(VerificationStatusEntity).countBy({ subjectId: 'after_long_2' }),
    ).toBe(1);
  });

  it('rebuilds a projection while its live runner applies, and restores index and key names', async () => {
    const db = new ProjectionStore(pg.dataSource);
    const leases = new PostgresLeases(pg.dataSource);
    const [timeline] = PROJECTIONS.filter((p) => p.name === 'audit_timeline');
    if (timeline === undefined) throw new Error('no timeline projection');
    const live = new ProjectionRunner({
      store: t.store,
      db,
      projection: timeline,
      leases,
      now: () => new Date(),
    });
    live.start();
    try {
      const report = await rebuildProjection({
        store: t.store,
        db,
        projection: timeline,
        leases,
        now: () => new Date(),
        beforeSwitch: () =>
          writeHistory(t.ledger, { subjects: 5, seed: 53, prefix: 'mid_rebuild' }).then(() => undefined),
      });
      expect(report.generation).toBe(1);
      await writeHistory(t.ledger, { subjects: 2, seed: 54, prefix: 'post_rebuild' });
      const head = await t.store.headPosition();
      await until(() => live.status().position >= head, 'the live runner at the head');
      expect(live.status().position).toBe(head);
    } finally {
      await live.stop();
      await leases.close();
    }
    expect(await schemaDrift(pg.dataSource)).toEqual([]);
    const clean = await postgresSchema(url);
    try {
      await projectAll(t.store, clean.dataSource, { projections: [timeline] });
      expect(await dumpProjection(pg.dataSource, timeline)).toEqual(
        await dumpProjection(clean.dataSource, timeline),
      );
    } finally {
      await clean.drop();
    }
  });

  it('gives a projection lease to one session at a time, and to another once that session ends', async () => {
    const first = new PostgresLeases(pg.dataSource, { heartbeatMs: 50 });
    const second = new PostgresLeases(pg.dataSource, { heartbeatMs: 50 });
    try {
      const held = await first.tryAcquire('projection', 'lease_test');
      expect(held?.held).toBe(true);
      expect(await second.tryAcquire('projection', 'lease_test')).toBeUndefined();
      // Leases are per schema: the same name in another schema is another lease.
      const other = await postgresSchema(url);
      const elsewhere = new PostgresLeases(other.dataSource);
      try {
        expect(await elsewhere.tryAcquire('projection', 'lease_test')).toBeDefined();
      } finally {
        await elsewhere.close();
        await other.drop();
      }
      // The holder's database session dies (as when its process is killed): the lease is lost and free.
      await pg.dataSource.query(
        `SELECT pg_terminate_backend(l.pid)
           FROM pg_locks l,
                (SELECT hashtextextended('kyc-ledger/projection/' || current_schema() || '/lease_test', 0) AS k) key
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND l.classid::bigint = ((key.k >> 32) & 4294967295) AND l.objid::bigint = (key.k & 4294967295)`,
      );
      await Promise.race([
        held?.lost,
        new Promise((_, reject) =>
          setTimeout(() => {
            reject(new Error('not lost'));
          }, 5000),
        ),
      ]);
      expect(held?.held).toBe(false);
      const taken = await second.tryAcquire('projection', 'lease_test');
      expect(taken?.held).toBe(true);
      await taken?.release();
      expect(await first.tryAcquire('projection', 'lease_test')).toBeDefined();
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('keeps publisher and projection leases apart, and runs lease writes on the session that holds the lock', async () => {
    const first = new PostgresLeases(pg.dataSource);
    const second = new PostgresLeases(pg.dataSource);
    try {
      const publisher = await first.tryAcquire('publisher', 'kafka:lease-test');
      expect(publisher?.held).toBe(true);
      expect(await second.tryAcquire('publisher', 'kafka:lease-test')).toBeUndefined();
      // The same name of the other kind is another lease.
      const projection = await second.tryAcquire('projection', 'kafka:lease-test');
      expect(projection?.held).toBe(true);
      // A write under the lease runs on the session that holds the advisory lock.
      const [row] = (await publisher!.withSession((runner) =>
        runner!.query(
          `SELECT count(*)::int AS "n" FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()`,
        ),
      )) as { n: number }[];
      expect(row?.n).toBe(1);
      await publisher!.release();
      await expect(publisher!.withSession(() => Promise.resolve(1))).rejects.toThrow(/not held/);
      expect(await second.tryAcquire('publisher', 'kafka:lease-test')).toBeDefined();
    } finally {
      await first.close();
      await second.close();
    }
  });
});
