import { durationToMs } from './duration';
import {
  assertDeclaredSignals,
  pathEntry,
  rulesFor,
  tierRank,
  tierRule,
  traceEntry,
} from './jurisdiction-rules';
import type { LoadedPolicy, RuleTraceEntry, SessionRules } from './policy.types';

/*
 * Session resolution (policies/README.md): the tier, required checks, TTL and path a new session starts with, and
 * the rule trace that explains them.
 */

export interface SessionRequest {
  readonly jurisdiction: string;
  readonly segment: string;
  readonly riskSignals: Readonly<Record<string, boolean>>;
}

/** Tier, required checks, TTL and path for a new session. Unknown risk signals are refused. */
export function resolveSession(policy: LoadedPolicy, request: SessionRequest): SessionRules {
  const { path, rules } = rulesFor(policy, request.jurisdiction, request.segment);
  assertDeclaredSignals(policy, request.riskSignals);
  const trace: RuleTraceEntry[] = [pathEntry(policy, request.jurisdiction, request.segment, path)];

  let tier = tierRule(rules, rules.defaultTier);
  trace.push(traceEntry('tier.default', { segment: request.segment }, { tier: rules.defaultTier }, 'pass'));
  for (const rule of rules.stepUp) {
    if (request.riskSignals[rule.signal] !== true) continue;
    const before = tier.name;
    if (tierRank(rules, rule.tier) > tierRank(rules, tier.name)) tier = tierRule(rules, rule.tier);
    trace.push(
      traceEntry(
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
