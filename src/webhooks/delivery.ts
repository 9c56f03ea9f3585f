import { type CheckKind, type CheckResultValue, vendorLabelList } from '../domain/policy/policy.types';
import type { ReasonCode } from '../domain/reason-codes';
import type { CheckResultData } from '../domain/verification';

export const WEBHOOK_VENDORS = ['onfido', 'veriff', 'sumsub', 'persona'] as const;
export type WebhookVendor = (typeof WEBHOOK_VENDORS)[number];

export function isWebhookVendor(value: string): value is WebhookVendor {
  return (WEBHOOK_VENDORS as readonly string[]).includes(value);
}

/** Why a verified delivery carries no result to record. */
export type NoResultReason =
  /** An event about progress (started, submitted, created…), not about an outcome. */
  | 'not_a_result'
  /** An outcome the vendor does not decide on (expired, abandoned): the session's own time to live governs. */
  | 'no_decision'
  /** The vendor announces a result without carrying it (Onfido's documented payload): it must be fetched. */
  | 'result_not_in_payload';

export type DeliveryOutcome =
  | { readonly kind: 'checks'; readonly checks: readonly CheckResultData[] }
  | { readonly kind: 'none'; readonly reason: NoResultReason };

/**
 * A vendor webhook, verified and normalised. Holds no personal data: only the vendor's ids, its event name and
 * time, and check results in the ledger's own terms. This is what is recorded or parked, never the raw payload.
 */
export interface NormalisedDelivery {
  readonly vendor: WebhookVendor;
  /** The dedupe key: the vendor's event id, or what identifies the event where the vendor sends none. */
  readonly eventId: string;
  /** The vendor's name of the event (`check.completed`, `applicantReviewed`, `inquiry.approved`…). */
  readonly eventType: string;
  /** When the vendor created the event, by its own clock (ISO 8601); orders deliveries. Always set with checks. */
  readonly occurredAt?: string;
  /** The id recorded with the evidence (`EvidenceSubmitted.data.vendorReference`). */
  readonly vendorReference?: string;
  /** Our session id, from the vendor's pass-through field. */
  readonly sessionHint?: string;
  readonly outcome: DeliveryOutcome;
  /**
   * The vendor marks the event as its sandbox's (Sumsub `sandboxMode`, Onfido check `sandbox`): it never counts
   * for a session unless the deployment is configured as a sandbox (`LEDGER_VENDOR_SANDBOX=true`).
   */
  readonly sandbox?: true;
  /**
   * Risk signals the vendor's own risk labels raise (see `VENDOR_RISK_SIGNALS`): they count where the session's
   * policy declares them, so the policy decides what a vendor's risk label does.
   */
  readonly riskSignals?: readonly string[];
}

/**
 * The risk signals a vendor mapping may raise. A policy that declares one (in `riskSignals`, and acts on it in
 * `review.triggerRiskSignals` or `stepUp`) decides what it does; under a policy that does not, the vendor's label
 * is kept on the check for a reviewer and nothing else happens.
 */
export const VENDOR_RISK_SIGNALS = {
  vendorRiskLabel: 'The vendor attached a risk label to its result (a device, network or session anomaly).',
} as const;
export type VendorRiskSignal = keyof typeof VENDOR_RISK_SIGNALS;

/**
 * A check as a vendor mapping builds it: one kind, one result, the codes that explain it, and what the vendor
 * itself said (its labels, bounded and never personal data).
 */
export function check(
  kind: CheckKind,
  result: CheckResultValue,
  reasonCodes: readonly ReasonCode[] = [],
  score?: number,
  vendorLabels: readonly string[] = [],
): CheckResultData {
  const labels = vendorLabelList(vendorLabels);
  return {
    kind,
    result,
    ...(score === undefined ? {} : { score }),
    ...(reasonCodes.length > 0 ? { reasonCodes: [...new Set(reasonCodes)] } : {}),
    ...(labels.length > 0 ? { vendorLabels: labels } : {}),
  };
}

/** The most severe result first: what a kind reports when several parts of one delivery speak about it. */
const SEVERITY: Readonly<Record<CheckResultValue, number>> = { clear: 0, error: 1, consider: 2, fail: 3 };

/**
 * One result per kind: where a delivery speaks about a kind several times (two Onfido reports on the face, a
 * Sumsub rejection with two labels on the document), the most severe result stands with every code cited, and
 * a score only while the result stays the scored `clear`.
 */
export function mergeChecks(checks: readonly CheckResultData[]): CheckResultData[] {
  const byKind = new Map<CheckKind, CheckResultData>();
  for (const next of checks) {
    const current = byKind.get(next.kind);
    if (current === undefined) {
      byKind.set(next.kind, next);
      continue;
    }
    const worse = SEVERITY[next.result] > SEVERITY[current.result] ? next : current;
    const codes = [...(current.reasonCodes ?? []), ...(next.reasonCodes ?? [])];
    const score =
      worse.result === 'clear' && current.score !== undefined && next.score !== undefined
        ? Math.min(current.score, next.score)
        : worse.result === 'clear'
          ? (current.score ?? next.score)
          : undefined;
    const labels = [...(current.vendorLabels ?? []), ...(next.vendorLabels ?? [])];
    byKind.set(next.kind, check(next.kind, worse.result, codes, score, labels));
  }
  return [...byKind.values()];
}
