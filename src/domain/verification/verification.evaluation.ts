import { evaluate, impliedHit } from '../policy/evaluate';
import { rulesFor } from '../policy/jurisdiction-rules';
import { reviewTicket } from '../policy/review-ticket';
import type {
  CheckResult,
  Evaluation,
  EvaluationInput,
  EvidenceInput,
  LoadedPolicy,
} from '../policy/policy.types';
import { isScreeningHit, type ReasonCode } from '../reason-codes';
import { epochMs } from '../subject/command-input';
import type {
  DecidedBy,
  DecisionEvaluated,
  DecisionTrigger,
  ReviewRequested,
  VerificationApproved,
  VerificationEvent,
  VerificationRejected,
} from './verification.events';
import { currentEvidence, evolveSession, type Verification } from './verification.state';

/*
 * Turning a policy evaluation into events. Shared by the commands that can complete an attempt (a vendor result,
 * a piece of evidence) and by the check of results that arrive after an automatic approval.
 */

/** A step-up can only raise the tier, so a handful of rounds covers any policy; the bound guards a faulty one. */
const MAX_EVALUATION_ROUNDS = 8;

export function evaluationInput(state: Verification): EvaluationInput {
  const evidence = currentEvidence(state).map((ref): EvidenceInput => ({
    evidenceId: ref.evidenceId,
    kind: ref.kind,
    ...(ref.documentType === undefined ? {} : { documentType: ref.documentType }),
    ...(ref.issuingCountry === undefined ? {} : { issuingCountry: ref.issuingCountry }),
    ...(ref.documentExpired === undefined ? {} : { documentExpired: ref.documentExpired }),
    ...(ref.belowMinimumAge === undefined ? {} : { belowMinimumAge: ref.belowMinimumAge }),
    ...(ref.duplicateOf === undefined ? {} : { duplicateOf: ref.duplicateOf }),
  }));
  return {
    jurisdiction: state.jurisdiction,
    segment: state.segment,
    tier: state.tier,
    checks: state.checks.map(({ vendorCreatedAt: _createdAt, ...check }) => check),
    evidence,
    resubmissions: state.resubmissions,
    riskSignals: state.riskSignals,
  };
}

/**
 * Evaluates the current attempt and returns the decision: nothing while checks are missing; otherwise
 * DecisionEvaluated and what the outcome calls for. A step-up raises the tier and evaluates again, because the
 * checks the higher tier needs may already be there.
 */
export function decideAttempt(
  state: Verification,
  policy: LoadedPolicy,
  now: string,
  trigger: DecisionTrigger,
): VerificationEvent[] {
  const events: VerificationEvent[] = [];
  let current = state;
  for (let round = 0; round < MAX_EVALUATION_ROUNDS; round += 1) {
    const evaluation = evaluate(policy, evaluationInput(current));
    if (evaluation.outcome === 'incomplete') return events;
    const evaluated = decisionEvaluated(current, policy, evaluation, now, trigger);
    events.push(evaluated);
    const reasonCodes = [...evaluation.reasonCodes];
    switch (evaluation.outcome) {
      case 'approve':
        return [...events, approved(current, reasonCodes, 'policy', now)];
      case 'reject':
        return [...events, rejected(current, reasonCodes, 'policy', now)];
      case 'review':
        return [...events, reviewRequested(current, policy, reasonCodes, now)];
      case 'wait':
        // Nothing is decided: the codes tell the front end what the session waits for (I4).
        return events;
      case 'resubmit':
        return [
          ...events,
          {
            type: 'ResubmissionRequested',
            data: {
              attempt: current.attempt + 1,
              maxAttempts: current.maxResubmissions + 1,
              reasonCodes,
              requestedAt: now,
            },
          },
        ];
      case 'step_up': {
        // A step-up that does not change the tier would evaluate the same way again: stop and wait for results.
        if (evaluation.stepUp === undefined || evaluation.stepUp.tier === current.tier) return events;
        current = evolveSession(current, evaluated);
        break;
      }
      default: {
        const unexpected: never = evaluation;
        return unexpected;
      }
    }
  }
  return events;
}

/**
 * A result that arrives after an approval must not change the outcome silently (I8). After an automatic approval,
 * when the checks, updated with it, no longer evaluate to an approval, the session goes back to review. After a
 * human approval (a reviewer or an override looked at the results), only a new sanctions or PEP hit reopens it.
 * A hit always reopens at the top priority. Risk signals cannot raise the tier any more (its checks cannot be
 * collected after the decision), so they send the session to review instead.
 */
