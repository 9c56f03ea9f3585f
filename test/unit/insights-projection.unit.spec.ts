import { describe, expect, it } from 'vitest';
import { InsightsSessionEntity } from '../../src/insights/insights-session.entity';
import { insightsProjection } from '../../src/insights/insights.projection';
import type { LedgerEvent } from '../../src/ledger/envelope';
import { verificationStream } from '../../src/ledger/stream-names';
import { EventData } from '../../src/projections/core/event-data';
import type { ProjectedEvent, RowView } from '../../src/projections/core/projection';
import { ProjectionEventError } from '../../src/projections/projection.errors';
import type { JsonObject } from '../../src/shared/json';

/*
 * The insights row of a session after sequences of events, folded through the projection as the runner does
 * (decoded, one event at a time, the row of the previous event handed back).
 */

const SESSION = 'ses_insights_1';
const T0 = Date.parse('2026-11-26T23:50:00.000Z');
/** `minutes` after the session started. */
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

const CLEAR: JsonObject[] = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];
const LIVENESS_FAILED: JsonObject[] = CLEAR.map((check) =>
  check.kind === 'liveness' ? { kind: 'liveness', result: 'fail', score: 0.2 } : check,
);
const VENDOR_ERROR: JsonObject[] = [{ kind: 'document', result: 'error' }];

type Step = readonly [type: string, data: JsonObject];

const initiated = (jurisdiction = 'DE'): Step => [
  'VerificationInitiated',
  {
    sessionId: SESSION,
    subjectId: 'sub_insights_1',
    jurisdiction,
    segment: 'retail',
    path: 'automatic',
    tier: 'standard',
    policyId: 'kyc-default',
    policyVersion: '2026-11-01',
    policyHash: 'a'.repeat(64),
    requiredChecks: ['document', 'face_match', 'liveness', 'sanctions'],
    expiresAt: at(3 * 24 * 60),
    initiatedAt: at(0),
  },
];
const capture = (minutes: number, deviceClass = 'mobile', attempt = 1): Step => [
  'CaptureStarted',
  { attempt, channel: 'app', deviceClass, startedAt: at(minutes) },
];
const evidence = (minutes: number, documentType = 'passport', vendor = 'onfido', attempt = 1): Step => [
  'EvidenceSubmitted',
  {
    evidenceId: `evd_${minutes}`,
    attempt,
    kind: 'document',
    documentType,
    issuingCountry: 'DE',
    vendor,
    vendorReference: `doc_${minutes}`,
    submittedAt: at(minutes),
  },
];
const result = (
  minutes: number,
  checks: readonly JsonObject[],
  { vendor = 'onfido', counted = true, attempt = 1, lateMs = 0 } = {},
): Step => [
  'VendorResultReceived',
  {
    vendor,
    vendorEventId: `evt_${minutes}`,
    vendorCreatedAt: new Date(Date.parse(at(minutes)) - lateMs).toISOString(),
    checks: [...checks],
    attempt,
    counted,
    receivedAt: at(minutes),
  },
];
const requestFailed = (minutes: number): Step => [
  'VendorRequestFailed',
  { vendor: 'onfido', operation: 'createCheck', errorClass: 'timeout', attempts: 3, failedAt: at(minutes) },
];
const evaluated = (minutes: number, outcome: string, attempt = 1): Step => [
  'DecisionEvaluated',
  {
    outcome,
    reasonCodes: [],
    ruleTrace: [],
    policyHash: 'a'.repeat(64),
    attempt,
    tier: 'standard',
    evaluatedAt: at(minutes),
  },
];
const reviewRequested = (minutes: number): Step => [
  'ReviewRequested',
  {
    priority: 2,
    reasons: ['SANCTIONS_HIT'],
    queue: 'sanctions',
    slaDueAt: at(minutes + 240),
    attempt: 1,
    requestedAt: at(minutes),
  },
];
const slaBreached = (minutes: number): Step => [
  'ReviewSlaBreached',
  {
    slaDueAt: at(minutes),
    priority: 2,
    escalatedPriority: 1,
    queue: 'sanctions',
    escalationQueue: 'sanctions-escalated',
    breachedAt: at(minutes),
  },
];
const assigned = (minutes: number): Step => [
  'ReviewerAssigned',
  { reviewerId: 'reviewer-1', assignedAt: at(minutes) },
];
const reviewCompleted = (minutes: number, outcome: 'approve' | 'reject'): Step => [
  'ReviewCompleted',
  { reviewerId: 'reviewer-1', outcome, reasonCodes: [], hasNote: false, completedAt: at(minutes) },
];
const resubmission = (minutes: number, attempt = 2): Step => [
  'ResubmissionRequested',
  { attempt, maxAttempts: 3, reasonCodes: ['DOC_IMAGE_QUALITY'], requestedAt: at(minutes) },
];
const approved = (minutes: number, decidedBy: 'policy' | 'reviewer' | 'override'): Step => [
  'VerificationApproved',
  { reasonCodes: [], decidedBy, tier: 'standard', attempt: 1, decidedAt: at(minutes) },
];
const rejected = (minutes: number, decidedBy: 'policy' | 'reviewer'): Step => [
  'VerificationRejected',
  {
    reasonCodes: ['SANCTIONS_HIT'],
    decidedBy,
    tier: 'standard',
    attempt: 1,
    final: true,
    decidedAt: at(minutes),
  },
];
const expired = (minutes: number, previousStatus: string): Step => [
  'VerificationExpired',
  { expiresAt: at(minutes), previousStatus, reasonCodes: ['SESSION_EXPIRED'], expiredAt: at(minutes) },
];
const closed = (minutes: number, previousStatus: string): Step => [
  'VerificationClosed',
  { reasonCodes: ['CONSENT_WITHDRAWN'], previousStatus, closedAt: at(minutes) },
];

