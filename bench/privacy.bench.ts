import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as KekModule from '../src/ledger/crypto/kek';
import type * as KeyStoreModule from '../src/ledger/crypto/key-store';
import type * as PiiCipherModule from '../src/ledger/crypto/pii-cipher';
import type * as LedgerModule from '../src/ledger/ledger';
import type * as PortModule from '../src/ledger/event-store.port';
import type * as SqliteModule from '../src/ledger/sqlite/sqlite-event-store';
import type * as DataSourceModule from '../src/app/persistence/data-source';
import type * as ProgressModule from '../src/projections/core/projection-progress';
import type * as RetentionProjectionModule from '../src/privacy/retention.projection';
import type * as SchedulerModule from '../src/privacy/retention.scheduler';
import { startCompiledApp } from './compiled-app';
import { measure, report, reportRun } from './lib';

/*
 * Privacy figures (issue: shredding rate for 100,000 subjects; encryption overhead on the append path).
 * The code is the compiled one (`dist/`), as the service runs it. `BENCH_SCALE` scales the counts.
 */

/* eslint-disable @typescript-eslint/no-require-imports -- the compiled service, loaded at run time */
const dist = {
  kek: (): typeof KekModule => require('../dist/ledger/crypto/kek') as typeof KekModule,
  keyStore: (): typeof KeyStoreModule => require('../dist/ledger/crypto/key-store') as typeof KeyStoreModule,
  cipher: (): typeof PiiCipherModule => require('../dist/ledger/crypto/pii-cipher') as typeof PiiCipherModule,
  ledger: (): typeof LedgerModule => require('../dist/ledger/ledger') as typeof LedgerModule,
  port: (): typeof PortModule => require('../dist/ledger/event-store.port') as typeof PortModule,
  sqlite: (): typeof SqliteModule =>
    require('../dist/ledger/sqlite/sqlite-event-store') as typeof SqliteModule,
  dataSource: (): typeof DataSourceModule =>
    require('../dist/app/persistence/data-source') as typeof DataSourceModule,
  progress: (): typeof ProgressModule =>
    require('../dist/projections/core/projection-progress') as typeof ProgressModule,
  retention: (): typeof RetentionProjectionModule =>
    require('../dist/privacy/retention.projection') as typeof RetentionProjectionModule,
  scheduler: (): typeof SchedulerModule =>
    require('../dist/privacy/retention.scheduler') as typeof SchedulerModule,
};
/* eslint-enable @typescript-eslint/no-require-imports */

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const APPENDS = Math.max(200, Math.round(4000 * SCALE));
const SUBJECTS = Math.max(1000, Math.round(100_000 * SCALE));

const context = {
  actor: { kind: 'service' as const, id: 'bench', roles: [] },
  correlationId: randomUUID(),
};

function evidence(i: number): { type: string; data: Record<string, string | number> } {
  return {
    type: 'EvidenceSubmitted',
    data: {
      evidenceId: randomUUID(),
      attempt: 1,
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'acme',
      vendorReference: `doc_${i}`,
      submittedAt: '2026-11-26T10:00:00.000Z',
    },
  };
}

const personal = (i: number) => ({
  identity_attributes: { fullName: `Bench Person ${i}`, dateOfBirth: '1990-01-31', documentNumber: `D${i}` },
  contact_address: { address: `${i} Bench Street, Berlin` },
});

