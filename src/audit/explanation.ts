import {
  DECISION_INVARIANTS,
  type DecisionInvariant,
  INVARIANT_OF_CODE,
} from '../domain/decision-invariants';
import { REASON_CODES, type ReasonCode, isReasonCode } from '../domain/reason-codes';
import {
  consentInForce,
  evolveSubject,
  initialSubjectState,
  isSubjectEventType,
  type SubjectEvent,
} from '../domain/subject';
import {
  evolveVerification,
  initialVerificationState,
  isOpen,
  isVerificationEventType,
  type VerificationEvent,
  type VerificationState,
} from '../domain/verification';
import { decodeEvent, LedgerCorruptError, MalformedEventError } from '../events';
import type { Actor, LedgerEvent } from '../ledger/envelope';
import { isPlainObject, type JsonObject } from '../shared/json';

/**
 * The explainer's version, recorded in every audit bundle. Raise it whenever the wording or shape of an
 * explanation changes: a bundle written by another version is still verified, but its explanations are only
 * checked for the facts they cite, not compared word for word (docs/ledger-format.md, audit bundles).
 */
export const EXPLAINER_VERSION = 5;

/** The event that proves a statement: anyone can check it against the chain and a signed checkpoint. */
export interface Citation {
  readonly eventId: string;
  readonly position: number;
  readonly hash: string;
}

export interface ExplainedCode {
  readonly code: ReasonCode;
  readonly category: string;
  readonly remediation: string;
  readonly description: string;
  /** The decision invariant the code stands for (docs/decision-invariants.md), where one does. */
  readonly invariant?: { readonly id: DecisionInvariant; readonly title: string };
}

export interface Decision {
  readonly outcome: 'approved' | 'rejected' | 'expired' | 'closed';
  /** `subject`: the person withdrew consent or asked for erasure, which closed the session. */
  readonly decidedBy: 'policy' | 'reviewer' | 'override' | 'expiry' | 'subject';
  readonly at: string;
  readonly actor: Actor;
  readonly reasonCodes: readonly ExplainedCode[];
  readonly proof: Citation;
}

