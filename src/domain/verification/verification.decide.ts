import type { JsonObject } from '../../shared/json';
import { requiredEvidenceOf, rulesFor } from '../policy/jurisdiction-rules';
import { resolveSession } from '../policy/resolve-session';
import { UnknownRiskSignalError } from '../policy/policy.errors';
import { type CheckResult, type LoadedPolicy, vendorLabelList } from '../policy/policy.types';
import { isScreeningHit, type ReasonCode } from '../reason-codes';
import { DomainValidationError, IllegalTransitionError, NotFoundError } from '../shared/domain-error';
import { epochMs } from '../subject/command-input';
import { calendarDate, startOfDay } from './command-input';
import { ProcessingRestrictedError } from '../subject/subject.errors';
import type { EventPii } from '../subject/subject.events';
import type {
  ApproveOverride,
  AssignReviewer,
  CloseVerification,
  CompleteReview,
  EscalateReview,
  ExpireVerification,
  RecordVendorResult,
  RecordVendorSession,
  RejectOverride,
  RequestOverride,
  StartCapture,
  StartVerification,
  SubjectStanding,
  SubmitEvidence,
  VerificationCommand,
  VerificationCommandType,
} from './verification.commands';
import { approved, decideAttempt, rejected, reviewAfterApproval } from './verification.evaluation';
import {
  ComplianceClearanceRequiredError,
  ConsentRequiredError,
  EvidenceConflictError,
  EvidenceRequiredError,
  FourEyesViolationError,
  ReassignmentNotAllowedError,
  NoteRequiredError,
  NotYetDueError,
  OverrideAlreadyDecidedError,
  OverrideAlreadyExistsError,
  OverrideNotFoundError,
  OverrideNotPermittedError,
  OverrideOutcomeUnchangedError,
  OverridePendingError,
  PolicyMismatchError,
  ReviewAssignedToOtherError,
  SeniorReviewerRequiredError,
  SessionExpiredError,
} from './verification.errors';
import type {
  CaptureStarted,
  CheckResultData,
  EvidenceSubmitted,
  ManualOutcome,
  OverrideRejected,
  ReviewCompleted,
  ReviewerAssigned,
  ReviewSlaBreached,
  VendorResultReceived,
  VerificationClosed,
  VerificationEvent,
  VerificationExpired,
  VerificationInitiated,
  VerificationStatus,
} from './verification.events';
import {
  type EvidenceRef,
  evolveSession,
  isOpen,
  OPEN_STATUSES,
  evolve,
  initialState,
  isSuperseded,
  type OverrideState,
  UNDECIDED_STATUSES,
  currentEvidence,
  type Verification,
  type VerificationState,
  vendorEventKey,
} from './verification.state';

/*
 * The deciders of the verification aggregate: a command built by `verificationCommand` (command-input.ts), whose
 * input is already checked and normalised, against the session's state and the policy it runs under.
 */

/** Attribute keys that are an address: they go to the `contact_address` data class, the rest to identity. */
export const CONTACT_ADDRESS_ATTRIBUTES: readonly string[] = ['address'];

/** The role an override decision needs (besides being someone other than the requester). */
export const OVERRIDE_APPROVER_ROLE = 'senior_reviewer';

export function startVerification(command: StartVerification, state: VerificationState): VerificationEvent[] {
  const input = command.data;
  if (state.status !== 'none') throw new IllegalTransitionError(command.type, state.status);
  const { sessionId, subjectId, now } = input;
  if (input.consent?.scopes.includes('identity_verification') !== true) {
    throw new ConsentRequiredError(subjectId, 'identity_verification');
  }
  const { policy } = input;
  const rules = resolveSession(policy, {
    jurisdiction: input.jurisdiction,
    segment: input.segment,
    riskSignals: input.riskSignals,
  });
  const initiated: VerificationInitiated = {
    type: 'VerificationInitiated',
    data: {
      sessionId,
      subjectId,
      jurisdiction: rules.jurisdiction,
      segment: rules.segment,
      path: rules.path,
      tier: rules.tier,
      policyId: rules.policyId,
      policyVersion: rules.policyVersion,
      policyHash: rules.policyHash,
      requiredChecks: [...rules.requiredChecks],
      riskSignals: { ...input.riskSignals },
      maxResubmissions: rules.maxResubmissions,
      ruleTrace: [...rules.trace],
      consentId: input.consent.consentId,
      expiresAt: new Date(epochMs(now) + rules.ttlMs).toISOString(),
      initiatedAt: now,
    },
  };
  if (rules.path !== 'embargoed') return [initiated];
  // Embargoed jurisdictions are final at once, in the same append: no capture, no personal data collected.
  const session = evolve(initialState, initiated);
  if (session.status === 'none') return [initiated];
  return [initiated, ...decideAttempt(session, policy, now, 'embargo')];
}

