import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyLedger } from '../src/audit/chain-verifier';
import { explain } from '../src/audit/explanation';
import { Kek } from '../src/ledger/crypto/kek';
import { KeyStore } from '../src/ledger/crypto/key-store';
import { PiiCipher } from '../src/ledger/crypto/pii-cipher';
import { Ledger } from '../src/ledger/ledger';
import { SqliteEventStore } from '../src/ledger/sqlite/sqlite-event-store';
import { subjectStream, verificationStream } from '../src/ledger/stream-names';
import { openDataSource } from '../src/app/persistence/data-source';
import { percentile, report } from './lib';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
/** Events in the store before measuring (the issue asks for at least 1,000,000 at full scale). */
const EVENTS = Math.max(10_000, Math.round(1_000_000 * SCALE));
const actor = { kind: 'system' as const, id: 'bench', roles: [] };

/**
 * Audit figures on the embedded store: explanation latency with EVENTS events in the ledger, and full-ledger
 * verification rate next to Node's raw SHA-256 throughput over the same bytes.
 */
export async function benchAudit(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-audit-'));
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  const dataSource = await openDataSource({ kind: 'sqlite', file: join(dir, 'readmodels.sqlite') });
  try {
    const keys = new KeyStore(dataSource, Kek.fromBase64(randomBytes(32).toString('base64')));
    await keys.assertKek();
    const ledger = new Ledger(store, new PiiCipher(keys));

    // A ledger of journeys: consent, then a 6-event session, in 64 parallel writers (group commit).
    const journeys = Math.ceil(EVENTS / 7);
    const t0 = performance.now();
    let next = 0;
    const sessions: string[] = [];
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (;;) {
          const i = next;
          next += 1;
          if (i >= journeys) return;
          const subjectId = `b${i}`;
          const sessionId = `s${i}`;
          sessions.push(sessionId);
          await ledger.append(
            subjectStream(subjectId),
            [
              {
                type: 'ConsentGranted',
                data: {
                  consentId: `c${i}`,
                  scopes: ['identity_verification'],
                  noticeVersion: '2026-01',
                  policyHash: 'x',
                  locale: 'de',
                  channel: 'web',
                  grantedAt: '2026-11-26T10:00:00.000Z',
                },
              },
            ],
            'no_stream',
            { actor, correlationId: `j${i}` },
          );
          await ledger.append(
            verificationStream(sessionId),
            [
              {
                type: 'VerificationInitiated',
                data: {
                  sessionId,
                  subjectId,
                  jurisdiction: 'DE',
                  segment: 'retail',
                  path: 'automatic',
                  tier: 'standard',
                  policyId: 'kyc-default',
                  policyVersion: '2026-11-01',
                  policyHash: 'x',
                  requiredChecks: ['document'],
                  riskSignals: {},
                  maxResubmissions: 2,
                  ruleTrace: [],
                  consentId: `c${i}`,
                  expiresAt: '2026-11-29T10:00:00.000Z',
                  initiatedAt: '2026-11-26T10:00:00.000Z',
                },
              },
              {
                type: 'CaptureStarted',
                data: {
                  attempt: 1,
                  channel: 'web',
                  deviceClass: 'desktop',
                  startedAt: '2026-11-26T10:00:00.000Z',
                },
              },
              {
                type: 'EvidenceSubmitted',
                data: {
                  evidenceId: `e${i}`,
                  attempt: 1,
                  kind: 'document',
                  documentType: 'passport',
                  vendor: 'acme',
                  vendorReference: `r${i}`,
                  submittedAt: '2026-11-26T10:00:00.000Z',
                },
              },
              {
                type: 'VendorResultReceived',
                data: {
                  vendor: 'acme',
                  vendorEventId: `v${i}`,
                  vendorCreatedAt: '2026-11-26T10:00:00.000Z',
                  checks: [{ kind: 'document', result: 'clear', score: 0.97 }],
                  attempt: 1,
                  counted: true,
                  receivedAt: '2026-11-26T10:00:00.000Z',
                },
              },
              {
                type: 'DecisionEvaluated',
                data: {
                  outcome: 'approve',
                  reasonCodes: [],
                  ruleTrace: [
                    {
                      ruleId: 'check.document.score',
                      inputs: { score: 0.97 },
                      threshold: 0.9,
                      result: 'pass',
                      reasonCodes: [],
                    },
                  ],
                  policyHash: 'x',
                  policyVersion: '2026-11-01',
                  attempt: 1,
                  tier: 'standard',
                  trigger: 'vendor_result',
                  evaluatedAt: '2026-11-26T10:00:00.000Z',
                },
              },
              {
                type: 'VerificationApproved',
                data: {
                  reasonCodes: [],
                  decidedBy: 'policy',
                  tier: 'standard',
                  policyHash: 'x',
                  attempt: 1,
                  decidedAt: '2026-11-26T10:00:00.000Z',
                },
              },
            ],
            'no_stream',
            { actor, correlationId: `j${i}` },
          );
        }
      }),
    );
    const total = await store.headPosition();
    report('audit.ledger_fill.events', total, 'events');
    report('audit.ledger_fill.rate', total / ((performance.now() - t0) / 1000), 'events/s');

    // Explanation latency: read the session's and its subject's streams from the store, build the answer.
    const latencies: number[] = [];
    for (let k = 0; k < 1000; k += 1) {
      const i = Math.floor(Math.random() * journeys);
      const started = performance.now();
      const session = await ledger.readStream(verificationStream(`s${i}`));
      const subject = await ledger.readStream(subjectStream(`b${i}`));
      if (!explain(session, subject)) throw new Error('no explanation');
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    report('audit.explanation.p50', percentile(latencies, 50), 'ms');
    report('audit.explanation.p99', percentile(latencies, 99), 'ms');

    // Full-ledger verification vs. raw SHA-256 over the same canonical bytes.
    const v0 = performance.now();
    // The page size the audit API and CLI use (verifyLedger's default).
    const result = await verifyLedger(store);
    const verifySeconds = (performance.now() - v0) / 1000;
    if (!result.ok) throw new Error('ledger did not verify');
    const rate = result.eventsChecked / verifySeconds;
    report('audit.verify.rate', rate, 'events/s');

    const sample = await store.readAll({ maxCount: 5000 });
    const bodies = sample.map((e) =>
      Buffer.from(
        JSON.stringify({
          stream: e.stream,
          revision: e.revision,
          type: e.type,
          data: e.data,
          metadata: e.metadata,
        }),
      ),
    );
    const h0 = performance.now();
    let hashed = 0;
    while (hashed < result.eventsChecked) {
      for (const body of bodies) createHash('sha256').update(body).digest();
      hashed += bodies.length;
    }
    const rawRate = hashed / ((performance.now() - h0) / 1000);
    report('audit.sha256_raw.rate', rawRate, 'events/s');
    report('audit.verify_vs_raw_sha256.ratio', rate / rawRate, 'x');
  } finally {
    await store.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
