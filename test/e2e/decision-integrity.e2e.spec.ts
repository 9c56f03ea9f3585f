import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExpiryScheduler } from '../../src/verification/expiry.scheduler';
import { ManualClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { policyDirWithNotices } from '../support/policy-dir';
import { type ApiResponse, client } from '../support/http';
import { BLURRED, CLEAR, newSubjectId, SANCTIONS_HIT } from '../support/journey';

/*
 * Issue 12, end to end: one group per numbered failure an integrator reproduced over HTTP on the embedded profile
 * (docs/decision-invariants.md cites them by number). Every group drives the real app through its API only —
 * commands, the status read model with X-Min-Position, the review queue, the audit timeline — and the injected
 * clock, which starts after the 2026-12-01 policy took effect and only ever moves forward.
 */

type Api = ReturnType<typeof client>;
type Body = Record<string, unknown>;

const T0 = new Date('2026-12-07T09:00:00.000Z');
const NOTE = 'Called the customer: the list entry differs in date of birth and nationality.';

/** Statuses of a session that has no decision yet. */
const UNDECIDED = ['initiated', 'capture_in_progress', 'submitted', 'needs_resubmission', 'pending_review'];

/** The checks the enhanced tier adds to the standard one (DE retail). */
const ENHANCED_EXTRA = [
  { kind: 'pep', result: 'clear' },
  { kind: 'address', result: 'clear', score: 0.95 },
];

/** Waiting for something the app does on its own (a scheduler, the session closer): a signal, not a sleep. */
const SIGNAL = { timeout: 10_000, interval: 50 };

/** Read-your-writes: the query waits until its read model includes the position a command returned. */
function after(position: unknown): Record<string, string> {
  if (position === undefined) return {};
  if (typeof position !== 'number') throw new Error(`not a position: ${typeof position}`);
  return { 'X-Min-Position': String(position) };
}

/** A refusal is RFC 9457 problem JSON with a stable code, and it never echoes the input it refuses. */
function expectProblem(
  res: ApiResponse,
  status: number,
  code: string,
  notEchoed: readonly string[] = [],
): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
  for (const value of notEchoed) expect(JSON.stringify(res.body)).not.toContain(value);
}

