import type { ReasonCode } from '../reason-codes';
import { rulesFor, tierRank } from './jurisdiction-rules';
import type { LoadedPolicy } from './policy.types';

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
    /** A review reopened after an approval by a sanctions or PEP hit: the most urgent there is. */
    urgent?: boolean;
  },
  now: Date,
): ReviewTicket {
  const { rules } = rulesFor(policy, input.jurisdiction, input.segment);
  const has = (...codes: ReasonCode[]): boolean => codes.some((code) => input.reasonCodes.includes(code));
  const triggerSignal = rules.review.triggerRiskSignals.some((signal) => input.riskSignals[signal] === true);
  const otherReasons = input.reasonCodes.some((code) => code !== 'JURISDICTION_REVIEW_REQUIRED');

  let priority: number;
  if (input.urgent === true || has('SANCTIONS_HIT')) priority = 1;
  else if (
    has(
      'PEP_MATCH',
      'ADVERSE_MEDIA_HIT',
      'WATCHLIST_HIT',
      'FRAUD_SUSPECTED',
      'DOC_SUSPECTED_TAMPERING',
      'DUPLICATE_IDENTITY',
      'DOC_ISSUER_EMBARGOED',
    )
  )
    priority = 2;
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
