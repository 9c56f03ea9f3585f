/**
 * The closed taxonomy of reason codes (docs/decision-invariants.md). Every decision, review and override cites codes from this
 * list only; an unknown code is refused at the API. Each code has a category, a remediation and a short
 * description that is safe to show to a reviewer or an auditor (no personal data).
 *
 * remediation: `resubmit` — the person can fix it with a new capture; `review` — a human must look;
 * `final` — no retry changes the outcome.
 */
export type ReasonCategory = 'capture' | 'identity' | 'compliance' | 'policy';
export type Remediation = 'resubmit' | 'review' | 'final';

export interface ReasonCodeInfo {
  readonly category: ReasonCategory;
  readonly remediation: Remediation;
  readonly description: string;
}

export const REASON_CODES = {
  DOC_LOW_CONFIDENCE: {
    category: 'capture',
    remediation: 'resubmit',
    description: 'The document check scored below the policy threshold.',
  },
  DOC_IMAGE_QUALITY: {
    category: 'capture',
    remediation: 'resubmit',
    description: 'The document image was blurred, cut off or had glare.',
  },
  DOC_SUSPECTED_TAMPERING: {
    category: 'identity',
    remediation: 'review',
    description: 'The document shows signs of alteration or forgery.',
  },
  DOC_EXPIRED: {
    category: 'capture',
    remediation: 'resubmit',
    description: 'The document has expired.',
  },
  DOC_TYPE_NOT_ALLOWED: {
    category: 'policy',
    remediation: 'resubmit',
    description: 'The document type is not accepted for this jurisdiction and segment.',
  },
  FACE_MISMATCH: {
    category: 'identity',
    remediation: 'resubmit',
    description: 'The face in the selfie does not match the document photo.',
  },
  FACE_LOW_CONFIDENCE: {
    category: 'capture',
    remediation: 'resubmit',
    description: 'The face match scored well below its threshold: a clearer selfie is needed.',
  },
  LIVENESS_LOW_CONFIDENCE: {
    category: 'capture',
    remediation: 'resubmit',
    description: 'The liveness check scored well below its threshold: a new capture is needed.',
  },
  ADDRESS_LOW_CONFIDENCE: {
    category: 'capture',
    remediation: 'resubmit',
    description: 'The address check scored well below its threshold: better evidence is needed.',
  },
  LIVENESS_FAILED: {
    category: 'identity',
    remediation: 'resubmit',
    description: 'The liveness check did not confirm a live person.',
  },
  ADDRESS_MISMATCH: {
    category: 'identity',
    remediation: 'resubmit',
    description: 'The address could not be verified against the evidence.',
  },
  SANCTIONS_HIT: {
    category: 'compliance',
    remediation: 'review',
    description: 'A sanctions list screening returned a possible match.',
  },
  PEP_MATCH: {
    category: 'compliance',
    remediation: 'review',
    description: 'A politically exposed person screening returned a possible match.',
  },
  ADVERSE_MEDIA_HIT: {
    category: 'compliance',
    remediation: 'review',
    description: 'An adverse media screening returned a possible match.',
  },
  WATCHLIST_HIT: {
    category: 'compliance',
    remediation: 'review',
    description:
      'A screening list other than sanctions and PEP (criminal records, compromised persons, a blocklist, a ' +
      'monitored or regulatory list) returned a possible match.',
  },
  FRAUD_SUSPECTED: {
    category: 'identity',
    remediation: 'review',
    description:
      'The vendor reported a sign of fraud (spoofing, a deceit attempt, a link to known fraud): a human looks.',
  },
  AGE_BELOW_THRESHOLD: {
    category: 'policy',
    remediation: 'final',
    description: 'The person is below the minimum age of the policy.',
  },
  UNSUPPORTED_JURISDICTION: {
    category: 'policy',
    remediation: 'final',
    description: 'The jurisdiction is embargoed by the policy.',
  },
  DUPLICATE_IDENTITY: {
    category: 'identity',
    remediation: 'review',
    description: 'The identity appears to be registered under another subject.',
  },
  DUPLICATE_IDENTITY_SUSPECTED: {
    category: 'identity',
    remediation: 'review',
    description:
      'The document or the name and birth date match evidence of another subject (keyed blind index): a human looks, or the policy rejects.',
  },
  RETRY_LIMIT_REACHED: {
    category: 'policy',
    remediation: 'final',
    description: 'The policy allows no further resubmissions.',
  },
  VENDOR_UNAVAILABLE: {
    category: 'capture',
    remediation: 'review',
    description:
      'The verification vendor could not complete a check: the session waits for the vendor (or goes to review ' +
      'where the policy says so); it never counts as the person’s attempt.',
  },
  EVIDENCE_MISSING: {
    category: 'capture',
    remediation: 'resubmit',
    description:
      'The vendor results are in, but evidence the tier requires (document, selfie…) was not submitted.',
  },
  DOC_ISSUER_NOT_ALLOWED: {
    category: 'policy',
    remediation: 'resubmit',
    description:
      'The document’s issuing country is not accepted for this jurisdiction, segment and document type.',
  },
  DOC_ISSUER_EMBARGOED: {
    category: 'compliance',
    remediation: 'review',
    description: 'The document was issued by an embargoed country: a compliance reviewer decides.',
  },
  RESULTS_CONTRADICTORY: {
    category: 'identity',
    remediation: 'review',
    description: 'Vendors disagree about a check (one cleared it, another did not): a human decides.',
  },
  RISK_SIGNAL_REVIEW: {
    category: 'compliance',
    remediation: 'review',
    description: 'A risk signal the policy reviews by a human was raised.',
  },
  SESSION_EXPIRED: {
    category: 'policy',
    remediation: 'final',
    description: 'The session’s time to live ended before a decision; a new session can be started.',
  },
  CONSENT_WITHDRAWN: {
    category: 'policy',
    remediation: 'final',
    description: 'The person withdrew consent: the session was closed without a decision.',
  },
  ERASURE_REQUESTED: {
    category: 'policy',
    remediation: 'final',
    description: 'The person asked for erasure: the session was closed without a decision.',
  },
  SCORE_AMBIGUOUS: {
    category: 'identity',
    remediation: 'review',
    description: 'A check scored just below its threshold, inside the review band.',
  },
  CHECK_INCONCLUSIVE: {
    category: 'identity',
    remediation: 'review',
    description: 'A check returned "consider" without a more specific reason.',
  },
  JURISDICTION_REVIEW_REQUIRED: {
    category: 'policy',
    remediation: 'review',
    description: 'The jurisdiction has no automatic path in the policy and goes to manual review.',
  },
  REVIEW_APPROVED: {
    category: 'policy',
    remediation: 'final',
    description: 'A reviewer approved the verification.',
  },
  OVERRIDE_APPLIED: {
    category: 'policy',
    remediation: 'final',
    description: 'A final decision was overridden with four-eyes approval.',
  },
} as const satisfies Record<string, ReasonCodeInfo>;

export type ReasonCode = keyof typeof REASON_CODES;

/**
 * Possible matches on a screening list: for a human to judge whatever else the session shows (never an automatic
 * rejection), on the compliance SLA, cleared only as the policy's `complianceClearance` says (I7, I9).
 */
export const SCREENING_HITS: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'SANCTIONS_HIT',
  'PEP_MATCH',
  'ADVERSE_MEDIA_HIT',
  'WATCHLIST_HIT',
]);

export function isScreeningHit(code: ReasonCode): boolean {
  return SCREENING_HITS.has(code);
}

export const REASON_CODE_LIST = Object.keys(REASON_CODES) as ReasonCode[];

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && Object.hasOwn(REASON_CODES, value);
}
