import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedPolicy } from '../src/domain/policy/policy.types';
import { policyHash } from '../src/domain/policy/policy-hash';
import {
  decideVerification,
  evolveVerification,
  initialVerificationState,
  type VerificationCommand,
  type VerificationEvent,
  type VerificationState,
} from '../src/domain/verification';
import { openDataSource } from '../src/app/persistence/data-source';
import { IdentityIndex } from '../src/ledger/crypto/identity-index';
import { ProjectionCheckpointEntity } from '../src/projections/core/checkpoint.entity';
import { Kek } from '../src/ledger/crypto/kek';
import { KeyStore } from '../src/ledger/crypto/key-store';
import { PiiCipher } from '../src/ledger/crypto/pii-cipher';
import { Ledger, toLedgerEvent } from '../src/ledger/ledger';
import { SqliteEventStore } from '../src/ledger/sqlite/sqlite-event-store';
import { VERIFICATION_STREAM_PREFIX, verificationStream } from '../src/ledger/stream-names';
import { loadPolicies } from '../src/policies/policy-loader';
import { PolicyReplay } from '../src/policy-lab/replay';
import { replayWorkers, runParallelReplay } from '../src/policy-lab/parallel-replay';
import { runReplay } from '../src/policy-lab/replay-runner';
import { report } from './lib';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
/** Events in the ledger before replaying (the issue asks for at least 1,000,000 at full scale). */
const EVENTS = Math.max(20_000, Math.round(1_000_000 * SCALE));
const T0 = Date.parse('2026-11-02T08:00:00.000Z');
const actor = { kind: 'system' as const, id: 'bench', roles: [] };

/**
 * The policy lab's what-if replay over a ledger of EVENTS verification events (sessions decided by the real
 * decider under the shipped policy: approvals, reviews, resubmissions, rejections, in DE, GB and US, on three
 * device classes), in the embedded SQLite store: decisions replayed per second under the policy in force (zero
 * deltas, checked) and under a stricter candidate, beside their peer in the same process — reading and
 * decoding the same log without evaluating anything.
 */
export async function benchPolicyLab(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-policy-lab-'));
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  try {
    const policy = shippedPolicy();
    const templates = TEMPLATES.map((template, i) => sessionEvents(policy, template, i));
    const perSession = templates.reduce((n, t) => n + t.length, 0) / templates.length;
    const sessions = Math.ceil(EVENTS / perSession);
    const ledger = new Ledger(store, undefined);
    let next = 0;
    let written = 0;
    let decisions = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (;;) {
          const i = next;
          next += 1;
          if (i >= sessions) return;
          const template = templates[i % templates.length] ?? [];
          const sessionId = `s${i}`;
          const events = JSON.parse(
            JSON.stringify(template).replaceAll('ses_tpl', sessionId).replaceAll('sub_tpl', `b${i}`),
          ) as VerificationEvent[];
          decisions += events.filter((e) => e.type === 'DecisionEvaluated').length;
          written += events.length;
          await ledger.append(
            verificationStream(sessionId),
            events.map((e) => ({ type: e.type, data: e.data as never })),
            'no_stream',
            { actor, correlationId: sessionId },
          );
        }
      }),
    );
    report('policy_lab.ledger.events', written, 'events');
    report('policy_lab.ledger.sessions', sessions, 'sessions');
    report('policy_lab.ledger.decisions', decisions, 'decisions');
    report('policy_lab.ledger.build', (performance.now() - t0) / 1000, 's');
    const head = await store.headPosition();

    // Peer: the same log read and decoded in the same pages, nothing evaluated.
    const r0 = performance.now();
    let after = 0;
    let read = 0;
    while (after < head) {
      const page = await store.readAll({
        after,
        maxCount: 2000,
        filter: { streamPrefixes: [VERIFICATION_STREAM_PREFIX] },
      });
      if (page.length === 0) break;
      for (const recorded of page) {
        toLedgerEvent(recorded);
        read += 1;
      }
      after = page.at(-1)?.position ?? head;
    }
    const readSeconds = (performance.now() - r0) / 1000;
    report('policy_lab.peer.read_only', read / readSeconds, 'events/s');

    const same = await timed(() => runReplay(store, new PolicyReplay(policy), head));
    if (same.value.changed !== 0 || same.value.decisionsEvaluated !== decisions) {
      throw new Error(
        `replaying the policy in force changed ${same.value.changed} of ${same.value.decisionsEvaluated} evaluations`,
      );
    }
    report('policy_lab.replay.same_policy', same.value.decisionsEvaluated / same.seconds, 'decisions/s');
    report('policy_lab.replay.same_policy.events', read / same.seconds, 'events/s');
    report('policy_lab.replay.same_policy.seconds', same.seconds, 's');

    const settings = { dataDir: dir, sqliteSynchronous: 'full' as const, maxEventBytes: 1_048_576 };
    const workers = replayWorkers();
    const parallel = await timed(() => runParallelReplay(settings, policy, {}, head, { workers }));
    if (JSON.stringify(parallel.value) !== JSON.stringify(same.value)) {
      throw new Error('the parallel replay reported otherwise than the single-threaded one');
    }
    report('policy_lab.replay.parallel.workers', workers, 'threads');
    report('policy_lab.replay.parallel', parallel.value.decisionsEvaluated / parallel.seconds, 'decisions/s');
    report('policy_lab.replay.parallel.seconds', parallel.seconds, 's');
    report(
      'policy_lab.replay.parallel.year_of_1000_a_day',
      (365_000 / parallel.value.decisionsEvaluated) * parallel.seconds,
      's',
    );

    const strict = await timed(() => runReplay(store, new PolicyReplay(stricter(policy)), head));
    report('policy_lab.replay.stricter', strict.value.decisionsEvaluated / strict.seconds, 'decisions/s');
    report('policy_lab.replay.stricter.changed', strict.value.changed, 'decisions');
    report('policy_lab.replay.stricter.seconds', strict.seconds, 's');
    // A year of a mid-size fintech: 1,000 decisions a day.
    report(
      'policy_lab.replay.year_of_1000_a_day',
      (365_000 / same.value.decisionsEvaluated) * same.seconds,
      's',
    );
    report('policy_lab.replay.year_limit', 60, 's');
    report('policy_lab.replay.peak_rss', process.memoryUsage().rss / 1024 / 1024, 'MB');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await benchBlindIndex();
}

