import type { LoadedPolicy } from '../domain/policy/policy.types';
import {
  evolveVerification,
  initialVerificationState,
  type VerificationEvent,
  type VerificationState,
} from '../domain/verification';
import { decodeEvent } from '../events';
import type { LedgerEvent } from '../ledger/envelope';
import { evaluateAgain, type ReplayOutcome, verificationEventOf } from './replay';

/*
 * Shadow mode: a live policy evaluation evaluated again under each shadow policy in force at its time, from the
 * session folded up to the evaluation — the same pure evaluator and inputs the what-if replay uses. Pure: the
 * caller reads the session's events; nothing here writes, decides or decrypts.
 */

type DecisionEvaluated = Extract<VerificationEvent, { type: 'DecisionEvaluated' }>;

/** What one shadow policy would have said where a live evaluation said something. */
export interface ShadowEvaluation {
  /** Global position of the recorded `DecisionEvaluated`. */
  readonly position: number;
  readonly sessionId: string;
  readonly shadowPolicyId: string;
  readonly shadowPolicyVersion: string;
  readonly shadowPolicyHash: string;
  readonly recordedPolicyHash: string;
  readonly recordedOutcome: string;
  readonly recordedReasonCodes: readonly string[];
  readonly shadowOutcome: ReplayOutcome;
  readonly shadowReasonCodes: readonly string[];
  /** Another outcome or other reason codes. */
  readonly differs: boolean;
  /** When the live evaluation was made (ISO 8601). */
  readonly evaluatedAt: string;
}

/** The recorded evaluation a `DecisionEvaluated` event holds, or undefined for any other event. */
export function recordedEvaluation(event: LedgerEvent): DecisionEvaluated['data'] | undefined {
  if (event.type !== 'DecisionEvaluated') return undefined;
  return decodeEvent(event).data as DecisionEvaluated['data'];
}

/**
 * Evaluates the recorded evaluation `recorded` (an event of `session`) again under every policy of `shadows`.
 * `session` holds the session's events in stream order, at least up to `recorded`; later ones are ignored.
 * Answers nothing when the evaluation is not in the session (or came before it started).
 */
export function evaluateUnderShadows(
  session: readonly LedgerEvent[],
  recorded: LedgerEvent,
  shadows: readonly LoadedPolicy[],
): ShadowEvaluation[] {
  const data = recordedEvaluation(recorded);
  if (data === undefined || shadows.length === 0) return [];
  const before = foldBefore(session, recorded.revision);
  if (before.status === 'none') return [];
  return shadows.map((shadow) => {
    const { outcome, codes } = evaluateAgain(shadow, before, data.trigger);
    const differs = outcome !== data.outcome || !sameCodes(data.reasonCodes, codes);
    return {
      position: recorded.position,
      sessionId: before.sessionId,
      shadowPolicyId: shadow.document.policyId,
      shadowPolicyVersion: shadow.document.version,
      shadowPolicyHash: shadow.hash,
      recordedPolicyHash: data.policyHash,
      recordedOutcome: data.outcome,
      recordedReasonCodes: data.reasonCodes,
      shadowOutcome: outcome,
      shadowReasonCodes: codes,
      differs,
      evaluatedAt: data.evaluatedAt,
    };
  });
}

/** The session as it stood just before the event at `revision` (the inputs the live evaluation saw). */
function foldBefore(session: readonly LedgerEvent[], revision: number): VerificationState {
  let state: VerificationState = initialVerificationState;
  for (const stored of session) {
    if (stored.revision >= revision) break;
    const event = verificationEventOf(stored);
    if (event !== undefined) state = evolveVerification(state, event);
  }
  return state;
}

function sameCodes(recorded: readonly string[], shadow: readonly string[]): boolean {
  return recorded.length === shadow.length && recorded.every((code, i) => code === shadow[i]);
}
