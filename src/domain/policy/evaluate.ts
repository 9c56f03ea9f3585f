import type { JsonValue } from '../../shared/json';
import { REASON_CODES, type ReasonCode, SCREENING_HITS } from '../reason-codes';
import {
  assertDeclaredSignals,
  dedupe,
  pathEntry,
  requiredEvidenceOf,
  rulesFor,
  tierRank,
  tierRule,
  traceEntry,
} from './jurisdiction-rules';
import {
  CHECK_KINDS,
  type CheckKind,
  type CheckResult,
  type CheckResultValue,
  type Evaluation,
  type EvaluationInput,
  type EvidenceInput,
  type JurisdictionRules,
  type LoadedPolicy,
  type Outcome,
  type RuleResult,
  type RuleTraceEntry,
  type TierRule,
} from './policy.types';

/*
 * The policy engine (policies/README.md): pure functions of a loaded policy and their inputs. Every rule that is applied
 * leaves a trace entry with its inputs (check kinds, results, scores, counts, codes — never personal data), the
 * threshold it compared against and its result, so a decision can be explained from the ledger alone.
 */

const COMPLIANCE_HITS: ReadonlySet<ReasonCode> = SCREENING_HITS;

/** The reason a `fail` without vendor codes stands for. */
const FAIL_CODE: Readonly<Record<CheckKind, ReasonCode>> = {
  document: 'DOC_LOW_CONFIDENCE',
  face_match: 'FACE_MISMATCH',
  liveness: 'LIVENESS_FAILED',
  address: 'ADDRESS_MISMATCH',
  age: 'AGE_BELOW_THRESHOLD',
  sanctions: 'SANCTIONS_HIT',
  pep: 'PEP_MATCH',
  watchlist: 'WATCHLIST_HIT',
};

/**
 * The reason a `clear` scored below the review band stands for. Only captures a person can redo resubmit; a
 * low-confidence clear on a screening or an age check is ambiguous, and ambiguity goes to a human.
 */
const LOW_SCORE_CODE: Readonly<Record<CheckKind, ReasonCode>> = {
  document: 'DOC_LOW_CONFIDENCE',
  face_match: 'FACE_LOW_CONFIDENCE',
  liveness: 'LIVENESS_LOW_CONFIDENCE',
  address: 'ADDRESS_LOW_CONFIDENCE',
  age: 'SCORE_AMBIGUOUS',
  sanctions: 'SCORE_AMBIGUOUS',
  pep: 'SCORE_AMBIGUOUS',
  watchlist: 'SCORE_AMBIGUOUS',
};

/**
 * Codes that only the engine or a person decides (the jurisdiction, the retry limit, review and override
 * outcomes). A vendor citing one is not evidence of anything: the result is treated as inconclusive.
 */
const DECISION_CODES: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'UNSUPPORTED_JURISDICTION',
  'RETRY_LIMIT_REACHED',
  'JURISDICTION_REVIEW_REQUIRED',
  'REVIEW_APPROVED',
  'OVERRIDE_APPLIED',
  'VENDOR_UNAVAILABLE',
  'EVIDENCE_MISSING',
  'DOC_ISSUER_NOT_ALLOWED',
  'DOC_ISSUER_EMBARGOED',
  'RESULTS_CONTRADICTORY',
  'RISK_SIGNAL_REVIEW',
  'SESSION_EXPIRED',
  'CONSENT_WITHDRAWN',
  'ERASURE_REQUESTED',
]);

/** The screening hit a `fail` or `consider` on a screening check always carries. */
const HIT_CODE: Readonly<Partial<Record<CheckKind, ReasonCode>>> = {
  sanctions: 'SANCTIONS_HIT',
  pep: 'PEP_MATCH',
  watchlist: 'WATCHLIST_HIT',
};

/** Hits that already name what a kind's screening found (an adverse media hit is the watchlist's hit). */
const HIT_FAMILY: Readonly<Partial<Record<CheckKind, readonly ReasonCode[]>>> = {
  watchlist: ['WATCHLIST_HIT', 'ADVERSE_MEDIA_HIT'],
};