/** Capture of the first attempt, or of the next one after a resubmission request. */
export function startCapture(command: StartCapture, state: VerificationState): CaptureStarted[] {
  const session = existing(command, state);
  const { now, channel, deviceClass } = command.data;
  notExpired(session, now);
  stillStanding(session, command.data.subject);
  // A retry (a double click, the back button) of the capture this attempt already started records nothing.
  if (session.status === 'capture_in_progress') return [];
  allow(command.type, session, ['initiated', 'needs_resubmission']);
  return [
    { type: 'CaptureStarted', data: { attempt: session.attempt, channel, deviceClass, startedAt: now } },
  ];
}

/**
 * Records a piece of evidence for the current attempt (after a resubmission request it belongs to the new
 * attempt; a capture call first is not required, as it is not for the first attempt). Repeating the same
 * evidence id with the same fields records nothing. If the attempt's vendor results are already complete, the
 * evidence completes the attempt and the policy decides.
 */
export function submitEvidence(command: SubmitEvidence, state: VerificationState): VerificationEvent[] {
  const session = existing(command, state);
  const input = command.data;
  const { evidenceId, vendor, vendorReference, now } = input;
  const fields = {
    kind: input.kind,
    documentType: input.documentType,
    issuingCountry: input.issuingCountry,
    vendor,
    vendorReference,
  };
  const previous = session.evidence.find((ref) => ref.evidenceId === evidenceId);
  if (previous !== undefined) {
    if (sameEvidence(previous, fields)) return [];
    throw new EvidenceConflictError(evidenceId);
  }
  // The same capture sent again under another id (a retry without an Idempotency-Key) is the same evidence.
  if (currentEvidence(session).some((ref) => sameEvidence(ref, fields))) return [];
  notExpired(session, now);
  allow(command.type, session, OPEN_STATUSES);
  stillStanding(session, input.subject);
  samePolicy(session, input.policy);
  const facts = input.kind === 'document' ? attributeFacts(input.attributes, session, input.policy, now) : {};
  const pii = mediaPii(input.kind, input.mediaReferences, attributePii(input.attributes));
  const submitted: EvidenceSubmitted = {
    type: 'EvidenceSubmitted',
    data: {
      evidenceId,
      attempt: session.attempt,
      kind: input.kind,
      ...(input.documentType === undefined ? {} : { documentType: input.documentType }),
      ...(input.issuingCountry === undefined ? {} : { issuingCountry: input.issuingCountry }),
      vendor,
      vendorReference,
      ...facts,
      ...(input.duplicateOf === undefined
        ? {}
        : { duplicateOf: { sessionId: input.duplicateOf.sessionId, match: input.duplicateOf.match } }),
      submittedAt: now,
    },
    ...(pii === undefined ? {} : { pii }),
  };
  return [submitted, ...decideAttempt(evolveSession(session, submitted), input.policy, now, 'evidence')];
}

/** The message code of a session waiting for a vendor: the app words it ("we will continue shortly"). */
export const VENDOR_DELAYED = 'VENDOR_DELAYED';

/**
 * Records what the server's call to a vendor came to. A session opened there is recorded once per vendor
 * reference and attempt (the same reference again, e.g. a reused session, records nothing) and only while the person can
 * still act, with consent in force and before the session expires; a failure is recorded while the session is
 * open, so that the timeline shows why the person had to wait.
 */