export interface Explanation {
  readonly sessionId: string;
  readonly subjectId: string;
  /** Status as the ledger stood at `asOf`. */
  readonly status: string;
  readonly asOf: { readonly position: number; readonly recordedAt: string | null };
  /** One sentence for humans; the structured fields below are the authority. */
  readonly summary: string;
  readonly decision: Decision | null;
  /** For a decided session that an override changed: the decision it replaced. */
  readonly originalDecision: Decision | null;
  /** For an undecided session: what it is waiting for. */
  readonly waitingFor: string | null;
  readonly policy: {
    readonly policyId: string;
    readonly version: string;
    readonly hash: string;
    readonly jurisdiction: string;
    readonly segment: string;
    readonly path: string;
    readonly tier: string;
    readonly requiredChecks: readonly string[];
    readonly proof: Citation;
  };
  /** Every policy evaluation, with its rule trace (rule, inputs, threshold, result). */
  readonly evaluations: readonly {
    readonly outcome: string;
    readonly attempt: number;
    readonly tier: string;
    readonly trigger: string;
    readonly policyHash: string;
    readonly reasonCodes: readonly ExplainedCode[];
    readonly ruleTrace: readonly JsonObject[];
    readonly proof: Citation;
  }[];
  /** Sessions the server opened at vendors for the person to capture through (never the client token). */
  readonly vendorSessions: readonly {
    readonly vendor: string;
    readonly vendorReference: string;
    readonly vendorRequestId: string | null;
    readonly attempt: number;
    readonly openedAt: string;
    readonly expiresAt: string;
    readonly proof: Citation;
  }[];
  /** Calls to vendors that failed after their retries: which, how (a class), and the vendor's request id. */
  readonly vendorFailures: readonly {
    readonly vendor: string;
    readonly operation: string;
    readonly errorClass: string;
    readonly httpStatus: number | null;
    readonly vendorRequestId: string | null;
    readonly attempts: number;
    readonly failedAt: string;
    readonly proof: Citation;
  }[];
  /**
   * Where the policy's first vendor was unavailable and the next one was tried; `rule` names the policy's
   * temporary fallback rule (and its expiry) when that is what allowed the vendor tried.
   */
  readonly vendorFallbacks: readonly {
    readonly from: string;
    readonly to: string;
    readonly reason: string;
    readonly rule: string | null;
    readonly ruleExpiresAt: string | null;
    readonly chosenAt: string;
    readonly proof: Citation;
  }[];
  /**
   * Evidence whose identity matched another subject's session (keyed blind index,
   * `DUPLICATE_IDENTITY_SUSPECTED`): the other session by id only, and which identity matched.
   */
  readonly duplicateIdentities: readonly {
    readonly evidenceId: string;
    readonly otherSessionId: string;
    readonly match: string;
    readonly proof: Citation;
  }[];
  /** Where no vendor could open the session and it waited for one (`waiting_for_vendor`). */
  readonly vendorQueued: readonly {
    readonly vendor: string;
    readonly reason: string;
    readonly messageCode: string;
    readonly queuedAt: string;
    readonly proof: Citation;
  }[];
  readonly vendorResults: readonly {
    readonly vendor: string;
    readonly vendorEventId: string;
    readonly vendorCreatedAt: string;
    readonly attempt: number;
    readonly counted: boolean;
    readonly checks: readonly JsonObject[];
    /** Set when the server fetched the result from the vendor's API: which object, how, its request id. */
    readonly fetched: {
      readonly objectId: string;
      readonly operation: string;
      readonly vendorRequestId: string | null;
      readonly fetchedAt: string;
      readonly proof: Citation;
    } | null;
    readonly proof: Citation;
  }[];
  readonly reviews: readonly {
    readonly reviewerId: string;
    readonly outcome: string;
    readonly reasonCodes: readonly ExplainedCode[];
    /** The note itself is personal data; it is not part of an explanation. */
    readonly hasNote: boolean;
    readonly proof: Citation;
  }[];
  readonly overrides: readonly {
    readonly overrideId: string;
    readonly requestedBy: string;
    readonly outcome: string;
    /**
     * The requester's justification. Free text a person typed: since it is encrypted (`pii.review_notes`), an
     * explanation built from the events alone does not hold it (null); only events recorded before carry it in
     * clear. The HTTP explanation shows it to the roles that decide overrides (docs/privacy.md, "Free text").
     */
    readonly justification: string | null;
    readonly status: 'pending' | 'approved' | 'rejected';
    readonly decidedBy: string | null;
    readonly decidedByRoles: readonly string[];
    readonly requestProof: Citation;
    readonly decisionProof: Citation | null;
  }[];
  /** The consent in force for identity_verification when the session was decided (or at `asOf`). */
  readonly consent: {
    readonly consentId: string;
    readonly scopes: readonly string[];
    readonly noticeVersion: string;
    /** SHA-256 of the exact notice text agreed to (consents recorded since notices are held). */
    readonly noticeHash?: string;
    readonly grantedAt: string;
    readonly proof: Citation;
    /** Set when the person withdrew this consent (at or before `asOf`): when, and the event that records it. */
    readonly withdrawn: { readonly at: string; readonly proof: Citation } | null;
  } | null;
  readonly timeline: readonly {
    readonly type: string;
    readonly at: string;
    readonly actor: Actor;
    readonly statusAfter: string;
    readonly proof: Citation;
  }[];
}

const cite = (e: LedgerEvent): Citation => ({
  eventId: e.eventId,
  position: e.position,
  hash: e.metadata.hash,
});

const explainCodes = (codes: unknown): ExplainedCode[] =>
  (Array.isArray(codes) ? codes : []).filter(isReasonCode).map((code) => {
    const invariant = INVARIANT_OF_CODE[code];
    return {
      code,
      ...REASON_CODES[code],
      ...(invariant === undefined
        ? {}
        : { invariant: { id: invariant, title: DECISION_INVARIANTS[invariant] } }),
    };
  });

