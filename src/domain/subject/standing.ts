import { consentInForce, processingRestriction, type SubjectState } from './subject.state';

/**
 * Where the person stands at the moment of a verification command, read from the subject's stream: whether a
 * consent covering `identity_verification` is in force, and the erasure request that restricts processing, if
 * any. A decision that could approve, and any new processing, needs both to allow it
 * (docs/decision-invariants.md, I1).
 */
export interface SubjectStanding {
  readonly consentInForce: boolean;
  /** The consent withdrawn last, when none is in force (for the closing event). */
  readonly withdrawnConsentId?: string;
  readonly erasureRequestId?: string;
}

/** The subject's standing for identity verification. */
export function standingOf(state: SubjectState): SubjectStanding {
  const consent = consentInForce(state, 'identity_verification');
  const restriction = processingRestriction(state, 'identity_verification');
  const withdrawn = consent === undefined ? lastWithdrawn(state) : undefined;
  return {
    consentInForce: consent !== undefined,
    ...(withdrawn === undefined ? {} : { withdrawnConsentId: withdrawn }),
    ...(restriction === undefined ? {} : { erasureRequestId: restriction.requestId }),
  };
}

function lastWithdrawn(state: SubjectState): string | undefined {
  let last: string | undefined;
  for (const consent of state.consents.values()) {
    if (consent.withdrawnAt !== undefined && consent.scopes.includes('identity_verification')) {
      last = consent.consentId;
    }
  }
  return last;
}
