import type { JsonObject } from '../../shared/json';
import type { CheckResult, DocumentType, DuplicateMatch, LoadedPolicy } from '../policy/policy.types';
import type { ReasonCode } from '../reason-codes';
import type { SubjectStanding } from '../subject/standing';
import type { ConsentSnapshot } from '../subject/subject.state';
import type { CloseReason, EvidenceKind, ManualOutcome } from './verification.events';

/*
 * Commands of the verification aggregate. Each names its session (so a command on a session that does not exist
 * can say which) and carries `now`, an ISO 8601 instant from the handler's clock; ids of things a command creates
 * come from the caller too. Commands that evaluate carry the policy the session was started under (the handler
 * looks it up by the session's policy hash; another policy is refused with `policy_mismatch`). A command is built
 * with `verificationCommand` (command-input.ts), which refuses malformed input, before a decider sees it.
 */

export type { SubjectStanding } from '../subject/standing';

export type StartVerification = {
  readonly type: 'StartVerification';
  readonly data: {
    readonly sessionId: string;
    readonly subjectId: string;
    readonly jurisdiction: string;
    readonly segment: string;
    readonly riskSignals: Readonly<Record<string, boolean>>;
    /** `consentInForce(subject, 'identity_verification')` at the time of the command. */
    readonly consent: ConsentSnapshot | undefined;
    readonly policy: LoadedPolicy;
    readonly now: string;
  };
};

export type StartCapture = {
  readonly type: 'StartCapture';
  readonly data: {
    readonly sessionId: string;
    readonly channel: string;
    readonly deviceClass: string;
    /** Capture is new processing: it needs the person's standing (I1). */
    readonly subject: SubjectStanding;
    readonly now: string;
  };
};

export type SubmitEvidence = {
  readonly type: 'SubmitEvidence';
  readonly data: {
    readonly sessionId: string;
    readonly evidenceId: string;
    readonly kind: EvidenceKind;
    /** Only for `document` evidence. */
    readonly documentType?: DocumentType;
    /** ISO 3166-1 alpha-2. */
    readonly issuingCountry?: string;
    readonly vendor: string;
    readonly vendorReference: string;
    /** Extracted attributes: personal data, emitted only in the event's `pii`. */
    readonly attributes?: JsonObject;
    /** The vendor's references to captured media: personal data (document_media_refs or biometric_refs). */
    readonly mediaReferences?: readonly string[];
    /**
     * Another subject's session with the same identity, found by the keyed blind index when the evidence arrived
     * (the handler looks it up; never from a caller).
     */
    readonly duplicateOf?: DuplicateMatch;
    readonly policy: LoadedPolicy;
    /** Evidence is new processing: it needs the person's standing (I1). */
    readonly subject: SubjectStanding;
    readonly now: string;
  };
};

/** What the server's call to a vendor came to: a session opened there, or a failure after its retries. */
export type RecordVendorSession = {
  readonly type: 'RecordVendorSession';
  readonly data: {
    readonly sessionId: string;
    readonly vendor: string;
    readonly outcome:
      | {
          readonly kind: 'opened';
          readonly vendorReference: string;
          readonly vendorRequestId?: string;
          readonly expiresAt: string;
        }
      | {
          readonly kind: 'fallback';
          readonly to: string;
          readonly reason: string;
          readonly rule?: string;
          readonly ruleExpiresAt?: string;
        }
      | { readonly kind: 'queued'; readonly reason: string }
      | {
          readonly kind: 'failed';
          readonly operation: string;
          readonly errorClass: string;
          readonly httpStatus?: number;
          readonly vendorRequestId?: string;
          readonly attempts: number;
        };
    /** Opening a vendor session is new processing: it needs the person's standing (I1). */
    readonly subject: SubjectStanding;
    readonly now: string;
  };
};