/** Appends/s through the Ledger with and without personal data, same store, same run, alternating. */
async function benchEncryptionOverhead(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-pii-'));
  const dataSource = await dist.dataSource().openDataSource({ kind: 'sqlite', file: join(dir, 'rm.sqlite') });
  const keys = new (dist.keyStore().KeyStore)(
    dataSource,
    dist.kek().Kek.fromBase64(randomBytes(32).toString('base64')),
  );
  await keys.assertKek();
  const store = new (dist.sqlite().SqliteEventStore)(join(dir, 'events.sqlite'));
  const ledger = new (dist.ledger().Ledger)(store, new (dist.cipher().PiiCipher)(keys));
  let stream = 0;
  const append = (pii: 'none' | 'new_subject' | 'known_subject') => async (i: number) => {
    stream += 1;
    const subjectId = pii === 'known_subject' ? `sub_known_${i % 100}` : `sub_${stream}`;
    await ledger.append(
      `kyc-verification-bench${stream}`,
      [
        {
          ...evidence(i),
          ...(pii === 'none' ? {} : { pii: { subjectId, classes: personal(i) } }),
        },
      ],
      'no_stream',
      context,
    );
  };
  try {
    await measure(500, 8, append('none'));
    await measure(500, 8, append('known_subject'));
    for (const concurrency of [1, 16]) {
      const plain = await measure(APPENDS, concurrency, append('none'));
      const known = await measure(APPENDS, concurrency, append('known_subject'));
      const fresh = await measure(APPENDS, concurrency, append('new_subject'));
      reportRun(`privacy.append.no_pii.c${concurrency}`, plain);
      reportRun(`privacy.append.pii_known_subject.c${concurrency}`, known);
      reportRun(`privacy.append.pii_new_subject.c${concurrency}`, fresh);
      report(
        `privacy.append.pii_known_subject_vs_no_pii.c${concurrency}`,
        known.opsPerSecond / plain.opsPerSecond,
        'ratio',
      );
      report(
        `privacy.append.pii_new_subject_vs_no_pii.c${concurrency}`,
        fresh.opsPerSecond / plain.opsPerSecond,
        'ratio',
      );
    }
  } finally {
    await store.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * SUBJECTS subjects with identity data and consent evidence whose relationship ended in 2020 (AML retention over),
 * written through the service's ledger; once the retention projection has them, one scheduler run shreds them.
 */
async function benchShredding(): Promise<void> {
  const bench = await startCompiledApp('privacy', { LEDGER_RETENTION_INTERVAL_MS: '86400000' });
  try {
    const ledger = bench.app.get(dist.ledger().Ledger);
    const store = bench.app.get<PortModule.EventStore>(dist.port().EVENT_STORE);
    const setup = await measure(SUBJECTS, 16, async (i) => {
      const subjectId = `sub_shred_${i}`;
      await ledger.append(
        `kyc-subject-${subjectId}`,
        [
          {
            type: 'ConsentGranted',
            data: {
              consentId: `con_${i}`,
              scopes: ['identity_verification'],
              noticeVersion: '2026-01',
              policyHash: 'ab'.repeat(32),
              locale: 'de-DE',
              channel: 'web',
              grantedAt: '2019-06-01T00:00:00.000Z',
            },
            pii: {
              subjectId,
              classes: {
                identity_attributes: personal(i).identity_attributes,
                consent_evidence: { userAgent: `bench agent ${i}` },
              },
            },
          },
          {
            type: 'RelationshipEnded',
            data: { endedAt: '2020-01-01T00:00:00.000Z', recordedAt: '2020-01-02T00:00:00.000Z' },
          },
        ],
        'no_stream',
        context,
      );
    });
    report('privacy.shred.setup_subjects', setup.opsPerSecond, 'subjects/s');
    const head = await store.headPosition();
    const progress = bench.app.get(dist.progress().ProjectionProgress);
    const waitStarted = performance.now();
    const caughtUp = await progress.waitFor(dist.retention().RETENTION, head, 600_000);
    if (!caughtUp.reached) throw new Error('the retention projection did not catch up');
    report('privacy.shred.projection_catch_up', (performance.now() - waitStarted) / 1000, 's');

    const scheduler = bench.app.get(dist.scheduler().RetentionScheduler);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    let shredded = 0;
    for (;;) {
      const run = await scheduler.run();
      if (run.failed > 0) throw new Error(`${String(run.failed)} shreds failed`);
      shredded += run.shredded;
      if (run.shredded === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    if (shredded !== SUBJECTS)
      throw new Error(`shredded ${String(shredded)} of ${String(SUBJECTS)} subjects`);
    report('privacy.shred.subjects', shredded, 'subjects');
    report('privacy.shred.rate', shredded / seconds, 'subjects/s');
    report('privacy.shred.duration', seconds, 's');
    report('privacy.shred.rss_growth', (process.memoryUsage().rss - rssBefore) / 1024 / 1024, 'MiB');
  } finally {
    await bench.close();
  }
}

export async function benchPrivacy(): Promise<void> {
  await benchEncryptionOverhead();
  await benchShredding();
}