/**
 * The hit a screening check that did not come back clear always carries, unless the codes with it already name
 * what that kind's screening found. The evaluation and the reopening of an approved session both use it.
 */
export function impliedHit(
  kind: CheckKind,
  result: CheckResultValue,
  codes: readonly ReasonCode[],
): ReasonCode | undefined {
  if (result !== 'fail' && result !== 'consider') return undefined;
  const hit = HIT_CODE[kind];
  if (hit === undefined) return undefined;
  const family = HIT_FAMILY[kind] ?? [hit];
  return codes.some((code) => family.includes(code)) ? undefined : hit;
}

function remediationOf(codes: readonly ReasonCode[]): RuleResult {
  if (codes.some((code) => COMPLIANCE_HITS.has(code))) return 'review';
  if (codes.some((code) => REASON_CODES[code].remediation === 'final')) return 'fail';
  if (codes.some((code) => REASON_CODES[code].remediation === 'review')) return 'review';
  if (codes.length > 0) return 'resubmit';
  return 'pass';
}

interface CheckJudgement {
  readonly kind: CheckKind;
  readonly result: RuleResult;
  readonly codes: readonly ReasonCode[];
}

/** Judges one check against the rules; returns its trace entry and the reason codes it contributes. */
function judgeCheck(
  check: CheckResult,
  rules: JurisdictionRules,
  required: boolean,
): { judgement: CheckJudgement; trace: RuleTraceEntry } {
  const vendorCodes = [...(check.reasonCodes ?? [])];
  const evidenceCodes = vendorCodes.filter((code) => !DECISION_CODES.has(code));
  const misplaced: ReasonCode[] = evidenceCodes.length < vendorCodes.length ? ['CHECK_INCONCLUSIVE'] : [];
  const inputs = {
    kind: check.kind,
    result: check.result,
    score: check.score ?? null,
    required,
    vendorReasonCodes: vendorCodes,
  };
  const threshold = rules.thresholds[check.kind];
  // Rounded so that a score exactly at the band's lower edge counts as inside it despite binary fractions.
  const floor = threshold === undefined ? undefined : Number((threshold - rules.reviewBand).toFixed(10));
  const score = check.result === 'clear' ? check.score : undefined;
  const ruleId =
    score !== undefined && threshold !== undefined ? `check.${check.kind}.score` : `check.${check.kind}`;
  const thresholdValue: JsonValue =
    threshold === undefined || floor === undefined ? null : { minScore: threshold, reviewBandFrom: floor };

  let codes: ReasonCode[];
  switch (check.result) {
    case 'error':
      // Never the person's failure: a required check waits for the vendor (see `evaluate`); one the tier does
      // not need must not hold the person up.
      codes = required ? ['VENDOR_UNAVAILABLE'] : [];
      break;
    case 'fail':
    case 'consider': {
      const fallbackCode = check.result === 'fail' ? FAIL_CODE[check.kind] : 'CHECK_INCONCLUSIVE';
      codes = [...(evidenceCodes.length > 0 ? evidenceCodes : [fallbackCode]), ...misplaced];
      // A screening that did not come back clear is a possible hit whatever codes came with it.
      const hit = impliedHit(check.kind, check.result, codes);
      if (hit !== undefined) codes = [hit, ...codes];
      break;
    }
    case 'clear': {
      // Codes that want a human (tampering, duplicate, hits) are kept; codes that contradict "clear" make the
      // result ambiguous, and ambiguity goes to review.
      codes = evidenceCodes.filter((code) => REASON_CODES[code].remediation === 'review');
      if (codes.length < vendorCodes.length) codes.push('CHECK_INCONCLUSIVE');
      if (score !== undefined && threshold !== undefined && floor !== undefined && score < threshold) {
        codes.push(score >= floor ? 'SCORE_AMBIGUOUS' : LOW_SCORE_CODE[check.kind]);
      }
      break;
    }
  }
  codes = dedupe(codes);
  const result: RuleResult =
    check.result === 'error' ? (required ? 'wait' : 'not_applicable') : remediationOf(codes);
  return {
    judgement: { kind: check.kind, result, codes },
    trace: traceEntry(ruleId, inputs, thresholdValue, result, codes),
  };
}

