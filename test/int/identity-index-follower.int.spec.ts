import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IDENTITY_INDEX_CHECKPOINT,
  IdentityIndex,
  type IdentityToken,
} from '../../src/ledger/crypto/identity-index';
import { IdentityIndexEntity } from '../../src/ledger/crypto/identity-index.entity';
import { subjectStream, verificationStream } from '../../src/ledger/stream-names';
import { HealthRegistry } from '../../src/platform/observability/health-registry';
import { MetricsRegistry } from '../../src/platform/observability/metrics';
import { LocalLeases, WorkerSupervisor } from '../../src/platform/workers';
import {
  applyIdentityChanges,
  IdentityIndexFollower,
  identityIndexCheckpoint,
} from '../../src/privacy/identity-index.follower';
import { ProjectionCheckpointEntity } from '../../src/projections/core/checkpoint.entity';
import { ProjectionStore } from '../../src/projections/core/projection-store';
import { systemClock } from '../../src/shared/clock';
import { type TempLedger, tempLedger, testActor } from '../support/temp-ledger';

/*
 * The identity index follower on a real embedded ledger: the index it keeps equals what the log says (every
 * document evidence's tokens, less those of subjects erased or shredded after it, in log order), whatever the
 * commands did around it: records right after their append, records that stalled past an erasure, a follower
 * stopped and started again, a follower behind another one's checkpoint.
 */

const IDENTITIES = [
  { documentNumber: 'T22000129', fullName: 'Erika Mustermann', dateOfBirth: '1964-08-12' },
  { documentNumber: 'X1234567', fullName: 'Jan Novak', dateOfBirth: '1990-01-31' },
  { fullName: 'Ana Silva', dateOfBirth: '1985-05-05' },
] as const;

type Op =
  | {
      readonly kind: 'evidence';
      readonly subject: number;
      readonly identity: number;
      readonly eager: boolean;
    }
  | { readonly kind: 'erasure' | 'shred'; readonly subject: number }
  /** A command's record that stalled: it runs now, for the `which`-th evidence still waiting. */
  | { readonly kind: 'late_record'; readonly which: number }
  /** The follower process stops and another starts from the checkpoint. */
  | { readonly kind: 'restart' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('evidence' as const),
      subject: fc.nat(2),
      identity: fc.nat(2),
      eager: fc.boolean(),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constant('erasure' as const), subject: fc.nat(2) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('shred' as const), subject: fc.nat(2) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('late_record' as const), which: fc.nat(5) }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'restart' as const }), weight: 1 },
);

interface Harness {
  readonly t: TempLedger;
  readonly index: IdentityIndex;
  readonly db: ProjectionStore;
  start(): IdentityIndexFollower;
}

async function harness(): Promise<Harness> {
  const t = await tempLedger();
  const index = new IdentityIndex(
    t.dataSource,
    t.keys,
    t.dataSource.getMetadata(ProjectionCheckpointEntity).tableName,
  );
  const db = new ProjectionStore(t.dataSource);
  const start = (): IdentityIndexFollower => {
    const follower = new IdentityIndexFollower(
      t.store,
      t.dataSource,
      t.cipher,
      index,
      new WorkerSupervisor(new HealthRegistry(), new MetricsRegistry()),
      new LocalLeases(),
      systemClock,
    );
    follower.onApplicationBootstrap();
    return follower;
  };
  return { t, index, db, start };
}

async function indexRows(h: Harness): Promise<string[]> {
  const rows = await h.t.dataSource.getRepository(IdentityIndexEntity).find();
  return rows.map((r) => `${r.subjectId} ${r.sessionId} ${r.kind} ${r.token}`).sort();
}

async function caughtUp(h: Harness): Promise<void> {
  const head = await h.t.store.headPosition();
  await expect.poll(() => identityIndexCheckpoint(h.db), { timeout: 10_000, interval: 10 }).toBe(head);
}

