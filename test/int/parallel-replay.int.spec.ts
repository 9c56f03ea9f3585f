import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedPolicy } from '../../src/domain/policy/policy.types';
import { policyHash } from '../../src/domain/policy/policy-hash';
import type { VerificationEvent } from '../../src/domain/verification';
import { Ledger } from '../../src/ledger/ledger';
import { SqliteEventStore } from '../../src/ledger/sqlite/sqlite-event-store';
import { verificationStream } from '../../src/ledger/stream-names';
import { runParallelReplay } from '../../src/policy-lab/parallel-replay';
import { mergeReplayReports, PolicyReplay, partitionOf } from '../../src/policy-lab/replay';
import { runReplay } from '../../src/policy-lab/replay-runner';
import { ALL_CLEAR, DecidedSession } from '../support/decided-sessions';
import { shippedPolicy } from '../unit/policy/policy-fixtures';

const policy = shippedPolicy();
const actor = { kind: 'system' as const, id: 'test', roles: [] };

/** A session decided by the real decider: one attempt with the given face-match score. */
function sessionEvents(sessionId: string, jurisdiction: string, face: number): VerificationEvent[] {
  const checks = ALL_CLEAR.map((c) => (c.kind === 'face_match' ? { ...c, score: face } : c));
  const session = new DecidedSession(sessionId, policy, '2026-11-20T08:00:00.000Z', jurisdiction)
    .evidence()
    .results(checks);
  return session.events.map(({ event }) => event);
}

function stricter(): LoadedPolicy {
  const document = structuredClone(policy.document) as unknown as {
    version: string;
    jurisdictions: Record<string, Record<string, { thresholds: Record<string, number> }>>;
  };
  document.version = 'parallel-test';
  for (const segments of Object.values(document.jurisdictions)) {
    for (const rules of Object.values(segments)) rules.thresholds.face_match = 0.95;
  }
  const loaded = document as unknown as LoadedPolicy['document'];
  return { document: loaded, hash: policyHash(loaded), source: 'test' };
}

describe('parallel replay (worker threads, one partition of the sessions each)', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-parallel-replay-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const ledger = new Ledger(store, undefined);
    for (let i = 0; i < 60; i += 1) {
      const sessionId = `ses_${String(i).padStart(3, '0')}`;
      const events = sessionEvents(sessionId, ['DE', 'GB', 'US'][i % 3] ?? 'DE', 0.86 + (i % 12) / 100);
      await ledger.append(
        verificationStream(sessionId),
        events.map((e) => ({ type: e.type, data: e.data as never })),
        'no_stream',
        { actor, correlationId: sessionId },
      );
    }
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives exactly the single-threaded report, for the policy in force and a stricter candidate', async () => {
    const head = await store.headPosition();
    const settings = { dataDir: dir, sqliteSynchronous: 'full' as const, maxEventBytes: 1_048_576 };
    for (const candidate of [policy, stricter()]) {
      const single = await runReplay(store, new PolicyReplay(candidate, {}), head);
      const parallel = await runParallelReplay(settings, candidate, {}, head, { workers: 3 });
      expect(parallel).toEqual(single);
      expect(single.decisionsEvaluated).toBeGreaterThan(50);
    }
    const strict = await runReplay(store, new PolicyReplay(stricter(), {}), head);
    expect(strict.outcomeChanged).toBeGreaterThan(0);
  }, 60_000);

  it('splits sessions into stable, disjoint partitions whose merged reports equal the whole', async () => {
    const head = await store.headPosition();
    const candidate = stricter();
    const whole = await runReplay(store, new PolicyReplay(candidate, { jurisdiction: 'DE' }), head);
    const parts = await Promise.all(
      [0, 1, 2, 3].map((index) =>
        runReplay(store, new PolicyReplay(candidate, { jurisdiction: 'DE' }, { index, count: 4 }), head),
      ),
    );
    expect(mergeReplayReports(parts)).toEqual(whole);
    expect(parts.every((part) => part.decisionsEvaluated < whole.decisionsEvaluated)).toBe(true);
    expect(partitionOf('kyc-verification-ses_001', 4)).toBe(partitionOf('kyc-verification-ses_001', 4));
  });
});