/** The combined view of one check kind across vendors: what the policy judges, and how it was combined. */
interface CombinedCheck {
  readonly check: CheckResult;
  /** Set when more than one vendor reported the kind. */
  readonly vendors?: readonly { readonly vendor: string; readonly result: CheckResultValue }[];
  readonly contradictory: boolean;
}

/**
 * The effective result per kind, in the fixed order of CHECK_KINDS (a stable trace). Each vendor's latest result
 * of a kind stands for that vendor; results of different vendors are combined, never replaced: a fail or a hit
 * from one vendor is not erased by another vendor's clear. A vendor `error` says nothing about the person, so it
 * only stands when no vendor gave a result. When vendors disagree (one clear, another not), the combined result
 * is `consider` with the codes of the dissenting results, marked contradictory (RESULTS_CONTRADICTORY): a human
 * decides.
 */
export function combineVendorResults(checks: readonly CheckResult[]): CombinedCheck[] {
  const byKind = new Map<CheckKind, Map<string, CheckResult>>();
  for (const check of checks) {
    const perVendor = byKind.get(check.kind) ?? new Map<string, CheckResult>();
    perVendor.set(check.vendor ?? '', check);
    byKind.set(check.kind, perVendor);
  }
  return CHECK_KINDS.flatMap((kind): CombinedCheck[] => {
    const perVendor = byKind.get(kind);
    if (perVendor === undefined) return [];
    const all = [...perVendor.values()];
    const vendors =
      all.length > 1 ? all.map((check) => ({ vendor: check.vendor ?? '', result: check.result })) : undefined;
    const withVendors = (combined: Omit<CombinedCheck, 'vendors'>): CombinedCheck =>
      vendors === undefined ? combined : { ...combined, vendors };
    const answered = all.filter((check) => check.result !== 'error');
    const first = all[0];
    if (answered.length === 0 && first !== undefined) {
      return [withVendors({ check: first, contradictory: false })];
    }
    const clear = answered.filter((check) => check.result === 'clear');
    const notClear = answered.filter((check) => check.result !== 'clear');
    const codes = dedupe(notClear.flatMap((check) => [...(check.reasonCodes ?? [])]));
    if (notClear.length === 0) {
      // Every vendor cleared it: the weakest score is the one that counts.
      const weakest = [...clear].sort((a, b) => (a.score ?? 1) - (b.score ?? 1))[0];
      return weakest === undefined ? [] : [withVendors({ check: weakest, contradictory: false })];
    }
    const result: CheckResultValue = notClear.some((check) => check.result === 'fail') ? 'fail' : 'consider';
    if (clear.length === 0) {
      const check: CheckResult = { kind, result, ...(codes.length > 0 ? { reasonCodes: codes } : {}) };
      return [withVendors({ check, contradictory: false })];
    }
    // RESULTS_CONTRADICTORY is the engine's own code: `evaluate` adds it for a contradictory kind.
    const contradiction: CheckResult = {
      kind,
      result: 'consider',
      ...(codes.length > 0 ? { reasonCodes: codes } : {}),
    };
    return [withVendors({ check: contradiction, contradictory: true })];
  });
}

const OUTCOME_RESULT: Readonly<Record<Outcome, RuleResult>> = {
  approve: 'pass',
  reject: 'fail',
  review: 'review',
  resubmit: 'resubmit',
  step_up: 'missing',
  wait: 'wait',
};