// Read only decoded events (decodeAll): a field the schema requires is there with its type, so these never
// stand in for a malformed one; the fallbacks serve the optional fields alone.
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * The events as the decoding layer (src/events) reads them: at the current schemaVersion of their type, checked
 * against its schema. A stored event that does not decode is answered as LedgerCorruptError (naming the event),
 * never explained around.
 */
function decodeAll(events: readonly LedgerEvent[]): LedgerEvent[] {
  return events.map((event) => {
    try {
      return decodeEvent(event);
    } catch (error) {
      if (error instanceof MalformedEventError) throw LedgerCorruptError.from(error);
      throw error;
    }
  });
}

/**
 * "Why was this person approved?" — built only from the ledger's own events (the session's stream and its
 * subject's), each statement citing the event that proves it. Pure: the caller decides which events count
 * (everything, or up to a position or a time). Personal data is never decrypted here.
 */
export function explain(
  storedSessionEvents: readonly LedgerEvent[],
  storedSubjectEvents: readonly LedgerEvent[],
  /** The global position asked for (`?atPosition=`); otherwise the session's last event counted. */
  atPosition?: number,
): Explanation | undefined {
  const sessionEvents = decodeAll(storedSessionEvents);
  const subjectEvents = decodeAll(storedSubjectEvents);
  const initiated = sessionEvents.find((e) => e.type === 'VerificationInitiated');
  if (!initiated) return undefined;
  let state: VerificationState = initialVerificationState;
  const timeline: Explanation['timeline'][number][] = [];
  const decisions: Decision[] = [];
  const overrides = new Map<string, Explanation['overrides'][number]>();
  let lastDecisionPosition = Number.POSITIVE_INFINITY;
  // The event that set the tier in force: the start, or a step-up that raised it.
  let tierEvent: LedgerEvent = initiated;
  // A decision that a later review request reopened (a sanctions hit after an automatic approval).
  let reopened: Decision | null = null;

  for (const e of sessionEvents) {
    if (!isVerificationEventType(e.type)) continue;
    const before = state.status;
    state = evolveVerification(state, { type: e.type, data: e.data } as VerificationEvent);
    if (e.type === 'DecisionEvaluated' && isPlainObject(e.data.stepUp)) tierEvent = e;
    if (e.type === 'ReviewRequested' && isDecided(before)) reopened = decisions.at(-1) ?? null;
    timeline.push({
      type: e.type,
      at: e.metadata.recordedAt,
      actor: presentedActor(e, state),
      statusAfter: state.status,
      proof: cite(e),
    });
    if (
      e.type === 'VerificationApproved' ||
      e.type === 'VerificationRejected' ||
      e.type === 'VerificationExpired' ||
      e.type === 'VerificationClosed'
    ) {
      const decidedBy =
        e.type === 'VerificationExpired'
          ? 'expiry'
          : e.type === 'VerificationClosed'
            ? 'subject'
            : str(e.data.decidedBy);
      decisions.push({
        outcome:
          e.type === 'VerificationApproved'
            ? 'approved'
            : e.type === 'VerificationRejected'
              ? 'rejected'
              : e.type === 'VerificationClosed'
                ? 'closed'
                : 'expired',
        decidedBy:
          decidedBy === 'reviewer' ||
          decidedBy === 'override' ||
          decidedBy === 'expiry' ||
          decidedBy === 'subject'
            ? decidedBy
            : 'policy',
        at: e.metadata.recordedAt,
        actor: presentedActor(e, state),
        // An expiry recorded before its code existed ended for the same reason.
        reasonCodes: explainCodes(
          e.type === 'VerificationExpired' ? (e.data.reasonCodes ?? ['SESSION_EXPIRED']) : e.data.reasonCodes,
        ),
        proof: cite(e),
      });
      lastDecisionPosition = e.position;
    }
    if (e.type === 'OverrideRequested') {
      overrides.set(str(e.data.overrideId), {
        overrideId: str(e.data.overrideId),
        requestedBy: str(e.data.requestedBy),
        outcome: str(e.data.outcome),
        justification: typeof e.data.justification === 'string' ? e.data.justification : null,
        status: 'pending',
        decidedBy: null,
        decidedByRoles: [],
        requestProof: cite(e),
        decisionProof: null,
      });
    }
    if (e.type === 'OverrideApproved' || e.type === 'OverrideRejected') {
      const o = overrides.get(str(e.data.overrideId));
      if (o) {
        overrides.set(o.overrideId, {
          ...o,
          status: e.type === 'OverrideApproved' ? 'approved' : 'rejected',
          decidedBy: str(e.data.approverId),
          decidedByRoles: Array.isArray(e.data.approverRoles) ? e.data.approverRoles.map(String) : [],
          decisionProof: cite(e),
        });
      }
    }
  }
  if (state.status === 'none') return undefined;

  // A decision stands only while the status says so: a reopened approval is no longer the decision.
  const decision = isDecided(state.status) ? (decisions.at(-1) ?? null) : null;
  if (decision === null) lastDecisionPosition = Number.POSITIVE_INFINITY;
  const previous = decision === null ? (decisions.at(-1) ?? null) : (decisions.at(-2) ?? null);
  // The decision replaced: by an override, or the one a review request reopened.
  const originalDecision =
    decision?.decidedBy === 'override' || (reopened !== null && previous === reopened) ? previous : null;

  let subject = initialSubjectState;
  for (const e of subjectEvents) {
    if (e.position > lastDecisionPosition || !isSubjectEventType(e.type)) continue;
    subject = evolveSubject(subject, { type: e.type, data: e.data } as SubjectEvent);
  }
  // The consent in force at the decision; failing that, the one the session started under.
  const consentId =
    consentInForce(subject, 'identity_verification')?.consentId ?? str(initiated.data.consentId);
  const consentEvent = subjectEvents.find(
    (e) => e.type === 'ConsentGranted' && e.data.consentId === consentId,
  );
  const withdrawal = subjectEvents.find(
    (e) => e.type === 'ConsentWithdrawn' && e.data.consentId === consentId,
  );

  const last = sessionEvents[sessionEvents.length - 1];
  const explanation: Explanation = {
    sessionId: state.sessionId,
    subjectId: state.subjectId,
    status: state.status,
    asOf: {
      position: atPosition ?? last?.position ?? 0,
      recordedAt: last?.metadata.recordedAt ?? null,
    },
    summary: '',
    decision,
    originalDecision,
    waitingFor: decision ? null : waitingFor(state),
    policy: {
      policyId: state.policyId,
      version: state.policyVersion,
      hash: state.policyHash,
      jurisdiction: state.jurisdiction,
      segment: state.segment,
      path: state.path,
      tier: state.tier,
      requiredChecks: [...state.requiredChecks],
      proof: cite(tierEvent),
    },
    evaluations: sessionEvents
      .filter((e) => e.type === 'DecisionEvaluated')
      .map((e) => ({
        outcome: str(e.data.outcome),
        attempt: num(e.data.attempt),
        tier: str(e.data.tier),
        trigger: str(e.data.trigger),
        policyHash: str(e.data.policyHash),
        reasonCodes: explainCodes(e.data.reasonCodes),
        ruleTrace: Array.isArray(e.data.ruleTrace) ? (e.data.ruleTrace as JsonObject[]) : [],
        proof: cite(e),
      })),
    vendorSessions: sessionEvents
      .filter((e) => e.type === 'VendorSessionOpened')
      .map((e) => ({
        vendor: str(e.data.vendor),
        vendorReference: str(e.data.vendorReference),
        vendorRequestId: typeof e.data.vendorRequestId === 'string' ? e.data.vendorRequestId : null,
        attempt: num(e.data.attempt),
        openedAt: str(e.data.openedAt),
        expiresAt: str(e.data.expiresAt),
        proof: cite(e),
      })),
    vendorFailures: sessionEvents
      .filter((e) => e.type === 'VendorRequestFailed')
      .map((e) => ({
        vendor: str(e.data.vendor),
        operation: str(e.data.operation),
        errorClass: str(e.data.errorClass),
        httpStatus: typeof e.data.httpStatus === 'number' ? e.data.httpStatus : null,
        vendorRequestId: typeof e.data.vendorRequestId === 'string' ? e.data.vendorRequestId : null,
        attempts: num(e.data.attempts),
        failedAt: str(e.data.failedAt),
        proof: cite(e),
      })),
    vendorFallbacks: sessionEvents
      .filter((e) => e.type === 'VendorFallbackChosen')
      .map((e) => ({
        from: str(e.data.from),
        to: str(e.data.to),
        reason: str(e.data.reason),
        rule: typeof e.data.rule === 'string' ? e.data.rule : null,
        ruleExpiresAt: typeof e.data.ruleExpiresAt === 'string' ? e.data.ruleExpiresAt : null,
        chosenAt: str(e.data.chosenAt),
        proof: cite(e),
      })),
    duplicateIdentities: sessionEvents.flatMap((e) => {
      const duplicate = e.type === 'EvidenceSubmitted' ? e.data.duplicateOf : undefined;
      return isPlainObject(duplicate)
        ? [
            {
              evidenceId: str(e.data.evidenceId),
              otherSessionId: str(duplicate.sessionId),
              match: str(duplicate.match),
              proof: cite(e),
            },
          ]
        : [];
    }),
    vendorQueued: sessionEvents
      .filter((e) => e.type === 'VendorSessionQueued')
      .map((e) => ({
        vendor: str(e.data.vendor),
        reason: str(e.data.reason),
        messageCode: str(e.data.messageCode),
        queuedAt: str(e.data.queuedAt),
        proof: cite(e),
      })),
    vendorResults: sessionEvents
      .filter((e) => e.type === 'VendorResultReceived')
      .map((e) => {
        const fetch = sessionEvents.find(
          (f) =>
            f.type === 'VendorResultFetched' &&
            f.data.vendor === e.data.vendor &&
            f.data.vendorEventId === e.data.vendorEventId,
        );
        return {
          vendor: str(e.data.vendor),
          vendorEventId: str(e.data.vendorEventId),
          vendorCreatedAt: str(e.data.vendorCreatedAt),
          attempt: num(e.data.attempt),
          counted: e.data.counted === true,
          checks: Array.isArray(e.data.checks) ? (e.data.checks as JsonObject[]) : [],
          fetched:
            fetch === undefined
              ? null
              : {
                  objectId: str(fetch.data.objectId),
                  operation: str(fetch.data.operation),
                  vendorRequestId:
                    typeof fetch.data.vendorRequestId === 'string' ? fetch.data.vendorRequestId : null,
                  fetchedAt: str(fetch.data.fetchedAt),
                  proof: cite(fetch),
                },
          proof: cite(e),
        };
      }),
    reviews: sessionEvents
      .filter((e) => e.type === 'ReviewCompleted')
      .map((e) => ({
        reviewerId: str(e.data.reviewerId),
        outcome: str(e.data.outcome),
        reasonCodes: explainCodes(e.data.reasonCodes),
        hasNote: e.data.hasNote === true,
        proof: cite(e),
      })),
    overrides: [...overrides.values()],
    consent: consentEvent
      ? {
          consentId,
          scopes: Array.isArray(consentEvent.data.scopes) ? consentEvent.data.scopes.map(String) : [],
          noticeVersion: str(consentEvent.data.noticeVersion),
          ...(typeof consentEvent.data.noticeHash === 'string'
            ? { noticeHash: consentEvent.data.noticeHash }
            : {}),
          grantedAt: str(consentEvent.data.grantedAt) || consentEvent.metadata.recordedAt,
          proof: cite(consentEvent),
          withdrawn: withdrawal
            ? {
                at: str(withdrawal.data.withdrawnAt) || withdrawal.metadata.recordedAt,
                proof: cite(withdrawal),
              }
            : null,
        }
      : null,
    timeline,
  };
  return { ...explanation, summary: `${summarise(explanation)}${orchestration(explanation)}` };
}

