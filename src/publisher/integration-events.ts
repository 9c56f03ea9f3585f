/*
 * The public contract of the Kafka topics (docs/kafka.md, docs/asyncapi.yaml). These types are deliberately
 * separate from the domain events: a domain event may gain, rename or drop fields; a public event type changes
 * only by a new version (`….v2`, on a `….v2` topic for breaking changes). Payloads carry ids, statuses, codes,
 * tiers, policy hashes and timestamps — never personal data, never free text (notes, justifications, reasons).
 */

/** Logical topics; the configured prefix goes in front of the name. */
export const TOPICS = {
  verification: 'kyc.verification.v1',
  subject: 'kyc.subject.v1',
} as const;
export type TopicKind = keyof typeof TOPICS;

/** CloudEvents `source` of each topic's events. */
export const SOURCES: Record<TopicKind, string> = {
  verification: '/kyc-ledger/verifications',
  subject: '/kyc-ledger/subjects',
};

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const PAYLOAD_CONTENT_TYPE = 'application/json';

export const PUBLIC_VERIFICATION_STATUSES = [
  'initiated',
  'capture_in_progress',
  'submitted',
  'pending_review',
  'approved',
  'rejected',
  'expired',
  'needs_resubmission',
  'closed',
] as const;
export type PublicVerificationStatus = (typeof PUBLIC_VERIFICATION_STATUSES)[number];

export type PublicCheckKind =
  'document' | 'face_match' | 'liveness' | 'sanctions' | 'pep' | 'address' | 'age' | 'watchlist';
export type PublicCheckResult = 'clear' | 'consider' | 'fail' | 'error';
export type PublicSessionPath = 'automatic' | 'manual_review' | 'embargoed';
export type PublicEvidenceKind = 'document' | 'selfie' | 'proof_of_address';
export type PublicDocumentType = 'passport' | 'id_card' | 'driving_licence' | 'residence_permit';
export type PublicDecisionOutcome = 'approve' | 'reject' | 'review' | 'resubmit' | 'step_up' | 'wait';
export type PublicDecisionTrigger = 'embargo' | 'vendor_result' | 'evidence' | 'result_after_approval';
export type PublicManualOutcome = 'approve' | 'reject';
/** Who made a final decision: the policy automatically, a reviewer, or a four-eyes override. */
export type PublicDecidedBy = 'policy' | 'reviewer' | 'override';
export type PublicConsentScope =
  'identity_verification' | 'document_processing' | 'biometric_processing' | 'data_sharing_vendors';

/** Fields of every message on `kyc.verification.v1`. */
export interface VerificationEventBase {
  readonly sessionId: string;
  readonly subjectId: string;
  /** Position of the event in its session (0, 1, 2, …): strictly increasing per key, gap-free in the ledger. */
  readonly sequence: number;
  /** The session's status after this event. */
  readonly status: PublicVerificationStatus;
  readonly occurredAt: string;
  readonly recordedAt: string;
}

/** Fields of every message on `kyc.subject.v1`. */
export interface SubjectEventBase {
  readonly subjectId: string;
  readonly sequence: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
}

export interface VerificationInitiatedV1 extends VerificationEventBase {
  readonly jurisdiction: string;
  readonly segment: string;
  readonly path: PublicSessionPath;
  readonly tier: string;
  readonly policyId: string;
  readonly policyVersion: string;
  readonly policyHash: string;
  readonly requiredChecks: PublicCheckKind[];
  readonly expiresAt: string;
}

export interface VerificationCaptureStartedV1 extends VerificationEventBase {
  readonly attempt: number;
}

export interface VerificationEvidenceSubmittedV1 extends VerificationEventBase {
  readonly attempt: number;
  readonly evidenceId: string;
  readonly evidenceKind: PublicEvidenceKind;
  readonly documentType?: PublicDocumentType;
  readonly vendor: string;
}

export interface PublicCheck {
  readonly kind: PublicCheckKind;
  readonly result: PublicCheckResult;
  readonly reasonCodes: string[];
}

export interface VerificationVendorResultReceivedV1 extends VerificationEventBase {
  readonly attempt: number;
  readonly vendor: string;
  /** False for a late result of an earlier attempt or a result after expiry: it did not count. */
  readonly counted: boolean;
  readonly checks: PublicCheck[];
}

export interface VerificationDecisionEvaluatedV1 extends VerificationEventBase {
  readonly attempt: number;
  readonly outcome: PublicDecisionOutcome;
  readonly reasonCodes: string[];
  readonly trigger: PublicDecisionTrigger;
  readonly tier: string;
  readonly policyHash: string;
  readonly policyVersion: string;
  readonly stepUp?: { readonly tier: string; readonly requiredChecks: PublicCheckKind[] };
}

export interface VerificationReviewRequestedV1 extends VerificationEventBase {
  readonly attempt: number;
  readonly priority: number;
  readonly queue: string;
  readonly reasonCodes: string[];
  readonly slaDueAt: string;
}

