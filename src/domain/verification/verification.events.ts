import type {
  CheckKind,
  CheckResultValue,
  DocumentType,
  DuplicateMatch,
  EvidenceKind,
  Outcome,
  RuleTraceEntry,
  SessionPath,
} from '../policy/policy.types';
import type { ReasonCode } from '../reason-codes';
import type { EventPii } from '../subject/subject.events';

/*
 * Events of the verification stream `kyc-verification-{sessionId}` (docs/ledger-format.md, "Streams"). `data` is plain JSON without
 * personal data; extracted document attributes and review notes sit in `pii`, by data class, for the command
 * handler to encrypt. Timestamps are ISO 8601 strings in UTC.
 */

export const VERIFICATION_STATUSES = [
  'initiated',
  'capture_in_progress',
  'submitted',
  'pending_review',
  'approved',
  'rejected',
  'expired',
  'needs_resubmission',
  /** Closed without a decision because the person withdrew consent or asked for erasure. */
  'closed',
] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export { EVIDENCE_KINDS, type EvidenceKind } from '../policy/policy.types';

/** Who made a final decision. */
export type DecidedBy = 'policy' | 'reviewer' | 'override';

/** A human decision: a review or an override. */
export type ManualOutcome = 'approve' | 'reject';

/** What made the policy evaluate. */
export type DecisionTrigger =
  /** The jurisdiction is embargoed: decided at start. */
  | 'embargo'
  | 'vendor_result'
  | 'evidence'
  /** A result contradicting an automatic approval (the session goes back to review). */
  | 'result_after_approval';

/** A vendor check as stored (a JSON copy of the policy's `CheckResult`). */
export type CheckResultData = {
  readonly kind: CheckKind;
  readonly result: CheckResultValue;
  readonly score?: number;
  readonly reasonCodes?: ReasonCode[];
  /** The vendor's own labels or codes for the check (see `CheckResult.vendorLabels`). */
  readonly vendorLabels?: string[];
};

export type VerificationInitiated = {
  readonly type: 'VerificationInitiated';
  readonly data: {
    readonly sessionId: string;
    readonly subjectId: string;
    readonly jurisdiction: string;
    readonly segment: string;
    readonly path: SessionPath;
    readonly tier: string;
    readonly policyId: string;
    readonly policyVersion: string;
    readonly policyHash: string;
    readonly requiredChecks: CheckKind[];
    readonly riskSignals: Record<string, boolean>;
    readonly maxResubmissions: number;
    /** How the policy chose the path and tier. */
    readonly ruleTrace: RuleTraceEntry[];
    /** The consent in force for `identity_verification` when the session started. */
    readonly consentId: string;
    readonly expiresAt: string;
    readonly initiatedAt: string;
  };
};

export type CaptureStarted = {
  readonly type: 'CaptureStarted';
  readonly data: {
    readonly attempt: number;
    readonly channel: string;
    readonly deviceClass: string;
    readonly startedAt: string;
  };
};

export type EvidenceSubmitted = {
  readonly type: 'EvidenceSubmitted';
  readonly data: {
    readonly evidenceId: string;
    readonly attempt: number;
    readonly kind: EvidenceKind;
    readonly documentType?: DocumentType;
    readonly issuingCountry?: string;
    readonly vendor: string;
    /** The vendor's reference to the capture; images themselves are never stored. */
    readonly vendorReference: string;
    /**
     * What the extracted attributes showed, judged when the evidence was submitted against the session's
     * policy: the document had expired / the holder was below the minimum age. Unset: the attributes did not
     * say. Booleans only, so that no attribute value leaves the encrypted `pii`.
     */
    readonly documentExpired?: boolean;
    readonly belowMinimumAge?: boolean;
    /** Another subject's session with the same identity (blind index): its id and which identity matched. */
    readonly duplicateOf?: DuplicateMatch;
    readonly submittedAt: string;
  };
  /** Extracted attributes: `identity_attributes` (name, birth date, document number…), `contact_address`. */
  readonly pii?: EventPii;
};

