import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditBundle, serialiseBundle, verifyBundle } from '../../src/audit/bundle';
import { BundleBuilder } from '../../src/audit/bundle-builder';
import { Checkpointer } from '../../src/audit/checkpointer';
import { EXPLAINER_VERSION, type Explanation } from '../../src/audit/explanation';
import { ProofService } from '../../src/audit/proof.service';
import type { AppConfig } from '../../src/platform/config/config';
import { APP_CONFIG } from '../../src/platform/config/tokens';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/ledger/event-store.port';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { consentAndStart, SANCTIONS_HIT, vendorResult } from '../support/journey';

type Mutable = Omit<AuditBundle, 'streams' | 'explanations' | 'explainerVersion'> & {
  streams: Record<string, RecordedEvent[]>;
  explanations: Explanation[];
  explainerVersion?: number;
};

describe('audit bundles record their explainer version', () => {
  const dir = join(__dirname, '../fixtures');

  it('an old bundle whose explanation wording differs verifies, its explanations not compared', () => {
    const old = JSON.parse(readFileSync(join(dir, 'audit-bundle-v1.json'), 'utf8')) as Mutable;
    expect(old.explainerVersion).toBeUndefined();
    const report = verifyBundle(old, readFileSync(join(dir, 'audit-bundle-v1.pub.pem'), 'utf8'));
    expect(report).toMatchObject({
      ok: true,
      failures: [],
      completeness: 'unproven',
      explanations: {
        comparison: 'not_compared',
        explainerVersion: 1,
        currentExplainerVersion: EXPLAINER_VERSION,
      },
    });
    expect(report.warnings.join(' ')).toMatch(/explainer version 1 .*wording was not compared/);
  });

  it('an old bundle whose explanation cites an event that is not in the bundle fails', () => {
    const old = JSON.parse(readFileSync(join(dir, 'audit-bundle-v1.json'), 'utf8')) as Mutable;
    const x = old.explanations[0]!;
    const cited = x.evaluations[0]!.proof;
    (cited as { position: number }).position += 1;
    const report = verifyBundle(old, readFileSync(join(dir, 'audit-bundle-v1.pub.pem'), 'utf8'));
    expect(report.ok).toBe(false);
    expect(report.failures).toContainEqual(
      expect.objectContaining({ kind: 'explanation', eventId: cited.eventId }),
    );
  });

  describe('current bundles', () => {
    let t: TestApp;
    let builder: BundleBuilder;
    let publicKey: string;
    let sessionId: string;

    beforeAll(async () => {
      t = await startTestApp({ LEDGER_CHECKPOINT_EVERY_EVENTS: '5' });
      const api = client(t);
      builder = new BundleBuilder(
        t.app.get<EventStore>(EVENT_STORE),
        t.app.get(Checkpointer),
        t.app.get(ProofService),
      );
      publicKey = createPublicKey(t.app.get<AppConfig>(APP_CONFIG).signingKey!)
        .export({ type: 'spki', format: 'pem' })
        .toString();
      const started = await consentAndStart(api);
      sessionId = started.sessionId;
      await vendorResult(api, sessionId, SANCTIONS_HIT);
      await api.post('reviewer', `/v1/verifications/${sessionId}/review/decision`, {
        outcome: 'reject',
        reasonCodes: ['SANCTIONS_HIT'],
      });
    }, 60_000);
    afterAll(async () => {
      await t.close();
    });

    const copy = async (): Promise<Mutable> => {
      const text = serialiseBundle(await builder.build({ kind: 'session', id: sessionId }));
      // The example in docs/ledger-format.md is a real bundle: DOC_EXAMPLE=<file> writes one out.
      if (process.env.DOC_EXAMPLE) writeFileSync(process.env.DOC_EXAMPLE, text);
      return JSON.parse(text) as Mutable;
    };

    it('records the explainer version and compares the wording', async () => {
      const b = await copy();
      expect(b.explainerVersion).toBe(EXPLAINER_VERSION);
      expect(b.explanations[0]?.decision?.outcome).toBe('rejected');
      expect(verifyBundle(b, publicKey)).toMatchObject({
        ok: true,
        completeness: 'proven',
        explanations: { comparison: 'compared', explainerVersion: EXPLAINER_VERSION },
        failures: [],
      });
    });

    it('fails when an explanation summary is edited by hand', async () => {
      const b = await copy();
      const x = b.explanations[0]!;
      (x as { summary: string }).summary = 'Approved automatically.';
      const report = verifyBundle(b, publicKey);
      expect(report.ok).toBe(false);
      expect(report.failures).toContainEqual(
        expect.objectContaining({ kind: 'explanation', detail: expect.stringMatching(/does not match/) }),
      );
    });

    it('claiming an older explainer skips only the wording: a dropped decision event still fails', async () => {
      const b = await copy();
      b.explainerVersion = EXPLAINER_VERSION - 1;
      const stream = `kyc-verification-${sessionId}`;
      const decision = b.explanations[0]!.decision!;
      const events = b.streams[stream]!;
      const dropped = events.findIndex((e) => e.eventId === decision.proof.eventId);
      expect(dropped).toBeGreaterThan(0);
      events.splice(dropped, 1);
      const report = verifyBundle(b, publicKey);
      expect(report.ok).toBe(false);
      expect(report.explanations.comparison).toBe('not_compared');
      expect(report.failures).toContainEqual(
        expect.objectContaining({ kind: 'explanation', eventId: decision.proof.eventId }),
      );
    });

    it('claiming an older explainer does not hide a changed decision', async () => {
      const b = await copy();
      b.explainerVersion = EXPLAINER_VERSION - 1;
      const x = b.explanations[0]!;
      (x as { decision: { outcome: string } }).decision.outcome = 'approved';
      (x as { summary: string }).summary = 'Approved automatically.';
      const report = verifyBundle(b, publicKey);
      expect(report.ok).toBe(false);
      expect(report.failures).toContainEqual(
        expect.objectContaining({ kind: 'explanation', detail: expect.stringMatching(/decision approved/) }),
      );
      // …while a wording-only edit under an older explainer is a warning, not a failure.
      const reworded = await copy();
      reworded.explainerVersion = EXPLAINER_VERSION - 1;
      (reworded.explanations[0] as { summary: string }).summary = 'Rejected (older wording).';
      expect(verifyBundle(reworded, publicKey)).toMatchObject({ ok: true, failures: [] });
    });
  });
});