/** A review breached its SLA and was escalated. */
export interface VerificationReviewSlaBreachedV1 extends VerificationEventBase {
  readonly priority: number;
  readonly escalatedPriority: number;
  readonly queue: string;
  readonly escalationQueue: string;
  readonly slaDueAt: string;
  readonly breachedAt: string;
}

export interface VerificationReviewerAssignedV1 extends VerificationEventBase {
  /** True when the review moved from one reviewer to another. Reviewer identities are not published. */
  readonly reassigned: boolean;
}

export interface VerificationReviewCompletedV1 extends VerificationEventBase {
  readonly outcome: PublicManualOutcome;
  readonly reasonCodes: string[];
}

export interface VerificationOverrideRequestedV1 extends VerificationEventBase {
  readonly overrideId: string;
  readonly outcome: PublicManualOutcome;
  readonly reasonCodes: string[];
}

export interface VerificationOverrideApprovedV1 extends VerificationEventBase {
  readonly overrideId: string;
  readonly outcome: PublicManualOutcome;
}

export interface VerificationOverrideRejectedV1 extends VerificationEventBase {
  readonly overrideId: string;
}

export interface VerificationResubmissionRequestedV1 extends VerificationEventBase {
  /** The attempt now asked for (2 after the first failure). */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly reasonCodes: string[];
}

export interface VerificationDecidedV1 extends VerificationEventBase {
  readonly attempt: number;
  readonly reasonCodes: string[];
  readonly decidedBy: PublicDecidedBy;
  readonly tier: string;
  readonly policyHash: string;
  /** Set when a four-eyes override made the decision. */
  readonly overrideId?: string;
  readonly decidedAt: string;
}

export interface VerificationRejectedV1 extends VerificationDecidedV1 {
  readonly final: true;
}

export interface VerificationExpiredV1 extends VerificationEventBase {
  readonly previousStatus: PublicVerificationStatus;
  readonly expiresAt: string;
  /** SESSION_EXPIRED. */
  readonly reasonCodes: string[];
}

/** Closed without a decision: the person withdrew consent or asked for erasure. */
export interface VerificationClosedV1 extends VerificationEventBase {
  readonly previousStatus: PublicVerificationStatus;
  /** CONSENT_WITHDRAWN or ERASURE_REQUESTED. */
  readonly reasonCodes: string[];
  readonly closedAt: string;
}

export interface ConsentGrantedV1 extends SubjectEventBase {
  readonly consentId: string;
  readonly scopes: PublicConsentScope[];
  readonly noticeVersion: string;
  readonly policyHash: string;
}

export interface ConsentWithdrawnV1 extends SubjectEventBase {
  readonly consentId: string;
  readonly scopes: PublicConsentScope[];
}

export interface RelationshipEndedV1 extends SubjectEventBase {
  readonly endedAt: string;
}

export interface LegalHoldPlacedV1 extends SubjectEventBase {
  readonly holdId: string;
}

export interface LegalHoldReleasedV1 extends SubjectEventBase {
  readonly holdId: string;
}

export type PublicDataClass =
  | 'identity_attributes'
  | 'contact_address'
  | 'document_media_refs'
  | 'biometric_refs'
  | 'review_notes'
  | 'consent_evidence';
export type PublicErasureGround =
  | 'no_longer_necessary'
  | 'consent_withdrawn'
  | 'objection'
  | 'unlawful_processing'
  | 'legal_obligation_to_erase'
  | 'child_information_society';
export type PublicRestrictionBasis = 'legal_obligation' | 'legal_hold';
export type PublicShredReason = 'erasure_request' | 'retention_expired';
export type PublicRestrictionReleaseReason =
  'person_requested_service' | 'request_withdrawn_by_person' | 'request_not_from_person';

/**
 * An erasure request and its assessment: consumers delete their copies of `erased` classes now (a
 * `personal_data_shredded` follows) and stop using `restricted` ones until they are shredded too.
 */
export interface ErasureRequestedV1 extends SubjectEventBase {
  readonly requestId: string;
  readonly ground: PublicErasureGround;
  readonly erased: PublicDataClass[];
  readonly restricted: {
    readonly dataClass: PublicDataClass;
    readonly basis: PublicRestrictionBasis;
    /** null while the retention period has not started (it runs from the end of the relationship). */
    readonly retainUntil: string | null;
  }[];
}

/**
 * A privacy officer released the restriction on processing that erasure request `requestId` put in place.
 * Processing does not resume with it: wait for a `consent_granted` after it. Restricted and erased classes stay as
 * they are. The releasing officer and the case reference are not published.
 */
export interface ErasureRestrictionReleasedV1 extends SubjectEventBase {
  readonly requestId: string;
  readonly reason: PublicRestrictionReleaseReason;
}

/** The ledger destroyed the keys of these classes: consumers delete every copy they hold. */
export interface PersonalDataShreddedV1 extends SubjectEventBase {
  readonly shredId: string;
  readonly dataClasses: PublicDataClass[];
  readonly reason: PublicShredReason;
  readonly requestId?: string;
  /**
   * `erasure_covered`: only the data collected up to erasure request `requestId` went; data of these classes
   * collected after it is still held. Absent: all data of these classes went.
   */
  readonly coverage?: 'erasure_covered';
}