/**
 * The server opened (or reused) a session at a vendor for this verification: the person captures through the
 * vendor's SDK or page. The client token or URL the vendor handed out is never recorded (it is a credential).
 */
export type VendorSessionOpened = {
  readonly type: 'VendorSessionOpened';
  readonly data: {
    readonly vendor: string;
    /** The vendor's id of its applicant, session or inquiry: webhooks name it. */
    readonly vendorReference: string;
    /** The vendor's id of the request that created it (auditors ask for it), when the vendor gave one. */
    readonly vendorRequestId?: string;
    readonly attempt: number;
    /** Until when the client token handed out stays valid. */
    readonly expiresAt: string;
    readonly openedAt: string;
  };
};

/** A call to a vendor failed after its retries: which, how (a class, never the vendor's body), how often. */
export type VendorRequestFailed = {
  readonly type: 'VendorRequestFailed';
  readonly data: {
    readonly vendor: string;
    readonly operation: string;
    readonly errorClass: string;
    readonly httpStatus?: number;
    readonly vendorRequestId?: string;
    /** Attempts made (retries included). */
    readonly attempts: number;
    readonly failedAt: string;
  };
};

/**
 * The vendor the policy put first could not open a session; the next one in the policy's order is tried, or the
 * vendor of a temporary fallback rule of the policy (`rule`, in force until `ruleExpiresAt`).
 */
export type VendorFallbackChosen = {
  readonly type: 'VendorFallbackChosen';
  readonly data: {
    readonly from: string;
    readonly to: string;
    /** `vendor_unavailable`: the call failed after its retries, or the vendor's breaker was open. */
    readonly reason: string;
    /** The policy's temporary fallback rule that allowed `to`, when it is not in the regular order. */
    readonly rule?: string;
    readonly ruleExpiresAt?: string;
    readonly chosenAt: string;
  };
};

/**
 * No vendor the policy allows could open a session now: the session waits for `vendor` (`waiting_for_vendor`),
 * and the server opens it by itself when the vendor is back (the client asks again for its token).
 */
export type VendorSessionQueued = {
  readonly type: 'VendorSessionQueued';
  readonly data: {
    readonly vendor: string;
    /** `vendor_unavailable`. */
    readonly reason: string;
    /** What the person is told, for the app to word (`VENDOR_DELAYED`). */
    readonly messageCode: string;
    readonly queuedAt: string;
  };
};

/**
 * The server fetched a result from the vendor's API (a delivery only announced it): which object, by which
 * operation, and the vendor's request id. Recorded with the `VendorResultReceived` it produced, never its body.
 */
export type VendorResultFetched = {
  readonly type: 'VendorResultFetched';
  readonly data: {
    readonly vendor: string;
    /** The vendor event the result is recorded under (the `VendorResultReceived` that follows). */
    readonly vendorEventId: string;
    /** The vendor object read: Onfido check, Persona inquiry, Veriff session. */
    readonly objectId: string;
    readonly operation: string;
    readonly vendorRequestId?: string;
    readonly fetchedAt: string;
  };
};

export type VendorResultReceived = {
  readonly type: 'VendorResultReceived';
  readonly data: {
    readonly vendor: string;
    readonly vendorEventId: string;
    readonly vendorCreatedAt: string;
    readonly checks: CheckResultData[];
    readonly riskSignals?: Record<string, boolean>;
    /** The session's attempt when the result arrived. */
    readonly attempt: number;
    /**
     * Whether the result counts toward that attempt's decision. False for a result created before the attempt
     * began (a late result of the previous attempt) and for results after expiry.
     */
    readonly counted: boolean;
    readonly receivedAt: string;
  };
};

