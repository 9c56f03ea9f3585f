import type {
  CheckKind,
  CheckResult,
  DocumentType,
  DuplicateMatch,
  SessionPath,
} from '../policy/policy.types';
import type { ReasonCode } from '../reason-codes';
import type {
  DecidedBy,
  EvidenceKind,
  ManualOutcome,
  VerificationEvent,
  VerificationStatus,
} from './verification.events';

/** A piece of evidence as the session knows it: references only, never the extracted attributes. */
export interface EvidenceRef {
  readonly evidenceId: string;
  readonly attempt: number;
  readonly kind: EvidenceKind;
  readonly documentType?: DocumentType;
  readonly issuingCountry?: string;
  readonly vendor: string;
  readonly vendorReference: string;
  readonly documentExpired?: boolean;
  readonly belowMinimumAge?: boolean;
  /** Another subject's session with the same identity (blind index), by id. */
  readonly duplicateOf?: DuplicateMatch;
  readonly submittedAt: string;
}

/** A check result of the current attempt as one vendor reported it, created when by the vendor's own clock. */
export interface VendorCheck extends CheckResult {
  readonly vendor: string;
  readonly vendorCreatedAt: string;
}

export interface ReviewTicketState {
  readonly priority: number;
  readonly queue: string;
  readonly slaDueAt: string;
  readonly reasons: readonly ReasonCode[];
  readonly requestedAt: string;
  /** Set once the review breached its SLA and was escalated. */
  readonly escalatedAt?: string;
}

export interface OverrideState {
  readonly overrideId: string;
  readonly requestedBy: string;
  readonly outcome: ManualOutcome;
  readonly reasonCodes: readonly ReasonCode[];
  readonly requestedAt: string;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly decidedBy?: string;
}

