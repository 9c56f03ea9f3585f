import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShadowEvaluation } from '../../src/policy-lab/shadow-evaluation';
import { ShadowEvaluationRepository } from '../../src/policy-lab/shadow-evaluation.repository';
import { sqliteConnectionOf } from '../../src/shared/sqlite-connection';
import { postgresSchema } from '../support/postgres';
import { describeWithService } from '../support/services';
import { type TempLedger, tempLedger } from '../support/temp-ledger';

/*
 * Shadow mode's rows and checkpoint on a real read-model database (SQLite always, PostgreSQL with DATABASE_URL):
 * what is recorded reads back as written (reason codes, the boolean), a repeat keeps the first, the checkpoint
 * never moves back; on SQLite a record never holds the shared connection inside a transaction across a wait.
 */

function evaluation(position: number, sessionId: string, differs: boolean): ShadowEvaluation {
  return {
    position,
    sessionId,
    shadowPolicyId: 'retail-eu',
    shadowPolicyVersion: '2.0.0',
    shadowPolicyHash: 'a'.repeat(64),
    recordedPolicyHash: 'b'.repeat(64),
    recordedOutcome: 'approve',
    recordedReasonCodes: [],
    shadowOutcome: differs ? 'review' : 'approve',
    shadowReasonCodes: differs ? ['DOCUMENT_EXPIRED', 'MANUAL_REVIEW'] : [],
    differs,
    evaluatedAt: '2026-12-01T10:00:00.000Z',
  };
}

function specification(open: () => DataSource): void {
  it('reads back what it recorded, keeps the first of a repeat and never moves the checkpoint back', async () => {
    const repo = new ShadowEvaluationRepository(open());
    const session = `ses_${randomBytes(4).toString('hex')}`;
    const first = evaluation(1_000_001, session, true);
    await repo.record([first, evaluation(1_000_002, session, false)], 1_000_002, new Date());
    // The same evaluation again (at least once), now with other codes: the first stays.
    await repo.record([{ ...first, shadowReasonCodes: ['OTHER'] }], 1_000_001, new Date());
    expect(await repo.forSession(session)).toEqual([first, evaluation(1_000_002, session, false)]);
    expect(await repo.checkpoint()).toBe(1_000_002);
    await repo.record([], 1_000_005, new Date());
    expect(await repo.checkpoint()).toBe(1_000_005);
  });
}

describe(`${ShadowEvaluationRepository.name} on SQLite`, () => {
  let t: TempLedger;
  beforeAll(async () => {
    t = await tempLedger();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  specification(() => t.dataSource);

  it('commits in one synchronous step: the shared connection is never left inside its transaction', async () => {
    const raw = sqliteConnectionOf(t.dataSource);
    if (raw === undefined) throw new Error('not SQLite');
    const repo = new ShadowEvaluationRepository(t.dataSource);
    const recording = repo.record([evaluation(7, 'ses_sync', true)], 7, new Date());
    // A data key created now would otherwise join the open transaction and be rolled back with it.
    expect(raw.inTransaction).toBe(false);
    // The write commits after the current step, synchronously: at no turn is the connection left inside.
    await new Promise((resolve) => setImmediate(resolve));
    expect(raw.inTransaction).toBe(false);
    await recording;
    expect(raw.inTransaction).toBe(false);
    expect((await repo.forSession('ses_sync')).map((row) => row.position)).toEqual([7]);
  });
});

describeWithService('DATABASE_URL', `${ShadowEvaluationRepository.name} on PostgreSQL`, (url) => {
  let pg: Awaited<ReturnType<typeof postgresSchema>>;
  beforeAll(async () => {
    pg = await postgresSchema(url);
  });
  afterAll(async () => {
    await pg.drop();
  });

  specification(() => pg.dataSource);
});
