import { createPublicKey } from 'node:crypto';
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
import { CLEAR, consentAndStart, vendorResult } from '../support/journey';

/**
 * A moved position is caught by the signed leaves themselves, not by chance: the events moved here are cited by
 * no explanation, so only the tie between an event's `position` and its proof's `leafIndex` can tell.
 */
describe('audit bundles tie each event position to its signed leaf', () => {
  let t: TestApp;
  let builder: BundleBuilder;
  let publicKey: string;
  let subjectId: string;

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
    subjectId = started.subjectId;
    await vendorResult(api, started.sessionId, CLEAR);
    for (let i = 0; i < 3; i += 1) {
      const hold = await api.post('privacy', `/v1/subjects/${subjectId}/legal-holds`, {
        reason: `case-${i}`,
      });
      expect(hold.status, JSON.stringify(hold.body)).toBeLessThan(300);
      const released = await api.post(
        'privacy',
        `/v1/subjects/${subjectId}/legal-holds/${hold.body.holdId as string}/release`,
      );
      expect(released.status, JSON.stringify(released.body)).toBeLessThan(300);
    }
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it.each([1, 2, 5])(
    'a subject event moved %i position(s) earlier fails as a position failure naming it',
    async (by) => {
      const bundle = JSON.parse(
        serialiseBundle(await builder.build({ kind: 'subject', id: subjectId })),
      ) as AuditBundle;
      const stream = `kyc-subject-${subjectId}`;
      const events = bundle.streams[stream]!;
      const cited = new Set(
        bundle.explanations.flatMap((x) => [
          x.policy.proof.eventId,
          ...x.timeline.map((e) => e.proof.eventId),
          ...(x.decision ? [x.decision.proof.eventId] : []),
        ]),
      );
      // Not the head (that is checked against the signed head), not cited by an explanation.
      const target = events.slice(1, -1).find((e) => !cited.has(e.eventId));
      expect(target).toBeDefined();
      const moved = target!;
      (moved as { position: number }).position -= by;
      const report = verifyBundle(bundle, publicKey);
      expect(report.ok).toBe(false);
      expect(report.failures).toContainEqual(
        expect.objectContaining({
          kind: 'position',
          eventId: moved.eventId,
          stream,
          revision: moved.revision,
        }),
      );
      expect(report.failures.filter((f) => f.kind === 'explanation')).toEqual([]);
    },
  );
});
