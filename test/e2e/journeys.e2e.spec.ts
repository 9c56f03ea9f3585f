import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpiryScheduler } from '../../src/verification/expiry.scheduler';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { verificationStream } from '../../src/ledger/stream-names';
import { ManualClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { BLURRED, CLEAR, SANCTIONS_HIT } from '../support/journey';
import { until } from '../support/poll';
import { distinctIdentity } from '../support/ids';

const PII = { fullName: 'Journey Testperson-Xq', dateOfBirth: '1990-01-31', documentNumber: 'JX0000777' };

describe('verification journeys over HTTP (embedded profile)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let store: EventStore;
  const clock = new ManualClock(new Date('2026-11-26T10:00:00.000Z'));

  beforeAll(async () => {
    t = await startTestApp({}, { clock, expiryIntervalMs: 3_600_000 });
    api = client(t);
    store = t.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await t.close();
  });

  const eventTypes = async (sessionId: string): Promise<string[]> =>
    (await store.readStream(verificationStream(sessionId))).map((e) => e.type);

  async function consent(subjectId: string): Promise<void> {
    const res = await api.post('operator', `/v1/subjects/${subjectId}/consents`, {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  async function start(
    jurisdiction = 'DE',
    extra: Record<string, unknown> = {},
  ): Promise<{ sessionId: string; subjectId: string; body: Record<string, unknown> }> {
    const subjectId = `sub_${randomUUID().slice(0, 8)}`;
    await consent(subjectId);
    const res = await api.post('operator', '/v1/verifications', {
      subjectId,
      jurisdiction,
      segment: 'retail',
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { sessionId: res.body.sessionId as string, subjectId, body: res.body };
  }

  async function attempt(sessionId: string, checks: unknown[]): Promise<Record<string, unknown>> {
    expect(
      (
        await api.post('operator', `/v1/verifications/${sessionId}/capture`, {
          channel: 'web',
          deviceClass: 'desktop',
        })
      ).status,
    ).toBe(200);
    const ev = await api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'onfido',
      vendorReference: `chk_${randomUUID().slice(0, 8)}`,
      attributes: distinctIdentity(PII),
    });
    expect(ev.status, JSON.stringify(ev.body)).toBe(201);
    const res = await api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
      vendor: 'onfido',
      vendorEventId: `evt_${randomUUID()}`,
      vendorCreatedAt: clock.now().toISOString(),
      checks,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  it('approves automatically when every check is clear above its threshold', async () => {
    const { sessionId, body } = await start('DE');
    expect(body).toMatchObject({
      status: 'initiated',
      tier: 'standard',
      requiredChecks: ['document', 'face_match', 'liveness', 'sanctions'],
    });
    const approved = await attempt(sessionId, CLEAR);
    expect(approved).toMatchObject({ status: 'approved' });
    expect(await eventTypes(sessionId)).toEqual([
      'VerificationInitiated',
      'CaptureStarted',
      'EvidenceSubmitted',
      'VendorResultReceived',
      'DecisionEvaluated',
      'VerificationApproved',
    ]);
    const view = await api.get('auditor', `/v1/verifications/${sessionId}`, readAfter(approved));
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      sessionId,
      status: 'approved',
      jurisdiction: 'DE',
      segment: 'retail',
      attempts: 1,
    });
    expect(view.body.policyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('asks for a resubmission, then approves the second attempt', async () => {
    const { sessionId } = await start('DE');
    expect(await attempt(sessionId, BLURRED)).toMatchObject({
      status: 'needs_resubmission',
      reasonCodes: ['DOC_IMAGE_QUALITY'],
    });
    const approved = await attempt(sessionId, CLEAR);
    expect(approved).toMatchObject({ status: 'approved' });
    const types = await eventTypes(sessionId);
    expect(types.filter((x) => x === 'ResubmissionRequested')).toHaveLength(1);
    expect(types.at(-1)).toBe('VerificationApproved');
    expect(
      (await api.get('operator', `/v1/verifications/${sessionId}`, readAfter(approved))).body,
    ).toMatchObject({ attempts: 2 });
  });

  it('sends a sanctions hit to review, where a reviewer rejects it', async () => {
    const { sessionId } = await start('DE');
    expect(await attempt(sessionId, SANCTIONS_HIT)).toMatchObject({ status: 'pending_review' });
    expect((await api.post('reviewer', `/v1/verifications/${sessionId}/review/assignment`, {})).status).toBe(
      200,
    );
    const decision = await api.post('reviewer', `/v1/verifications/${sessionId}/review/decision`, {
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
      note: 'Confirmed match on list entry, reviewer note with personal detail Xq',
    });
    expect(decision.status, JSON.stringify(decision.body)).toBe(200);
    expect(decision.body).toMatchObject({ status: 'rejected' });
    expect((await eventTypes(sessionId)).slice(-4)).toEqual([
      'ReviewRequested',
      'ReviewerAssigned',
      'ReviewCompleted',
      'VerificationRejected',
    ]);
  });

  it('overrides a rejection only with a second, senior person (four-eyes)', async () => {
    const { sessionId } = await start('DE');
    await attempt(sessionId, SANCTIONS_HIT);
    await api.post('reviewer', `/v1/verifications/${sessionId}/review/decision`, {
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
    });

    const requested = await api.post('senior', `/v1/verifications/${sessionId}/overrides`, {
      outcome: 'approve',
      justification: 'False positive: list entry differs in date of birth and nationality.',
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const overrideId = requested.body.overrideId as string;

    const self = await api.post('senior', `/v1/verifications/${sessionId}/overrides/${overrideId}/approval`);
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({ code: 'four_eyes_violation' });
    const notSenior = await api.post(
      'reviewer2',
      `/v1/verifications/${sessionId}/overrides/${overrideId}/approval`,
    );
    expect(notSenior.status).toBe(403);

    const approved = await api.post(
      'senior2',
      `/v1/verifications/${sessionId}/overrides/${overrideId}/approval`,
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved' });
    expect((await eventTypes(sessionId)).slice(-3)).toEqual([
      'OverrideRequested',
      'OverrideApproved',
      'VerificationApproved',
    ]);
  });

  it('rejects for good once the policy’s resubmissions are used up', async () => {
    const { sessionId } = await start('DE');
    expect(await attempt(sessionId, BLURRED)).toMatchObject({ status: 'needs_resubmission' });
    expect(await attempt(sessionId, BLURRED)).toMatchObject({ status: 'needs_resubmission' });
    const last = await attempt(sessionId, BLURRED);
    expect(last).toMatchObject({ status: 'rejected' });
    expect(last.reasonCodes).toContain('RETRY_LIMIT_REACHED');
  });

  it('expires a session after the policy’s time-to-live', async () => {
    const { sessionId } = await start('DE');
    const scheduler = t.app.get(ExpiryScheduler);
    // The scheduler learns of sessions from the log, as a follower woken at most once per LEDGER_FOLLOWER_WAKE_MS:
    // the ticks driven by hand here wait until it holds this session (sessions of earlier tests may be pending too).
    await until(() => scheduler.isPending(sessionId), 'the expiry scheduler to hold this session');
    expect(await scheduler.tick()).toBe(0);
    clock.advance(3 * 24 * 3_600_000 + 1000);
    try {
      expect(await scheduler.tick()).toBeGreaterThanOrEqual(1);
    } finally {
      clock.set(new Date('2026-11-26T10:00:00.000Z'));
    }
    const expiredAt = { position: await store.headPosition() };
    expect(
      (await api.get('operator', `/v1/verifications/${sessionId}`, readAfter(expiredAt))).body,
    ).toMatchObject({
      status: 'expired',
    });
    expect((await eventTypes(sessionId)).at(-1)).toBe('VerificationExpired');
  });

  it('rejects an embargoed jurisdiction at once and for good', async () => {
    const { sessionId, body } = await start('KP');
    expect(body).toMatchObject({ status: 'rejected', reasonCodes: ['UNSUPPORTED_JURISDICTION'] });
    expect(await eventTypes(sessionId)).toEqual([
      'VerificationInitiated',
      'DecisionEvaluated',
      'VerificationRejected',
    ]);
    const capture = await api.post('operator', `/v1/verifications/${sessionId}/capture`, {
      channel: 'web',
      deviceClass: 'desktop',
    });
    expect(capture.status).toBe(409);
    expect(capture.body).toMatchObject({ code: 'illegal_transition' });
  });

  it('routes a country without an automatic path to manual review', async () => {
    const { sessionId, body } = await start('FR');
    expect(body.requiredChecks).toContain('pep');
    const result = await attempt(sessionId, [...CLEAR, { kind: 'pep', result: 'clear' }]);
    expect(result).toMatchObject({ status: 'pending_review' });
    expect(result.reasonCodes).toContain('JURISDICTION_REVIEW_REQUIRED');
  });

  it('keeps personal data out of the stored events and out of responses', async () => {
    const { sessionId } = await start('DE');
    const res = await attempt(sessionId, CLEAR);
    const raw = JSON.stringify(await store.readStream(verificationStream(sessionId)));
    for (const value of Object.values(PII)) {
      expect(raw).not.toContain(value);
      expect(JSON.stringify(res)).not.toContain(value);
    }
  });
});

/** Read-your-writes: queries wait until the read models include the position a command returned. */
function readAfter(written: Record<string, unknown>): Record<string, string> {
  return { 'X-Min-Position': String(written.position) };
}
