import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditBundle, serialiseBundle, verifyBundle } from '../../src/audit/bundle';
import { BundleBuilder } from '../../src/audit/bundle-builder';
import { Checkpointer } from '../../src/audit/checkpointer';
import { ProofService } from '../../src/audit/proof.service';
import type { AppConfig } from '../../src/platform/config/config';
import { APP_CONFIG } from '../../src/platform/config/tokens';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';

const CLEAR = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];
const PII_NAME = 'Bundle Testperson-Qz';

describe('audit bundles', () => {
  let t: TestApp;
  let builder: BundleBuilder;
  let publicKey: string;
  let subjectId: string;
  let sessionIds: string[];

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_CHECKPOINT_EVERY_EVENTS: '4' });
    const api = client(t);
    const store = t.app.get<EventStore>(EVENT_STORE);
    builder = new BundleBuilder(store, t.app.get(Checkpointer), t.app.get(ProofService));
    const signingKey = t.app.get<AppConfig>(APP_CONFIG).signingKey!;
    publicKey = createPublicKey(signingKey).export({ type: 'spki', format: 'pem' }).toString();
    subjectId = `sub_${randomUUID().slice(0, 8)}`;
    await api.post('operator', `/v1/subjects/${subjectId}/consents`, {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
    });
    sessionIds = [];
    for (let i = 0; i < 2; i += 1) {
      const started = await api.post('operator', '/v1/verifications', {
        subjectId,
        jurisdiction: 'DE',
        segment: 'retail',
      });
      const id = started.body.sessionId as string;
      sessionIds.push(id);
      await api.post('operator', `/v1/verifications/${id}/evidence`, {
        kind: 'document',
        documentType: 'passport',
        issuingCountry: 'DE',
        vendor: 'acme',
        vendorReference: `ref_${i}`,
        attributes: { fullName: PII_NAME },
      });
      await api.post('operator', `/v1/verifications/${id}/vendor-results`, {
        vendor: 'acme',
        vendorEventId: `evt_${id}`,
        vendorCreatedAt: '2026-11-26T10:00:00Z',
        checks: CLEAR,
      });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('exports a session with its subject and verifies offline with only the public key', async () => {
    const bundle = await builder.build({ kind: 'session', id: sessionIds[0]! });
    expect(Object.keys(bundle.streams).sort()).toEqual([
      `kyc-subject-${subjectId}`,
      `kyc-verification-${sessionIds[0]!}`,
    ]);
    expect(bundle.explanations).toHaveLength(1);
    const file = serialiseBundle(bundle);
    expect(file).not.toContain(PII_NAME);
    expect(verifyBundle(JSON.parse(file), publicKey)).toMatchObject({ ok: true, failures: [] });
  });

  it('exports a subject with all its sessions', async () => {
    const bundle = await builder.build({ kind: 'subject', id: subjectId });
    expect(Object.keys(bundle.streams)).toHaveLength(3);
    expect(bundle.explanations).toHaveLength(2);
    const report = verifyBundle(JSON.parse(serialiseBundle(bundle)), publicKey);
    expect(report.ok).toBe(true);
    expect(report.eventsChecked).toBe(Object.values(bundle.streams).flat().length);
  });

  it('fails after any edit, and with another key', async () => {
    const original = serialiseBundle(await builder.build({ kind: 'session', id: sessionIds[1]! }));
    const edits: ((b: AuditBundle & Record<string, never>) => void)[] = [
      (b) => {
        const stream = Object.values(b.streams)[0] as unknown as { data: Record<string, unknown> }[];
        stream[0]!.data.tampered = true;
      },
      (b) => {
        const cp = b.checkpoints[0] as { signature: string };
        cp.signature = cp.signature.startsWith('A')
          ? `B${cp.signature.slice(1)}`
          : `A${cp.signature.slice(1)}`;
      },
      (b) => {
        const proof = Object.values(b.proofs)[0] as unknown as { auditPath: string[] };
        proof.auditPath[0] = '00'.repeat(32);
      },
      (b) => {
        const x = b.explanations[0] as unknown as { decision: { proof: { hash: string } } };
        x.decision.proof.hash = 'ff'.repeat(32);
      },
      (b) => {
        const stream = Object.values(b.streams)[1] as unknown[];
        stream.splice(1, 1);
      },
    ];
    for (const edit of edits) {
      const copy = JSON.parse(original) as AuditBundle & Record<string, never>;
      edit(copy);
      expect(verifyBundle(copy, publicKey).ok).toBe(false);
    }
    const stranger = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(verifyBundle(JSON.parse(original), stranger).ok).toBe(false);
    expect(verifyBundle({ format: 'something else' }, publicKey).ok).toBe(false);
  });
});