export function reviewAfterApproval(
  state: Verification,
  policy: LoadedPolicy,
  now: string,
  context: {
    readonly decidedBy: DecidedBy;
    readonly newChecks: readonly CheckResult[];
    /** Risk signals raised before this result, and those it reports. */
    readonly previousSignals: Readonly<Record<string, boolean>>;
    readonly newSignals: Readonly<Record<string, boolean>>;
  },
): VerificationEvent[] {
  const evaluation = evaluate(policy, { ...evaluationInput(state), stepUpAllowed: false });
  if (evaluation.outcome === 'incomplete') return [];
  const newHits = context.newChecks.flatMap(hitsOf);
  // A signal newly raised that the policy acts on (a step-up or a review trigger): nobody judged it yet.
  const { rules } = rulesFor(policy, state.jurisdiction, state.segment);
  const actedOn = new Set([...rules.stepUp.map((rule) => rule.signal), ...rules.review.triggerRiskSignals]);
  const newSignal = Object.entries(context.newSignals).some(
    ([signal, raised]) => raised && context.previousSignals[signal] !== true && actedOn.has(signal),
  );
  const signalCodes: ReasonCode[] = newSignal ? ['RISK_SIGNAL_REVIEW'] : [];
  if (context.decidedBy !== 'policy') {
    if (newHits.length === 0 && !newSignal) return [];
    const reasons = [...new Set<ReasonCode>([...newHits, ...signalCodes])];
    return [
      decisionEvaluated(state, policy, evaluation, now, 'result_after_approval'),
      reviewRequested(state, policy, reasons, now, newHits.length > 0),
    ];
  }
  if (evaluation.outcome === 'approve' || evaluation.outcome === 'wait') return [];
  const reasons: ReasonCode[] =
    evaluation.reasonCodes.length > 0
      ? [...new Set<ReasonCode>([...evaluation.reasonCodes, ...signalCodes])]
      : ['CHECK_INCONCLUSIVE'];
  return [
    decisionEvaluated(state, policy, evaluation, now, 'result_after_approval'),
    reviewRequested(state, policy, reasons, now, newHits.length > 0),
  ];
}

/** The screening hit a vendor check reports: a screening that did not come back clear, or a cited hit code. */
function hitsOf(check: CheckResult): ReasonCode[] {
  // The same hit the evaluation implies: a sanctions consider citing PEP_MATCH is a sanctions hit too.
  const codes = (check.reasonCodes ?? []).filter(isScreeningHit);
  const implied = impliedHit(check.kind, check.result, codes);
  return implied === undefined ? codes : [implied, ...codes];
}

/** The session fields a final decision records. */
type DecisionContext = Pick<Verification, 'tier' | 'policyHash' | 'attempt'>;

export function approved(
  state: DecisionContext,
  reasonCodes: ReasonCode[],
  decidedBy: DecidedBy,
  now: string,
  by: { reviewerId?: string; overrideId?: string } = {},
): VerificationApproved {
  return {
    type: 'VerificationApproved',
    data: { ...decisionData(state, reasonCodes, decidedBy, now), ...by },
  };
}

export function rejected(
  state: DecisionContext,
  reasonCodes: ReasonCode[],
  decidedBy: DecidedBy,
  now: string,
  by: { reviewerId?: string; overrideId?: string } = {},
): VerificationRejected {
  return {
    type: 'VerificationRejected',
    data: { ...decisionData(state, reasonCodes, decidedBy, now), ...by, final: true },
  };
}

function decisionData(
  state: DecisionContext,
  reasonCodes: ReasonCode[],
  decidedBy: DecidedBy,
  decidedAt: string,
): VerificationApproved['data'] {
  return {
    reasonCodes,
    decidedBy,
    tier: state.tier,
    policyHash: state.policyHash,
    attempt: state.attempt,
    decidedAt,
  };
}

function decisionEvaluated(
  state: Verification,
  policy: LoadedPolicy,
  evaluation: Exclude<Evaluation, { outcome: 'incomplete' }>,
  now: string,
  trigger: DecisionTrigger,
): DecisionEvaluated {
  const { stepUp } = evaluation;
  return {
    type: 'DecisionEvaluated',
    data: {
      outcome: evaluation.outcome,
      reasonCodes: [...evaluation.reasonCodes],
      ruleTrace: [...evaluation.ruleTrace],
      policyHash: policy.hash,
      policyVersion: policy.document.version,
      attempt: state.attempt,
      tier: state.tier,
      trigger,
      ...(evaluation.outcome === 'step_up' && stepUp !== undefined
        ? { stepUp: { tier: stepUp.tier, requiredChecks: [...stepUp.requiredChecks] } }
        : {}),
      evaluatedAt: now,
    },
  };
}

function reviewRequested(
  state: Verification,
  policy: LoadedPolicy,
  reasons: ReasonCode[],
  now: string,
  urgent = false,
): ReviewRequested {
  const ticket = reviewTicket(
    policy,
    {
      jurisdiction: state.jurisdiction,
      segment: state.segment,
      tier: state.tier,
      reasonCodes: reasons,
      riskSignals: state.riskSignals,
      urgent,
    },
    new Date(epochMs(now)),
  );
  return {
    type: 'ReviewRequested',
    data: {
      priority: ticket.priority,
      reasons,
      queue: ticket.queue,
      slaDueAt: ticket.slaDueAt,
      attempt: state.attempt,
      requestedAt: now,
    },
  };
}
