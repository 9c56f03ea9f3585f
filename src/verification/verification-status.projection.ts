import { isVerificationEventType, type VerificationEventType } from '../domain/verification';
import type { Projection, ProjectedEvent } from '../projections/core/projection';
import { put, rowKey } from '../projections/core/projection';
import { ProjectionEventError } from '../projections/projection.errors';
import { VerificationStatusEntity } from './verification-status.entity';
import { decoding } from '../projections/core/event-data';

export const VERIFICATION_STATUS = 'verification_status';

/** Status of each verification session, as the domain folds it (status, tier, reason codes, attempts…). */
export const verificationStatusProjection: Projection = decoding({
  name: VERIFICATION_STATUS,
  streams: ['verification'],
  entities: [VerificationStatusEntity],
  keysOf: (event) => [rowKey(VerificationStatusEntity, { sessionId: event.streamId })],
  apply(event, rows) {
    const row = rows.get(VerificationStatusEntity, { sessionId: event.streamId });
    return [put(VerificationStatusEntity, evolveStatus(row ?? null, event))];
  },
});

/**
 * The status row after one event. Mirrors the domain's `evolve` field by field (a test holds them together). An
 * event of a session whose start the projection never saw, or of a type it does not know, is refused: parked,
 * rather than leaving a row that silently misses a step.
 */
export function evolveStatus(
  row: Readonly<VerificationStatusEntity> | null,
  event: ProjectedEvent,
): VerificationStatusEntity {
  const { type, body: data } = event;
  if (!isVerificationEventType(type)) {
    throw new ProjectionEventError('unknown_event_type', `${type} is not a verification event`);
  }
  if (type === 'VerificationInitiated') {
    if (row !== null) return { ...row, ...applied(row, event) };
    const initiatedAt = data.instant('initiatedAt');
    return {
      sessionId: event.streamId,
      subjectId: data.string('subjectId'),
      status: 'initiated',
      tier: data.string('tier'),
      jurisdiction: data.string('jurisdiction'),
      segment: data.string('segment'),
      path: data.string('path'),
      policyId: data.string('policyId'),
      policyVersion: data.string('policyVersion'),
      policyHash: data.string('policyHash'),
      requiredChecks: data.strings('requiredChecks'),
      reasonCodes: [],
      decidedBy: null,
      vendorStatus: null,
      vendorMessageCode: null,
      vendorWaitingSince: null,
      vendorWaitingFor: null,
      ...NO_PENDING_OVERRIDE,
      attempts: 1,
      expiresAt: data.instant('expiresAt'),
      createdAt: initiatedAt,
      updatedAt: initiatedAt,
      revision: event.revision,
      eventCount: 1,
      position: event.position,
    };
  }
  if (row === null) {
    throw new ProjectionEventError(
      'orphan_event',
      `${type}: the session's VerificationInitiated was not applied`,
    );
  }
  return { ...row, ...change(type, event), ...applied(row, event) };
}

/** A session that no longer waits for a vendor: one opened its session, or the session was decided or ended. */
/** No override awaits a second approver. */
const NO_PENDING_OVERRIDE = {
  pendingOverrideId: null,
  pendingOverrideOutcome: null,
  pendingOverrideBy: null,
  pendingOverrideAt: null,
} as const;

const NOT_WAITING = {
  vendorStatus: null,
  vendorMessageCode: null,
  vendorWaitingSince: null,
  vendorWaitingFor: null,
} as const;

function applied(
  row: Readonly<VerificationStatusEntity>,
  event: ProjectedEvent,
): Partial<VerificationStatusEntity> {
  return { revision: event.revision, position: event.position, eventCount: row.eventCount + 1 };
}