export function recordVendorSession(
  command: RecordVendorSession,
  state: VerificationState,
): VerificationEvent[] {
  const session = existing(command, state);
  const { vendor, outcome, now } = command.data;
  if (outcome.kind === 'opened') {
    // Once per vendor reference and attempt: the vendor object of an earlier attempt, found again for a new one,
    // is recorded for it (the session no longer waits for a vendor, and the timeline shows it serves this attempt).
    const known = session.vendorSessions.some(
      (s) =>
        s.vendor === vendor && s.vendorReference === outcome.vendorReference && s.attempt === session.attempt,
    );
    if (known) return [];
    allow(command.type, session, OPEN_STATUSES);
    notExpired(session, now);
    stillStanding(session, command.data.subject);
    return [
      {
        type: 'VendorSessionOpened',
        data: {
          vendor,
          vendorReference: outcome.vendorReference,
          ...(outcome.vendorRequestId === undefined ? {} : { vendorRequestId: outcome.vendorRequestId }),
          attempt: session.attempt,
          expiresAt: outcome.expiresAt,
          openedAt: now,
        },
      },
    ];
  }
  allow(command.type, session, OPEN_STATUSES);
  if (outcome.kind === 'fallback') {
    return [
      {
        type: 'VendorFallbackChosen',
        data: {
          from: vendor,
          to: outcome.to,
          reason: outcome.reason,
          ...(outcome.rule === undefined ? {} : { rule: outcome.rule }),
          ...(outcome.ruleExpiresAt === undefined ? {} : { ruleExpiresAt: outcome.ruleExpiresAt }),
          chosenAt: now,
        },
      },
    ];
  }
  if (outcome.kind === 'queued') {
    // Queued work is a vendor call made later for this person: the same conditions as opening one now. A session
    // that already has a vendor session for this attempt waits for nothing (the client's next call reuses it).
    if (session.vendorQueue?.vendor === vendor) return [];
    if (session.vendorSessions.some((s) => s.attempt === session.attempt)) return [];
    notExpired(session, now);
    stillStanding(session, command.data.subject);
    return [
      {
        type: 'VendorSessionQueued',
        data: { vendor, reason: outcome.reason, messageCode: VENDOR_DELAYED, queuedAt: now },
      },
    ];
  }
  return [
    {
      type: 'VendorRequestFailed',
      data: {
        vendor,
        operation: outcome.operation,
        errorClass: outcome.errorClass,
        ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
        ...(outcome.vendorRequestId === undefined ? {} : { vendorRequestId: outcome.vendorRequestId }),
        attempts: outcome.attempts,
        failedAt: now,
      },
    },
  ];
}

/**
 * Records a vendor result, always, unless this vendor event was recorded before (a redelivery: nothing). While
 * the session is open the result counts toward the current attempt and the policy decides once the attempt is
 * complete. Afterwards it is recorded and changes nothing, except that a result contradicting an automatic
 * approval sends the session back to review. Deliveries are ordered by the vendor's own clock: a result created
 * before the one of the same vendor that the session already holds for a check kind is recorded and ignored.
 */
/** The caller's risk signals with those a vendor raised that the policy declares; undefined when none. */
function withVendorSignals(
  riskSignals: Readonly<Record<string, boolean>> | undefined,
  vendorSignals: readonly string[] | undefined,
  policy: LoadedPolicy,
): Readonly<Record<string, boolean>> | undefined {
  const declared = (vendorSignals ?? []).filter((signal) =>
    Object.hasOwn(policy.document.riskSignals, signal),
  );
  if (declared.length === 0) return riskSignals;
  return { ...riskSignals, ...Object.fromEntries(declared.map((signal) => [signal, true])) };
}