/** Judges one piece of document evidence against the rules: type, issuer, expiry and the holder's age. */
function judgeDocument(
  policy: LoadedPolicy,
  rules: JurisdictionRules,
  jurisdiction: string,
  evidence: EvidenceInput,
): RuleTraceEntry {
  const codes: ReasonCode[] = [];
  const type = evidence.documentType;
  const issuer = evidence.issuingCountry;
  const allowedTypes = [...rules.allowedDocumentTypes];
  const allowedIssuers = rules.allowedIssuingCountries ?? 'any';
  const domestic = rules.domesticDocumentTypes ?? [];
  if (type === undefined || !allowedTypes.includes(type)) codes.push('DOC_TYPE_NOT_ALLOWED');
  if (issuer === undefined) codes.push('DOC_ISSUER_NOT_ALLOWED');
  else if (policy.document.embargoedJurisdictions.includes(issuer)) codes.push('DOC_ISSUER_EMBARGOED');
  else if (
    (allowedIssuers !== 'any' && !allowedIssuers.includes(issuer)) ||
    (type !== undefined && domestic.includes(type) && issuer !== jurisdiction)
  ) {
    codes.push('DOC_ISSUER_NOT_ALLOWED');
  }
  if (evidence.documentExpired === true) codes.push('DOC_EXPIRED');
  if (evidence.belowMinimumAge === true) codes.push('AGE_BELOW_THRESHOLD');
  return traceEntry(
    'evidence.document',
    {
      evidenceId: evidence.evidenceId,
      documentType: type ?? null,
      issuingCountry: issuer ?? null,
      documentExpired: evidence.documentExpired ?? null,
      belowMinimumAge: evidence.belowMinimumAge ?? null,
    },
    {
      allowedDocumentTypes: allowedTypes,
      allowedIssuingCountries: allowedIssuers === 'any' ? 'any' : [...allowedIssuers],
      domesticDocumentTypes: [...domestic],
      embargoed: [...policy.document.embargoedJurisdictions],
      minimumAge: rules.minimumAge,
    },
    remediationOf(codes),
    codes,
  );
}

/**
 * Pure evaluation of the current attempt (policies/README.md, docs/decision-invariants.md). In order: embargo (final);
 * completeness of the required checks (a vendor `error` counts as an answer here); the evidence — every document
 * of the attempt against type, issuer, expiry and age; each check, combined across vendors; then the aggregate:
 * compliance hits → review; a final code → reject; a risk signal whose tier ranks above the session's → step_up
 * (or review with RISK_SIGNAL_REVIEW when the tier can no longer change); review codes, review-trigger signals
 * (RISK_SIGNAL_REVIEW) or the manual path → review; resubmit codes → resubmit, or reject with
 * RETRY_LIMIT_REACHED once the resubmissions are used up; a vendor error on a required check → wait for the
 * vendor (or review, as the policy says), never the person's attempt; required evidence missing → wait; else
 * approve. `approve` is reached only when nothing above holds, which is what the approval invariant says.
 */
