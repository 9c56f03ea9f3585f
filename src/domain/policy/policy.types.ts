import type { DataClass } from '../../shared/data-classes';
import type { JsonObject, JsonValue } from '../../shared/json';
import type { ReasonCode } from '../reason-codes';

/*
 * The policy contract (policies/README.md). A policy document is versioned, validated against a JSON schema at start-up
 * and identified by its hash: SHA-256 of its canonical JSON (after parsing YAML/JSON, before any defaults).
 * Everything here is pure data; evaluation is in `evaluate.ts`.
 */

export const CHECK_KINDS = [
  'document',
  'face_match',
  'liveness',
  'sanctions',
  'pep',
  'address',
  'age',
  // Screenings other than sanctions and PEP: adverse media, criminal records, compromised persons, blocklists
  // and other monitored lists. Last, so that the trace order of the other kinds stays what it was.
  'watchlist',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export const CHECK_RESULTS = ['clear', 'consider', 'fail', 'error'] as const;
export type CheckResultValue = (typeof CHECK_RESULTS)[number];

export const DOCUMENT_TYPES = ['passport', 'id_card', 'driving_licence', 'residence_permit'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const EVIDENCE_KINDS = ['document', 'selfie', 'proof_of_address'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** A tier and the checks it needs. Tiers are listed in ascending order of assurance. */
export interface TierRule {
  readonly name: string;
  readonly requiredChecks: readonly CheckKind[];
  /**
   * Evidence records the tier needs before anything can be approved. Default: a `document` when the tier
   * requires the document check (the vendor's face_match/liveness checks stand for biometric evidence unless a
   * tier lists `selfie` here).
   */
  readonly requiredEvidence?: readonly EvidenceKind[];
}

/** What a vendor `error` on a required check does: wait for the vendor (default) or send the session to review. */
export type VendorErrorHandling = 'wait' | 'review';

/** A risk signal that moves a session up to at least `tier` (at start, or when a vendor reports it). */
export interface StepUpRule {
  readonly signal: string;
  readonly tier: string;
}

export interface ReviewRules {
  /** Escalation queue the review lands in. */
  readonly queue: string;
  /** Hours until a review breaches its SLA. */
  readonly slaHours: number;
  /** Shorter SLA for compliance hits (sanctions, PEP). */
  readonly complianceSlaHours: number;
  /** Reason codes that send a session to review in addition to those that always do (screening hits). */
  readonly triggerReasonCodes: readonly ReasonCode[];
  /** Risk signals that send a session to review even when every check is clear. */
  readonly triggerRiskSignals: readonly string[];
  /** Where a review goes when it breaches its SLA (default: it stays in `queue`, one priority up). */
  readonly escalationQueue?: string;
  /** A vendor `error` on a required check: `wait` (default) for the vendor's retry, or `review`. */
  readonly onVendorError?: VendorErrorHandling;
  /**
   * Who may clear a screening hit (approve a review that cites SANCTIONS_HIT, PEP_MATCH, ADVERSE_MEDIA_HIT or
   * WATCHLIST_HIT). Default:
   * `senior_reviewer`, with a note.
   */
  readonly complianceClearance?: { readonly role: string; readonly noteRequired: boolean };
}

/** Rules for one segment in one jurisdiction (or for the fallback path). */
export interface JurisdictionRules {
  readonly allowedDocumentTypes: readonly DocumentType[];
  /**
   * Countries whose documents are accepted (ISO 3166-1 alpha-2), or `any` (the default). Documents issued by an
   * embargoed country are never accepted automatically, whatever this says.
   */
  readonly allowedIssuingCountries?: 'any' | readonly string[];
  /** Document types that must be issued by the session's own jurisdiction (e.g. a driving licence). */
  readonly domesticDocumentTypes?: readonly DocumentType[];
  readonly tiers: readonly TierRule[];
  readonly defaultTier: string;
  readonly stepUp: readonly StepUpRule[];
  /** Minimum score for a `clear` result to pass, per scored check kind (0..1). */
  readonly thresholds: Readonly<Partial<Record<CheckKind, number>>>;
  /** A score in [threshold - reviewBand, threshold) is ambiguous: review, not resubmission. */
  readonly reviewBand: number;
  /** Resubmissions allowed after the first attempt; the failure after the last one is RETRY_LIMIT_REACHED. */
  readonly maxResubmissions: number;
  /** Session time-to-live as an ISO 8601 duration (e.g. "P3D", "PT72H"). */
  readonly sessionTtl: string;
  readonly minimumAge: number;
  /** True on the fallback path: every complete session goes to review (JURISDICTION_REVIEW_REQUIRED). */
  readonly manualReview: boolean;
  /**
   * What an identity that another subject already verified with leads to (`DUPLICATE_IDENTITY_SUSPECTED`):
   * review (default) or an automatic rejection.
   */
  readonly duplicateIdentity?: 'review' | 'reject';
  readonly review: ReviewRules;
}

export interface RetentionRule {
  /** Legal basis shown to privacy officers, e.g. "EU AMLR Art. 77; FATF R.11; 31 CFR 1020.220". */
  readonly legalBasis: string;
  /** ISO 8601 duration, e.g. "P5Y". */
  readonly period: string;
  /** What the period runs from. */
  readonly from: 'relationship_end' | 'collection' | 'decision';
  /** True when a legal obligation (AML) keeps the data despite an erasure request (GDPR Art. 17(3)(b)). */
  readonly legalObligation: boolean;
}

/**
 * Safeguards on the relationship end, from which AML retention runs (docs/privacy.md). Fixed-length ISO 8601
 * durations (days, hours); defaults in `retention-safeguards.ts` where a version does not set them.
 */
export interface RetentionSafeguards {
  /** How far back a relationship end may be dated, measured from when it is recorded (e.g. "P30D"). */
  readonly maxBackdate?: string;
  /**
   * How long after a relationship end is recorded nothing it makes due is shredded, so that a wrong end can be
   * corrected first (e.g. "P30D").
   */
  readonly shredGrace?: string;
}

export interface PolicyDocument {
  readonly policyId: string;
  /** Free-form but ordered version label, e.g. "2026-11-01". */
  readonly version: string;
  /** ISO date from which new sessions use this version. */
  readonly effectiveFrom: string;
  readonly description: string;
  readonly segments: readonly string[];
  readonly embargoedJurisdictions: readonly string[];
  /** Declared risk signals; any other signal in a request is refused. */
  readonly riskSignals: Readonly<Record<string, { readonly description: string }>>;
  readonly retention: Readonly<Record<DataClass, RetentionRule>>;
  readonly retentionSafeguards?: RetentionSafeguards;
  /** ISO 3166-1 alpha-2 → segment → rules. */
  readonly jurisdictions: Readonly<Record<string, Readonly<Record<string, JurisdictionRules>>>>;
  /** Segment → rules for every valid country not listed and not embargoed. */
  readonly fallback: Readonly<Record<string, JurisdictionRules>>;
  /**
   * Which vendor opens a session when the caller names none: the first of `order` (or of the jurisdiction's
   * list) that is configured; when it is unavailable, the next one (recorded as `VendorFallbackChosen`).
   */
  readonly vendors?: {
    readonly order: readonly string[];
    readonly byJurisdiction?: Readonly<Record<string, readonly string[]>>;
    /** Temporary fallback rules for low-risk cases during a vendor outage, each until its expiry. */
    readonly temporaryFallbacks?: readonly TemporaryVendorFallback[];
  };
  /**
   * Present on a shadow policy: never used for a live session; every live evaluation from `effectiveFrom` until
   * `until` (an ISO 8601 instant, at most 90 days later) is also evaluated under it and the difference recorded.
   */
  readonly shadow?: { readonly until: string };
}

/**
 * While `when` is unavailable, sessions of the named segments and tiers (and jurisdictions, if listed) may open
 * at `use` although the regular order does not list it, until `until` (the rule is ignored from then on). The
 * switch is recorded as `VendorFallbackChosen` naming the rule and its expiry, and shown in explanations.
 */
export interface TemporaryVendorFallback {
  readonly id: string;
  readonly when: string;
  readonly use: string;
  readonly segments: readonly string[];
  readonly tiers: readonly string[];
  readonly jurisdictions?: readonly string[];
  /** ISO 8601 instant; at most 90 days after the policy's `effectiveFrom`. */
  readonly until: string;
  readonly reason: string;
}

/** A loaded policy: the document plus its hash. */
export interface LoadedPolicy {
  readonly document: PolicyDocument;
  /** hex SHA-256 of the canonical JSON of `document`. */
  readonly hash: string;
  /** Where it was loaded from (for messages). */
  readonly source: string;
}

export type SessionPath = 'automatic' | 'manual_review' | 'embargoed';

/** What a new session gets from the policy; recorded on VerificationInitiated. */
export interface SessionRules {
  readonly policyId: string;
  readonly policyVersion: string;
  readonly policyHash: string;
  readonly jurisdiction: string;
  readonly segment: string;
  readonly path: SessionPath;
  readonly tier: string;
  readonly requiredChecks: readonly CheckKind[];
  /** Session time-to-live in milliseconds. */
  readonly ttlMs: number;
  readonly maxResubmissions: number;
  /** Which rule picked the tier (for the trace). */
  readonly trace: readonly RuleTraceEntry[];
}

/** One vendor check result as normalised by the API or a webhook adapter. */
export interface CheckResult {
  readonly kind: CheckKind;
  /** Who reported it; results of different vendors are combined, not replaced (see `combineVendorResults`). */
  readonly vendor?: string;
  readonly result: CheckResultValue;
  readonly score?: number;
  readonly reasonCodes?: readonly ReasonCode[];
  /**
   * What the vendor itself said about this check, in its own words (Sumsub rejection labels, Veriff decision and
   * reason codes, Onfido report name/result/sub_result, Persona check names): kept beside our reason codes so a
   * reviewer sees the source. Never personal data; bounded by `vendorLabelList`. Inputs only: no rule reads them.
   */
  readonly vendorLabels?: readonly string[];
}

/** A vendor label: a code or name of the vendor's own vocabulary, never free text. */
export const VENDOR_LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const MAX_VENDOR_LABELS = 16;

/** The labels worth keeping: well-formed, distinct, at most `MAX_VENDOR_LABELS`; anything else is dropped. */
export function vendorLabelList(labels: readonly unknown[]): string[] {
  const kept = labels.filter(
    (label): label is string => typeof label === 'string' && VENDOR_LABEL_PATTERN.test(label),
  );
  return [...new Set(kept)].slice(0, MAX_VENDOR_LABELS);
}

/** A piece of evidence of the current attempt, as the policy judges it (no personal data). */
export interface EvidenceInput {
  readonly evidenceId: string;
  readonly kind: EvidenceKind;
  readonly documentType?: DocumentType;
  readonly issuingCountry?: string;
  /**
   * What the extracted attributes showed when the evidence was submitted, judged against this policy: the
   * document had expired, the person was below the minimum age. Unset: the attributes did not say.
   */
  readonly documentExpired?: boolean;
  readonly belowMinimumAge?: boolean;
  /**
   * Another subject's session whose evidence has the same identity (the keyed blind index of the document
   * number and issuing country, or of the name and birth date): its session id only, never the data.
   */
  readonly duplicateOf?: DuplicateMatch;
}

/** Which identity of another subject the evidence matched, by the blind index (ids only). */
export type DuplicateMatch = {
  readonly sessionId: string;
  readonly match: 'document' | 'name_and_birth_date';
};

export interface EvaluationInput {
  readonly jurisdiction: string;
  readonly segment: string;
  readonly tier: string;
  /**
   * The effective result per check kind for the current attempt: each vendor's latest, combined across vendors
   * (see `combineVendorResults`).
   */
  readonly checks: readonly CheckResult[];
  /** Every piece of evidence of the current attempt. */
  readonly evidence: readonly EvidenceInput[];
  /**
   * False after a final decision: a risk signal can no longer raise the tier (its checks cannot be collected),
   * so it sends the session to review instead.
   */
  readonly stepUpAllowed?: boolean;
  /** Resubmissions already requested in this session. */
  readonly resubmissions: number;
  /** Risk signals observed so far (at start and from vendors). */
  readonly riskSignals: Readonly<Record<string, boolean>>;
}

/** `wait`: nothing to decide yet, for a reason the reason codes name (a vendor error, evidence not yet submitted). */
export type Outcome = 'approve' | 'reject' | 'review' | 'resubmit' | 'step_up' | 'wait';

export type RuleResult = 'pass' | 'fail' | 'review' | 'resubmit' | 'missing' | 'not_applicable' | 'wait';

/** One rule the evaluator applied: which, on what, against what threshold, with what result. */
export interface RuleTraceEntry extends JsonObject {
  ruleId: string;
  inputs: JsonObject;
  threshold: JsonValue;
  result: RuleResult;
  reasonCodes: ReasonCode[];
}

export type Evaluation =
  | {
      readonly outcome: Outcome;
      readonly reasonCodes: readonly ReasonCode[];
      readonly ruleTrace: readonly RuleTraceEntry[];
      /** Set with `step_up`: the new tier and its full list of required checks. */
      readonly stepUp?: { readonly tier: string; readonly requiredChecks: readonly CheckKind[] };
    }
  | {
      /** Not every required check has a result yet: no decision. */
      readonly outcome: 'incomplete';
      readonly missingChecks: readonly CheckKind[];
      readonly ruleTrace: readonly RuleTraceEntry[];
    };