export function recordVendorResult(
  command: RecordVendorResult,
  state: VerificationState,
): VerificationEvent[] {
  const session = existing(command, state);
  const input = command.data;
  const { vendor, vendorEventId, vendorCreatedAt, now } = input;
  if (session.vendorEventIds.has(vendorEventKey(vendor, vendorEventId))) return [];
  samePolicy(session, input.policy);
  const riskSignals = withVendorSignals(input.riskSignals, input.vendorSignals, input.policy);
  if (input.checks.length === 0 && riskSignals === undefined) {
    throw new DomainValidationError('a vendor result needs checks or risk signals', { field: 'checks' });
  }
  const checks = input.checks.map(checkData);
  const undeclared = Object.keys(input.riskSignals ?? {}).filter(
    (signal) => !Object.hasOwn(input.policy.document.riskSignals, signal),
  );
  if (undeclared.length > 0) {
    throw new UnknownRiskSignalError(undeclared, Object.keys(input.policy.document.riskSignals));
  }
  // Past its time to live the session is expired whether or not the scheduler has run yet (I2); that is what
  // is already true, so it comes before anything the person did since.
  const expiring = pastTtl(session, now) ? expiry(session, now) : undefined;
  // The person no longer consents (or asked for erasure): the result is recorded, not counted, and the session
  // closes — no approval is issued to a person who withdrew (I1).
  const closing =
    expiring === undefined && UNDECIDED_STATUSES.includes(session.status)
      ? closure(session, input.subject, now)
      : undefined;
  // A result created before the current attempt began belongs to the previous attempt.
  const counted =
    closing === undefined &&
    expiring === undefined &&
    session.status !== 'expired' &&
    session.status !== 'closed' &&
    (session.attempt === 1 || epochMs(vendorCreatedAt) >= epochMs(session.attemptStartedAt));
  const fetched: VerificationEvent[] =
    input.fetched === undefined
      ? []
      : [
          {
            type: 'VendorResultFetched',
            data: {
              vendor,
              vendorEventId,
              objectId: input.fetched.objectId,
              operation: input.fetched.operation,
              ...(input.fetched.vendorRequestId === undefined
                ? {}
                : { vendorRequestId: input.fetched.vendorRequestId }),
              fetchedAt: now,
            },
          },
        ];
  const received: VendorResultReceived = {
    type: 'VendorResultReceived',
    data: {
      vendor,
      vendorEventId,
      vendorCreatedAt,
      checks,
      ...(riskSignals === undefined ? {} : { riskSignals: { ...riskSignals } }),
      attempt: session.attempt,
      counted,
      receivedAt: now,
    },
  };
  if (closing !== undefined) return [...fetched, received, closing];
  if (expiring !== undefined) return [...fetched, received, expiring];
  if (!counted) return [...fetched, received];
  // A late delivery whose every check a newer result of the same vendor already replaced changes nothing.
  const source = { vendor, vendorCreatedAt };
  if (riskSignals === undefined && checks.every((check) => isSuperseded(session, check.kind, source))) {
    return [...fetched, received];
  }
  const next = evolveSession(session, received);
  if (isOpen(session.status))
    return [...fetched, received, ...decideAttempt(next, input.policy, now, 'vendor_result')];
  if (session.status === 'approved') {
    return [
      ...fetched,
      received,
      ...reviewAfterApproval(next, input.policy, now, {
        decidedBy: session.decidedBy ?? 'policy',
        newChecks: checks,
        previousSignals: session.riskSignals,
        newSignals: riskSignals ?? {},
      }),
    ];
  }
  return [...fetched, received];
}

/**
 * Assigns (or reassigns) the pending review; assigning the current assignee again records nothing. A reviewer
 * may claim an unassigned review for themself; taking a review from its assignee, or assigning one to someone
 * else, takes a senior reviewer (or an admin). Who assigned is the event's actor; a reassignment also names the
 * previous reviewer.
 */
export function assignReviewer(command: AssignReviewer, state: VerificationState): ReviewerAssigned[] {
  const session = existing(command, state);
  allow(command.type, session, ['pending_review']);
  const { reviewerId, assignedBy, assignerRoles, now } = command.data;
  if (session.assignee === reviewerId) return [];
  const claimsForSelf = reviewerId === assignedBy && session.assignee === undefined;
  if (!claimsForSelf && !assignerRoles.includes(OVERRIDE_APPROVER_ROLE) && !assignerRoles.includes('admin')) {
    throw new ReassignmentNotAllowedError();
  }
  return [
    {
      type: 'ReviewerAssigned',
      data: {
        reviewerId,
        ...(session.assignee === undefined ? {} : { previousReviewerId: session.assignee }),
        assignedAt: now,
      },
    },
  ];
}

/**
 * A reviewer's final decision. An assigned review is completed by its assignee; an unassigned one by whoever
 * takes it. A rejection cites at least one code; an approval without codes cites REVIEW_APPROVED.
 */
