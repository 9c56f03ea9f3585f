import type { JsonObject, JsonValue } from '../../shared/json';
import { REASON_CODES, type ReasonCode } from '../reason-codes';
import { durationToMs } from './duration';
import { isIso3166Alpha2 } from './iso3166';
import {
  PolicyLoadError,
  UnknownJurisdictionError,
  UnknownRiskSignalError,
  UnknownSegmentError,
  UnknownTierError,
} from './policy.errors';
import {
  CHECK_KINDS,
  type CheckKind,
  type CheckResult,
  type Evaluation,
  type EvaluationInput,
  type JurisdictionRules,
  type LoadedPolicy,
  type Outcome,
  type RuleResult,
  type RuleTraceEntry,
  type SessionPath,
  type SessionRules,
  type TierRule,
} from './policy.types';

/*
 * The policy engine (DESIGN §4): pure functions of a loaded policy and their inputs. Every rule that is applied
 * leaves a trace entry with its inputs (check kinds, results, scores, counts, codes — never personal data), the
 * threshold it compared against and its result, so a decision can be explained from the ledger alone.
 */

export interface SessionRequest {
  readonly jurisdiction: string;
  readonly segment: string;
  readonly riskSignals: Readonly<Record<string, boolean>>;
}

const COMPLIANCE_HITS: ReadonlySet<ReasonCode> = new Set<ReasonCode>(['SANCTIONS_HIT', 'PEP_MATCH']);

/** The reason a `fail` without vendor codes stands for. */
const FAIL_CODE: Readonly<Record<CheckKind, ReasonCode>> = {
  document: 'DOC_LOW_CONFIDENCE',
  face_match: 'FACE_MISMATCH',
  liveness: 'LIVENESS_FAILED',
  address: 'ADDRESS_MISMATCH',
  age: 'AGE_BELOW_THRESHOLD',
  sanctions: 'SANCTIONS_HIT',
  pep: 'PEP_MATCH',
};

/**
 * The reason a `clear` scored below the review band stands for. Only captures a person can redo resubmit; a
 * low-confidence clear on a screening or an age check is ambiguous, and ambiguity goes to a human.
 */
const LOW_SCORE_CODE: Readonly<Record<CheckKind, ReasonCode>> = {
  document: 'DOC_LOW_CONFIDENCE',
  face_match: 'FACE_MISMATCH',
  liveness: 'LIVENESS_FAILED',
  address: 'ADDRESS_MISMATCH',
  age: 'SCORE_AMBIGUOUS',
  sanctions: 'SCORE_AMBIGUOUS',
  pep: 'SCORE_AMBIGUOUS',
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
]);

/** The screening hit a `fail` or `consider` on a screening check always carries. */
const HIT_CODE: Readonly<Partial<Record<CheckKind, ReasonCode>>> = {
  sanctions: 'SANCTIONS_HIT',
  pep: 'PEP_MATCH',
};

