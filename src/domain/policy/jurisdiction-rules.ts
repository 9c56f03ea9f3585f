import type { JsonObject, JsonValue } from '../../shared/json';
import type { ReasonCode } from '../reason-codes';
import { isIso3166Alpha2 } from './iso3166';
import {
  PolicyLoadError,
  UnknownJurisdictionError,
  UnknownRiskSignalError,
  UnknownSegmentError,
  UnknownTierError,
} from './policy.errors';
import type {
  EvidenceKind,
  JurisdictionRules,
  LoadedPolicy,
  RuleResult,
  RuleTraceEntry,
  SessionPath,
  TierRule,
} from './policy.types';

/*
 * The rules of a loaded policy that every engine function starts from: the jurisdiction and segment's rules and
 * path, the tiers by rank, the declared risk signals, and the rule trace entries they all write (never personal
 * data). Session resolution (`resolve-session.ts`), evaluation (`evaluate.ts`) and the review ticket
 * (`review-ticket.ts`) are built on these.
 */

function own<V>(map: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** One rule trace entry: the rule, its inputs, the threshold it compared against, its result and codes. */
export function traceEntry(
  ruleId: string,
  inputs: JsonObject,
  threshold: JsonValue,
  result: RuleResult,
  reasonCodes: readonly ReasonCode[] = [],
): RuleTraceEntry {
  return { ruleId, inputs, threshold, result, reasonCodes: [...reasonCodes] };
}

export function dedupe(codes: readonly ReasonCode[]): ReasonCode[] {
  return [...new Set(codes)];
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

/** The trace entry of the path a session takes in its jurisdiction and segment. */
export function pathEntry(
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
      return traceEntry('jurisdiction.path', inputs, threshold, 'fail', ['UNSUPPORTED_JURISDICTION']);
    case 'manual_review':
      return traceEntry('jurisdiction.path', inputs, threshold, 'review', ['JURISDICTION_REVIEW_REQUIRED']);
    case 'automatic':
      return traceEntry('jurisdiction.path', inputs, threshold, 'pass');
  }
}

/** Refuses risk signals the policy does not declare (`unknown_risk_signal`). */
export function assertDeclaredSignals(
  policy: LoadedPolicy,
  signals: Readonly<Record<string, boolean>>,
): void {
  const declared = Object.keys(policy.document.riskSignals);
  const unknown = Object.keys(signals).filter((signal) => !declared.includes(signal));
  if (unknown.length > 0) throw new UnknownRiskSignalError(unknown, declared);
}

/** A tier's rank in its rules (0 is the lowest); `unknown_tier` for a tier the rules do not list. */
export function tierRank(rules: JurisdictionRules, tier: string): number {
  const rank = rules.tiers.findIndex((t) => t.name === tier);
  if (rank < 0) {
    throw new UnknownTierError(
      tier,
      rules.tiers.map((t) => t.name),
    );
  }
  return rank;
}

export function tierRule(rules: JurisdictionRules, tier: string): TierRule {
  const rule = rules.tiers[tierRank(rules, tier)];
  if (rule === undefined) throw new UnknownTierError(tier, []);
  return rule;
}

/** The evidence kinds a tier needs (see TierRule.requiredEvidence). */
export function requiredEvidenceOf(tier: TierRule): readonly EvidenceKind[] {
  if (tier.requiredEvidence !== undefined) return tier.requiredEvidence;
  return tier.requiredChecks.includes('document') ? ['document'] : [];
}