export function completeReview(command: CompleteReview, state: VerificationState): VerificationEvent[] {
  const session = existing(command, state);
  allow(command.type, session, ['pending_review']);
  const input = command.data;
  const { reviewerId, now } = input;
  if (session.assignee !== undefined && session.assignee !== reviewerId) {
    throw new ReviewAssignedToOtherError(session.assignee);
  }
  const reasonCodes = [...input.reasonCodes];
  const note = input.note ?? '';
  // A person who withdrew is neither approved nor rejected: the session closes instead (I1).
  stillStanding(session, input.subject);
  if (input.outcome === 'approve') {
    mayApprove(session, input.policy, input.subject);
    // Clearing a sanctions or PEP hit is a compliance decision: the role the policy names, and a written note.
    const hits = complianceHits([...(session.review?.reasons ?? []), ...session.reasonCodes]);
    if (hits.length > 0) {
      const { rules } = rulesFor(input.policy, session.jurisdiction, session.segment);
      const clearance = rules.review.complianceClearance ?? COMPLIANCE_CLEARANCE;
      // An admin holds every role (docs: authorization matrix), the policy's clearance role included.
      if (!input.reviewerRoles.includes(clearance.role) && !input.reviewerRoles.includes('admin')) {
        throw new ComplianceClearanceRequiredError(clearance.role, hits);
      }
      if (clearance.noteRequired && note.length === 0) throw new NoteRequiredError('clearing a hit');
    }
  }
  const completed: ReviewCompleted = {
    type: 'ReviewCompleted',
    data: {
      reviewerId,
      outcome: input.outcome,
      reasonCodes,
      reviewerRoles: [...input.reviewerRoles],
      hasNote: note.length > 0,
      completedAt: now,
    },
    ...(note.length > 0 ? { pii: { review_notes: { note } } } : {}),
  };
  const decision =
    input.outcome === 'approve'
      ? approved(session, reasonCodes, 'reviewer', now, { reviewerId })
      : rejected(session, reasonCodes, 'reviewer', now, { reviewerId });
  return [completed, decision];
}

/** Asks for a final decision to be reversed; a second person with senior_reviewer decides. One at a time. */
export function requestOverride(command: RequestOverride, state: VerificationState): VerificationEvent[] {
  const session = existing(command, state);
  allow(command.type, session, ['approved', 'rejected']);
  const input = command.data;
  const { overrideId, requestedBy, now, justification } = input;
  if (session.overrides.has(overrideId)) throw new OverrideAlreadyExistsError(overrideId);
  if (session.pendingOverride !== undefined)
    throw new OverridePendingError(session.pendingOverride.overrideId);
  if (outcomeOf(session.status) === input.outcome) {
    throw new OverrideOutcomeUnchangedError(input.outcome, session.status);
  }
  // An embargo is a legal prohibition, not a judgement a reviewer can reverse.
  if (session.path === 'embargoed') throw new OverrideNotPermittedError('UNSUPPORTED_JURISDICTION');
  const reasonCodes = [...(input.reasonCodes ?? [])];
  return [
    {
      type: 'OverrideRequested',
      data: { overrideId, requestedBy, outcome: input.outcome, reasonCodes, requestedAt: now },
      // Free text a person typed: encrypted under review_notes, shredded with it (docs/privacy.md, "Free text").
      pii: { review_notes: { justification } },
    },
  ];
}

export function approveOverride(command: ApproveOverride, state: VerificationState): VerificationEvent[] {
  const session = existing(command, state);
  const { request, approverId, approverRoles } = decidableOverride(command, session);
  const { now } = command.data;
  if (outcomeOf(session.status) === request.outcome) {
    throw new OverrideOutcomeUnchangedError(request.outcome, session.status);
  }
  if (request.outcome === 'approve') mayApprove(session, command.data.policy, command.data.subject);
  const reasonCodes = unique<ReasonCode>([...request.reasonCodes, 'OVERRIDE_APPLIED']);
  const by = { overrideId: request.overrideId };
  return [
    {
      type: 'OverrideApproved',
      data: {
        overrideId: request.overrideId,
        approverId,
        approverRoles,
        outcome: request.outcome,
        approvedAt: now,
      },
    },
    request.outcome === 'approve'
      ? approved(session, reasonCodes, 'override', now, by)
      : rejected(session, reasonCodes, 'override', now, by),
  ];
}

