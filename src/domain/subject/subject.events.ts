import type { DataClass } from '../../shared/data-classes';
import type { JsonObject } from '../../shared/json';

/*
 * Events of the subject stream `kyc-subject-{subjectId}` (docs/ledger-format.md, "Streams"). `data` is plain JSON without personal
 * data; personal data (consent evidence) sits in `pii`, grouped by data class, for the command handler to
 * encrypt. Timestamps are ISO 8601 strings in UTC.
 */

/** What a person can consent to. A closed list: an unknown scope is refused, never stored. */
export const CONSENT_SCOPES = [
  'identity_verification',
  'document_processing',
  'biometric_processing',
  'data_sharing_vendors',
] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

export function isConsentScope(value: unknown): value is ConsentScope {
  return typeof value === 'string' && (CONSENT_SCOPES as readonly string[]).includes(value);
}

/** Personal data of an event, by data class; encrypted by the handler, never in `data`. */
export type EventPii = Partial<Record<DataClass, JsonObject>>;

export type ConsentGranted = {
  readonly type: 'ConsentGranted';
  readonly data: {
    readonly consentId: string;
    readonly scopes: ConsentScope[];
    readonly noticeVersion: string;
    /** SHA-256 of the exact notice text agreed to; absent in consents recorded before notices were held. */
    readonly noticeHash?: string;
    readonly policyHash: string;
    readonly locale: string;
    readonly channel: string;
    readonly grantedAt: string;
  };
  /** `consent_evidence` when the caller recorded proof of consent (e.g. the signed form reference). */
  readonly pii?: EventPii;
};

export type ConsentWithdrawn = {
  readonly type: 'ConsentWithdrawn';
  readonly data: {
    readonly consentId: string;
    /** The scopes that stopped being in force, so readers need not look the grant up. */
    readonly scopes: ConsentScope[];
    readonly withdrawnAt: string;
  };
};

export type RelationshipEnded = {
  readonly type: 'RelationshipEnded';
  readonly data: {
    /** When the business relationship ended; AML retention periods run from here. */
    readonly endedAt: string;
    readonly recordedAt: string;
    /**
     * Set on a correction: the end recorded before, which this one supersedes (docs/privacy.md). Absent on the
     * first end of a relationship.
     */
    readonly corrects?: string;
  };
};

export type LegalHoldPlaced = {
  readonly type: 'LegalHoldPlaced';
  readonly data: {
    readonly holdId: string;
    /** A case reference or short ground, never personal data. */
    readonly reason: string;
    readonly placedAt: string;
  };
};

export type LegalHoldReleased = {
  readonly type: 'LegalHoldReleased';
  readonly data: {
    readonly holdId: string;
    readonly releasedAt: string;
  };
};

/**
 * Someone read the subject's personal data in clear (docs/privacy.md, "Data classes": reading personal data is itself audited).
 * Recorded before the data is disclosed.
 */
export type PersonalDataAccessed = {
  readonly type: 'PersonalDataAccessed';
  readonly data: {
    readonly accessId: string;
    readonly accessedBy: string;
    /** The reader's roles at the time. */
    readonly roles: string[];
    /** Why, as the reader stated it (a case reference or short ground, not personal data). */
    readonly justification: string;
    readonly dataClasses: DataClass[];
    readonly accessedAt: string;
  };
};

/**
 * Grounds of an erasure request, GDPR Art. 17(1)(a)–(f): no longer necessary, consent withdrawn, objection,
 * unlawfully processed, erasure required by law, information-society service offered to a child.
 */
export const ERASURE_GROUNDS = [
  'no_longer_necessary',
  'consent_withdrawn',
  'objection',
  'unlawful_processing',
  'legal_obligation_to_erase',
  'child_information_society',
] as const;
export type ErasureGround = (typeof ERASURE_GROUNDS)[number];

export function isErasureGround(value: unknown): value is ErasureGround {
  return typeof value === 'string' && (ERASURE_GROUNDS as readonly string[]).includes(value);
}

/** Why a class is kept despite an erasure request (GDPR Art. 17(3)(b) and (e)). */
export type RestrictionBasis = 'legal_obligation' | 'legal_hold';

