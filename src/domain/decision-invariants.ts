import type { ReasonCode } from './reason-codes';

/**
 * The decision invariants of docs/decision-invariants.md, by id, so that a refusal (problem details) and an
 * explanation can name the invariant behind it. The document is the full statement; these are its titles.
 */
export const DECISION_INVARIANTS = {
  I1: 'An approval needs consent in force and no erasure request; withdrawal or erasure closes open sessions',
  I2: 'Past its time to live an open session is expired, whoever records it',
  I3: 'An approval needs the evidence the tier requires, valid for the policy',
  I4: 'An automatic approval needs every required check clear within its threshold',
  I5: 'A vendor error is never the person’s attempt and never rejects by itself',
  I6: 'Results of different vendors are combined, never replaced; a contradiction goes to review',
  I7: 'A screening hit (sanctions, PEP, adverse media, other lists) always goes to a human',
  I8: 'A hit or risk signal after an approval reopens review',
  I9: 'Clearing a screening hit needs the policy’s role and a note',
  I10: 'A risk signal raises the tier before any review trigger; signal-only reviews say so',
  I11: 'A repeated command records nothing',
  I12: 'An embargoed jurisdiction is final',
  I13: 'An identity another subject already used never passes automatically: review, or rejection by policy',
  I14: 'Only a senior reviewer or an admin moves a review from its assignee; a non-senior may only claim an unassigned review for themself',
} as const;

export type DecisionInvariant = keyof typeof DECISION_INVARIANTS;

/** The invariant a reason code stands for, where one does. */
export const INVARIANT_OF_CODE: Readonly<Partial<Record<ReasonCode, DecisionInvariant>>> = {
  CONSENT_WITHDRAWN: 'I1',
  ERASURE_REQUESTED: 'I1',
  SESSION_EXPIRED: 'I2',
  EVIDENCE_MISSING: 'I3',
  DOC_TYPE_NOT_ALLOWED: 'I3',
  DOC_ISSUER_NOT_ALLOWED: 'I3',
  DOC_ISSUER_EMBARGOED: 'I3',
  DOC_EXPIRED: 'I3',
  AGE_BELOW_THRESHOLD: 'I3',
  DOC_LOW_CONFIDENCE: 'I4',
  FACE_LOW_CONFIDENCE: 'I4',
  LIVENESS_LOW_CONFIDENCE: 'I4',
  ADDRESS_LOW_CONFIDENCE: 'I4',
  SCORE_AMBIGUOUS: 'I4',
  VENDOR_UNAVAILABLE: 'I5',
  RESULTS_CONTRADICTORY: 'I6',
  SANCTIONS_HIT: 'I7',
  PEP_MATCH: 'I7',
  ADVERSE_MEDIA_HIT: 'I7',
  WATCHLIST_HIT: 'I7',
  RISK_SIGNAL_REVIEW: 'I10',
  UNSUPPORTED_JURISDICTION: 'I12',
  DUPLICATE_IDENTITY_SUSPECTED: 'I13',
};
