import { DomainError } from '../shared/domain-error';

/* Refusals of the subject aggregate, each with a stable code for the problem response. */

export class UnknownConsentScopeError extends DomainError {
  readonly code = 'unknown_consent_scope';
  constructor(scope: string, known: readonly string[]) {
    super(`consent scope ${JSON.stringify(scope.slice(0, 64))} is not one of ${known.join(', ')}`, {
      scope: scope.slice(0, 64),
      known: [...known],
    });
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
  constructor(ground: string, known: readonly string[]) {
    super(`erasure ground ${JSON.stringify(ground.slice(0, 64))} is not one of ${known.join(', ')}`, {
      ground: ground.slice(0, 64),
      known: [...known],
    });
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