export type RecordVendorResult = {
  readonly type: 'RecordVendorResult';
  readonly data: {
    readonly sessionId: string;
    readonly vendor: string;
    readonly vendorEventId: string;
    readonly vendorCreatedAt: string;
    readonly checks: readonly CheckResult[];
    readonly riskSignals?: Readonly<Record<string, boolean>>;
    /**
     * Risk signals a vendor's own risk labels raise (webhook intake): those the policy declares count as raised;
     * the others are not the caller's mistake and are left out (the labels stay on the checks).
     */
    readonly vendorSignals?: readonly string[];
    /** Set when the server fetched the result from the vendor's API: recorded as `VendorResultFetched`. */
    readonly fetched?: {
      readonly objectId: string;
      readonly operation: string;
      readonly vendorRequestId?: string;
    };
    readonly policy: LoadedPolicy;
    readonly subject: SubjectStanding;
    readonly now: string;
  };
};

export type AssignReviewer = {
  readonly type: 'AssignReviewer';
  readonly data: {
    readonly sessionId: string;
    readonly reviewerId: string;
    /** Who assigns: taking a case from its assignee, or giving one to someone else, is a senior reviewer's call. */
    readonly assignedBy: string;
    readonly assignerRoles: readonly string[];
    readonly now: string;
  };
};

export type CompleteReview = {
  readonly type: 'CompleteReview';
  readonly data: {
    readonly sessionId: string;
    readonly reviewerId: string;
    /** The reviewer's roles: clearing a sanctions or PEP hit needs the role the policy names. */
    readonly reviewerRoles: readonly string[];
    readonly outcome: ManualOutcome;
    readonly reasonCodes: readonly ReasonCode[];
    /** Personal data: emitted only in the event's `pii.review_notes`. */
    readonly note?: string;
    readonly policy: LoadedPolicy;
    readonly subject: SubjectStanding;
    readonly now: string;
  };
};

export type RequestOverride = {
  readonly type: 'RequestOverride';
  readonly data: {
    readonly sessionId: string;
    readonly overrideId: string;
    readonly requestedBy: string;
    readonly outcome: ManualOutcome;
    readonly justification: string;
    /** Optional codes the new decision cites besides OVERRIDE_APPLIED. */
    readonly reasonCodes?: readonly ReasonCode[];
    readonly now: string;
  };
};

export type ApproveOverride = {
  readonly type: 'ApproveOverride';
  readonly data: {
    readonly sessionId: string;
    readonly overrideId: string;
    readonly approverId: string;
    readonly approverRoles: readonly string[];
    readonly policy: LoadedPolicy;
    readonly subject: SubjectStanding;
    readonly now: string;
  };
};

export type RejectOverride = {
  readonly type: 'RejectOverride';
  readonly data: {
    readonly sessionId: string;
    readonly overrideId: string;
    readonly approverId: string;
    readonly approverRoles: readonly string[];
    readonly reason: string;
    readonly now: string;
  };
};

export type ExpireVerification = {
  readonly type: 'ExpireVerification';
  readonly data: { readonly sessionId: string; readonly now: string };
};

/** Escalates a review whose SLA ran out (the scheduler sends it; a repeat records nothing). */
export type EscalateReview = {
  readonly type: 'EscalateReview';
  readonly data: { readonly sessionId: string; readonly policy: LoadedPolicy; readonly now: string };
};

/** Closes an undecided session because the person withdrew consent or asked for erasure. */
export type CloseVerification = {
  readonly type: 'CloseVerification';
  readonly data: {
    readonly sessionId: string;
    readonly reason: CloseReason;
    readonly consentId?: string;
    readonly erasureRequestId?: string;
    readonly now: string;
  };
};

export type VerificationCommand =
  | StartVerification
  | StartCapture
  | SubmitEvidence
  | RecordVendorSession
  | RecordVendorResult
  | AssignReviewer
  | CompleteReview
  | RequestOverride
  | ApproveOverride
  | RejectOverride
  | ExpireVerification
  | EscalateReview
  | CloseVerification;

export type VerificationCommandType = VerificationCommand['type'];
