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