export function rejectOverride(command: RejectOverride, state: VerificationState): OverrideRejected[] {
  const session = existing(command, state);
  const { request, approverId, approverRoles } = decidableOverride(command, session);
  const { reason, now } = command.data;
  return [
    {
      type: 'OverrideRejected',
      data: { overrideId: request.overrideId, approverId, approverRoles, rejectedAt: now },
      pii: { review_notes: { reason } },
    },
  ];
}

/** Ends a session whose time to live is over while the person could still act (not while a review is open). */
export function expireVerification(
  command: ExpireVerification,
  state: VerificationState,
): VerificationExpired[] {
  const session = existing(command, state);
  allow(command.type, session, OPEN_STATUSES);
  const { now } = command.data;
  if (epochMs(now) < epochMs(session.expiresAt)) throw new NotYetDueError(session.expiresAt);
  return [expiry(session, now)];
}

/**
 * Escalates a review still undecided when its SLA runs out: one priority up and into the policy's escalation
 * queue. Once per review; before it is due, or once it is decided, it records nothing.
 */
export function escalateReview(command: EscalateReview, state: VerificationState): ReviewSlaBreached[] {
  const session = existing(command, state);
  const { now } = command.data;
  const review = session.review;
  if (session.status !== 'pending_review' || review === undefined || review.escalatedAt !== undefined)
    return [];
  if (epochMs(now) < epochMs(review.slaDueAt)) return [];
  const { rules } = rulesFor(command.data.policy, session.jurisdiction, session.segment);
  return [
    {
      type: 'ReviewSlaBreached',
      data: {
        slaDueAt: review.slaDueAt,
        priority: review.priority,
        escalatedPriority: Math.max(1, review.priority - 1),
        queue: review.queue,
        escalationQueue: rules.review.escalationQueue ?? review.queue,
        breachedAt: now,
      },
    },
  ];
}

/**
 * Closes a session that has no decision yet because the person withdrew consent or asked for erasure. A
 * decided, expired or already closed session keeps its end: closing it again records nothing.
 */
export function closeVerification(
  command: CloseVerification,
  state: VerificationState,
): VerificationClosed[] {
  const session = existing(command, state);
  const { now } = command.data;
  if (!UNDECIDED_STATUSES.includes(session.status)) return [];
  // A session past its time to live had already ended: it expired, it is not closed (I2).
  if (pastTtl(session, now)) return [];
  const { reason, consentId, erasureRequestId } = command.data;
  return [
    {
      type: 'VerificationClosed',
      data: {
        reasonCodes: [reason],
        previousStatus: session.status,
        ...(consentId === undefined ? {} : { consentId }),
        ...(erasureRequestId === undefined ? {} : { erasureRequestId }),
        closedAt: now,
      },
    },
  ];
}

export function decide(command: VerificationCommand, state: VerificationState): VerificationEvent[] {
  switch (command.type) {
    case 'StartVerification':
      return startVerification(command, state);
    case 'StartCapture':
      return startCapture(command, state);
    case 'SubmitEvidence':
      return submitEvidence(command, state);
    case 'RecordVendorSession':
      return recordVendorSession(command, state);
    case 'RecordVendorResult':
      return recordVendorResult(command, state);
    case 'AssignReviewer':
      return assignReviewer(command, state);
    case 'CompleteReview':
      return completeReview(command, state);
    case 'RequestOverride':
      return requestOverride(command, state);
    case 'ApproveOverride':
      return approveOverride(command, state);
    case 'RejectOverride':
      return rejectOverride(command, state);
    case 'ExpireVerification':
      return expireVerification(command, state);
    case 'CloseVerification':
      return closeVerification(command, state);
    case 'EscalateReview':
      return escalateReview(command, state);
    default: {
      const unexpected: never = command;
      return unexpected;
    }
  }
}

function existing(command: { data: { sessionId: string } }, state: VerificationState): Verification {
  if (state.status === 'none') throw new NotFoundError('verification', command.data.sessionId);
  return state;
}

