import { DomainError } from '../shared/domain-error';

/* Refusals of the subject aggregate, each with a stable code for the problem response. */

export class UnknownConsentScopeError extends DomainError {
  readonly code = 'unknown_consent_scope';
  constructor(_scope: string, known: readonly string[]) {
    super(`consent scope must be one of ${known.join(', ')}`, { field: 'scope', known: [...known] });
  }
}

/** The consent id is taken by a different grant (a retry of the same grant is accepted silently). */
export class ConsentAlreadyExistsError extends DomainError {
  readonly code = 'consent_already_exists';
  constructor(consentId: string) {
    super(`consent ${consentId} already exists with different terms`, { consentId });
  }
}

export class ConsentNotFoundError extends DomainError {
  readonly code = 'consent_not_found';
  constructor(consentId: string) {
    super(`consent ${consentId} does not exist for this subject`, { consentId });
  }
}

export class ConsentAlreadyWithdrawnError extends DomainError {
  readonly code = 'consent_already_withdrawn';
  constructor(consentId: string, withdrawnAt: string) {
    super(`consent ${consentId} was withdrawn at ${withdrawnAt}`, { consentId, withdrawnAt });
  }
}

export class RelationshipAlreadyEndedError extends DomainError {
  readonly code = 'relationship_already_ended';
  constructor(endedAt: string) {
    super(`the relationship already ended at ${endedAt}`, { endedAt });
  }
}

/** The ledger holds nothing about this subject: there is no relationship to end (or personal data to read). */
export class SubjectNotFoundError extends DomainError {
  readonly code = 'subject_not_found';
  constructor() {
    super('the ledger holds no records of this subject', {});
  }
}

/** A relationship cannot end before the first thing the ledger recorded about it. The input is not echoed. */
export class RelationshipEndBeforeStartError extends DomainError {
  readonly code = 'relationship_end_before_start';
  constructor(openedAt: string) {
    super(`the relationship end must not be dated before the subject's first record (${openedAt})`, {
      field: 'endedAt',
      earliest: openedAt,
    });
  }
}

/**
 * The end is dated further back than the policy allows: AML retention would run from a date nobody can vouch
 * for, and could make records due at once. The input is not echoed.
 */
export class RelationshipEndBackdatedTooFarError extends DomainError {
  readonly code = 'relationship_end_backdated_too_far';
  constructor(maxBackdate: string, earliest: string) {
    super(`the relationship end may be dated at most ${maxBackdate} back (not before ${earliest})`, {
      field: 'endedAt',
      maxBackdate,
      earliest,
    });
  }
}

/** A correction of the relationship end when none was recorded. */
export class RelationshipNotEndedError extends DomainError {
  readonly code = 'relationship_not_ended';
  constructor() {
    super('no relationship end is recorded, so there is none to correct', {});
  }
}

export class LegalHoldAlreadyExistsError extends DomainError {
  readonly code = 'legal_hold_already_exists';
  constructor(holdId: string) {
    super(`legal hold ${holdId} already exists`, { holdId });
  }
}

export class LegalHoldNotFoundError extends DomainError {
  readonly code = 'legal_hold_not_found';
  constructor(holdId: string) {
    super(`legal hold ${holdId} does not exist for this subject`, { holdId });
  }
}

export class LegalHoldAlreadyReleasedError extends DomainError {
  readonly code = 'legal_hold_already_released';
  constructor(holdId: string, releasedAt: string) {
    super(`legal hold ${holdId} was released at ${releasedAt}`, { holdId, releasedAt });
  }
}

/** Shredding is refused while a legal hold is in force (GDPR Art. 17(3)(e): legal claims). */
export class LegalHoldActiveError extends DomainError {
  readonly code = 'legal_hold_active';
  constructor(holdIds: readonly string[]) {
    super(`personal data of this subject is under legal hold (${holdIds.join(', ')})`, {
      holdIds: [...holdIds],
    });
  }
}

export class UnknownErasureGroundError extends DomainError {
  readonly code = 'unknown_erasure_ground';
  constructor(_ground: string, known: readonly string[]) {
    super(`erasure ground must be one of ${known.join(', ')}`, { field: 'ground', known: [...known] });
  }
}

/** New processing of a subject who asked for erasure and has not consented again since (GDPR Art. 18). */
export class ProcessingRestrictedError extends DomainError {
  readonly code = 'processing_restricted';
  constructor(subjectId: string, requestId: string) {
    super(
      `subject ${subjectId} asked for erasure (request ${requestId}); new processing needs a new consent`,
      {
        subjectId,
        requestId,
        invariant: 'I1',
      },
    );
  }
}

/**
 * New consent after an erasure request needs a privacy officer's release of that request first: an operator alone
 * cannot lift the restriction the person asked for (GDPR Art. 17, 18; docs/privacy.md, "After an erasure request").
 */
export class ErasureReleaseRequiredError extends DomainError {
  readonly code = 'erasure_release_required';
  constructor(requestId: string) {
    super(
      `erasure request ${requestId} restricts processing: a privacy officer must release it before new consent is recorded`,
      { requestId },
    );
  }
}

/** The consent that lifts a released restriction must carry evidence of the person's own action. */
export class ConsentEvidenceRequiredError extends DomainError {
  readonly code = 'consent_evidence_required';
  constructor(requestId: string) {
    super(
      `consent after erasure request ${requestId} needs evidence of the person's action (the signed form, the session reference)`,
      { field: 'evidence', requestId },
    );
  }
}

export class ErasureRequestNotFoundError extends DomainError {
  readonly code = 'erasure_request_not_found';
  constructor(requestId: string) {
    super(`erasure request ${requestId} does not exist for this subject`, { requestId });
  }
}

/** Only the erasure request that restricts processing now can be released, once. */
export class RestrictionNotInForceError extends DomainError {
  readonly code = 'restriction_not_in_force';
  constructor(requestId: string, releasedAt?: string) {
    super(
      releasedAt === undefined
        ? `erasure request ${requestId} does not restrict processing now (a later request does, or consent lifted it)`
        : `erasure request ${requestId} was released at ${releasedAt}`,
      releasedAt === undefined ? { requestId } : { requestId, releasedAt },
    );
  }
}