function projected([type, data]: Step, revision: number): ProjectedEvent {
  const event: LedgerEvent = {
    stream: verificationStream(SESSION),
    revision,
    position: 100 + revision,
    eventId: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    type,
    data,
    pii: null,
    metadata: {
      eventId: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
      occurredAt: (data.initiatedAt as string | undefined) ?? at(revision),
      recordedAt: at(revision),
      correlationId: 'corr-insights',
      causationId: null,
      actor: { kind: 'system', id: 'test', roles: [] },
      schemaVersion: 1,
      prevHash: '0'.repeat(64),
      hash: '1'.repeat(64),
    },
  };
  return { ...event, streamKind: 'verification', streamId: SESSION, body: new EventData(type, data) };
}

/** The row after folding `steps` through the projection, one event at a time. */
function fold(...steps: readonly Step[]): InsightsSessionEntity {
  let row: InsightsSessionEntity | undefined;
  steps.forEach((step, revision) => {
    const current = row;
    const changes = insightsProjection.apply(projected(step, revision), {
      get: (() => current) as RowView['get'],
    });
    expect(changes).toHaveLength(1);
    const change = changes[0];
    if (change?.kind !== 'put' || change.entity !== InsightsSessionEntity) throw new Error('expected a put');
    row = change.row as InsightsSessionEntity;
  });
  if (row === undefined) throw new Error('no events');
  return row;
}