/** The commands and queries of a verification journey, as an integrator calls them. */
function journeys(api: Api, clock: ManualClock) {
  const consent = async (subjectId: string, noticeVersion = '2026-01'): Promise<Body> => {
    const res = await api.post('operator', `/v1/subjects/${subjectId}/consents`, {
      scopes: ['identity_verification'],
      noticeVersion,
      locale: 'de-DE',
      channel: 'web',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  const startRequest = (subjectId: string, fields: Body = {}) =>
    api.post('operator', '/v1/verifications', {
      subjectId,
      jurisdiction: 'DE',
      segment: 'retail',
      ...fields,
    });

  /** Consent and start for a new subject (DE retail unless told otherwise). */
  const start = async (
    fields: Body = {},
  ): Promise<{ sessionId: string; subjectId: string; consentId: string; position: number }> => {
    const subjectId = newSubjectId();
    const granted = await consent(subjectId);
    const res = await startRequest(subjectId, fields);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return {
      sessionId: res.body.sessionId as string,
      subjectId,
      consentId: granted.consentId as string,
      position: res.body.position as number,
    };
  };

  const capture = (sessionId: string) =>
    api.post('operator', `/v1/verifications/${sessionId}/capture`, {
      channel: 'web',
      deviceClass: 'desktop',
    });

  /** Document evidence of the documented journey (a passport issued by Germany) unless fields say otherwise. */
  const evidence = (sessionId: string, fields: Body = {}) =>
    api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'onfido',
      vendorReference: `doc_${randomUUID().slice(0, 8)}`,
      ...fields,
    });

  const document = async (sessionId: string, fields: Body = {}): Promise<Body> => {
    const res = await evidence(sessionId, fields);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  /** Started, captured and one document submitted: the session waits for its vendor results. */
  const submitted = async (
    fields: Body = {},
    documentFields: Body = {},
  ): Promise<{ sessionId: string; subjectId: string; consentId: string; position: number }> => {
    const session = await start(fields);
    const captured = await capture(session.sessionId);
    expect(captured.status, JSON.stringify(captured.body)).toBe(200);
    const doc = await document(session.sessionId, documentFields);
    expect(doc.status).toBe('submitted');
    return { ...session, position: doc.position as number };
  };

  /** A vendor result, created by the vendor now (the clock moves a second first, so results are ordered). */
  const result = async (
    sessionId: string,
    checks: readonly unknown[],
    options: { vendor?: string; createdAt?: Date; riskSignals?: Record<string, boolean> } = {},
  ): Promise<Body> => {
    clock.advance(1000);
    const res = await api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
      vendor: options.vendor ?? 'onfido',
      vendorEventId: `evt_${randomUUID()}`,
      vendorCreatedAt: (options.createdAt ?? clock.now()).toISOString(),
      checks,
      ...(options.riskSignals === undefined ? {} : { riskSignals: options.riskSignals }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  const decision = (as: 'reviewer' | 'senior', sessionId: string, body: Body) =>
    api.post(as, `/v1/verifications/${sessionId}/review/decision`, body);

  /** GET /v1/verifications/{id}, after the given position when there is one. */
  const status = async (sessionId: string, position?: unknown): Promise<Body> => {
    const res = await api.get('operator', `/v1/verifications/${sessionId}`, after(position));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  /** Event types of the session's audit timeline (its own events and its subject's). */
  const timeline = async (sessionId: string, position: unknown): Promise<string[]> => {
    const res = await api.get<{ entries: { type: string }[] }>(
      'auditor',
      `/v1/verifications/${sessionId}/timeline`,
      after(position),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.entries.map((entry) => entry.type);
  };

  const subjectTimeline = async (subjectId: string, position: unknown): Promise<string[]> => {
    const res = await api.get<{ entries: { type: string }[] }>(
      'auditor',
      `/v1/subjects/${subjectId}/timeline`,
      after(position),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.entries.map((entry) => entry.type);
  };

  /** The session's item in the review queue, if it is there (every page is looked through). */
  const queueItem = async (sessionId: string, position: unknown): Promise<Body | undefined> => {
    let cursor: string | undefined;
    do {
      const res = await api.get<{ items: Body[]; nextCursor?: string }>(
        'reviewer',
        `/v1/review-queue?limit=200${cursor === undefined ? '' : `&cursor=${cursor}`}`,
        after(position),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const found = res.body.items.find((item) => item.sessionId === sessionId);
      if (found !== undefined) return found;
      cursor = res.body.nextCursor;
    } while (cursor !== undefined);
    return undefined;
  };

  return {
    consent,
    startRequest,
    start,
    capture,
    evidence,
    document,
    submitted,
    result,
    decision,
    status,
    timeline,
    subjectTimeline,
    queueItem,
  };
}

const count = (types: readonly string[], type: string): number => types.filter((t) => t === type).length;

describe('decision integrity over HTTP (issue 12, embedded profile)', () => {
  const clock = new ManualClock(T0);
  let t: TestApp;
  let api: Api;
  let j: ReturnType<typeof journeys>;

  beforeAll(async () => {
    // The expiry scheduler runs only when a test ticks it.
    // A newer privacy notice (2026-06) beside the shipped one, for consent versioning (6).
    t = await startTestApp(
      { POLICY_DIR: policyDirWithNotices(['2026-06']) },
      { clock, expiryIntervalMs: 3_600_000 },
    );
    api = client(t);
    j = journeys(api, clock);
  });
  afterAll(async () => {
    await t.close();
  });

  /** Moves the clock just past the session's time to live, as the status endpoint states it. */
  const pastExpiry = async (sessionId: string, position: unknown): Promise<void> => {
    const expiresAt = Date.parse((await j.status(sessionId, position)).expiresAt as string);
    expect(expiresAt).toBeGreaterThan(clock.now().getTime());
    clock.set(new Date(expiresAt + 60_000));
  };

  /** Lets the expiry scheduler run until it has recorded the session's expiry. */
  const schedulerExpires = async (sessionId: string): Promise<Body> => {
    const scheduler = t.app.get(ExpiryScheduler);
    return vi.waitFor(async () => {
      await scheduler.tick();
      const view = await j.status(sessionId);
      expect(view.status).toBe('expired');
      return view;
    }, SIGNAL);
  };

  describe('1 approval needs the evidence the tier requires, valid for the policy', () => {
    it('1 all-clear results without any evidence wait with EVIDENCE_MISSING; the document then approves', async () => {
      const { sessionId } = await j.start();
      expect((await j.capture(sessionId)).status).toBe(200);
      const waiting = await j.result(sessionId, CLEAR);
      expect(waiting).toMatchObject({ status: 'capture_in_progress', reasonCodes: ['EVIDENCE_MISSING'] });
      expect(await j.status(sessionId, waiting.position)).toMatchObject({
        status: 'capture_in_progress',
        reasonCodes: ['EVIDENCE_MISSING'],
      });
      expect(await j.document(sessionId)).toMatchObject({ status: 'approved', reasonCodes: [] });
    });

    it('1 a selfie alone is not the document the tier requires', async () => {
      const { sessionId } = await j.start();
      expect((await j.capture(sessionId)).status).toBe(200);
      await j.document(sessionId, { kind: 'selfie', documentType: undefined, issuingCountry: undefined });
      const waiting = await j.result(sessionId, CLEAR);
      expect(waiting).toMatchObject({ status: 'submitted', reasonCodes: ['EVIDENCE_MISSING'] });
      expect(await j.status(sessionId, waiting.position)).toMatchObject({
        status: 'submitted',
        reasonCodes: ['EVIDENCE_MISSING'],
      });
    });

    it('1 a document without documentType, or issued by no real country, is refused and records nothing', async () => {
      const { sessionId } = await j.start();
      expect((await j.capture(sessionId)).status).toBe(200);
      const untyped = await j.evidence(sessionId, { documentType: undefined });
      expectProblem(untyped, 422, 'domain_validation_failed');
      const nowhere = await j.evidence(sessionId, { issuingCountry: 'XX' });
      expectProblem(nowhere, 422, 'domain_validation_failed', ['XX']);

      // Only the valid document is recorded, and it is what the approval rests on.
      await j.document(sessionId);
      const approved = await j.result(sessionId, CLEAR);
      expect(approved).toMatchObject({ status: 'approved' });
      expect(count(await j.timeline(sessionId, approved.position), 'EvidenceSubmitted')).toBe(1);
    });

    it('1 every document of the attempt is type-checked: a DE driving licence, then a passport → resubmit', async () => {
      const { sessionId } = await j.start();
      expect((await j.capture(sessionId)).status).toBe(200);
      await j.document(sessionId, { documentType: 'driving_licence' });
      await j.document(sessionId, { documentType: 'passport' });
      const res = await j.result(sessionId, CLEAR);
      expect(res).toMatchObject({ status: 'needs_resubmission', reasonCodes: ['DOC_TYPE_NOT_ALLOWED'] });
      expect(await j.status(sessionId, res.position)).toMatchObject({
        status: 'needs_resubmission',
        reasonCodes: ['DOC_TYPE_NOT_ALLOWED'],
      });
    });

    it('1 a passport issued by an embargoed country goes to a compliance reviewer (DE session, KP passport)', async () => {
      const { sessionId } = await j.submitted({}, { issuingCountry: 'KP' });
      const res = await j.result(sessionId, CLEAR);
      expect(res).toMatchObject({ status: 'pending_review', reasonCodes: ['DOC_ISSUER_EMBARGOED'] });
      expect(await j.status(sessionId, res.position)).toMatchObject({
        status: 'pending_review',
        reasonCodes: ['DOC_ISSUER_EMBARGOED'],
      });
      expect(await j.queueItem(sessionId, res.position)).toMatchObject({
        priority: 2,
        reasons: ['DOC_ISSUER_EMBARGOED'],
      });
    });

    it('1 a US session with an IR-issued driving licence goes to review, not to approval', async () => {
      const { sessionId } = await j.submitted(
        { jurisdiction: 'US' },
        { documentType: 'driving_licence', issuingCountry: 'IR' },
      );
      const res = await j.result(sessionId, CLEAR);
      expect(res).toMatchObject({ status: 'pending_review', reasonCodes: ['DOC_ISSUER_EMBARGOED'] });
    });

    it('1 an expired document asks for a resubmission (DOC_EXPIRED), without the date in any answer', async () => {
      const { sessionId } = await j.submitted({}, { attributes: { expiryDate: '2019-01-01' } });
      const res = await j.result(sessionId, CLEAR);
      expect(res).toMatchObject({ status: 'needs_resubmission', reasonCodes: ['DOC_EXPIRED'] });
      const view = await j.status(sessionId, res.position);
      expect(view).toMatchObject({ status: 'needs_resubmission', reasonCodes: ['DOC_EXPIRED'] });
      expect(JSON.stringify([res, view])).not.toContain('2019-01-01');
    });

    it('1 a holder below the policy’s minimum age is rejected (AGE_BELOW_THRESHOLD, 18+)', async () => {
      const { sessionId } = await j.submitted({}, { attributes: { dateOfBirth: '2015-01-01' } });
      const res = await j.result(sessionId, CLEAR);
      expect(res).toMatchObject({ status: 'rejected', reasonCodes: ['AGE_BELOW_THRESHOLD'] });
      const view = await j.status(sessionId, res.position);
      expect(view).toMatchObject({ status: 'rejected', reasonCodes: ['AGE_BELOW_THRESHOLD'] });
      expect(JSON.stringify([res, view])).not.toContain('2015-01-01');
    });

    it('1 attribute dates that are not calendar dates, or a birth in the future, are refused without echo', async () => {
      const { sessionId } = await j.start();
      expectProblem(
        await j.evidence(sessionId, { attributes: { expiryDate: '2031-02-30' } }),
        422,
        'domain_validation_failed',
        ['2031-02-30'],
      );
      expectProblem(
        await j.evidence(sessionId, { attributes: { dateOfBirth: '2031-01-01' } }),
        422,
        'domain_validation_failed',
        ['2031-01-01'],
      );
    });

    it('1 the documented journey — consent, start, capture, one passport of the session country, all clear — approves', async () => {
      const { sessionId } = await j.submitted();
      const res = await j.result(sessionId, CLEAR);
      expect(res).toMatchObject({ status: 'approved', reasonCodes: [] });
      expect(await j.status(sessionId, res.position)).toMatchObject({ status: 'approved', attempts: 1 });
    });
  });

  describe('2 past expiresAt a session is expired, whether or not the scheduler has run', () => {
    it('2 a vendor result after expiresAt, before the scheduler ran, expires the session instead of approving it', async () => {
      const { sessionId, position } = await j.submitted();
      await pastExpiry(sessionId, position);
      const res = await j.result(sessionId, CLEAR);
      expect(res).toMatchObject({ status: 'expired', reasonCodes: ['SESSION_EXPIRED'] });
      expect(await j.status(sessionId, res.position)).toMatchObject({
        status: 'expired',
        reasonCodes: ['SESSION_EXPIRED'],
      });
      expect(await j.timeline(sessionId, res.position)).not.toContain('VerificationApproved');
    });

    it('2 capture and evidence are refused with verification_expired before and after the scheduler ran', async () => {
      const { sessionId, position } = await j.start();
      await pastExpiry(sessionId, position);
      expectProblem(await j.capture(sessionId), 409, 'verification_expired');
      expectProblem(await j.evidence(sessionId), 409, 'verification_expired');

      const expired = await schedulerExpires(sessionId);
      expectProblem(await j.evidence(sessionId), 409, 'verification_expired');
      expectProblem(await j.capture(sessionId), 409, 'verification_expired');
      expect(expired).toMatchObject({ reasonCodes: ['SESSION_EXPIRED'] });
    });

    it('2 an expired session shows SESSION_EXPIRED only, not the stale DOC_IMAGE_QUALITY of its last evaluation', async () => {
      const { sessionId, position } = await j.submitted();
      expect(await j.result(sessionId, BLURRED)).toMatchObject({
        status: 'needs_resubmission',
        reasonCodes: ['DOC_IMAGE_QUALITY'],
      });
      await pastExpiry(sessionId, position);
      expect(await schedulerExpires(sessionId)).toMatchObject({
        status: 'expired',
        reasonCodes: ['SESSION_EXPIRED'],
      });
    });
  });

  describe('3 a vendor error is never the person’s attempt', () => {
    it('3 two document errors on DE business wait with VENDOR_UNAVAILABLE; a later clear result approves', async () => {
      const { sessionId } = await j.submitted({ segment: 'business' });
      const others = [
        { kind: 'face_match', result: 'clear', score: 0.95 },
        { kind: 'liveness', result: 'clear', score: 0.99 },
        { kind: 'sanctions', result: 'clear' },
        { kind: 'pep', result: 'clear' },
      ];
      const vendorDown = [{ kind: 'document', result: 'error' }, ...others];
      const first = await j.result(sessionId, vendorDown);
      const waiting = await j.result(sessionId, vendorDown);
      for (const res of [first, waiting]) {
        expect(res).toMatchObject({ status: 'submitted', reasonCodes: ['VENDOR_UNAVAILABLE'] });
      }
      expect(await j.status(sessionId, waiting.position)).toMatchObject({
        status: 'submitted',
        reasonCodes: ['VENDOR_UNAVAILABLE'],
        attempts: 1,
      });
      const types = await j.timeline(sessionId, waiting.position);
      expect(types).not.toContain('ResubmissionRequested');
      expect(types).not.toContain('VerificationRejected');

      const cleared = await j.result(sessionId, [{ kind: 'document', result: 'clear', score: 0.97 }]);
      expect(cleared).toMatchObject({ status: 'approved', reasonCodes: [] });
    });

    it('3 a sanctions error does not ask the person to recapture their document', async () => {
      const { sessionId } = await j.submitted();
      const res = await j.result(sessionId, [...CLEAR.slice(0, 3), { kind: 'sanctions', result: 'error' }]);
      expect(res).toMatchObject({ status: 'submitted', reasonCodes: ['VENDOR_UNAVAILABLE'] });
      expect(await j.timeline(sessionId, res.position)).not.toContain('ResubmissionRequested');
      expect(await j.result(sessionId, [{ kind: 'sanctions', result: 'clear' }])).toMatchObject({
        status: 'approved',
      });
    });
  });

  describe('4 one vendor’s fail is not erased by another vendor’s clear', () => {
    it('4 onfido’s DOC_SUSPECTED_TAMPERING, then an older all-clear from veriff → review, RESULTS_CONTRADICTORY', async () => {
      const { sessionId } = await j.submitted();
      const tampering = await j.result(
        sessionId,
        [{ kind: 'document', result: 'fail', reasonCodes: ['DOC_SUSPECTED_TAMPERING'] }],
        { vendor: 'onfido' },
      );
      expect(tampering).toMatchObject({ status: 'submitted' });
      const older = new Date(clock.now().getTime() - 10 * 60_000);
      const res = await j.result(sessionId, CLEAR, { vendor: 'veriff', createdAt: older });
      expect(res.status).toBe('pending_review');
      expect(res.reasonCodes).toEqual(
        expect.arrayContaining(['RESULTS_CONTRADICTORY', 'DOC_SUSPECTED_TAMPERING']),
      );
      const item = await j.queueItem(sessionId, res.position);
      expect(item?.reasons).toEqual(expect.arrayContaining(['RESULTS_CONTRADICTORY']));
      expect(await j.timeline(sessionId, res.position)).not.toContain('VerificationApproved');
    });
  });

  describe('5 a sanctions hit after a human approval reopens review; clearing it needs a senior and a note', () => {
    it('5 reviewer approves an ambiguous score; a later sanctions hit reopens at priority 1 for a senior with a note', async () => {
      const { sessionId } = await j.submitted();
      const ambiguous = await j.result(sessionId, [
        { kind: 'document', result: 'clear', score: 0.87 },
        ...CLEAR.slice(1),
      ]);
      expect(ambiguous).toMatchObject({ status: 'pending_review', reasonCodes: ['SCORE_AMBIGUOUS'] });
      const assigned = await api.post('reviewer', `/v1/verifications/${sessionId}/review/assignment`, {});
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
      const approved = await j.decision('reviewer', sessionId, { outcome: 'approve', reasonCodes: [] });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body).toMatchObject({ status: 'approved' });

      const hit = await j.result(sessionId, SANCTIONS_HIT);
      expect(hit.status).toBe('pending_review');
      expect(await j.status(sessionId, hit.position)).toMatchObject({ status: 'pending_review' });
      const item = await j.queueItem(sessionId, hit.position);
      expect(item).toMatchObject({ priority: 1 });
      expect(item?.reasons).toContain('SANCTIONS_HIT');

      const plain = await j.decision('reviewer', sessionId, {
        outcome: 'approve',
        reasonCodes: [],
        note: NOTE,
      });
      expectProblem(plain, 403, 'compliance_clearance_required', [NOTE]);
      const noNote = await j.decision('senior', sessionId, { outcome: 'approve', reasonCodes: [] });
      expectProblem(noNote, 422, 'note_required');
      const cleared = await j.decision('senior', sessionId, {
        outcome: 'approve',
        reasonCodes: [],
        note: NOTE,
      });
      expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
      expect(cleared.body).toMatchObject({ status: 'approved' });
    });
  });

  describe('6 consent is versioned; withdrawal and erasure close open sessions', () => {
    it('6 the newer notice version supersedes the older; withdrawing it leaves nothing in force to start under', async () => {
      const subjectId = newSubjectId();
      const older = await j.consent(subjectId, '2026-01');
      const newer = await j.consent(subjectId, '2026-06');
      expect(newer.consentId).not.toBe(older.consentId);
      const consents = await api.get<{ inForce: Body[] }>(
        'operator',
        `/v1/subjects/${subjectId}/consents`,
        after(newer.position),
      );
      expect(consents.status, JSON.stringify(consents.body)).toBe(200);
      expect(consents.body.inForce).toEqual([
        expect.objectContaining({ consentId: newer.consentId, noticeVersion: '2026-06' }),
      ]);

      const withdrawn = await api.post(
        'operator',
        `/v1/subjects/${subjectId}/consents/${newer.consentId as string}/withdrawal`,
      );
      expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
      const afterWithdrawal = await api.get<{ inForce: Body[] }>(
        'operator',
        `/v1/subjects/${subjectId}/consents`,
        after(withdrawn.body.position),
      );
      expect(afterWithdrawal.body.inForce).toEqual([]);
      expectProblem(await j.startRequest(subjectId), 422, 'consent_required');
    });

    it('6 withdrawing consent closes an open session (CONSENT_WITHDRAWN); a later all-clear leaves it closed', async () => {
      const { sessionId, subjectId, consentId } = await j.submitted();
      const withdrawn = await api.post(
        'operator',
        `/v1/subjects/${subjectId}/consents/${consentId}/withdrawal`,
      );
      expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
      await expect
        .poll(async () => {
          const view = await j.status(sessionId);
          return { status: view.status, reasonCodes: view.reasonCodes };
        }, SIGNAL)
        .toEqual({ status: 'closed', reasonCodes: ['CONSENT_WITHDRAWN'] });

      const late = await j.result(sessionId, CLEAR);
      expect(late).toMatchObject({ status: 'closed', reasonCodes: ['CONSENT_WITHDRAWN'] });
      expect(await j.status(sessionId, late.position)).toMatchObject({
        status: 'closed',
        reasonCodes: ['CONSENT_WITHDRAWN'],
      });
      expect(await j.timeline(sessionId, late.position)).not.toContain('VerificationApproved');
    });

    it('6 an erasure request closes an open session (ERASURE_REQUESTED)', async () => {
      const { sessionId, subjectId } = await j.start();
      expect((await j.capture(sessionId)).status).toBe(200);
      const erasure = await api.post('privacy', `/v1/subjects/${subjectId}/erasure-requests`, {
        ground: 'objection',
      });
      expect(erasure.status, JSON.stringify(erasure.body)).toBe(201);
      await expect
        .poll(async () => {
          const view = await j.status(sessionId);
          return { status: view.status, reasonCodes: view.reasonCodes };
        }, SIGNAL)
        .toEqual({ status: 'closed', reasonCodes: ['ERASURE_REQUESTED'] });
      const late = await j.result(sessionId, CLEAR);
      expect(late.status).toBe('closed');
      // The explanation says why it closed, as the closing event records it — no more.
      const explained = await api.get<{ decision: Body; summary: string }>(
        'auditor',
        `/v1/verifications/${sessionId}/explanation`,
        after(late.position),
      );
      expect(explained.body.decision).toMatchObject({ outcome: 'closed', decidedBy: 'subject' });
      expect(explained.body.summary).toContain('the person asked for erasure');
      expect(explained.body.summary).not.toContain('withdrew');
    });
  });

  describe('7 a risk signal raises the tier mid-session; signal-only reviews say so', () => {
    it('7 pepSelfDeclared mid-session steps DE retail up to enhanced; once its checks clear, review with RISK_SIGNAL_REVIEW', async () => {
      const { sessionId } = await j.submitted();
      const raised = await j.result(sessionId, CLEAR, { riskSignals: { pepSelfDeclared: true } });
      expect(raised).toMatchObject({ status: 'submitted' });
      expect(await j.status(sessionId, raised.position)).toMatchObject({
        status: 'submitted',
        tier: 'enhanced',
        requiredChecks: ['document', 'face_match', 'liveness', 'sanctions', 'pep', 'address'],
      });

      const res = await j.result(sessionId, ENHANCED_EXTRA);
      expect(res.status).toBe('pending_review');
      expect(res.reasonCodes).toContain('RISK_SIGNAL_REVIEW');
      expect(await j.status(sessionId, res.position)).toMatchObject({
        status: 'pending_review',
        tier: 'enhanced',
      });
      const item = await j.queueItem(sessionId, res.position);
      expect(item?.reasons).toContain('RISK_SIGNAL_REVIEW');
    });

    it('7 a risk signal after an automatic approval reopens review with RISK_SIGNAL_REVIEW at the same tier', async () => {
      const { sessionId } = await j.submitted();
      expect(await j.result(sessionId, CLEAR)).toMatchObject({ status: 'approved' });
      const res = await j.result(sessionId, [{ kind: 'sanctions', result: 'clear' }], {
        riskSignals: { ipCountryMismatch: true },
      });
      expect(res.status).toBe('pending_review');
      expect(res.reasonCodes).toContain('RISK_SIGNAL_REVIEW');
      expect(await j.status(sessionId, res.position)).toMatchObject({
        status: 'pending_review',
        tier: 'standard',
        requiredChecks: ['document', 'face_match', 'liveness', 'sanctions'],
      });
      const item = await j.queueItem(sessionId, res.position);
      expect(item?.reasons).toContain('RISK_SIGNAL_REVIEW');
    });
  });

  describe('8 retries without an Idempotency-Key create nothing twice', () => {
    it('8 a second start returns the undecided session (reused: true); newAttempt: true starts another', async () => {
      const subjectId = newSubjectId();
      await j.consent(subjectId);
      const first = await j.startRequest(subjectId);
      const retry = await j.startRequest(subjectId);
      expect([first.status, retry.status]).toEqual([201, 201]);
      expect(retry.body.sessionId).toBe(first.body.sessionId);
      expect([first.body.reused, retry.body.reused]).toEqual([false, true]);

      const another = await j.startRequest(subjectId, { newAttempt: true });
      expect(another.status, JSON.stringify(another.body)).toBe(201);
      expect(another.body).toMatchObject({ reused: false });
      expect(another.body.sessionId).not.toBe(first.body.sessionId);
      for (const started of [first, another]) {
        expect(UNDECIDED).toContain(
          (await j.status(started.body.sessionId as string, another.body.position)).status,
        );
      }
    });

    it('8 capture twice: both answered 200, one CaptureStarted', async () => {
      const { sessionId } = await j.start();
      const first = await j.capture(sessionId);
      const second = await j.capture(sessionId);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body).toMatchObject({ status: 'capture_in_progress' });
      const position = Math.max(first.body.position as number, second.body.position as number);
      expect(count(await j.timeline(sessionId, position), 'CaptureStarted')).toBe(1);
    });

    it('8 the same evidence twice: one EvidenceSubmitted, the same evidenceId in both answers', async () => {
      const { sessionId } = await j.start();
      expect((await j.capture(sessionId)).status).toBe(200);
      const reference = { vendorReference: `doc_${randomUUID().slice(0, 8)}` };
      const first = await j.evidence(sessionId, reference);
      const second = await j.evidence(sessionId, reference);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(second.status, JSON.stringify(second.body)).toBe(201);
      expect(second.body.evidenceId).toBe(first.body.evidenceId);
      const position = Math.max(first.body.position as number, second.body.position as number);
      expect(count(await j.timeline(sessionId, position), 'EvidenceSubmitted')).toBe(1);
    });

    it('8 the same consent twice: one ConsentGranted, the same consentId', async () => {
      const subjectId = newSubjectId();
      const first = await j.consent(subjectId);
      const second = await j.consent(subjectId);
      expect(second.consentId).toBe(first.consentId);
      const position = Math.max(first.position as number, second.position as number);
      expect(count(await j.subjectTimeline(subjectId, position), 'ConsentGranted')).toBe(1);
    });

    it('8 the same erasure request twice: one ErasureRequested, the same requestId', async () => {
      const subjectId = newSubjectId();
      await j.consent(subjectId);
      const request = () =>
        api.post('privacy', `/v1/subjects/${subjectId}/erasure-requests`, {
          ground: 'objection',
          reference: 'dsr-2026-0112',
        });
      const first = await request();
      const second = await request();
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(second.status, JSON.stringify(second.body)).toBe(201);
      expect(second.body.requestId).toBe(first.body.requestId);
      const position = Math.max(first.body.position as number, second.body.position as number);
      expect(count(await j.subjectTimeline(subjectId, position), 'ErasureRequested')).toBe(1);
    });
  });

  describe('9 the smaller findings', () => {
    /** The value of one sample of a counter in /metrics (0 when it has none yet). */
    const metric = async (name: string, labels: string): Promise<number> => {
      const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };

    it('9 a review still open at its SLA is escalated: an event, one priority up in the queue, a metric', async () => {
      const { sessionId } = await j.submitted();
      const reviewed = await j.result(sessionId, [
        { kind: 'document', result: 'clear', score: 0.87 },
        ...CLEAR.slice(1),
      ]);
      expect(reviewed).toMatchObject({ status: 'pending_review', reasonCodes: ['SCORE_AMBIGUOUS'] });
      const before = await j.queueItem(sessionId, reviewed.position);
      expect(before).toMatchObject({ priority: 4, queue: 'kyc-review-de' });
      const breachesBefore = await metric('kyc_ledger_review_sla_breaches_total', 'queue="kyc-review-de"');
      clock.set(new Date(Date.parse(before?.slaDueAt as string) + 60_000));
      const scheduler = t.app.get(ExpiryScheduler);
      const escalated = await vi.waitFor(async () => {
        await scheduler.tick();
        const item = await j.queueItem(sessionId, undefined);
        expect(item).toMatchObject({ priority: 3 });
        return item;
      }, SIGNAL);
      expect(escalated).toMatchObject({ queue: 'kyc-review-de', slaDueAt: before?.slaDueAt });
      expect(await j.timeline(sessionId, undefined)).toContain('ReviewSlaBreached');
      expect(await metric('kyc_ledger_review_sla_breaches_total', 'queue="kyc-review-de"')).toBeGreaterThan(
        breachesBefore,
      );
    });

    it('9 the explanation and the refusal name the invariant behind a review or a refusal', async () => {
      const { sessionId } = await j.submitted();
      const reviewed = await j.result(sessionId, SANCTIONS_HIT);
      expect(reviewed).toMatchObject({ status: 'pending_review' });
      const res = await api.get<{
        summary: string;
        evaluations: { reasonCodes: { code: string; invariant?: { id: string } }[] }[];
      }>('auditor', `/v1/verifications/${sessionId}/explanation`, after(reviewed.position));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.evaluations.at(-1)?.reasonCodes).toContainEqual(
        expect.objectContaining({ code: 'SANCTIONS_HIT', invariant: expect.objectContaining({ id: 'I7' }) }),
      );
      expect(res.body.summary).toContain('SANCTIONS_HIT (I7)');
      const refused = await j.decision('reviewer', sessionId, { outcome: 'approve', reasonCodes: [] });
      expectProblem(refused, 403, 'compliance_clearance_required');
      expect(refused.body).toMatchObject({ invariant: 'I9' });
    });

    it('9 the explanation of an embargo says no checks were run', async () => {
      const { sessionId, position } = await j.start({ jurisdiction: 'KP' });
      const res = await api.get<{ summary: string }>(
        'auditor',
        `/v1/verifications/${sessionId}/explanation`,
        after(position),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.summary).toContain('embargoed');
      expect(res.body.summary).not.toMatch(/after evaluating \d+ required checks/);
    });

    it('9 a face match far below its threshold is low confidence (resubmit), not a mismatch', async () => {
      const { sessionId } = await j.submitted();
      const res = await j.result(sessionId, [
        CLEAR[0],
        { kind: 'face_match', result: 'clear', score: 0.5 },
        ...CLEAR.slice(2),
      ]);
      expect(res).toMatchObject({ status: 'needs_resubmission', reasonCodes: ['FACE_LOW_CONFIDENCE'] });
    });

    it('9 auditors see why personal data was read and the case an erasure belongs to', async () => {
      const { sessionId, subjectId } = await j.submitted({}, { attributes: { fullName: 'Testperson Qz' } });
      const read = await api.get('privacy', `/v1/subjects/${subjectId}/personal-data`, {
        'x-justification': 'DSAR case 2026-0420',
      });
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      const erasure = await api.post('privacy', `/v1/subjects/${subjectId}/erasure-requests`, {
        ground: 'objection',
        reference: 'dsr-2026-0420',
      });
      expect(erasure.status, JSON.stringify(erasure.body)).toBe(201);
      const res = await api.get<{ entries: { type: string; details: Body }[] }>(
        'auditor',
        `/v1/subjects/${subjectId}/timeline`,
        after(erasure.body.position),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const accessed = res.body.entries.find((e) => e.type === 'PersonalDataAccessed');
      const requested = res.body.entries.find((e) => e.type === 'ErasureRequested');
      expect(accessed?.details).toMatchObject({ justification: 'DSAR case 2026-0420' });
      expect(requested?.details).toMatchObject({ reference: 'dsr-2026-0420' });
      expect(sessionId).toBeDefined();
    });
  });
});