const DECIDED: readonly string[] = ['approved', 'rejected', 'expired', 'closed'];
const isDecided = (status: string): boolean => DECIDED.includes(status);

/**
 * Who made the statement an event records, as an explanation shows it. An automatic decision is the policy's,
 * though the event carries whoever triggered the evaluation (e.g. the operator who posted a vendor result); the
 * stored event keeps that actor, this only presents it.
 */
export function presentedActor(e: LedgerEvent, state: VerificationState): Actor {
  if (state.status === 'none') return e.metadata.actor;
  return automaticDecision(e.type, e.data) ? POLICY_ACTOR : e.metadata.actor;
}

/** An evaluation, or an approval or rejection the policy made. */
export function automaticDecision(type: string, data: { readonly decidedBy?: unknown }): boolean {
  if (type === 'DecisionEvaluated') return true;
  return (type === 'VerificationApproved' || type === 'VerificationRejected') && data.decidedBy === 'policy';
}

/** The policy as an actor; which policy and version is in the explanation's `policy` block. */
export const POLICY_ACTOR: Actor = { kind: 'system', id: 'policy', roles: [] };

function waitingFor(state: Exclude<VerificationState, { status: 'none' }>): string {
  if (state.vendorQueue !== undefined && isOpen(state.status)) {
    return `the vendor ${state.vendorQueue.vendor}, unavailable since ${state.vendorQueue.queuedAt} (waiting_for_vendor: the session is opened there when it answers again)`;
  }
  switch (state.status) {
    case 'initiated':
    case 'capture_in_progress':
      return 'capture and evidence from the person';
    case 'submitted': {
      const have = new Set(state.checks.map((c) => c.kind));
      const missing = state.requiredChecks.filter((k) => !have.has(k));
      return missing.length > 0 ? `vendor results for: ${missing.join(', ')}` : 'policy evaluation';
    }
    case 'needs_resubmission':
      return `a new capture (attempt ${state.attempt})`;
    case 'pending_review':
      return `a reviewer's decision${state.review ? ` in queue ${state.review.queue}, due ${state.review.slaDueAt}` : ''}`;
    case 'approved':
    case 'rejected':
    case 'expired':
    case 'closed':
      return 'nothing';
  }
}