export function evaluate(policy: LoadedPolicy, input: EvaluationInput): Evaluation {
  const { path, rules } = rulesFor(policy, input.jurisdiction, input.segment);
  assertDeclaredSignals(policy, input.riskSignals);
  const trace: RuleTraceEntry[] = [pathEntry(policy, input.jurisdiction, input.segment, path)];

  const decide = (
    outcome: Outcome,
    reasonCodes: readonly ReasonCode[],
    stepUp?: { tier: string; requiredChecks: readonly CheckKind[] },
  ): Evaluation => {
    const codes = dedupe(reasonCodes);
    trace.push(
      traceEntry(
        'outcome',
        { path, tier: input.tier, resubmissions: input.resubmissions, codeCount: codes.length },
        { maxResubmissions: rules.maxResubmissions },
        OUTCOME_RESULT[outcome],
        codes,
      ),
    );
    return stepUp === undefined
      ? { outcome, reasonCodes: codes, ruleTrace: trace }
      : { outcome, reasonCodes: codes, ruleTrace: trace, stepUp };
  };

  // Embargo is final whatever the checks say, so it is decided before waiting for any of them.
  if (path === 'embargoed') return decide('reject', ['UNSUPPORTED_JURISDICTION']);

  const tier = tierRule(rules, input.tier);
  const combined = combineVendorResults(input.checks);
  const present = combined.map((item) => item.check.kind);
  const missingChecks = tier.requiredChecks.filter((kind) => !present.includes(kind));
  trace.push(
    traceEntry(
      'checks.complete',
      { tier: tier.name, present },
      { requiredChecks: [...tier.requiredChecks] },
      missingChecks.length > 0 ? 'missing' : 'pass',
    ),
  );
  if (missingChecks.length > 0) return { outcome: 'incomplete', missingChecks, ruleTrace: trace };

  const codes: ReasonCode[] = [];

  // Evidence: what the tier needs is there, and every document of the attempt is valid for the policy.
  const requiredEvidence = requiredEvidenceOf(tier);
  const submittedKinds = [...new Set(input.evidence.map((item) => item.kind))];
  const missingEvidence = requiredEvidence.filter((kind) => !submittedKinds.includes(kind));
  trace.push(
    traceEntry(
      'evidence.required',
      { tier: tier.name, submitted: submittedKinds },
      { requiredEvidence: [...requiredEvidence] },
      missingEvidence.length > 0 ? 'wait' : 'pass',
      missingEvidence.length > 0 ? ['EVIDENCE_MISSING'] : [],
    ),
  );
  for (const evidence of input.evidence) {
    if (evidence.kind !== 'document') continue;
    const judged = judgeDocument(policy, rules, input.jurisdiction, evidence);
    trace.push(judged);
    codes.push(...judged.reasonCodes);
  }
  // The identity matches another subject's (keyed blind index): review, or rejection where the policy says so.
  const duplicates = input.evidence.flatMap((evidence) =>
    evidence.duplicateOf === undefined
      ? []
      : [{ evidenceId: evidence.evidenceId, match: evidence.duplicateOf.match }],
  );
  const onDuplicate = rules.duplicateIdentity ?? 'review';
  if (duplicates.length > 0) {
    trace.push(
      traceEntry(
        'identity.duplicate',
        { matches: duplicates },
        { onDuplicate },
        onDuplicate === 'reject' ? 'fail' : 'review',
        ['DUPLICATE_IDENTITY_SUSPECTED'],
      ),
    );
    codes.push('DUPLICATE_IDENTITY_SUSPECTED');
  }

  const passed = new Set<CheckKind>();
  const vendorErrors: CheckKind[] = [];
  for (const item of combined) {
    const required = tier.requiredChecks.includes(item.check.kind);
    if (item.vendors !== undefined) {
      trace.push(
        traceEntry(
          `check.${item.check.kind}.vendors`,
          { vendors: item.vendors.map((v) => ({ vendor: v.vendor, result: v.result })) },
          { agreement: 'every vendor that answered' },
          item.contradictory ? 'review' : 'pass',
          item.contradictory ? ['RESULTS_CONTRADICTORY'] : [],
        ),
      );
    }
    const { judgement, trace: checkTrace } = judgeCheck(item.check, rules, required);
    trace.push(checkTrace);
    if (item.check.result === 'error') {
      if (required) vendorErrors.push(item.check.kind);
      continue;
    }
    if (item.contradictory) {
      // The dissenting vendor's codes stand; "inconclusive" says nothing the contradiction does not.
      codes.push('RESULTS_CONTRADICTORY', ...judgement.codes.filter((code) => code !== 'CHECK_INCONCLUSIVE'));
      continue;
    }
    codes.push(...judgement.codes);
    if (judgement.result === 'pass') passed.add(item.check.kind);
  }
  const found = dedupe(codes);
  const manualCodes: ReasonCode[] = path === 'manual_review' ? ['JURISDICTION_REVIEW_REQUIRED'] : [];

  // Sanctions and PEP hits are for a human to judge, whatever else failed: never an automatic rejection.
  const hits = found.filter((code) => COMPLIANCE_HITS.has(code));
  trace.push(
    traceEntry(
      'compliance.hits',
      { hits },
      { alwaysReview: [...COMPLIANCE_HITS] },
      hits.length > 0 ? 'review' : 'pass',
      hits,
    ),
  );
  if (hits.length > 0) return decide('review', [...found, ...manualCodes]);

  // Vendors that disagree are a human's question, even when the dissenting one cites a final code: no
  // automatic rejection then (the contradiction sends the session to review below, after any step-up).
  const finalCodes = found.filter(
    (code) =>
      REASON_CODES[code].remediation === 'final' ||
      (code === 'DUPLICATE_IDENTITY_SUSPECTED' && onDuplicate === 'reject'),
  );
  if (finalCodes.length > 0 && !found.includes('RESULTS_CONTRADICTORY')) return decide('reject', found);

  // A raised risk signal first raises the tier (its checks are collected like at start), then review triggers.
  const currentRank = tierRank(rules, tier.name);
  const stepUpAllowed = input.stepUpAllowed ?? true;
  let target: TierRule | undefined;
  for (const rule of rules.stepUp) {
    if (input.riskSignals[rule.signal] !== true) continue;
    const rank = tierRank(rules, rule.tier);
    const candidate = tierRule(rules, rule.tier);
    const satisfied = candidate.requiredChecks.every((kind) => passed.has(kind));
    const needed = rank > currentRank && !satisfied;
    trace.push(
      traceEntry(
        'risk.step_up',
        {
          signal: rule.signal,
          observed: true,
          currentTier: tier.name,
          stepUpChecksClear: satisfied,
          stepUpAllowed,
        },
        { tier: rule.tier },
        needed ? (stepUpAllowed ? 'missing' : 'review') : 'pass',
        needed && !stepUpAllowed ? ['RISK_SIGNAL_REVIEW'] : [],
      ),
    );
    if (needed && (target === undefined || rank > tierRank(rules, target.name))) target = candidate;
  }
  if (target !== undefined && stepUpAllowed) {
    return decide('step_up', found, { tier: target.name, requiredChecks: [...target.requiredChecks] });
  }
  const signalCodes: ReasonCode[] = target === undefined ? [] : ['RISK_SIGNAL_REVIEW'];

  const reviewCodes = found.filter(
    (code) => REASON_CODES[code].remediation === 'review' || rules.review.triggerReasonCodes.includes(code),
  );
  const triggerSignals = rules.review.triggerRiskSignals.filter(
    (signal) => input.riskSignals[signal] === true,
  );
  if (triggerSignals.length > 0) signalCodes.push('RISK_SIGNAL_REVIEW');
  if (rules.review.triggerReasonCodes.length > 0 || rules.review.triggerRiskSignals.length > 0) {
    trace.push(
      traceEntry(
        'review.triggers',
        { reasonCodes: found, riskSignals: triggerSignals },
        {
          triggerReasonCodes: [...rules.review.triggerReasonCodes],
          triggerRiskSignals: [...rules.review.triggerRiskSignals],
        },
        reviewCodes.some((code) => rules.review.triggerReasonCodes.includes(code)) ||
          triggerSignals.length > 0
          ? 'review'
          : 'pass',
        [
          ...reviewCodes.filter((code) => rules.review.triggerReasonCodes.includes(code)),
          ...(triggerSignals.length > 0 ? (['RISK_SIGNAL_REVIEW'] as const) : []),
        ],
      ),
    );
  }
  if (reviewCodes.length > 0 || signalCodes.length > 0 || path === 'manual_review') {
    return decide('review', [...found, ...signalCodes, ...manualCodes]);
  }

  if (found.length > 0) {
    // Only resubmit codes are left at this point.
    const canRetry = input.resubmissions < rules.maxResubmissions;
    trace.push(
      traceEntry(
        'attempts.limit',
        { resubmissions: input.resubmissions },
        { maxResubmissions: rules.maxResubmissions },
        canRetry ? 'resubmit' : 'fail',
        canRetry ? [] : ['RETRY_LIMIT_REACHED'],
      ),
    );
    return canRetry ? decide('resubmit', found) : decide('reject', [...found, 'RETRY_LIMIT_REACHED']);
  }

  // A vendor that could not answer is not the person's failure: wait for the vendor's retry, or a human.
  if (vendorErrors.length > 0) {
    const handling = rules.review.onVendorError ?? 'wait';
    trace.push(
      traceEntry(
        'vendor.errors',
        { checks: vendorErrors },
        { onVendorError: handling },
        handling === 'review' ? 'review' : 'wait',
        ['VENDOR_UNAVAILABLE'],
      ),
    );
    return decide(handling === 'review' ? 'review' : 'wait', ['VENDOR_UNAVAILABLE']);
  }
  if (missingEvidence.length > 0) return decide('wait', ['EVIDENCE_MISSING']);
  return decide('approve', []);
}