describe(InsightsSessionEntity.name, () => {
  it('starts a row with the session’s day, dimensions and zero counters, keyed by the session', () => {
    const row = fold(initiated('GB'));
    expect(insightsProjection.keysOf(projected(initiated(), 0))).toEqual([
      { entity: InsightsSessionEntity, key: { sessionId: SESSION } },
    ]);
    expect(row).toEqual({
      sessionId: SESSION,
      startedDay: '2026-11-26',
      startedAt: at(0),
      country: 'GB',
      segment: 'retail',
      policyVersion: '2026-11-01',
      deviceClass: null,
      documentType: null,
      vendor: null,
      lastStep: 'started',
      submissionsOk: 0,
      resubmissions: 0,
      livenessPassed: null,
      vendorErrors: 0,
      vendorCalls: 0,
      outcome: null,
      reviewed: false,
      slaBreached: false,
      decidedAt: null,
      decisionMs: null,
      callbackMs: null,
      reviewRequestedAt: null,
      position: 100,
    });
  });

  it('an automatic approval: every step reached, liveness passed, decided after 12 minutes', () => {
    const row = fold(
      initiated(),
      capture(1, 'desktop'),
      evidence(3, 'id_card', 'veriff'),
      result(10, CLEAR, { vendor: 'veriff' }),
      evaluated(12, 'approve'),
      approved(12, 'policy'),
    );
    expect(row).toMatchObject({
      deviceClass: 'desktop',
      documentType: 'id_card',
      vendor: 'veriff',
      lastStep: 'decision',
      submissionsOk: 1,
      livenessPassed: true,
      vendorCalls: 1,
      vendorErrors: 0,
      outcome: 'auto_approved',
      reviewed: false,
      decidedAt: at(12),
      decisionMs: 12 * 60_000,
      reviewRequestedAt: null,
      position: 105,
    });
    // The day is the day the session started, not the day it was decided (it crosses midnight UTC).
    expect(row.startedDay).toBe('2026-11-26');
    expect(row.decidedAt?.slice(0, 10)).toBe('2026-11-27');
  });

  it('waits in the review queue, breaches its SLA, then is approved by a reviewer', () => {
    const pending = [
      initiated(),
      capture(1),
      evidence(2),
      result(5, CLEAR),
      evaluated(5, 'review'),
      reviewRequested(5),
      slaBreached(245),
      assigned(250),
    ] as const;
    expect(fold(...pending)).toMatchObject({
      outcome: null,
      reviewed: true,
      slaBreached: true,
      reviewRequestedAt: at(5),
      decidedAt: null,
      decisionMs: null,
    });
    const row = fold(...pending, reviewCompleted(300, 'approve'), approved(300, 'reviewer'));
    expect(row).toMatchObject({
      outcome: 'approved_after_review',
      reviewed: true,
      slaBreached: true,
      reviewRequestedAt: null,
      decisionMs: 300 * 60_000,
    });
  });

  it('an override approval counts as approved after review', () => {
    const row = fold(initiated(), evidence(1), reviewRequested(2), approved(90, 'override'));
    expect(row.outcome).toBe('approved_after_review');
  });

  it('rejected by a reviewer after a review', () => {
    const row = fold(
      initiated(),
      evidence(1),
      result(2, CLEAR),
      reviewRequested(2),
      reviewCompleted(60, 'reject'),
      rejected(60, 'reviewer'),
    );
    expect(row).toMatchObject({ outcome: 'rejected', reviewed: true, decisionMs: 60 * 60_000 });
    expect(row.reviewRequestedAt).toBeNull();
  });

  it('expiry before anything was submitted is abandonment, at the step reached', () => {
    expect(fold(initiated(), expired(4320, 'initiated'))).toMatchObject({
      outcome: 'abandoned',
      lastStep: 'started',
      decisionMs: null,
    });
    expect(fold(initiated(), capture(1, 'tablet'), expired(4320, 'capture_in_progress'))).toMatchObject({
      outcome: 'abandoned',
      lastStep: 'capture',
      deviceClass: 'tablet',
      documentType: null,
    });
  });

  it('expiry after evidence is an expiry, not an abandonment, and has no decision time', () => {
    const row = fold(initiated(), capture(1), evidence(2), expired(4320, 'submitted'));
    expect(row).toMatchObject({
      outcome: 'expired',
      lastStep: 'evidence',
      submissionsOk: 1,
      decidedAt: null,
      decisionMs: null,
    });
  });

  it('expiry while in review leaves the queue', () => {
    const row = fold(initiated(), evidence(1), reviewRequested(2), expired(4320, 'pending_review'));
    expect(row).toMatchObject({ outcome: 'expired', reviewed: true, reviewRequestedAt: null });
  });

  it('a resubmission: both attempts counted, the first device, document and vendor kept', () => {
    const row = fold(
      initiated(),
      capture(1, 'mobile'),
      evidence(2, 'passport', 'onfido'),
      result(4, LIVENESS_FAILED),
      evaluated(4, 'resubmit'),
      resubmission(4),
      capture(10, 'desktop', 2),
      evidence(11, 'id_card', 'veriff', 2),
      result(13, CLEAR, { vendor: 'veriff', attempt: 2 }),
      evaluated(13, 'approve', 2),
      approved(13, 'policy'),
    );
    expect(row).toMatchObject({
      deviceClass: 'mobile',
      documentType: 'passport',
      vendor: 'onfido',
      submissionsOk: 2,
      resubmissions: 1,
      livenessPassed: true,
      vendorCalls: 2,
      outcome: 'auto_approved',
      decisionMs: 13 * 60_000,
    });
  });

  it('liveness: failed while no counted liveness check is clear; a late (uncounted) result changes nothing', () => {
    expect(fold(initiated(), evidence(1), result(2, LIVENESS_FAILED)).livenessPassed).toBe(false);
    const late = fold(
      initiated(),
      evidence(1),
      result(2, LIVENESS_FAILED),
      result(3, CLEAR, { vendor: 'veriff', counted: false }),
    );
    expect(late).toMatchObject({ livenessPassed: false, vendor: 'onfido', vendorCalls: 2 });
    expect(fold(initiated(), result(2, [{ kind: 'document', result: 'clear' }])).livenessPassed).toBeNull();
  });

  it('vendor errors: a result with a check in error and a failed request, out of every call', () => {
    const row = fold(
      initiated(),
      capture(1),
      requestFailed(2),
      evidence(3),
      result(4, VENDOR_ERROR),
      result(5, CLEAR),
    );
    expect(row).toMatchObject({ vendorErrors: 2, vendorCalls: 3, lastStep: 'results' });
  });

  it('callback latency: the slowest vendor result of the session, from the vendor’s timestamp; never negative', () => {
    expect(fold(initiated(), capture(1)).callbackMs).toBeNull();
    const row = fold(
      initiated(),
      capture(1),
      evidence(2),
      result(3, VENDOR_ERROR, { lateMs: 1_500 }),
      result(4, CLEAR, { lateMs: 42_000 }),
      result(5, CLEAR, { lateMs: 900, counted: false }),
    );
    expect(row.callbackMs).toBe(42_000);
    // A vendor clock ahead of ours: zero, not a negative latency.
    expect(fold(initiated(), result(3, CLEAR, { lateMs: -5_000 })).callbackMs).toBe(0);
  });

  it('an uncounted result neither names the vendor nor moves the step', () => {
    const row = fold(initiated(), capture(1), result(2, CLEAR, { vendor: 'veriff', counted: false }));
    expect(row).toMatchObject({ vendor: null, lastStep: 'capture', vendorCalls: 1 });
  });

  it('an automatic approval a later result sends back to review is open again', () => {
    const row = fold(
      initiated(),
      evidence(1),
      result(2, CLEAR),
      evaluated(2, 'approve'),
      approved(2, 'policy'),
      result(30, CLEAR),
      evaluated(30, 'review'),
      reviewRequested(30),
    );
    expect(row).toMatchObject({
      outcome: null,
      decidedAt: null,
      decisionMs: null,
      reviewRequestedAt: at(30),
    });
  });

  it('closed without a decision', () => {
    const row = fold(initiated(), capture(1), evidence(2), reviewRequested(3), closed(20, 'pending_review'));
    expect(row).toMatchObject({
      outcome: 'closed',
      decisionMs: null,
      reviewRequestedAt: null,
      reviewed: true,
    });
  });

  it('refuses (parks) an event of a session it never saw start, and a malformed event', () => {
    expect(() => insightsProjection.apply(projected(capture(1), 1), { get: () => undefined })).toThrow(
      ProjectionEventError,
    );
    const start = fold(initiated());
    const malformed = projected(['CaptureStarted', { attempt: 1, channel: 'app', startedAt: at(1) }], 1);
    expect(() => insightsProjection.apply(malformed, { get: (() => start) as RowView['get'] })).toThrow(
      /malformed|deviceClass/,
    );
  });
});