/** A session that exists. Everything the deciders, handlers and the status endpoint need; no personal data. */
export interface Verification {
  readonly status: VerificationStatus;
  readonly sessionId: string;
  readonly subjectId: string;
  readonly jurisdiction: string;
  readonly segment: string;
  readonly path: SessionPath;
  readonly policyId: string;
  readonly policyVersion: string;
  readonly policyHash: string;
  readonly tier: string;
  readonly requiredChecks: readonly CheckKind[];
  readonly riskSignals: Readonly<Record<string, boolean>>;
  readonly consentId: string;
  /** Codes of the latest decision (evaluation, review or override). */
  readonly reasonCodes: readonly ReasonCode[];
  /** Who made the current final decision; unset while none stands. */
  readonly decidedBy?: DecidedBy;
  /** 1-based; a resubmission starts the next one. */
  readonly attempt: number;
  readonly attemptStartedAt: string;
  /** Resubmissions requested so far (the evaluator's retry limit counts these). */
  readonly resubmissions: number;
  readonly maxResubmissions: number;
  /**
   * Each vendor's latest result per check kind for the current attempt. A result of the same vendor created
   * earlier (a delivery that arrived out of order) does not replace it; results of other vendors never do —
   * the policy combines them (`combineVendorResults`).
   */
  readonly checks: readonly VendorCheck[];
  readonly expiresAt: string;
  readonly review?: ReviewTicketState;
  readonly assignee?: string;
  readonly pendingOverride?: OverrideState;
  readonly overrides: ReadonlyMap<string, OverrideState>;
  /** `vendorEventKey(vendor, vendorEventId)` of every vendor event recorded. */
  readonly vendorEventIds: ReadonlySet<string>;
  /** Every evidence reference, in order, tagged with its attempt. */
  readonly evidence: readonly EvidenceRef[];
  /** Vendor sessions the server opened, in order (the latest last). */
  readonly vendorSessions: readonly VendorSessionRef[];
  /**
   * Set while the session waits for a vendor that could not open its session (`waiting_for_vendor`): the
   * server opens it when the vendor is back. Cleared by the next vendor session opened.
   */
  readonly vendorQueue?: { readonly vendor: string; readonly queuedAt: string };
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface VendorSessionRef {
  readonly vendor: string;
  readonly vendorReference: string;
  readonly attempt: number;
  readonly expiresAt: string;
}

/** Where a check result came from. */
export interface CheckSource {
  readonly vendor: string;
  readonly vendorCreatedAt: string;
}

/** Before VerificationInitiated: the session does not exist. */
export interface NoVerification {
  readonly status: 'none';
}

export type VerificationState = NoVerification | Verification;

export const initialState: VerificationState = { status: 'none' };

/** Statuses in which the person can still act and the session can expire. */
export const OPEN_STATUSES: readonly VerificationStatus[] = [
  'initiated',
  'capture_in_progress',
  'submitted',
  'needs_resubmission',
];

/** Statuses in which no decision stands yet: open, or waiting for a reviewer. */
export const UNDECIDED_STATUSES: readonly VerificationStatus[] = [...OPEN_STATUSES, 'pending_review'];

export function isOpen(status: VerificationStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** The dedupe key of a vendor delivery: ids are unique per vendor, not across vendors. */
export function vendorEventKey(vendor: string, vendorEventId: string): string {
  return JSON.stringify([vendor, vendorEventId]);
}

/** Evidence of the current attempt. */
export function currentEvidence(state: Verification): EvidenceRef[] {
  return state.evidence.filter((ref) => ref.attempt === state.attempt);
}

/**
 * Folds one event into the state. Total over the event union and tolerant of events that make no sense in the
 * current state (they change nothing), because a recorded event is a fact and must never make a stream unreadable.
 */
export function evolve(state: VerificationState, event: VerificationEvent): VerificationState {
  if (event.type === 'VerificationInitiated') {
    if (state.status !== 'none') return state;
    const data = event.data;
    return {
      status: 'initiated',
      sessionId: data.sessionId,
      subjectId: data.subjectId,
      jurisdiction: data.jurisdiction,
      segment: data.segment,
      path: data.path,
      policyId: data.policyId,
      policyVersion: data.policyVersion,
      policyHash: data.policyHash,
      tier: data.tier,
      requiredChecks: data.requiredChecks,
      riskSignals: data.riskSignals,
      consentId: data.consentId,
      reasonCodes: [],
      attempt: 1,
      attemptStartedAt: data.initiatedAt,
      resubmissions: 0,
      maxResubmissions: data.maxResubmissions,
      checks: [],
      expiresAt: data.expiresAt,
      overrides: new Map(),
      vendorEventIds: new Set(),
      evidence: [],
      vendorSessions: [],
      createdAt: data.initiatedAt,
      updatedAt: data.initiatedAt,
    };
  }
  if (state.status === 'none') return state;
  return evolveSession(state, event);
}

/** `evolve` for a session that exists, typed so: what the deciders use to look one step ahead. */
export function evolveSession(
  state: Verification,
  event: Exclude<VerificationEvent, { type: 'VerificationInitiated' }>,
): Verification {
  switch (event.type) {
    case 'CaptureStarted':
      return { ...state, status: 'capture_in_progress', updatedAt: event.data.startedAt };
    case 'VendorSessionOpened': {
      const { vendor, vendorReference, attempt, expiresAt, openedAt } = event.data;
      const others = state.vendorSessions.filter(
        (s) => !(s.vendor === vendor && s.vendorReference === vendorReference),
      );
      const { vendorQueue: _served, ...rest } = state;
      return {
        ...rest,
        vendorSessions: [...others, { vendor, vendorReference, attempt, expiresAt }],
        updatedAt: openedAt,
      };
    }
    case 'VendorSessionQueued':
      return {
        ...state,
        vendorQueue: { vendor: event.data.vendor, queuedAt: event.data.queuedAt },
        updatedAt: event.data.queuedAt,
      };
    case 'VendorResultFetched':
      return { ...state, updatedAt: event.data.fetchedAt };
    case 'VendorRequestFailed':
      return { ...state, updatedAt: event.data.failedAt };
    case 'VendorFallbackChosen':
      return { ...state, updatedAt: event.data.chosenAt };
    case 'EvidenceSubmitted': {
      const {
        evidenceId,
        attempt,
        kind,
        documentType,
        issuingCountry,
        vendor,
        vendorReference,
        documentExpired,
        belowMinimumAge,
        duplicateOf,
        submittedAt,
      } = event.data;
      const ref: EvidenceRef = {
        evidenceId,
        attempt,
        kind,
        vendor,
        vendorReference,
        submittedAt,
        ...(documentType === undefined ? {} : { documentType }),
        ...(issuingCountry === undefined ? {} : { issuingCountry }),
        ...(documentExpired === undefined ? {} : { documentExpired }),
        ...(belowMinimumAge === undefined ? {} : { belowMinimumAge }),
        ...(duplicateOf === undefined
          ? {}
          : { duplicateOf: { sessionId: duplicateOf.sessionId, match: duplicateOf.match } }),
      };
      return { ...state, status: 'submitted', evidence: [...state.evidence, ref], updatedAt: submittedAt };
    }
    case 'VendorResultReceived': {
      const { vendor, vendorEventId, vendorCreatedAt, checks, riskSignals, counted, receivedAt } = event.data;
      const vendorEventIds = new Set(state.vendorEventIds).add(vendorEventKey(vendor, vendorEventId));
      if (!counted) return { ...state, vendorEventIds, updatedAt: receivedAt };
      const source: CheckSource = { vendor, vendorCreatedAt };
      const fresh = checks
        .filter((check) => !isSuperseded(state, check.kind, source))
        .map((check): VendorCheck => ({ ...check, vendor, vendorCreatedAt }));
      return {
        ...state,
        vendorEventIds,
        checks: mergeChecks(state.checks, fresh),
        riskSignals: mergeSignals(state.riskSignals, riskSignals ?? {}),
        updatedAt: receivedAt,
      };
    }
    case 'DecisionEvaluated': {
      const { reasonCodes, stepUp, evaluatedAt } = event.data;
      return {
        ...state,
        reasonCodes,
        ...(stepUp === undefined ? {} : { tier: stepUp.tier, requiredChecks: stepUp.requiredChecks }),
        updatedAt: evaluatedAt,
      };
    }
    case 'ReviewRequested': {
      const { priority, queue, slaDueAt, reasons, requestedAt } = event.data;
      return {
        ...state,
        status: 'pending_review',
        review: { priority, queue, slaDueAt, reasons, requestedAt },
        decidedBy: undefined,
        assignee: undefined,
        updatedAt: requestedAt,
      };
    }
    case 'ReviewSlaBreached': {
      const { escalatedPriority, escalationQueue, breachedAt } = event.data;
      if (state.review === undefined) return { ...state, updatedAt: breachedAt };
      return {
        ...state,
        review: {
          ...state.review,
          priority: escalatedPriority,
          queue: escalationQueue,
          escalatedAt: breachedAt,
        },
        updatedAt: breachedAt,
      };
    }
    case 'ReviewerAssigned':
      return { ...state, assignee: event.data.reviewerId, updatedAt: event.data.assignedAt };
    case 'ReviewCompleted':
      // The status moves with the VerificationApproved/Rejected that follows.
      return { ...state, updatedAt: event.data.completedAt };
    case 'OverrideRequested': {
      const { overrideId, requestedBy, outcome, reasonCodes, requestedAt } = event.data;
      const pending: OverrideState = {
        overrideId,
        requestedBy,
        outcome,
        reasonCodes,
        requestedAt,
        status: 'pending',
      };
      const overrides = new Map(state.overrides).set(overrideId, pending);
      return { ...state, overrides, pendingOverride: pending, updatedAt: requestedAt };
    }
    case 'OverrideApproved':
      return settleOverride(
        state,
        event.data.overrideId,
        'approved',
        event.data.approverId,
        event.data.approvedAt,
      );
    case 'OverrideRejected':
      return settleOverride(
        state,
        event.data.overrideId,
        'rejected',
        event.data.approverId,
        event.data.rejectedAt,
      );
    case 'ResubmissionRequested': {
      const { attempt, reasonCodes, requestedAt } = event.data;
      return {
        ...state,
        status: 'needs_resubmission',
        attempt,
        attemptStartedAt: requestedAt,
        resubmissions: state.resubmissions + 1,
        checks: [],
        reasonCodes,
        updatedAt: requestedAt,
      };
    }
    case 'VerificationApproved':
      return {
        ...state,
        status: 'approved',
        reasonCodes: event.data.reasonCodes,
        decidedBy: event.data.decidedBy,
        updatedAt: event.data.decidedAt,
      };
    case 'VerificationRejected':
      return {
        ...state,
        status: 'rejected',
        reasonCodes: event.data.reasonCodes,
        decidedBy: event.data.decidedBy,
        updatedAt: event.data.decidedAt,
      };
    case 'VerificationExpired':
      return {
        ...state,
        status: 'expired',
        // The code replaces whatever the last evaluation said (a stale DOC_IMAGE_QUALITY is not why it ended).
        reasonCodes: event.data.reasonCodes ?? ['SESSION_EXPIRED'],
        decidedBy: undefined,
        updatedAt: event.data.expiredAt,
      };
    case 'VerificationClosed':
      return {
        ...state,
        status: 'closed',
        reasonCodes: event.data.reasonCodes,
        decidedBy: undefined,
        updatedAt: event.data.closedAt,
      };
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

function settleOverride(
  state: Verification,
  overrideId: string,
  status: 'approved' | 'rejected',
  decidedBy: string,
  at: string,
): Verification {
  const request = state.overrides.get(overrideId);
  if (request === undefined) return { ...state, updatedAt: at };
  const overrides = new Map(state.overrides).set(overrideId, { ...request, status, decidedBy });
  const pendingOverride =
    state.pendingOverride?.overrideId === overrideId ? undefined : state.pendingOverride;
  return { ...state, overrides, pendingOverride, updatedAt: at };
}

/**
 * Whether the session holds a result of `kind` from the same vendor that is newer, by the vendor's own clock,
 * than a result `source` delivers (clocks of different vendors are not compared; a tie goes to the later
 * arrival). Vendors deliver out of order; an older delivery arriving late must not undo a newer one.
 */
export function isSuperseded(state: Verification, kind: CheckKind, source: CheckSource): boolean {
  const current = state.checks.find((check) => check.kind === kind && check.vendor === source.vendor);
  return current !== undefined && Date.parse(current.vendorCreatedAt) > Date.parse(source.vendorCreatedAt);
}

/** A later result of a vendor replaces that vendor's earlier one of the same kind; other vendors' stay. */
function mergeChecks(current: readonly VendorCheck[], incoming: readonly VendorCheck[]): VendorCheck[] {
  const key = (check: VendorCheck): string => JSON.stringify([check.kind, check.vendor]);
  const byKey = new Map<string, VendorCheck>(current.map((check) => [key(check), check]));
  for (const check of incoming) byKey.set(key(check), check);
  return [...byKey.values()];
}

/** A signal once raised stays raised: a later "false" does not clear a risk someone observed. */
function mergeSignals(
  current: Readonly<Record<string, boolean>>,
  incoming: Readonly<Record<string, boolean>>,
): Record<string, boolean> {
  const merged: Record<string, boolean> = { ...current };
  for (const [signal, raised] of Object.entries(incoming))
    merged[signal] = (merged[signal] ?? false) || raised;
  return merged;
}