/** Every public event type with its payload: the CloudEvents `type` is the key. */
export interface PublicEventPayloads {
  'kyc.verification.initiated.v1': VerificationInitiatedV1;
  'kyc.verification.capture_started.v1': VerificationCaptureStartedV1;
  'kyc.verification.evidence_submitted.v1': VerificationEvidenceSubmittedV1;
  'kyc.verification.vendor_result_received.v1': VerificationVendorResultReceivedV1;
  'kyc.verification.decision_evaluated.v1': VerificationDecisionEvaluatedV1;
  'kyc.verification.review_requested.v1': VerificationReviewRequestedV1;
  'kyc.verification.review_sla_breached.v1': VerificationReviewSlaBreachedV1;
  'kyc.verification.reviewer_assigned.v1': VerificationReviewerAssignedV1;
  'kyc.verification.review_completed.v1': VerificationReviewCompletedV1;
  'kyc.verification.override_requested.v1': VerificationOverrideRequestedV1;
  'kyc.verification.override_approved.v1': VerificationOverrideApprovedV1;
  'kyc.verification.override_rejected.v1': VerificationOverrideRejectedV1;
  'kyc.verification.resubmission_requested.v1': VerificationResubmissionRequestedV1;
  'kyc.verification.approved.v1': VerificationDecidedV1;
  'kyc.verification.rejected.v1': VerificationRejectedV1;
  'kyc.verification.expired.v1': VerificationExpiredV1;
  'kyc.verification.closed.v1': VerificationClosedV1;
  'kyc.subject.consent_granted.v1': ConsentGrantedV1;
  'kyc.subject.consent_withdrawn.v1': ConsentWithdrawnV1;
  'kyc.subject.relationship_ended.v1': RelationshipEndedV1;
  'kyc.subject.legal_hold_placed.v1': LegalHoldPlacedV1;
  'kyc.subject.legal_hold_released.v1': LegalHoldReleasedV1;
  'kyc.subject.erasure_requested.v1': ErasureRequestedV1;
  'kyc.subject.erasure_restriction_released.v1': ErasureRestrictionReleasedV1;
  'kyc.subject.personal_data_shredded.v1': PersonalDataShreddedV1;
}

export type PublicEventType = keyof PublicEventPayloads;

/** Every public type once, with its topic; a Record so that a type without a topic does not compile. */
const TOPIC_OF_TYPE: Record<PublicEventType, TopicKind> = {
  'kyc.verification.initiated.v1': 'verification',
  'kyc.verification.capture_started.v1': 'verification',
  'kyc.verification.evidence_submitted.v1': 'verification',
  'kyc.verification.vendor_result_received.v1': 'verification',
  'kyc.verification.decision_evaluated.v1': 'verification',
  'kyc.verification.review_requested.v1': 'verification',
  'kyc.verification.review_sla_breached.v1': 'verification',
  'kyc.verification.reviewer_assigned.v1': 'verification',
  'kyc.verification.review_completed.v1': 'verification',
  'kyc.verification.override_requested.v1': 'verification',
  'kyc.verification.override_approved.v1': 'verification',
  'kyc.verification.override_rejected.v1': 'verification',
  'kyc.verification.resubmission_requested.v1': 'verification',
  'kyc.verification.approved.v1': 'verification',
  'kyc.verification.rejected.v1': 'verification',
  'kyc.verification.expired.v1': 'verification',
  'kyc.verification.closed.v1': 'verification',
  'kyc.subject.consent_granted.v1': 'subject',
  'kyc.subject.consent_withdrawn.v1': 'subject',
  'kyc.subject.relationship_ended.v1': 'subject',
  'kyc.subject.legal_hold_placed.v1': 'subject',
  'kyc.subject.legal_hold_released.v1': 'subject',
  'kyc.subject.erasure_requested.v1': 'subject',
  'kyc.subject.erasure_restriction_released.v1': 'subject',
  'kyc.subject.personal_data_shredded.v1': 'subject',
};

export const PUBLIC_EVENT_TYPES = Object.keys(TOPIC_OF_TYPE) as readonly PublicEventType[];

export function topicOfType(type: PublicEventType): TopicKind {
  return TOPIC_OF_TYPE[type];
}

/**
 * One ledger event as a public integration event: what becomes one Kafka record. `id` is the ledger event id,
 * so a consumer dedupes redeliveries by it.
 */
export type IntegrationEvent = {
  [T in PublicEventType]: {
    readonly topic: TopicKind;
    /** Kafka record key: sessionId on the verification topic, subjectId on the subject topic. */
    readonly key: string;
    readonly id: string;
    readonly type: T;
    readonly source: string;
    /** CloudEvents `subject`: the session or subject the event is about (same as the key). */
    readonly subject: string;
    /** When it happened (RFC 3339). */
    readonly time: string;
    readonly correlationId: string;
    /** The policy that governs the session (verification events) or the consent (consent granted). */
    readonly policyHash: string | undefined;
    /** Global ledger position: not published, used for the publisher's checkpoint. */
    readonly position: number;
    readonly data: PublicEventPayloads[T];
  };
}[PublicEventType];
