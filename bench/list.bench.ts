import type { DataSource as DataSourceClass } from 'typeorm';
import type * as StatusEntity from '../src/verification/verification-status.entity';
import { startCompiledApp } from './compiled-app';
import { measure, report } from './lib';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const SESSIONS = Math.max(1000, Math.round(100_000 * SCALE));
const REQUESTS = Math.max(50, Math.round(400 * SCALE));
const COUNTRIES = ['DE', 'GB', 'US', 'FR', 'ES', 'IT', 'NL', 'PL', 'SE', 'BR', 'IN', 'JP'];
const STATUSES = [
  'approved',
  'approved',
  'approved',
  'rejected',
  'pending_review',
  'needs_resubmission',
  'expired',
];

/**
 * `GET /v1/verifications` over a read model of 100k sessions (rows written straight into the read model; the
 * ledger is not what is measured): the first page, filtered pages and a deep page through cursors, each beside
 * its peer in the same process: `GET /v1/verifications/{id}`, one row by primary key.
 */
export async function benchList(): Promise<void> {
  const bench = await startCompiledApp('list');
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- the compiled app's own classes, loaded at run time */
    const { DataSource } = require('typeorm') as { DataSource: typeof DataSourceClass };
    const { VerificationStatusEntity } =
      require('../dist/verification/verification-status.entity') as typeof StatusEntity;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const rows = bench.app.get(DataSource).getRepository(VerificationStatusEntity);
    const start = Date.parse('2026-09-01T00:00:00Z');
    const t0 = performance.now();
    for (let from = 0; from < SESSIONS; from += 500) {
      const batch = Array.from({ length: Math.min(500, SESSIONS - from) }, (_, k) => {
        const i = from + k;
        const created = new Date(start + i * 60_000).toISOString();
        return rows.create({
          sessionId: `bench_${String(i).padStart(7, '0')}`,
          subjectId: `sub_${i % 40_000}`,
          status: STATUSES[i % STATUSES.length] ?? 'approved',
          tier: 'standard',
          jurisdiction: COUNTRIES[i % COUNTRIES.length] ?? 'DE',
          segment: 'retail',
          path: 'automatic',
          policyId: 'kyc-default',
          policyVersion: '2026-12-01',
          policyHash: 'a'.repeat(64),
          requiredChecks: ['document', 'face_match', 'liveness', 'sanctions'],
          reasonCodes: [],
          decidedBy: 'policy',
          attempts: 1,
          expiresAt: created,
          createdAt: created,
          updatedAt: created,
          revision: 5,
          eventCount: 6,
          position: i + 1,
        });
      });
      await rows.insert(batch);
    }
    report('list.seed.rows_per_s', SESSIONS / ((performance.now() - t0) / 1000), 'rows/s');

    const get = async (path: string): Promise<{ nextCursor?: string | null }> => {
      const res = await fetch(`${bench.base}${path}`, { headers: { authorization: `Bearer ${bench.key}` } });
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
      return (await res.json()) as { nextCursor?: string | null };
    };
    // A cursor 50 pages deep, for the deep-page figure.
    let cursor: string | null | undefined;
    for (let page = 0; page < 50; page += 1) {
      cursor = (await get(`/v1/verifications?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
    }
    const deep = cursor ?? '';

    const cases: [string, (i: number) => string][] = [
      ['first_page', () => '/v1/verifications?limit=100'],
      [
        'by_jurisdiction',
        (i) => `/v1/verifications?limit=100&jurisdiction=${COUNTRIES[i % COUNTRIES.length] ?? 'DE'}`,
      ],
      ['by_status', () => '/v1/verifications?limit=100&status=pending_review'],
      ['by_subject', (i) => `/v1/verifications?subjectId=sub_${(i * 7919) % 40_000}`],
      ['deep_page', () => `/v1/verifications?limit=100&cursor=${deep}`],
      ['peer_by_id', (i) => `/v1/verifications/bench_${String((i * 7919) % SESSIONS).padStart(7, '0')}`],
    ];
    for (const [name, path] of cases) {
      const figures = await measure(REQUESTS, 4, (i) => get(path(i)));
      report(`list.${SESSIONS}.${name}.p50`, figures.p50Ms, 'ms');
      report(`list.${SESSIONS}.${name}.p99`, figures.p99Ms, 'ms');
    }
  } finally {
    await bench.close();
  }
}