export type DecisionEvaluated = {
  readonly type: 'DecisionEvaluated';
  readonly data: {
    readonly outcome: Outcome;
    readonly reasonCodes: ReasonCode[];
    readonly ruleTrace: RuleTraceEntry[];
    readonly policyHash: string;
    readonly policyVersion: string;
    readonly attempt: number;
    /** The tier the evaluation ran at. */
    readonly tier: string;
    readonly trigger: DecisionTrigger;
    /** With `step_up`: the session's new tier and its full list of required checks. */
    readonly stepUp?: { readonly tier: string; readonly requiredChecks: CheckKind[] };
    readonly evaluatedAt: string;
  };
};

export type ReviewRequested = {
  readonly type: 'ReviewRequested';
  readonly data: {
    /** 1 (most urgent) .. 5; a sanctions or PEP hit after an approval is always 1. */
    readonly priority: number;
    readonly reasons: ReasonCode[];
    readonly queue: string;
    readonly slaDueAt: string;
    readonly attempt: number;
    readonly requestedAt: string;
  };
};

/**
 * A review was still undecided when its SLA ran out: it is escalated — one priority up (1 stays 1) and into the
 * policy's escalation queue — and the breach is on the record.
 */
export type ReviewSlaBreached = {
  readonly type: 'ReviewSlaBreached';
  readonly data: {
    readonly slaDueAt: string;
    readonly priority: number;
    readonly escalatedPriority: number;
    readonly queue: string;
    readonly escalationQueue: string;
    readonly breachedAt: string;
  };
};

export type ReviewerAssigned = {
  readonly type: 'ReviewerAssigned';
  readonly data: {
    readonly reviewerId: string;
    /** Set on a reassignment. */
    readonly previousReviewerId?: string;
    readonly assignedAt: string;
  };
};

export type ReviewCompleted = {
  readonly type: 'ReviewCompleted';
  readonly data: {
    readonly reviewerId: string;
    readonly outcome: ManualOutcome;
    readonly reasonCodes: ReasonCode[];
    /** The reviewer's roles at the time: evidence that a sanctions/PEP clearance had the role it needs. */
    readonly reviewerRoles?: string[];
    /** Whether a note was written (the note itself is personal data, in `pii.review_notes`). */
    readonly hasNote: boolean;
    readonly completedAt: string;
  };
  readonly pii?: EventPii;
};

export type OverrideRequested = {
  readonly type: 'OverrideRequested';
  readonly data: {
    readonly overrideId: string;
    readonly requestedBy: string;
    readonly outcome: ManualOutcome;
    /** Codes the requester cites; the resulting decision adds OVERRIDE_APPLIED. */
    readonly reasonCodes: ReasonCode[];
    /**
     * Only in events recorded before free text was encrypted: the justification in clear. Since then it is in
     * `pii.review_notes.justification` (encrypted, shredded with the class; docs/privacy.md, "Free text").
     */
    readonly justification?: string;
    readonly requestedAt: string;
  };
  /** `review_notes: { justification }`: why, as the requester wrote it. */
  readonly pii?: EventPii;
};

export type OverrideApproved = {
  readonly type: 'OverrideApproved';
  readonly data: {
    readonly overrideId: string;
    readonly approverId: string;
    /** The approver's roles at the time, as evidence of the senior_reviewer requirement. */
    readonly approverRoles: string[];
    readonly outcome: ManualOutcome;
    readonly approvedAt: string;
  };
};

export type OverrideRejected = {
  readonly type: 'OverrideRejected';
  readonly data: {
    readonly overrideId: string;
    readonly approverId: string;
    readonly approverRoles: string[];
    /** Only in events recorded before free text was encrypted; since then in `pii.review_notes.reason`. */
    readonly reason?: string;
    readonly rejectedAt: string;
  };
  /** `review_notes: { reason }`: why the second person refused, as written. */
  readonly pii?: EventPii;
};

export type ResubmissionRequested = {
  readonly type: 'ResubmissionRequested';
  readonly data: {
    /** The attempt now asked for (2 after the first failure). */
    readonly attempt: number;
    readonly maxAttempts: number;
    readonly reasonCodes: ReasonCode[];
    readonly requestedAt: string;
  };
};