function allow(
  command: VerificationCommandType,
  session: Verification,
  allowed: readonly VerificationStatus[],
): void {
  if (!allowed.includes(session.status)) throw new IllegalTransitionError(command, session.status);
}

function samePolicy(session: Verification, policy: LoadedPolicy): void {
  if (policy.hash !== session.policyHash) throw new PolicyMismatchError(session.policyHash, policy.hash);
}

/**
 * One answer for an expired session, whether the scheduler has recorded the expiry yet or not (I2): past its
 * time to live an open session is expired.
 */
function notExpired(session: Verification, now: string): void {
  if (session.status === 'expired') throw new SessionExpiredError(session.expiresAt);
  if (isOpen(session.status) && epochMs(now) >= epochMs(session.expiresAt)) {
    throw new SessionExpiredError(session.expiresAt);
  }
}

function pastTtl(session: Verification, now: string): boolean {
  return isOpen(session.status) && epochMs(now) >= epochMs(session.expiresAt);
}

function expiry(session: Verification, now: string): VerificationExpired {
  return {
    type: 'VerificationExpired',
    data: {
      expiresAt: session.expiresAt,
      previousStatus: session.status,
      reasonCodes: ['SESSION_EXPIRED'],
      expiredAt: now,
    },
  };
}

/** The closing event when the person no longer stands behind the processing; undefined while they do. */
function closure(
  session: Verification,
  subject: SubjectStanding,
  now: string,
): VerificationClosed | undefined {
  const base = { previousStatus: session.status, closedAt: now };
  if (subject.erasureRequestId !== undefined) {
    return {
      type: 'VerificationClosed',
      data: { ...base, reasonCodes: ['ERASURE_REQUESTED'], erasureRequestId: subject.erasureRequestId },
    };
  }
  if (!subject.consentInForce) {
    const consentId = subject.withdrawnConsentId;
    return {
      type: 'VerificationClosed',
      data: {
        ...base,
        reasonCodes: ['CONSENT_WITHDRAWN'],
        ...(consentId === undefined ? {} : { consentId }),
      },
    };
  }
  return undefined;
}

/** The person still consents and asked for no erasure (I1); refused otherwise. */
function stillStanding(session: Verification, subject: SubjectStanding): void {
  if (subject.erasureRequestId !== undefined) {
    throw new ProcessingRestrictedError(session.subjectId, subject.erasureRequestId);
  }
  if (!subject.consentInForce) throw new ConsentRequiredError(session.subjectId, 'identity_verification');
}

/** What every human approval needs too (I1, I3): the person still consents, and the evidence is there. */
function mayApprove(session: Verification, policy: LoadedPolicy, subject: SubjectStanding): void {
  stillStanding(session, subject);
  const { rules } = rulesFor(policy, session.jurisdiction, session.segment);
  const tier = rules.tiers.find((t) => t.name === session.tier);
  const required = tier === undefined ? [] : requiredEvidenceOf(tier);
  const kinds = new Set(currentEvidence(session).map((ref) => ref.kind));
  const missing = required.filter((kind) => !kinds.has(kind));
  if (missing.length > 0) throw new EvidenceRequiredError(missing);
}

/** Who clears a screening hit (sanctions, PEP, adverse media, other lists) when the policy does not say. */
const COMPLIANCE_CLEARANCE = { role: OVERRIDE_APPROVER_ROLE, noteRequired: true } as const;

function complianceHits(codes: readonly ReasonCode[]): ReasonCode[] {
  return unique(codes.filter(isScreeningHit));
}

/**
 * What the document's extracted attributes say about the policy, as booleans (I3): the document had expired
 * (its expiry date is before today), the holder is below the policy's minimum age. A date that is not a real
 * calendar date is refused; an absent one says nothing.
 */