describe('identity index follower', () => {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.t.cleanup();
  });

  it('keeps the index equal to the log under any interleaving of evidence, erasure, shred, stalled records and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 18 }), async (ops) => {
        const h = await harness();
        open.push(h);
        const tokens = new Map<number, IdentityToken[]>();
        for (const [i, identity] of IDENTITIES.entries()) tokens.set(i, await h.index.tokens(identity, 'DE'));
        /** The model: every evidence in log order, and which subjects were erased or shredded after it. */
        const evidence: { subject: string; session: string; identity: number; forgotten: boolean }[] = [];
        const waiting: (() => Promise<void>)[] = [];
        let follower = h.start();
        try {
          for (const [n, step] of ops.entries()) {
            if (step.kind === 'evidence') {
              const subject = `sub_${String(step.subject)}`;
              const session = `ses_${String(n)}`;
              const submittedAt = new Date().toISOString();
              const appended = await h.t.ledger.append(
                verificationStream(session),
                [
                  {
                    type: 'EvidenceSubmitted',
                    data: {
                      evidenceId: `evd_${String(n)}`,
                      attempt: 1,
                      kind: 'document',
                      documentType: 'passport',
                      issuingCountry: 'DE',
                      vendor: 'onfido',
                      vendorReference: `doc_${String(n)}`,
                      submittedAt,
                    },
                    pii: {
                      subjectId: subject,
                      classes: { identity_attributes: { ...IDENTITIES[step.identity] } },
                    },
                  },
                ],
                'no_stream',
                { actor: testActor, correlationId: `c${String(n)}` },
              );
              evidence.push({ subject, session, identity: step.identity, forgotten: false });
              const record = (): Promise<void> =>
                h.index.record(
                  tokens.get(step.identity) ?? [],
                  subject,
                  session,
                  submittedAt,
                  appended.position,
                );
              if (step.eager) await record();
              else waiting.push(record);
            } else if (step.kind === 'erasure' || step.kind === 'shred') {
              const subject = `sub_${String(step.subject)}`;
              // What the handlers do before they append: the keys first, then the subject's tokens.
              if (step.kind === 'erasure') await h.t.keys.retireClasses(subject, ['identity_attributes']);
              else await h.t.keys.destroyKeys(subject, ['identity_attributes']);
              await h.index.forget(subject);
              await h.t.ledger.append(
                subjectStream(subject),
                [
                  step.kind === 'erasure'
                    ? { type: 'ErasureRequested', data: { requestId: `req_${String(n)}` } }
                    : { type: 'PersonalDataShredded', data: { dataClasses: ['identity_attributes'] } },
                ],
                'any',
                { actor: testActor, correlationId: `c${String(n)}` },
              );
              for (const e of evidence) if (e.subject === subject) e.forgotten = true;
            } else if (step.kind === 'late_record') {
              const [record] = waiting.splice(step.which % Math.max(1, waiting.length), 1);
              await record?.();
            } else {
              await follower.onApplicationShutdown();
              follower = h.start();
            }
          }
          await caughtUp(h);
          // Records that stalled until after the follower passed them change nothing any more.
          for (const record of waiting.splice(0)) await record();
          const expected: string[] = [];
          for (const e of evidence) {
            if (e.forgotten) continue;
            for (const { kind, token } of tokens.get(e.identity) ?? []) {
              expected.push(`${e.subject} ${e.session} ${kind} ${token}`);
            }
          }
          expect(await indexRows(h)).toEqual(expected.sort());
        } finally {
          await follower.onApplicationShutdown();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('indexes evidence whose command stopped before its record, and matches it for the next subject', async () => {
    const h = await harness();
    open.push(h);
    const tokens = await h.index.tokens(IDENTITIES[0], 'DE');
    // The append happened; the process died before the command recorded the tokens.
    await h.t.ledger.append(
      verificationStream('ses_lost'),
      [
        {
          type: 'EvidenceSubmitted',
          data: {
            evidenceId: 'evd_lost',
            attempt: 1,
            kind: 'document',
            issuingCountry: 'DE',
            vendor: 'onfido',
            vendorReference: 'doc_lost',
            submittedAt: '2026-12-01T10:00:00.000Z',
          },
          pii: { subjectId: 'sub_a', classes: { identity_attributes: { ...IDENTITIES[0] } } },
        },
      ],
      'no_stream',
      { actor: testActor, correlationId: 'c1' },
    );
    expect(await h.index.match(tokens, 'sub_b')).toBeUndefined();
    const follower = h.start();
    try {
      await caughtUp(h);
      expect(await h.index.match(tokens, 'sub_b')).toEqual({ sessionId: 'ses_lost', kind: 'document' });
      const rows = await h.t.dataSource.getRepository(IdentityIndexEntity).find();
      expect(rows.map((r) => r.createdAt)).toEqual(['2026-12-01T10:00:00.000Z', '2026-12-01T10:00:00.000Z']);
    } finally {
      await follower.onApplicationShutdown();
    }
  });

  it('a commit behind the checkpoint (another instance, a replay) changes nothing', async () => {
    const h = await harness();
    open.push(h);
    const [token] = await h.index.tokens(IDENTITIES[1], 'DE');
    if (token === undefined) throw new Error('no token');
    const at = '2026-12-01T10:00:00.000Z';
    const record = {
      kind: 'record' as const,
      subjectId: 'sub_a',
      sessionId: 'ses_a',
      tokens: [token],
      createdAt: at,
    };
    expect(
      await h.db.transaction(() => applyIdentityChanges(h.db, [{ ...record, position: 5 }], 6, at)),
    ).toBe(6);
    // The erasure at 9 is applied, then lagging instances commit what they computed from 5 on again.
    await h.db.transaction(() =>
      applyIdentityChanges(h.db, [{ kind: 'forget', position: 9, subjectId: 'sub_a' }], 9, at),
    );
    expect(
      await h.db.transaction(() => applyIdentityChanges(h.db, [{ ...record, position: 5 }], 8, at)),
    ).toBe(9);
    const later = { ...record, sessionId: 'ses_b', position: 10 };
    expect(
      await h.db.transaction(() => applyIdentityChanges(h.db, [{ ...record, position: 5 }, later], 10, at)),
    ).toBe(10);
    // Only what came after the checkpoint counts: the evidence at 10, not the one the erasure removed.
    expect((await indexRows(h)).map((row) => row.split(' ').slice(0, 2).join(' '))).toEqual(['sub_a ses_b']);
    expect((await h.db.checkpoint(IDENTITY_INDEX_CHECKPOINT))?.position).toBe(10);
  });
});