function own<V>(map: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function entry(
  ruleId: string,
  inputs: JsonObject,
  threshold: JsonValue,
  result: RuleResult,
  reasonCodes: readonly ReasonCode[] = [],
): RuleTraceEntry {
  return { ruleId, inputs, threshold, result, reasonCodes: [...reasonCodes] };
}

function dedupe(codes: readonly ReasonCode[]): ReasonCode[] {
  return [...new Set(codes)];
}

function remediationOf(codes: readonly ReasonCode[]): RuleResult {
  if (codes.some((code) => COMPLIANCE_HITS.has(code))) return 'review';
  if (codes.some((code) => REASON_CODES[code].remediation === 'final')) return 'fail';
  if (codes.some((code) => REASON_CODES[code].remediation === 'review')) return 'review';
  if (codes.length > 0) return 'resubmit';
  return 'pass';
}

/**
 * The rules for a jurisdiction and segment and the path a session takes there: `embargoed`, `manual_review` (the
 * fallback, for any valid country not listed) or `automatic`. Throws a `DomainError` otherwise, with code
 * `unknown_jurisdiction` for a code that is not ISO 3166-1 alpha-2 (upper case) or `unknown_segment`.
 */
export function rulesFor(
  policy: LoadedPolicy,
  jurisdiction: string,
  segment: string,
): { path: SessionPath; rules: JurisdictionRules } {
  const doc = policy.document;
  if (!isIso3166Alpha2(jurisdiction)) throw new UnknownJurisdictionError(jurisdiction);
  if (!doc.segments.includes(segment)) throw new UnknownSegmentError(segment, doc.segments);
  const listed = own(doc.jurisdictions, jurisdiction);
  // An embargoed country has no rules of its own (validation forbids it); the fallback gives it a shape only.
  const rules = (listed === undefined ? undefined : own(listed, segment)) ?? own(doc.fallback, segment);
  if (rules === undefined) {
    // Validation guarantees fallback rules for every segment; reaching this means an unvalidated document.
    throw new PolicyLoadError([`${policy.source}: /fallback/${segment}: no rules for segment`]);
  }
  const path: SessionPath = doc.embargoedJurisdictions.includes(jurisdiction)
    ? 'embargoed'
    : rules.manualReview
      ? 'manual_review'
      : 'automatic';
  return { path, rules };
}

function pathEntry(
  policy: LoadedPolicy,
  jurisdiction: string,
  segment: string,
  path: SessionPath,
): RuleTraceEntry {
  const doc = policy.document;
  const listed = own(doc.jurisdictions, jurisdiction) !== undefined;
  const inputs = { jurisdiction, segment, listed, path };
  const threshold = { embargoed: [...doc.embargoedJurisdictions], listed: Object.keys(doc.jurisdictions) };
  switch (path) {
    case 'embargoed':
      return entry('jurisdiction.path', inputs, threshold, 'fail', ['UNSUPPORTED_JURISDICTION']);
    case 'manual_review':
      return entry('jurisdiction.path', inputs, threshold, 'review', ['JURISDICTION_REVIEW_REQUIRED']);
    case 'automatic':
      return entry('jurisdiction.path', inputs, threshold, 'pass');
  }
}

function assertDeclaredSignals(policy: LoadedPolicy, signals: Readonly<Record<string, boolean>>): void {
  const declared = Object.keys(policy.document.riskSignals);
  const unknown = Object.keys(signals).filter((signal) => !declared.includes(signal));
  if (unknown.length > 0) throw new UnknownRiskSignalError(unknown, declared);
}

function tierRank(rules: JurisdictionRules, tier: string): number {
  const rank = rules.tiers.findIndex((t) => t.name === tier);
  if (rank < 0) {
    throw new UnknownTierError(
      tier,
      rules.tiers.map((t) => t.name),
    );
  }
  return rank;
}

function tierRule(rules: JurisdictionRules, tier: string): TierRule {
  const rule = rules.tiers[tierRank(rules, tier)];
  if (rule === undefined) throw new UnknownTierError(tier, []);
  return rule;
}

/** Tier, required checks, TTL and path for a new session. Unknown risk signals are refused. */
export function resolveSession(policy: LoadedPolicy, request: SessionRequest): SessionRules {
  const { path, rules } = rulesFor(policy, request.jurisdiction, request.segment);
  assertDeclaredSignals(policy, request.riskSignals);
  const trace: RuleTraceEntry[] = [pathEntry(policy, request.jurisdiction, request.segment, path)];

  let tier = tierRule(rules, rules.defaultTier);
  trace.push(entry('tier.default', { segment: request.segment }, { tier: rules.defaultTier }, 'pass'));
  for (const rule of rules.stepUp) {
    if (request.riskSignals[rule.signal] !== true) continue;
    const before = tier.name;
    if (tierRank(rules, rule.tier) > tierRank(rules, tier.name)) tier = tierRule(rules, rule.tier);
    trace.push(
      entry(
        'risk.step_up',
        { signal: rule.signal, observed: true, tierBefore: before, tierAfter: tier.name },
        {
          tier: rule.tier,
        },
        'pass',
      ),
    );
  }

  return {
    policyId: policy.document.policyId,
    policyVersion: policy.document.version,
    policyHash: policy.hash,
    jurisdiction: request.jurisdiction,
    segment: request.segment,
    path,
    tier: tier.name,
    requiredChecks: [...tier.requiredChecks],
    ttlMs: durationToMs(rules.sessionTtl),
    maxResubmissions: rules.maxResubmissions,
    trace,
  };
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
      // An outage of a check the tier does not need must not hold the person up.
      codes = required ? ['VENDOR_UNAVAILABLE'] : [];
      break;
    case 'fail':
    case 'consider': {
      const fallbackCode = check.result === 'fail' ? FAIL_CODE[check.kind] : 'CHECK_INCONCLUSIVE';
      codes = [...(evidenceCodes.length > 0 ? evidenceCodes : [fallbackCode]), ...misplaced];
      // A screening that did not come back clear is a possible hit whatever codes came with it.
      const hit = HIT_CODE[check.kind];
      if (hit !== undefined && !codes.includes(hit)) codes = [hit, ...codes];
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
  const result: RuleResult = check.result === 'error' && !required ? 'not_applicable' : remediationOf(codes);
  return {
    judgement: { kind: check.kind, result, codes },
    trace: entry(ruleId, inputs, thresholdValue, result, codes),
  };
}

/** The latest result per kind, in the fixed order of CHECK_KINDS (a stable trace). */
function latestPerKind(checks: readonly CheckResult[]): CheckResult[] {
  const byKind = new Map<CheckKind, CheckResult>();
  for (const check of checks) byKind.set(check.kind, check);
  return CHECK_KINDS.flatMap((kind) => {
    const check = byKind.get(kind);
    return check === undefined ? [] : [check];
  });
}

const OUTCOME_RESULT: Readonly<Record<Outcome, RuleResult>> = {
  approve: 'pass',
  reject: 'fail',
  review: 'review',
  resubmit: 'resubmit',
  step_up: 'missing',
};

/**
 * Pure evaluation of the checks of the current attempt (DESIGN §4). In order: embargo (final), completeness,
 * document type, each check, then the aggregate — compliance hits → review; a final code → reject; review codes,
 * review triggers or the manual path → review; a risk signal whose tier ranks above the session's → step_up;
 * resubmit codes → resubmit, or reject with RETRY_LIMIT_REACHED once the resubmissions are used up; else approve.
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
      entry(
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
  const checks = latestPerKind(input.checks);
  const present = checks.map((check) => check.kind);
  const missingChecks = tier.requiredChecks.filter((kind) => !present.includes(kind));
  trace.push(
    entry(
      'checks.complete',
      { tier: tier.name, present },
      { requiredChecks: [...tier.requiredChecks] },
      missingChecks.length > 0 ? 'missing' : 'pass',
    ),
  );
  if (missingChecks.length > 0) return { outcome: 'incomplete', missingChecks, ruleTrace: trace };

  const codes: ReasonCode[] = [];
  const allowed = [...rules.allowedDocumentTypes];
  if (input.documentType === undefined) {
    trace.push(entry('document.type_allowed', { documentType: null }, { allowed }, 'not_applicable'));
  } else if (allowed.includes(input.documentType)) {
    trace.push(entry('document.type_allowed', { documentType: input.documentType }, { allowed }, 'pass'));
  } else {
    codes.push('DOC_TYPE_NOT_ALLOWED');
    trace.push(
      entry('document.type_allowed', { documentType: input.documentType }, { allowed }, 'resubmit', [
        'DOC_TYPE_NOT_ALLOWED',
      ]),
    );
  }

  const passed = new Set<CheckKind>();
  for (const check of checks) {
    const { judgement, trace: checkTrace } = judgeCheck(
      check,
      rules,
      tier.requiredChecks.includes(check.kind),
    );
    trace.push(checkTrace);
    codes.push(...judgement.codes);
    if (judgement.result === 'pass') passed.add(check.kind);
  }
  const found = dedupe(codes);
  const manualCodes: ReasonCode[] = path === 'manual_review' ? ['JURISDICTION_REVIEW_REQUIRED'] : [];

  // Sanctions and PEP hits are for a human to judge, whatever else failed: never an automatic rejection.
  const hits = found.filter((code) => COMPLIANCE_HITS.has(code));
  trace.push(
    entry(
      'compliance.hits',
      { hits },
      { alwaysReview: [...COMPLIANCE_HITS] },
      hits.length > 0 ? 'review' : 'pass',
      hits,
    ),
  );
  if (hits.length > 0) return decide('review', [...found, ...manualCodes]);

  const finalCodes = found.filter((code) => REASON_CODES[code].remediation === 'final');
  if (finalCodes.length > 0) return decide('reject', found);

  const reviewCodes = found.filter(
    (code) => REASON_CODES[code].remediation === 'review' || rules.review.triggerReasonCodes.includes(code),
  );
  const triggerSignals = rules.review.triggerRiskSignals.filter(
    (signal) => input.riskSignals[signal] === true,
  );
  if (rules.review.triggerReasonCodes.length > 0 || rules.review.triggerRiskSignals.length > 0) {
    trace.push(
      entry(
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
        reviewCodes.filter((code) => rules.review.triggerReasonCodes.includes(code)),
      ),
    );
  }
  if (reviewCodes.length > 0 || triggerSignals.length > 0 || path === 'manual_review') {
    return decide('review', [...found, ...manualCodes]);
  }

  const currentRank = tierRank(rules, tier.name);
  let target: TierRule | undefined;
  for (const rule of rules.stepUp) {
    if (input.riskSignals[rule.signal] !== true) continue;
    const rank = tierRank(rules, rule.tier);
    const candidate = tierRule(rules, rule.tier);
    const satisfied = candidate.requiredChecks.every((kind) => passed.has(kind));
    const needed = rank > currentRank && !satisfied;
    trace.push(
      entry(
        'risk.step_up',
        { signal: rule.signal, observed: true, currentTier: tier.name, stepUpChecksClear: satisfied },
        { tier: rule.tier },
        needed ? 'missing' : 'pass',
      ),
    );
    if (needed && (target === undefined || rank > tierRank(rules, target.name))) target = candidate;
  }
  if (target !== undefined) {
    return decide('step_up', found, { tier: target.name, requiredChecks: [...target.requiredChecks] });
  }

  if (found.length > 0) {
    // Only resubmit codes are left at this point.
    const canRetry = input.resubmissions < rules.maxResubmissions;
    trace.push(
      entry(
        'attempts.limit',
        { resubmissions: input.resubmissions },
        { maxResubmissions: rules.maxResubmissions },
        canRetry ? 'resubmit' : 'fail',
        canRetry ? [] : ['RETRY_LIMIT_REACHED'],
      ),
    );
    return canRetry ? decide('resubmit', found) : decide('reject', [...found, 'RETRY_LIMIT_REACHED']);
  }
  return decide('approve', []);
}

export interface ReviewTicket {
  /** 1 (most urgent) .. 5. */
  readonly priority: number;
  readonly queue: string;
  readonly slaDueAt: string;
}

const HOUR_MS = 3_600_000;

/** Priority (from risk, reason and tier) and SLA due time of a review requested at `now`. */
export function reviewTicket(
  policy: LoadedPolicy,
  input: {
    jurisdiction: string;
    segment: string;
    tier: string;
    reasonCodes: readonly ReasonCode[];
    riskSignals: Readonly<Record<string, boolean>>;
  },
  now: Date,
): ReviewTicket {
  const { rules } = rulesFor(policy, input.jurisdiction, input.segment);
  const has = (...codes: ReasonCode[]): boolean => codes.some((code) => input.reasonCodes.includes(code));
  const triggerSignal = rules.review.triggerRiskSignals.some((signal) => input.riskSignals[signal] === true);
  const otherReasons = input.reasonCodes.some((code) => code !== 'JURISDICTION_REVIEW_REQUIRED');

  let priority: number;
  if (has('SANCTIONS_HIT')) priority = 1;
  else if (has('PEP_MATCH', 'DOC_SUSPECTED_TAMPERING', 'DUPLICATE_IDENTITY')) priority = 2;
  else if (tierRank(rules, input.tier) > 0 || triggerSignal) priority = 3;
  else if (otherReasons || !has('JURISDICTION_REVIEW_REQUIRED')) priority = 4;
  else priority = 5;

  const hours = priority <= 2 ? rules.review.complianceSlaHours : rules.review.slaHours;
  return {
    priority,
    queue: rules.review.queue,
    slaDueAt: new Date(now.getTime() + hours * HOUR_MS).toISOString(),
  };
}
