import { isVerificationEventType, type VerificationEventType } from '../domain/verification';
import { decoding } from '../projections/core/event-data';
import type { Projection, ProjectedEvent } from '../projections/core/projection';
import { put, rowKey } from '../projections/core/projection';
import { ProjectionEventError } from '../projections/projection.errors';
import {
  InsightsSessionEntity,
  type SessionOutcome,
  SESSION_STEPS,
  type SessionStep,
} from './insights-session.entity';

export const INSIGHTS_SESSIONS = 'insights_sessions';

/** One row per verification session with what the KPIs count (docs/insights.md). */
export const insightsProjection: Projection = decoding({
  name: INSIGHTS_SESSIONS,
  streams: ['verification'],
  entities: [InsightsSessionEntity],
  keysOf: (event) => [rowKey(InsightsSessionEntity, { sessionId: event.streamId })],
  apply(event, rows) {
    const row = rows.get(InsightsSessionEntity, { sessionId: event.streamId });
    return [put(InsightsSessionEntity, evolveInsights(row ?? null, event))];
  },
});

/** Statuses a session expires from before the person submitted anything: that expiry is an abandonment. */
const ABANDONED_FROM = new Set(['initiated', 'capture_in_progress']);

/**
 * The session's insights row after one event. As in the status projection, an event of a session whose start the
 * projection never saw, or of an unknown type, is refused (parked) rather than counted into a partial row.
 */
export function evolveInsights(
  row: Readonly<InsightsSessionEntity> | null,
  event: ProjectedEvent,
): InsightsSessionEntity {
  const { type, body: data } = event;
  if (!isVerificationEventType(type)) {
    throw new ProjectionEventError('unknown_event_type', `${type} is not a verification event`);
  }
  if (type === 'VerificationInitiated') {
    if (row !== null) return { ...row, position: event.position };
    const startedAt = data.instant('initiatedAt');
    return {
      sessionId: event.streamId,
      startedDay: startedAt.slice(0, 10),
      startedAt,
      country: data.string('jurisdiction'),
      segment: data.string('segment'),
      policyVersion: data.string('policyVersion'),
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
      position: event.position,
    };
  }
  if (row === null) {
    throw new ProjectionEventError(
      'orphan_event',
      `${type}: the session's VerificationInitiated was not applied`,
    );
  }
  return { ...row, ...change(row, type, event), position: event.position };
}

/** The furthest of the step reached so far and `step`. */
function reached(row: Readonly<InsightsSessionEntity>, step: SessionStep): { lastStep: SessionStep } {
  return {
    lastStep: SESSION_STEPS.indexOf(step) > SESSION_STEPS.indexOf(row.lastStep) ? step : row.lastStep,
  };
}

/** A final approval or rejection: the outcome and the time it took from the start. */
function decided(row: Readonly<InsightsSessionEntity>, outcome: SessionOutcome, decidedAt: string) {
  return {
    ...reached(row, 'decision'),
    outcome,
    decidedAt,
    decisionMs: Date.parse(decidedAt) - Date.parse(row.startedAt),
    reviewRequestedAt: null,
  };
}

/** The session ended without a decision: no decision time, no longer in the review queue. */
function ended(outcome: SessionOutcome) {
  return { outcome, decidedAt: null, decisionMs: null, reviewRequestedAt: null };
}

function change(
  row: Readonly<InsightsSessionEntity>,
  type: Exclude<VerificationEventType, 'VerificationInitiated'>,
  { body: data }: ProjectedEvent,
): Partial<InsightsSessionEntity> {
  switch (type) {
    case 'CaptureStarted':
      return { ...reached(row, 'capture'), deviceClass: row.deviceClass ?? data.string('deviceClass') };
    case 'EvidenceSubmitted':
      return {
        ...reached(row, 'evidence'),
        submissionsOk: row.submissionsOk + 1,
        documentType: row.documentType ?? data.optionalString('documentType') ?? null,
        vendor: row.vendor ?? data.string('vendor'),
      };
    case 'VendorResultReceived': {
      const checks = data.objects('checks', (check) => ({
        kind: check.string('kind'),
        result: check.string('result'),
      }));
      const counted = data.boolean('counted');
      const errored = checks.some((check) => check.result === 'error');
      const liveness = counted ? checks.filter((check) => check.kind === 'liveness') : [];
      const passed = liveness.some((check) => check.result === 'clear');
      const latency = Math.max(
        0,
        Date.parse(data.instant('receivedAt')) - Date.parse(data.instant('vendorCreatedAt')),
      );
      const slowest = Math.max(row.callbackMs ?? 0, latency);
      return {
        callbackMs: slowest,
        ...(counted ? { ...reached(row, 'results'), vendor: row.vendor ?? data.string('vendor') } : {}),
        vendorCalls: row.vendorCalls + 1,
        vendorErrors: row.vendorErrors + (errored ? 1 : 0),
        // Passed once a counted liveness check came back clear; failed while none did.
        livenessPassed: liveness.length === 0 ? row.livenessPassed : row.livenessPassed === true || passed,
      };
    }
    case 'VendorRequestFailed':
      return { vendorCalls: row.vendorCalls + 1, vendorErrors: row.vendorErrors + 1 };
    case 'DecisionEvaluated':
      return reached(row, 'decision');
    case 'ReviewRequested':
      // Also after an automatic approval that a later result contradicted: the session is open again.
      return {
        ...reached(row, 'decision'),
        reviewed: true,
        reviewRequestedAt: data.instant('requestedAt'),
        outcome: null,
        decidedAt: null,
        decisionMs: null,
      };
    case 'ReviewSlaBreached':
      return { slaBreached: true };
    case 'ResubmissionRequested':
      return { resubmissions: row.resubmissions + 1, reviewRequestedAt: null };
    case 'VerificationApproved':
      return decided(
        row,
        data.string('decidedBy') === 'policy' ? 'auto_approved' : 'approved_after_review',
        data.instant('decidedAt'),
      );
    case 'VerificationRejected':
      return decided(row, 'rejected', data.instant('decidedAt'));
    case 'VerificationExpired':
      return ended(ABANDONED_FROM.has(data.string('previousStatus')) ? 'abandoned' : 'expired');
    case 'VerificationClosed':
      return ended('closed');
    case 'VendorSessionOpened':
    case 'VendorFallbackChosen':
    case 'VendorSessionQueued':
    case 'VendorResultFetched':
    case 'ReviewerAssigned':
    case 'ReviewCompleted':
    case 'OverrideRequested':
    case 'OverrideApproved':
    case 'OverrideRejected':
      return {};
    default: {
      const unexpected: never = type;
      return unexpected;
    }
  }
}