/**
 * What the server did at vendors that a reader of the decision should know, one sentence each: the sessions
 * opened under a temporary fallback rule of the policy (with its expiry), and the results it fetched from a
 * vendor's API (object, time, the vendor's request id) rather than received.
 */
function orchestration(x: Explanation): string {
  const fallbacks = x.vendorFallbacks
    .filter((f) => f.rule !== null)
    .map(
      (f) =>
        ` ${f.to} was tried under the temporary fallback rule ${f.rule ?? ''} of the policy (in force until ${f.ruleExpiresAt ?? 'unknown'}) because ${f.from} was unavailable on ${f.chosenAt}.`,
    );
  const fetched = x.vendorResults.flatMap((r) =>
    r.fetched === null
      ? []
      : [
          ` Result ${r.vendorEventId} fetched from ${r.vendor} ${r.fetched.objectId} at ${r.fetched.fetchedAt}${r.fetched.vendorRequestId === null ? '' : `, request id ${r.fetched.vendorRequestId}`}.`,
        ],
  );
  const duplicates = x.duplicateIdentities.map(
    (d) =>
      ` Evidence ${d.evidenceId} has the identity (${d.match === 'document' ? 'document number and issuing country' : 'name and birth date'}) of session ${d.otherSessionId} of another subject.`,
  );
  return [...duplicates, ...fallbacks, ...fetched].join('');
}