export type RestrictedClass = {
  readonly dataClass: DataClass;
  readonly basis: RestrictionBasis;
  /** The legal basis the policy names for keeping this class. */
  readonly legalBasis: string;
  /** When the retention period ends, if it is known yet (null: it runs from an event still to come). */
  readonly retainUntil: string | null;
  /** The legal holds in force (basis `legal_hold`, or both). */
  readonly holdIds: string[];
};

/**
 * The subject asked for erasure (GDPR Art. 17). Records the assessment made at that moment: which classes are
 * erased at once (a `PersonalDataShredded` follows in the same append), which are kept under restriction and
 * why, and which the ledger did not hold.
 */
export type ErasureRequested = {
  readonly type: 'ErasureRequested';
  readonly data: {
    readonly requestId: string;
    readonly ground: ErasureGround;
    /** Reference of the request in the controller's case system (no personal data). */
    readonly reference?: string;
    readonly requestedAt: string;
    readonly erased: DataClass[];
    readonly restricted: RestrictedClass[];
    readonly notHeld: DataClass[];
  };
};

/**
 * Why a privacy officer released the restriction an erasure request put on processing: the person asked to be
 * served again, the person withdrew the request, or the request turned out not to come from the person.
 */
export const RESTRICTION_RELEASE_REASONS = [
  'person_requested_service',
  'request_withdrawn_by_person',
  'request_not_from_person',
] as const;
export type RestrictionReleaseReason = (typeof RESTRICTION_RELEASE_REASONS)[number];

export function isRestrictionReleaseReason(value: unknown): value is RestrictionReleaseReason {
  return typeof value === 'string' && (RESTRICTION_RELEASE_REASONS as readonly string[]).includes(value);
}

/**
 * A privacy officer released the restriction on processing an erasure request put in place. Processing does not
 * resume with it: only a consent granted after the release, with evidence of the person's action, lifts the
 * restriction (for the scopes it covers). Data the request erased stays erased; data it kept under restriction
 * stays restricted until shredded (docs/privacy.md, "After an erasure request").
 */
export type ErasureRestrictionReleased = {
  readonly type: 'ErasureRestrictionReleased';
  readonly data: {
    readonly requestId: string;
    readonly reason: RestrictionReleaseReason;
    /** Reference in the controller's case system (no personal data). */
    readonly reference?: string;
    /** The privacy officer who released it. */
    readonly releasedBy: string;
    readonly releasedAt: string;
  };
};

export const SHRED_REASONS = ['erasure_request', 'retention_expired'] as const;
export type ShredReason = (typeof SHRED_REASONS)[number];

/**
 * The data-encryption keys of these classes were destroyed before this event was written: every copy of that
 * personal data in the ledger is unreadable from here on (the ciphertext, and the hashes over it, stay).
 */
export type PersonalDataShredded = {
  readonly type: 'PersonalDataShredded';
  readonly data: {
    readonly shredId: string;
    readonly dataClasses: DataClass[];
    readonly reason: ShredReason;
    /** The erasure request this carries out, for `erasure_request`, and for restricted classes shredded later. */
    readonly requestId?: string;
    /**
     * `erasure_covered`: only the data the erasure request covered went (the keys it retired); data of these
     * classes collected after the request is still held. Absent: every key of the classes was destroyed.
     */
    readonly coverage?: 'erasure_covered';
    readonly shreddedAt: string;
  };
};

export type SubjectEvent =
  | ConsentGranted
  | ConsentWithdrawn
  | RelationshipEnded
  | LegalHoldPlaced
  | LegalHoldReleased
  | PersonalDataAccessed
  | ErasureRequested
  | ErasureRestrictionReleased
  | PersonalDataShredded;

export type SubjectEventType = SubjectEvent['type'];

/** Every event type once; a Record so that adding an event without listing it does not compile. */
const EVENT_TYPES: Record<SubjectEventType, true> = {
  ConsentGranted: true,
  ConsentWithdrawn: true,
  RelationshipEnded: true,
  LegalHoldPlaced: true,
  LegalHoldReleased: true,
  PersonalDataAccessed: true,
  ErasureRequested: true,
  ErasureRestrictionReleased: true,
  PersonalDataShredded: true,
};

export const SUBJECT_EVENT_TYPES = Object.keys(EVENT_TYPES) as readonly SubjectEventType[];

/** For handlers folding a stored stream: which recorded types this aggregate understands. */
export function isSubjectEventType(type: string): type is SubjectEventType {
  return Object.hasOwn(EVENT_TYPES, type);
}