function attributeFacts(
  attributes: JsonObject | undefined,
  session: Verification,
  policy: LoadedPolicy,
  now: string,
): { documentExpired?: boolean; belowMinimumAge?: boolean } {
  if (attributes === undefined) return {};
  const today = startOfDay(now);
  const facts: { documentExpired?: boolean; belowMinimumAge?: boolean } = {};
  const expiryDate = calendarDate(attributes.expiryDate, 'attributes.expiryDate');
  if (expiryDate !== undefined) facts.documentExpired = Date.UTC(...expiryDate) < today;
  const birth = calendarDate(attributes.dateOfBirth, 'attributes.dateOfBirth');
  if (birth !== undefined) {
    const { rules } = rulesFor(policy, session.jurisdiction, session.segment);
    const [year, month, day] = birth;
    // The birthday of the minimum age; a 29 February birthday falls on 1 March in other years.
    const comesOfAge = Date.UTC(year + rules.minimumAge, month, day);
    facts.belowMinimumAge = comesOfAge > today;
  }
  return facts;
}

function outcomeOf(status: VerificationStatus): ManualOutcome | undefined {
  if (status === 'approved') return 'approve';
  if (status === 'rejected') return 'reject';
  return undefined;
}

/** The checks shared by approving and rejecting an override: status, request, four eyes, role. */
function decidableOverride(
  command: ApproveOverride | RejectOverride,
  session: Verification,
): { request: OverrideState; approverId: string; approverRoles: string[] } {
  allow(command.type, session, ['approved', 'rejected']);
  const { overrideId, approverId } = command.data;
  const request = session.overrides.get(overrideId);
  if (request === undefined) throw new OverrideNotFoundError(overrideId);
  if (request.status !== 'pending') throw new OverrideAlreadyDecidedError(overrideId, request.status);
  if (approverId === request.requestedBy) throw new FourEyesViolationError(overrideId);
  // An admin holds every role, at the edge and here alike (SECURITY.md); four eyes still applies to them.
  if (
    !command.data.approverRoles.includes(OVERRIDE_APPROVER_ROLE) &&
    !command.data.approverRoles.includes('admin')
  ) {
    throw new SeniorReviewerRequiredError(overrideId);
  }
  return { request, approverId, approverRoles: [...command.data.approverRoles] };
}

function sameEvidence(
  ref: EvidenceRef,
  fields: Pick<EvidenceRef, 'kind' | 'documentType' | 'issuingCountry' | 'vendor' | 'vendorReference'>,
): boolean {
  return (
    ref.kind === fields.kind &&
    ref.documentType === fields.documentType &&
    ref.issuingCountry === fields.issuingCountry &&
    ref.vendor === fields.vendor &&
    ref.vendorReference === fields.vendorReference
  );
}

/** Adds media references to the event's personal data: biometric for a selfie, document media otherwise. */
function mediaPii(
  kind: string,
  references: readonly string[] | undefined,
  pii: EventPii | undefined,
): EventPii | undefined {
  if (references === undefined || references.length === 0) return pii;
  const dataClass = kind === 'selfie' ? 'biometric_refs' : 'document_media_refs';
  return { ...pii, [dataClass]: { references: references.slice() } };
}

/** Splits extracted attributes into their data classes; `undefined` when there are none. */
function attributePii(attributes: JsonObject | undefined): EventPii | undefined {
  if (attributes === undefined) return undefined;
  const identity: JsonObject = {};
  const address: JsonObject = {};
  for (const [key, value] of Object.entries(attributes)) {
    // A field sent without a value (undefined after DTO transformation) is no attribute and no JSON.
    if ((value as JsonObject[string] | undefined) === undefined) continue;
    if (CONTACT_ADDRESS_ATTRIBUTES.includes(key)) address[key] = value;
    else identity[key] = value;
  }
  const pii: EventPii = {};
  if (Object.keys(identity).length > 0) pii.identity_attributes = identity;
  if (Object.keys(address).length > 0) pii.contact_address = address;
  return Object.keys(pii).length > 0 ? pii : undefined;
}

function checkData(check: CheckResult): CheckResultData {
  return {
    kind: check.kind,
    result: check.result,
    ...(check.score === undefined ? {} : { score: check.score }),
    ...(check.reasonCodes === undefined ? {} : { reasonCodes: [...check.reasonCodes] }),
    ...labelsOf(check),
  };
}

/** The vendor's labels, bounded; none at all rather than an empty list. */
function labelsOf(check: CheckResult): { vendorLabels?: string[] } {
  const labels = vendorLabelList(check.vendorLabels ?? []);
  return labels.length > 0 ? { vendorLabels: labels } : {};
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
