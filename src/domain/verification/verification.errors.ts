import { DomainError } from '../shared/domain-error';

/*
 * Refusals of the verification aggregate beyond the shared ones (IllegalTransitionError, NotFoundError,
 * DomainValidationError), each with a stable code for the problem response. Messages carry ids and codes only.
 */

/** No consent in force covers the scope a verification needs. */
export class ConsentRequiredError extends DomainError {
  readonly code = 'consent_required';
  constructor(subjectId: string, scope: string) {
    super(`subject ${subjectId} has no consent in force for ${scope}`, { subjectId, scope, invariant: 'I1' });
  }
}

/** The command carries another policy than the one the session was started under (a handler defect). */
export class PolicyMismatchError extends DomainError {
  readonly code = 'policy_mismatch';
  constructor(sessionPolicyHash: string, givenPolicyHash: string) {
    super(`the session was started under policy ${sessionPolicyHash}, not ${givenPolicyHash}`, {
      sessionPolicyHash,
      givenPolicyHash,
    });
  }
}

/** The session's time to live is over: the person can no longer capture or submit. */
export class SessionExpiredError extends DomainError {
  readonly code = 'verification_expired';
  constructor(expiresAt: string) {
    super(`the verification expired at ${expiresAt}`, { expiresAt, invariant: 'I2' });
  }
}

export class NotYetDueError extends DomainError {
  readonly code = 'not_yet_due';
  constructor(expiresAt: string) {
    super(`the verification does not expire before ${expiresAt}`, { expiresAt });
  }
}

/** An evidence id already recorded with different (non-personal) fields. */
export class EvidenceConflictError extends DomainError {
  readonly code = 'evidence_id_conflict';
  constructor(evidenceId: string) {
    super(`evidence ${evidenceId} was already submitted with different fields`, { evidenceId });
  }
}

export class ReviewAssignedToOtherError extends DomainError {
  readonly code = 'review_assigned_to_other';
  constructor(assignee: string) {
    super(`the review is assigned to ${assignee}`, { assignee });
  }
}

export class ReassignmentNotAllowedError extends DomainError {
  readonly code = 'reassignment_not_allowed';
  constructor() {
    super(
      'only a senior reviewer (or an admin) may take a review from its assignee or assign it to someone else; a reviewer may claim an unassigned review for themself',
      { invariant: 'I14' },
    );
  }
}

export class ReasonCodeRequiredError extends DomainError {
  readonly code = 'reason_code_required';
  constructor(what: string) {
    super(`${what} needs at least one reason code`, { what });
  }
}

/** A code of the taxonomy that this kind of decision may not cite (e.g. REVIEW_APPROVED on a rejection). */
export class ReasonCodeNotAllowedError extends DomainError {
  readonly code = 'reason_code_not_allowed';
  constructor(reasonCode: string, what: string) {
    super(`${reasonCode} cannot be cited by ${what}`, { reasonCode, what });
  }
}

export class OverrideAlreadyExistsError extends DomainError {
  readonly code = 'override_already_exists';
  constructor(overrideId: string) {
    super(`override ${overrideId} already exists`, { overrideId });
  }
}

/** One override at a time: a second request waits until the first is approved or rejected. */
export class OverridePendingError extends DomainError {
  readonly code = 'override_pending';
  constructor(pendingOverrideId: string) {
    super(`override ${pendingOverrideId} is still pending`, { pendingOverrideId });
  }
}

export class OverrideOutcomeUnchangedError extends DomainError {
  readonly code = 'override_outcome_unchanged';
  constructor(outcome: string, status: string) {
    super(`an override to ${outcome} changes nothing while the verification is ${status}`, {
      outcome,
      status,
    });
  }
}

/** Decisions no override may reverse (an embargoed jurisdiction). */
export class OverrideNotPermittedError extends DomainError {
  readonly code = 'override_not_permitted';
  constructor(reasonCode: string) {
    super(`a decision for ${reasonCode} cannot be overridden`, { reasonCode });
  }
}

export class OverrideNotFoundError extends DomainError {
  readonly code = 'override_not_found';
  constructor(overrideId: string) {
    super(`override ${overrideId} does not exist on this verification`, { overrideId });
  }
}

export class OverrideAlreadyDecidedError extends DomainError {
  readonly code = 'override_already_decided';
  constructor(overrideId: string, decision: string) {
    super(`override ${overrideId} was already ${decision}`, { overrideId, decision });
  }
}

/** The person who requested an override cannot also decide it. */
export class FourEyesViolationError extends DomainError {
  readonly code = 'four_eyes_violation';
  constructor(overrideId: string) {
    super(`override ${overrideId} must be decided by someone other than its requester`, { overrideId });
  }
}

export class SeniorReviewerRequiredError extends DomainError {
  readonly code = 'senior_reviewer_required';
  constructor(overrideId: string) {
    super(`deciding override ${overrideId} needs the senior_reviewer role`, { overrideId });
  }
}

/** An approval needs the evidence the session's tier requires (docs/decision-invariants.md, I3). */
export class EvidenceRequiredError extends DomainError {
  readonly code = 'evidence_required';
  constructor(missing: readonly string[]) {
    super(`an approval needs evidence that was not submitted: ${missing.join(', ')}`, {
      missing: [...missing],
      invariant: 'I3',
    });
  }
}

/** Clearing a sanctions or PEP hit needs the role the policy names (senior_reviewer by default). */
export class ComplianceClearanceRequiredError extends DomainError {
  readonly code = 'compliance_clearance_required';
  constructor(role: string, hits: readonly string[]) {
    super(`clearing ${hits.join(', ')} needs the ${role} role`, { role, hits: [...hits], invariant: 'I9' });
  }
}

/** A decision that must be explained in writing came without a note. */
export class NoteRequiredError extends DomainError {
  readonly code = 'note_required';
  constructor(what: string) {
    super(`${what} needs a note`, { what, invariant: 'I9' });
  }
}