/**
 * The evidence path's cost of the keyed blind index: per document, the two HMAC tokens, the lookup among other
 * subjects and the insert, beside its peer in the same process — appending the same evidence event with its
 * encrypted attributes to the ledger (what the path costs without the index).
 */
async function benchBlindIndex(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-blind-index-'));
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  const dataSource = await openDataSource({ kind: 'sqlite', file: join(dir, 'readmodels.sqlite') });
  try {
    const keys = new KeyStore(dataSource, Kek.fromBase64(randomBytes(32).toString('base64')));
    await keys.assertKek();
    const ledger = new Ledger(store, new PiiCipher(keys));
    const index = new IdentityIndex(
      dataSource,
      keys,
      dataSource.getMetadata(ProjectionCheckpointEntity).tableName,
    );
    const count = Math.max(500, Math.round(5000 * SCALE));
    const attributes = (i: number) => ({
      fullName: `Person ${i} Example`,
      dateOfBirth: '1990-01-31',
      documentNumber: `C${String(100000 + i)}X`,
    });
    // Warm the index with as many identities as will be looked up (a realistic table, not an empty one).
    for (let i = 0; i < count; i += 1) {
      await index.record(
        await index.tokens(attributes(i), 'DE'),
        `w${i}`,
        `ws${i}`,
        new Date().toISOString(),
        i + 1,
      );
    }
    const peerStart = performance.now();
    for (let i = 0; i < count; i += 1) {
      await ledger.append(
        verificationStream(`e${i}`),
        [
          {
            type: 'EvidenceSubmitted',
            data: {
              evidenceId: `evd_${i}`,
              attempt: 1,
              kind: 'document',
              documentType: 'passport',
              issuingCountry: 'DE',
              vendor: 'onfido',
              vendorReference: `doc_${i}`,
              submittedAt: new Date().toISOString(),
            },
            pii: { subjectId: `n${i}`, classes: { identity_attributes: attributes(count + i) } },
          },
        ],
        'any',
        { actor, correlationId: `e${i}` },
      );
    }
    const peerMs = (performance.now() - peerStart) / count;
    let matches = 0;
    const indexStart = performance.now();
    for (let i = 0; i < count; i += 1) {
      const tokens = await index.tokens(attributes(count + i), 'DE');
      if ((await index.match(tokens, `n${i}`)) !== undefined) matches += 1;
      await index.record(tokens, `n${i}`, `e${i}`, new Date().toISOString(), count + i + 1);
    }
    const indexMs = (performance.now() - indexStart) / count;
    if (matches !== 0) throw new Error(`${matches} new identities matched others`);
    report('policy_lab.blind_index.per_evidence', indexMs, 'ms');
    report('policy_lab.blind_index.peer_evidence_append', peerMs, 'ms');
    report('policy_lab.blind_index.overhead', (indexMs / peerMs) * 100, '%');
    report('policy_lab.blind_index.rows', count * 4, 'rows');
  } finally {
    await dataSource.destroy();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

function shippedPolicy(): LoadedPolicy {
  const found = loadPolicies(join(__dirname, '../policies'))
    .filter((p) => p.document.policyId === 'kyc-default')
    .at(-1);
  if (found === undefined) throw new Error('kyc-default is not in policies/');
  return found;
}

/** The shipped policy with the face-match threshold of every jurisdiction raised to 0.99. */
function stricter(policy: LoadedPolicy): LoadedPolicy {
  const document = structuredClone(policy.document) as unknown as {
    version: string;
    jurisdictions: Record<string, Record<string, { thresholds: Record<string, number> }>>;
  };
  document.version = 'what-if-face-0.99';
  for (const segments of Object.values(document.jurisdictions)) {
    for (const rules of Object.values(segments)) rules.thresholds.face_match = 0.99;
  }
  const loaded = document as unknown as LoadedPolicy['document'];
  return { document: loaded, hash: policyHash(loaded), source: 'bench' };
}

interface Template {
  readonly jurisdiction: string;
  readonly deviceClass: string;
  /** The face-match score of each attempt's results (sanctions stay clear; a hit on the last one if asked). */
  readonly faceScores: readonly number[];
  readonly sanctionsHit?: boolean;
}

const TEMPLATES: readonly Template[] = [
  { jurisdiction: 'DE', deviceClass: 'mobile', faceScores: [0.97] },
  { jurisdiction: 'GB', deviceClass: 'desktop', faceScores: [0.95] },
  { jurisdiction: 'US', deviceClass: 'tablet', faceScores: [0.93] },
  { jurisdiction: 'DE', deviceClass: 'desktop', faceScores: [0.89] },
  { jurisdiction: 'GB', deviceClass: 'mobile', faceScores: [0.5, 0.96] },
  { jurisdiction: 'DE', deviceClass: 'mobile', faceScores: [0.97], sanctionsHit: true },
  { jurisdiction: 'US', deviceClass: 'mobile', faceScores: [0.4, 0.3, 0.2] },
  { jurisdiction: 'GB', deviceClass: 'desktop', faceScores: [0.91] },
];

/** A session's events, as the real decider records them, with placeholder ids. */
function sessionEvents(policy: LoadedPolicy, template: Template, index: number): VerificationEvent[] {
  const sessionId = 'ses_tpl';
  const subjectId = 'sub_tpl';
  const standing = { consentInForce: true };
  let minute = index;
  const now = (): string => new Date(T0 + (minute += 1) * 60_000).toISOString();
  let state: VerificationState = initialVerificationState;
  const events: VerificationEvent[] = [];
  const run = (command: VerificationCommand): void => {
    for (const event of decideVerification(command, state)) {
      events.push(event);
      state = evolveVerification(state, event);
    }
  };
  run({
    type: 'StartVerification',
    data: {
      sessionId,
      subjectId,
      jurisdiction: template.jurisdiction,
      segment: 'retail',
      riskSignals: {},
      consent: {
        consentId: 'con_tpl',
        scopes: ['identity_verification', 'biometric_processing'],
        noticeVersion: '2026-01',
        policyHash: policy.hash,
        locale: 'en-GB',
        channel: 'web',
        grantedAt: now(),
      },
      policy,
      now: now(),
    },
  });
  template.faceScores.forEach((face, attempt) => {
    if (state.status !== 'initiated' && state.status !== 'needs_resubmission') return;
    run({
      type: 'StartCapture',
      data: { sessionId, channel: 'web', deviceClass: template.deviceClass, subject: standing, now: now() },
    });
    run({
      type: 'SubmitEvidence',
      data: {
        sessionId,
        evidenceId: `evd_${attempt}`,
        kind: 'document',
        documentType: 'passport',
        issuingCountry: template.jurisdiction,
        vendor: 'onfido',
        vendorReference: `doc_${attempt}`,
        policy,
        subject: standing,
        now: now(),
      },
    });
    const last = attempt === template.faceScores.length - 1;
    run({
      type: 'RecordVendorResult',
      data: {
        sessionId,
        vendor: 'onfido',
        vendorEventId: `evt_${attempt}`,
        vendorCreatedAt: now(),
        checks: [
          { kind: 'document', result: 'clear', score: 0.97 },
          { kind: 'face_match', result: 'clear', score: face },
          { kind: 'liveness', result: 'clear', score: 0.99 },
          last && template.sanctionsHit === true
            ? { kind: 'sanctions', result: 'consider' }
            : { kind: 'sanctions', result: 'clear' },
        ],
        policy,
        subject: standing,
        now: now(),
      },
    });
  });
  if (state.status === 'pending_review') {
    run({
      type: 'CompleteReview',
      data: {
        sessionId,
        reviewerId: 'rev_bench',
        reviewerRoles: ['reviewer', 'senior_reviewer'],
        outcome: 'reject',
        reasonCodes: ['SANCTIONS_HIT'],
        note: 'bench',
        policy,
        subject: standing,
        now: now(),
      },
    });
  }
  return events;
}