function summarise(x: Explanation): string {
  const policy = `policy ${x.policy.policyId} ${x.policy.version} (${x.policy.hash.slice(0, 12)})`;
  // Each code with the decision invariant behind it (docs/decision-invariants.md), e.g. "SANCTIONS_HIT (I7)".
  const list = (reasonCodes: readonly ExplainedCode[]): string =>
    reasonCodes.map((c) => (c.invariant === undefined ? c.code : `${c.code} (${c.invariant.id})`)).join(', ');
  const codes = (d: Decision): string =>
    d.reasonCodes.length > 0 ? ` Reasons: ${list(d.reasonCodes)}.` : '';
  const d = x.decision;
  const earlier = x.originalDecision;
  const reopenedNote =
    earlier !== null && d?.decidedBy !== 'override'
      ? ` The earlier decision (${earlier.outcome} by ${earlier.decidedBy} on ${earlier.at}) was reopened for review.`
      : '';
  if (!d) {
    const last = x.evaluations.at(-1);
    const why =
      last !== undefined && last.reasonCodes.length > 0 ? ` Reasons: ${list(last.reasonCodes)}.` : '';
    return `Not decided: waiting for ${x.waitingFor ?? 'nothing'}. Runs under ${policy}.${reopenedNote}${why}`;
  }
  const verb =
    d.outcome === 'approved'
      ? 'Approved'
      : d.outcome === 'rejected'
        ? 'Rejected'
        : d.outcome === 'closed'
          ? 'Closed'
          : 'Expired';
  switch (d.decidedBy) {
    case 'policy': {
      const evaluation = x.evaluations[x.evaluations.length - 1];
      // An embargo is decided at start, before any check exists: say so rather than count checks never run.
      // Counts the checks the evaluation had (results of its attempt recorded before it), not those required.
      const evaluated =
        evaluation === undefined
          ? 0
          : new Set(
              x.vendorResults
                .filter(
                  (v) =>
                    v.counted &&
                    v.attempt === evaluation.attempt &&
                    v.proof.position < evaluation.proof.position,
                )
                .flatMap((v) => v.checks.map((c) => c.kind)),
            ).size;
      const checks =
        evaluation === undefined
          ? ''
          : evaluation.trigger === 'embargo' || x.policy.path === 'embargoed'
            ? ' because the jurisdiction is embargoed, before any check was run'
            : evaluated === 0
              ? ` before any check was run, at tier ${evaluation.tier}`
              : ` after evaluating ${evaluated} checks at tier ${evaluation.tier}`;
      return `${verb} automatically by ${policy}${checks} on ${d.at}.${reopenedNote}${codes(d)}`;
    }
    case 'reviewer':
      return `${verb} by reviewer ${d.actor.id} on ${d.at}, after the policy sent the session to review.${reopenedNote}${codes(d)}`;
    case 'override': {
      const o = [...x.overrides].reverse().find((v) => v.status === 'approved');
      const original = x.originalDecision
        ? ` It replaced the earlier decision (${x.originalDecision.outcome} by ${x.originalDecision.decidedBy}).`
        : '';
      return `${verb} by override on ${d.at}: requested by ${o?.requestedBy ?? 'unknown'}, approved by ${o?.decidedBy ?? 'unknown'} (four-eyes).${original}${codes(d)}`;
    }
    case 'expiry':
      return `Expired on ${d.at} after the time-to-live of ${policy}.${codes(d)}`;
    case 'subject': {
      // Says only what the closing event records: its reason code.
      const why = d.reasonCodes.some((c) => c.code === 'ERASURE_REQUESTED')
        ? 'the person asked for erasure'
        : 'the person withdrew consent';
      return `Closed without a decision on ${d.at}: ${why}.${codes(d)}`;
    }
  }
}