/** Fields of a final decision (approved or rejected). */
type DecisionData = {
  readonly reasonCodes: ReasonCode[];
  readonly decidedBy: DecidedBy;
  readonly tier: string;
  readonly policyHash: string;
  readonly attempt: number;
  /** Set when a reviewer decided. */
  readonly reviewerId?: string;
  /** Set when an override decided. */
  readonly overrideId?: string;
  readonly decidedAt: string;
};

export type VerificationApproved = {
  readonly type: 'VerificationApproved';
  readonly data: DecisionData;
};

export type VerificationRejected = {
  readonly type: 'VerificationRejected';
  /** Always final: a fixable failure is a ResubmissionRequested, not a rejection. */
  readonly data: DecisionData & { readonly final: true };
};

export type VerificationExpired = {
  readonly type: 'VerificationExpired';
  readonly data: {
    readonly expiresAt: string;
    readonly previousStatus: VerificationStatus;
    /** SESSION_EXPIRED (absent on events recorded before the code existed; it means the same). */
    readonly reasonCodes?: ReasonCode[];
    readonly expiredAt: string;
  };
};

/** Why a session was closed without a decision. */
export type CloseReason = 'CONSENT_WITHDRAWN' | 'ERASURE_REQUESTED';

/**
 * The person withdrew consent or asked for erasure while the session was open or in review: it ends without a
 * decision. Results that arrive later are recorded and not counted.
 */
export type VerificationClosed = {
  readonly type: 'VerificationClosed';
  readonly data: {
    readonly reasonCodes: CloseReason[];
    readonly previousStatus: VerificationStatus;
    /** The withdrawn consent or the erasure request, when known. */
    readonly consentId?: string;
    readonly erasureRequestId?: string;
    readonly closedAt: string;
  };
};

export type VerificationEvent =
  | VerificationInitiated
  | CaptureStarted
  | EvidenceSubmitted
  | VendorSessionOpened
  | VendorRequestFailed
  | VendorFallbackChosen
  | VendorSessionQueued
  | VendorResultFetched
  | VendorResultReceived
  | DecisionEvaluated
  | ReviewRequested
  | ReviewSlaBreached
  | ReviewerAssigned
  | ReviewCompleted
  | OverrideRequested
  | OverrideApproved
  | OverrideRejected
  | ResubmissionRequested
  | VerificationApproved
  | VerificationRejected
  | VerificationExpired
  | VerificationClosed;

export type VerificationEventType = VerificationEvent['type'];

/** Every event type once; a Record so that adding an event without listing it does not compile. */
const EVENT_TYPES: Record<VerificationEventType, true> = {
  VerificationInitiated: true,
  CaptureStarted: true,
  EvidenceSubmitted: true,
  VendorSessionOpened: true,
  VendorRequestFailed: true,
  VendorFallbackChosen: true,
  VendorSessionQueued: true,
  VendorResultFetched: true,
  VendorResultReceived: true,
  DecisionEvaluated: true,
  ReviewRequested: true,
  ReviewSlaBreached: true,
  ReviewerAssigned: true,
  ReviewCompleted: true,
  OverrideRequested: true,
  OverrideApproved: true,
  OverrideRejected: true,
  ResubmissionRequested: true,
  VerificationApproved: true,
  VerificationRejected: true,
  VerificationExpired: true,
  VerificationClosed: true,
};

// Pure: a bundle that imports only the statuses (the web console) leaves the event list out.
export const VERIFICATION_EVENT_TYPES = /* @__PURE__ */ Object.keys(
  EVENT_TYPES,
) as readonly VerificationEventType[];

/** For handlers folding a stored stream: which recorded types this aggregate understands. */
export function isVerificationEventType(type: string): type is VerificationEventType {
  return Object.hasOwn(EVENT_TYPES, type);
}
