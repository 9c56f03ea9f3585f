// Contract stub: implemented by the policy-engine work. Signatures are fixed; bodies are being written.
import type { ReasonCode } from '../reason-codes';
import type {
  Evaluation,
  EvaluationInput,
  JurisdictionRules,
  LoadedPolicy,
  SessionPath,
  SessionRules,
} from './policy.types';

export interface SessionRequest {
  readonly jurisdiction: string;
  readonly segment: string;
  readonly riskSignals: Readonly<Record<string, boolean>>;
}

/**
 * The rules for a jurisdiction and segment and the path a session takes there. Throws `DomainValidationError`
 * (codes: `unknown_jurisdiction` for a code that is not ISO 3166-1 alpha-2, `unknown_segment`) otherwise.
 */
export function rulesFor(
  _policy: LoadedPolicy,
  _jurisdiction: string,
  _segment: string,
): { path: SessionPath; rules: JurisdictionRules } {
  throw new Error('not implemented');
}

/** Tier, required checks, TTL and path for a new session. Unknown risk signals are refused. */
export function resolveSession(_policy: LoadedPolicy, _request: SessionRequest): SessionRules {
  throw new Error('not implemented');
}

/** Pure evaluation of the checks of the current attempt (DESIGN §4). */
export function evaluate(_policy: LoadedPolicy, _input: EvaluationInput): Evaluation {
  throw new Error('not implemented');
}

export interface ReviewTicket {
  /** 1 (most urgent) .. 5. */
  readonly priority: number;
  readonly queue: string;
  readonly slaDueAt: string;
}

/** Priority (from risk, reason and tier) and SLA due time of a review requested at `now`. */
export function reviewTicket(
  _policy: LoadedPolicy,
  _input: {
    jurisdiction: string;
    segment: string;
    tier: string;
    reasonCodes: readonly ReasonCode[];
    riskSignals: Readonly<Record<string, boolean>>;
  },
  _now: Date,
): ReviewTicket {
  throw new Error('not implemented');
}