function change(
  type: Exclude<VerificationEventType, 'VerificationInitiated'>,
  { body: data }: ProjectedEvent,
): Partial<VerificationStatusEntity> {
  switch (type) {
    case 'CaptureStarted':
      return { status: 'capture_in_progress', updatedAt: data.instant('startedAt') };
    case 'EvidenceSubmitted':
      return { status: 'submitted', updatedAt: data.instant('submittedAt') };
    case 'VendorResultReceived':
      return { updatedAt: data.instant('receivedAt') };
    case 'VendorSessionOpened':
      return { ...NOT_WAITING, updatedAt: data.instant('openedAt') };
    case 'VendorSessionQueued':
      return {
        vendorStatus: 'waiting_for_vendor',
        vendorMessageCode: data.string('messageCode'),
        vendorWaitingSince: data.instant('queuedAt'),
        vendorWaitingFor: data.string('vendor'),
        updatedAt: data.instant('queuedAt'),
      };
    case 'VendorResultFetched':
      return { updatedAt: data.instant('fetchedAt') };
    case 'VendorRequestFailed':
      return { updatedAt: data.instant('failedAt') };
    case 'VendorFallbackChosen':
      return { updatedAt: data.instant('chosenAt') };
    case 'DecisionEvaluated': {
      const stepUp = data.optionalObject('stepUp');
      return {
        reasonCodes: data.strings('reasonCodes'),
        ...(stepUp === undefined
          ? {}
          : { tier: stepUp.string('tier'), requiredChecks: stepUp.strings('requiredChecks') }),
        updatedAt: data.instant('evaluatedAt'),
      };
    }
    case 'ReviewRequested':
      return {
        ...NOT_WAITING,
        status: 'pending_review',
        decidedBy: null,
        updatedAt: data.instant('requestedAt'),
      };
    case 'ReviewSlaBreached':
      return { updatedAt: data.instant('breachedAt') };
    case 'ReviewerAssigned':
      return { updatedAt: data.instant('assignedAt') };
    case 'ReviewCompleted':
      // The status moves with the VerificationApproved/Rejected that follows.
      return { updatedAt: data.instant('completedAt') };
    case 'OverrideRequested':
      return {
        pendingOverrideId: data.string('overrideId'),
        pendingOverrideOutcome: data.string('outcome'),
        pendingOverrideBy: data.string('requestedBy'),
        pendingOverrideAt: data.instant('requestedAt'),
        updatedAt: data.instant('requestedAt'),
      };
    case 'OverrideApproved':
      return { ...NO_PENDING_OVERRIDE, updatedAt: data.instant('approvedAt') };
    case 'OverrideRejected':
      return { ...NO_PENDING_OVERRIDE, updatedAt: data.instant('rejectedAt') };
    case 'ResubmissionRequested':
      return {
        status: 'needs_resubmission',
        attempts: data.integer('attempt'),
        reasonCodes: data.strings('reasonCodes'),
        updatedAt: data.instant('requestedAt'),
      };
    case 'VerificationApproved':
      return {
        ...NOT_WAITING,
        status: 'approved',
        reasonCodes: data.strings('reasonCodes'),
        decidedBy: data.string('decidedBy'),
        updatedAt: data.instant('decidedAt'),
      };
    case 'VerificationRejected':
      return {
        ...NOT_WAITING,
        status: 'rejected',
        reasonCodes: data.strings('reasonCodes'),
        decidedBy: data.string('decidedBy'),
        updatedAt: data.instant('decidedAt'),
      };
    case 'VerificationExpired':
      return {
        ...NOT_WAITING,
        status: 'expired',
        reasonCodes: data.optionalStrings('reasonCodes') ?? ['SESSION_EXPIRED'],
        decidedBy: null,
        updatedAt: data.instant('expiredAt'),
      };
    case 'VerificationClosed':
      return {
        ...NOT_WAITING,
        status: 'closed',
        reasonCodes: data.strings('reasonCodes'),
        decidedBy: null,
        updatedAt: data.instant('closedAt'),
      };
    default: {
      const unexpected: never = type;
      return unexpected;
    }
  }
}
