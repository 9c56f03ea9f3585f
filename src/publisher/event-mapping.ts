import type { DataClass } from '../shared/data-classes';
import type {
  ConsentScope,
  ErasureGround,
  RestrictionBasis,
  RestrictionReleaseReason,
  ShredReason,
  SubjectEvent,
} from '../domain/subject/subject.events';
import { isSubjectEventType } from '../domain/subject/subject.events';
import type {
  CheckKind,
  CheckResultValue,
  DocumentType,
  Outcome,
  SessionPath,
} from '../domain/policy/policy.types';
import type {
  DecidedBy,
  DecisionTrigger,
  EvidenceKind,
  ManualOutcome,
  VerificationEvent,
  VerificationEventType,
  VerificationStatus,
} from '../domain/verification/verification.events';
import { isVerificationEventType } from '../domain/verification/verification.events';
import { decodeEvent, MalformedEventError } from '../events';
import type { LedgerEvent } from '../ledger/envelope';
import { ID_PATTERN, parseStreamName } from '../ledger/stream-names';
import type { JsonValue } from '../shared/json';
import {
  type IntegrationEvent,
  type PublicCheck,
  type PublicCheckKind,
  type PublicCheckResult,
  type PublicConsentScope,
  type PublicDataClass,
  type PublicDecidedBy,
  type PublicDecisionOutcome,
  type PublicDecisionTrigger,
  type PublicDocumentType,
  type PublicErasureGround,
  type PublicRestrictionReleaseReason,
  type PublicEventPayloads,
  type PublicEventType,
  type PublicEvidenceKind,
  type PublicManualOutcome,
  type PublicRestrictionBasis,
  type PublicSessionPath,
  type PublicShredReason,
  type PublicVerificationStatus,
  SOURCES,
  type SubjectEventBase,
  topicOfType,
  type VerificationEventBase,
} from './integration-events';
import { UnpublishableEventError } from './publisher.errors';

/*
 * Domain events → public integration events. Every field that leaves is named here, read with a type check
 * and, for strings, checked against the shape of an id, code or token: free text (notes, justifications,
 * reasons) and the encrypted `pii` section are never read, so they cannot leave. An event whose fields do
 * not fit is refused (UnpublishableEventError) rather than published half-right.
 *
 * The Records below map every domain value to its public value: renaming a domain value or adding an event
 * type does not compile until its public mapping is decided here.
 */

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const REASON_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const POLICY_HASH = /^[0-9a-f]{64}$/;
const COUNTRY = /^[A-Z]{2}$/;

const STATUS: Record<VerificationStatus, PublicVerificationStatus> = {
  initiated: 'initiated',
  capture_in_progress: 'capture_in_progress',
  submitted: 'submitted',
  pending_review: 'pending_review',
  approved: 'approved',
  rejected: 'rejected',
  expired: 'expired',
  needs_resubmission: 'needs_resubmission',
  closed: 'closed',
};

/** The session's status after each event type (`unchanged`: as before). Mirrors the domain's `evolve`. */
const STATUS_AFTER: Record<VerificationEventType, PublicVerificationStatus | 'unchanged'> = {
  VerificationInitiated: 'initiated',
  CaptureStarted: 'capture_in_progress',
  EvidenceSubmitted: 'submitted',
  VendorSessionOpened: 'unchanged',
  VendorRequestFailed: 'unchanged',
  VendorFallbackChosen: 'unchanged',
  VendorSessionQueued: 'unchanged',
  VendorResultFetched: 'unchanged',
  VendorResultReceived: 'unchanged',
  DecisionEvaluated: 'unchanged',
  ReviewRequested: 'pending_review',
  ReviewSlaBreached: 'unchanged',
  ReviewerAssigned: 'unchanged',
  ReviewCompleted: 'unchanged',
  OverrideRequested: 'unchanged',
  OverrideApproved: 'unchanged',
  OverrideRejected: 'unchanged',
  ResubmissionRequested: 'needs_resubmission',
  VerificationApproved: 'approved',
  VerificationRejected: 'rejected',
  VerificationExpired: 'expired',
  VerificationClosed: 'closed',
};

const CHECK_KIND: Record<CheckKind, PublicCheckKind> = {
  document: 'document',
  face_match: 'face_match',
  liveness: 'liveness',
  sanctions: 'sanctions',
  pep: 'pep',
  address: 'address',
  age: 'age',
  watchlist: 'watchlist',
};
const CHECK_RESULT: Record<CheckResultValue, PublicCheckResult> = {
  clear: 'clear',
  consider: 'consider',
  fail: 'fail',
  error: 'error',
};
const SESSION_PATH: Record<SessionPath, PublicSessionPath> = {
  automatic: 'automatic',
  manual_review: 'manual_review',
  embargoed: 'embargoed',
};
const EVIDENCE_KIND: Record<EvidenceKind, PublicEvidenceKind> = {
  document: 'document',
  selfie: 'selfie',
  proof_of_address: 'proof_of_address',
};
const DOCUMENT_TYPE: Record<DocumentType, PublicDocumentType> = {
  passport: 'passport',
  id_card: 'id_card',
  driving_licence: 'driving_licence',
  residence_permit: 'residence_permit',
};
const OUTCOME: Record<Outcome, PublicDecisionOutcome> = {
  approve: 'approve',
  reject: 'reject',
  review: 'review',
  resubmit: 'resubmit',
  step_up: 'step_up',
  wait: 'wait',
};
const TRIGGER: Record<DecisionTrigger, PublicDecisionTrigger> = {
  embargo: 'embargo',
  vendor_result: 'vendor_result',
  evidence: 'evidence',
  result_after_approval: 'result_after_approval',
};
const MANUAL_OUTCOME: Record<ManualOutcome, PublicManualOutcome> = { approve: 'approve', reject: 'reject' };
const DECIDED_BY: Record<DecidedBy, PublicDecidedBy> = {
  policy: 'policy',
  reviewer: 'reviewer',
  override: 'override',
};
const CONSENT_SCOPE: Record<ConsentScope, PublicConsentScope> = {
  identity_verification: 'identity_verification',
  document_processing: 'document_processing',
  biometric_processing: 'biometric_processing',
  data_sharing_vendors: 'data_sharing_vendors',
};

const DATA_CLASS: Record<DataClass, PublicDataClass> = {
  identity_attributes: 'identity_attributes',
  contact_address: 'contact_address',
  document_media_refs: 'document_media_refs',
  biometric_refs: 'biometric_refs',
  review_notes: 'review_notes',
  consent_evidence: 'consent_evidence',
};
const ERASURE_GROUND: Record<ErasureGround, PublicErasureGround> = {
  no_longer_necessary: 'no_longer_necessary',
  consent_withdrawn: 'consent_withdrawn',
  objection: 'objection',
  unlawful_processing: 'unlawful_processing',
  legal_obligation_to_erase: 'legal_obligation_to_erase',
  child_information_society: 'child_information_society',
};
const RESTRICTION_BASIS: Record<RestrictionBasis, PublicRestrictionBasis> = {
  legal_obligation: 'legal_obligation',
  legal_hold: 'legal_hold',
};
const SHRED_REASON: Record<ShredReason, PublicShredReason> = {
  erasure_request: 'erasure_request',
  retention_expired: 'retention_expired',
};

const RELEASE_REASON: Record<RestrictionReleaseReason, PublicRestrictionReleaseReason> = {
  person_requested_service: 'person_requested_service',
  request_withdrawn_by_person: 'request_withdrawn_by_person',
  request_not_from_person: 'request_not_from_person',
};

const COVERAGE: Record<'erasure_covered', 'erasure_covered'> = { erasure_covered: 'erasure_covered' };

type DataOf<E extends { type: string; data: object }, T extends E['type']> = Extract<E, { type: T }>['data'];
type VerificationData<T extends VerificationEventType> = DataOf<VerificationEvent, T>;
type SubjectData<T extends SubjectEvent['type']> = DataOf<SubjectEvent, T>;

/** Typed, checked reads of an event's data. Field names are checked against the domain type at compile time. */
class Fields<D> {
  constructor(private readonly event: LedgerEvent) {}

  fail(name: string, problem: string): never {
    throw new UnpublishableEventError(this.event.position, this.event.type, `${name}: ${problem}`);
  }

  private raw(name: keyof D & string): JsonValue | undefined {
    return this.event.data[name];
  }

  private matching(name: string, value: JsonValue | undefined, pattern: RegExp, what: string): string {
    if (typeof value !== 'string' || !pattern.test(value)) this.fail(name, `not ${what}`);
    return value;
  }

  id(name: keyof D & string): string {
    return this.matching(name, this.raw(name), ID_PATTERN, 'an id');
  }

  token(name: keyof D & string): string {
    return this.matching(name, this.raw(name), TOKEN, 'a token');
  }

  policyHash(name: keyof D & string): string {
    return this.matching(name, this.raw(name), POLICY_HASH, 'a policy hash');
  }

  country(name: keyof D & string): string {
    return this.matching(name, this.raw(name), COUNTRY, 'a country code');
  }

  integer(name: keyof D & string): number {
    const value = this.raw(name);
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(name, 'not an integer');
    return value;
  }

  boolean(name: keyof D & string): boolean {
    const value = this.raw(name);
    if (typeof value !== 'boolean') this.fail(name, 'not a boolean');
    return value;
  }

  timestamp(name: keyof D & string): string {
    return toTimestamp(this.raw(name), (problem) => this.fail(name, problem));
  }

  reasonCodes(name: keyof D & string): string[] {
    return reasonCodeList(this.raw(name), (problem) => this.fail(name, problem));
  }

  oneOf<V extends string, P>(name: keyof D & string, values: Record<V, P>): P {
    return lookup(this.raw(name), values, (problem) => this.fail(name, problem));
  }

  optionalOneOf<V extends string, P>(name: keyof D & string, values: Record<V, P>): P | undefined {
    return this.raw(name) === undefined ? undefined : this.oneOf(name, values);
  }

  listOf<V extends string, P>(name: keyof D & string, values: Record<V, P>): P[] {
    const list = this.raw(name);
    if (!Array.isArray(list)) this.fail(name, 'not a list');
    return list.map((item) => lookup(item, values, (problem) => this.fail(name, problem)));
  }

  value(name: keyof D & string): JsonValue | undefined {
    return this.raw(name);
  }
}

function lookup<V extends string, P>(
  value: JsonValue | undefined,
  values: Record<V, P>,
  fail: (problem: string) => never,
): P {
  if (typeof value !== 'string' || !Object.hasOwn(values, value)) fail('not a known value');
  return values[value as V];
}

function asList(value: JsonValue | undefined, fail: (problem: string) => never): JsonValue[] {
  return Array.isArray(value) ? value : fail('not a list');
}

function asObject(
  value: JsonValue | undefined,
  fail: (problem: string) => never,
): { [key: string]: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : fail('not an object');
}

function toTimestamp(value: JsonValue | undefined, fail: (problem: string) => never): string {
  if (typeof value !== 'string') fail('not a timestamp');
  const time = Date.parse(value);
  if (Number.isNaN(time)) fail('not a timestamp');
  return new Date(time).toISOString();
}

function reasonCodeList(value: JsonValue | undefined, fail: (problem: string) => never): string[] {
  if (!Array.isArray(value)) fail('not a list');
  return value.map((code) => {
    if (typeof code !== 'string' || !REASON_CODE.test(code)) fail('not a reason code');
    return code;
  });
}

/** What the publisher keeps per session to complete each message: who, which policy, the status so far. */
export interface SessionSnapshot {
  readonly subjectId: string;
  readonly policyHash: string;
  readonly status: PublicVerificationStatus;
  /** Revision of the last event folded in. */
  readonly revision: number;
}

/**
 * The event as the decoding layer (src/events) reads it: at the current schemaVersion of its type, its data
 * checked against the schema. A malformed event is refused like any other that does not fit.
 */
function decoded(event: LedgerEvent): LedgerEvent {
  try {
    return decodeEvent(event);
  } catch (error) {
    if (error instanceof MalformedEventError) {
      throw new UnpublishableEventError(event.position, event.type, error.problem);
    }
    throw error;
  }
}

/** Folds one event of a verification stream into the session snapshot. */
export function nextSessionSnapshot(
  previous: SessionSnapshot | undefined,
  stored: LedgerEvent,
): SessionSnapshot {
  const event = decoded(stored);
  if (!isVerificationEventType(event.type)) {
    throw new UnpublishableEventError(event.position, event.type, 'no public mapping for this event type');
  }
  if (event.type === 'VerificationInitiated') {
    const f = new Fields<VerificationData<'VerificationInitiated'>>(event);
    return {
      subjectId: f.id('subjectId'),
      policyHash: f.policyHash('policyHash'),
      status: 'initiated',
      revision: event.revision,
    };
  }
  if (previous === undefined) {
    throw new UnpublishableEventError(event.position, event.type, 'the session has no VerificationInitiated');
  }
  const after = STATUS_AFTER[event.type];
  return { ...previous, status: after === 'unchanged' ? previous.status : after, revision: event.revision };
}

/** Whether an event comes from a stream the publisher follows (subject and verification streams). */
export function isPublishedStream(stream: string): boolean {
  const parsed = parseStreamName(stream);
  return parsed?.kind === 'subject' || parsed?.kind === 'verification';
}

/**
 * Ledger events that stay inside: audit records of the ledger's own operation, which no downstream service
 * acts on and whose fields (who read what, and why) are nobody else's business. The publisher moves its
 * checkpoint past them without a record.
 */
export const INTERNAL_EVENT_TYPES: readonly string[] = [
  'PersonalDataAccessed',
  'VendorSessionOpened',
  'VendorRequestFailed',
  'VendorFallbackChosen',
  'VendorSessionQueued',
  'VendorResultFetched',
];

/**
 * The public event for one ledger event, or null for an internal one (INTERNAL_EVENT_TYPES). Verification
 * events need the session snapshot *after* this event (`nextSessionSnapshot`), which supplies the subject id,
 * status and policy hash the event itself may lack.
 */
export function toIntegrationEvent(
  stored: LedgerEvent,
  session: SessionSnapshot | undefined,
): IntegrationEvent | null {
  // An internal event never leaves, whatever its fields: it is not read.
  const event = INTERNAL_EVENT_TYPES.includes(stored.type) ? stored : decoded(stored);
  const stream = parseStreamName(event.stream);
  if (stream?.kind === 'verification') {
    if (session?.revision !== event.revision) {
      throw new UnpublishableEventError(event.position, event.type, 'no session snapshot for this event');
    }
    return verificationEvent(event, stream.id, session);
  }
  if (stream?.kind === 'subject') return subjectEvent(event, stream.id);
  throw new UnpublishableEventError(event.position, event.type, 'not a subject or verification stream');
}

function envelope<T extends PublicEventType>(
  type: T,
  event: LedgerEvent,
  key: string,
  policyHash: string | undefined,
  data: PublicEventPayloads[T],
): IntegrationEvent {
  const topic = topicOfType(type);
  return {
    topic,
    key,
    id: event.eventId,
    type,
    source: SOURCES[topic],
    subject: key,
    time: data.occurredAt,
    correlationId: event.metadata.correlationId,
    policyHash,
    position: event.position,
    data,
  } as IntegrationEvent;
}

function timestamps(event: LedgerEvent): { occurredAt: string; recordedAt: string } {
  const fail = (name: string) => (problem: string) => {
    throw new UnpublishableEventError(event.position, event.type, `metadata.${name}: ${problem}`);
  };
  return {
    occurredAt: toTimestamp(event.metadata.occurredAt, fail('occurredAt')),
    recordedAt: toTimestamp(event.metadata.recordedAt, fail('recordedAt')),
  };
}

function verificationEvent(
  event: LedgerEvent,
  sessionId: string,
  session: SessionSnapshot,
): IntegrationEvent | null {
  if (!isVerificationEventType(event.type)) {
    throw new UnpublishableEventError(event.position, event.type, 'no public mapping for this event type');
  }
  const base: VerificationEventBase = {
    sessionId,
    subjectId: session.subjectId,
    sequence: event.revision,
    status: session.status,
    ...timestamps(event),
  };
  const emit = <T extends PublicEventType>(type: T, data: PublicEventPayloads[T]): IntegrationEvent =>
    envelope(type, event, sessionId, session.policyHash, data);

  switch (event.type) {
    case 'VerificationInitiated': {
      const f = new Fields<VerificationData<'VerificationInitiated'>>(event);
      if (f.id('sessionId') !== sessionId) f.fail('sessionId', 'differs from the stream');
      return emit('kyc.verification.initiated.v1', {
        ...base,
        jurisdiction: f.country('jurisdiction'),
        segment: f.token('segment'),
        path: f.oneOf('path', SESSION_PATH),
        tier: f.token('tier'),
        policyId: f.token('policyId'),
        policyVersion: f.token('policyVersion'),
        policyHash: f.policyHash('policyHash'),
        requiredChecks: f.listOf('requiredChecks', CHECK_KIND),
        expiresAt: f.timestamp('expiresAt'),
      });
    }
    case 'CaptureStarted': {
      const f = new Fields<VerificationData<'CaptureStarted'>>(event);
      return emit('kyc.verification.capture_started.v1', { ...base, attempt: f.integer('attempt') });
    }
    case 'EvidenceSubmitted': {
      // Not published: vendorReference (a handle to the person's images at the vendor) and issuingCountry
      // (for a passport, the person's nationality).
      const f = new Fields<VerificationData<'EvidenceSubmitted'>>(event);
      const documentType = f.optionalOneOf('documentType', DOCUMENT_TYPE);
      return emit('kyc.verification.evidence_submitted.v1', {
        ...base,
        attempt: f.integer('attempt'),
        evidenceId: f.id('evidenceId'),
        evidenceKind: f.oneOf('kind', EVIDENCE_KIND),
        ...(documentType === undefined ? {} : { documentType }),
        vendor: f.token('vendor'),
      });
    }
    case 'VendorResultReceived': {
      // Not published: scores (derived from biometrics), the vendor's event id, risk signals.
      const f = new Fields<VerificationData<'VendorResultReceived'>>(event);
      const checks = asList(f.value('checks'), (problem) => f.fail('checks', problem));
      return emit('kyc.verification.vendor_result_received.v1', {
        ...base,
        attempt: f.integer('attempt'),
        vendor: f.token('vendor'),
        counted: f.boolean('counted'),
        checks: checks.map((item): PublicCheck => {
          const fail = (problem: string): never => f.fail('checks', problem);
          const check = asObject(item, fail);
          return {
            kind: lookup(check.kind, CHECK_KIND, fail),
            result: lookup(check.result, CHECK_RESULT, fail),
            reasonCodes: check.reasonCodes === undefined ? [] : reasonCodeList(check.reasonCodes, fail),
          };
        }),
      });
    }
    case 'DecisionEvaluated': {
      // Not published: the rule trace (its inputs include vendor scores).
      const f = new Fields<VerificationData<'DecisionEvaluated'>>(event);
      const rawStepUp = f.value('stepUp');
      let stepUp: { tier: string; requiredChecks: PublicCheckKind[] } | undefined;
      if (rawStepUp !== undefined) {
        const fail = (problem: string): never => f.fail('stepUp', problem);
        const value = asObject(rawStepUp, fail);
        const tier = value.tier;
        if (typeof tier !== 'string' || !TOKEN.test(tier)) return fail('tier is not a token');
        stepUp = {
          tier,
          requiredChecks: asList(value.requiredChecks, fail).map((kind) => lookup(kind, CHECK_KIND, fail)),
        };
      }
      return emit('kyc.verification.decision_evaluated.v1', {
        ...base,
        attempt: f.integer('attempt'),
        outcome: f.oneOf('outcome', OUTCOME),
        reasonCodes: f.reasonCodes('reasonCodes'),
        trigger: f.oneOf('trigger', TRIGGER),
        tier: f.token('tier'),
        policyHash: f.policyHash('policyHash'),
        policyVersion: f.token('policyVersion'),
        ...(stepUp === undefined ? {} : { stepUp }),
      });
    }
    case 'ReviewRequested': {
      const f = new Fields<VerificationData<'ReviewRequested'>>(event);
      return emit('kyc.verification.review_requested.v1', {
        ...base,
        attempt: f.integer('attempt'),
        priority: f.integer('priority'),
        queue: f.token('queue'),
        reasonCodes: f.reasonCodes('reasons'),
        slaDueAt: f.timestamp('slaDueAt'),
      });
    }
    case 'ReviewSlaBreached': {
      const f = new Fields<VerificationData<'ReviewSlaBreached'>>(event);
      return emit('kyc.verification.review_sla_breached.v1', {
        ...base,
        priority: f.integer('priority'),
        escalatedPriority: f.integer('escalatedPriority'),
        queue: f.token('queue'),
        escalationQueue: f.token('escalationQueue'),
        slaDueAt: f.timestamp('slaDueAt'),
        breachedAt: f.timestamp('breachedAt'),
      });
    }
    case 'ReviewerAssigned': {
      // Not published: who reviews (staff identities stay inside).
      const f = new Fields<VerificationData<'ReviewerAssigned'>>(event);
      return emit('kyc.verification.reviewer_assigned.v1', {
        ...base,
        reassigned: f.value('previousReviewerId') !== undefined,
      });
    }
    case 'ReviewCompleted': {
      // Not published: the reviewer, the note (personal data, encrypted in `pii`).
      const f = new Fields<VerificationData<'ReviewCompleted'>>(event);
      return emit('kyc.verification.review_completed.v1', {
        ...base,
        outcome: f.oneOf('outcome', MANUAL_OUTCOME),
        reasonCodes: f.reasonCodes('reasonCodes'),
      });
    }
    case 'OverrideRequested': {
      // Not published: the requester and the justification (free text).
      const f = new Fields<VerificationData<'OverrideRequested'>>(event);
      return emit('kyc.verification.override_requested.v1', {
        ...base,
        overrideId: f.id('overrideId'),
        outcome: f.oneOf('outcome', MANUAL_OUTCOME),
        reasonCodes: f.reasonCodes('reasonCodes'),
      });
    }
    case 'OverrideApproved': {
      const f = new Fields<VerificationData<'OverrideApproved'>>(event);
      return emit('kyc.verification.override_approved.v1', {
        ...base,
        overrideId: f.id('overrideId'),
        outcome: f.oneOf('outcome', MANUAL_OUTCOME),
      });
    }
    case 'OverrideRejected': {
      // Not published: the approver and the reason (free text).
      const f = new Fields<VerificationData<'OverrideRejected'>>(event);
      return emit('kyc.verification.override_rejected.v1', { ...base, overrideId: f.id('overrideId') });
    }
    case 'ResubmissionRequested': {
      const f = new Fields<VerificationData<'ResubmissionRequested'>>(event);
      return emit('kyc.verification.resubmission_requested.v1', {
        ...base,
        attempt: f.integer('attempt'),
        maxAttempts: f.integer('maxAttempts'),
        reasonCodes: f.reasonCodes('reasonCodes'),
      });
    }
    case 'VerificationApproved':
    case 'VerificationRejected': {
      // Not published: the reviewer's identity.
      const f = new Fields<VerificationData<'VerificationApproved'>>(event);
      const overrideId = f.value('overrideId') === undefined ? undefined : f.id('overrideId');
      const decided = {
        ...base,
        attempt: f.integer('attempt'),
        reasonCodes: f.reasonCodes('reasonCodes'),
        decidedBy: f.oneOf('decidedBy', DECIDED_BY),
        tier: f.token('tier'),
        policyHash: f.policyHash('policyHash'),
        ...(overrideId === undefined ? {} : { overrideId }),
        decidedAt: f.timestamp('decidedAt'),
      };
      return event.type === 'VerificationApproved'
        ? emit('kyc.verification.approved.v1', decided)
        : emit('kyc.verification.rejected.v1', { ...decided, final: true });
    }
    case 'VerificationExpired': {
      const f = new Fields<VerificationData<'VerificationExpired'>>(event);
      return emit('kyc.verification.expired.v1', {
        ...base,
        previousStatus: f.oneOf('previousStatus', STATUS),
        expiresAt: f.timestamp('expiresAt'),
        // Events recorded before the code existed carry none; they ended for the same reason.
        reasonCodes:
          f.value('reasonCodes') === undefined ? ['SESSION_EXPIRED'] : f.reasonCodes('reasonCodes'),
      });
    }
    case 'VendorSessionOpened':
    case 'VendorRequestFailed':
    case 'VendorFallbackChosen':
    case 'VendorSessionQueued':
    case 'VendorResultFetched':
      // Internal (INTERNAL_EVENT_TYPES): orchestration between the ledger and a vendor, recorded for
      // auditors, not a contract for downstream services (docs/kafka.md).
      return null;
    case 'VerificationClosed': {
      const f = new Fields<VerificationData<'VerificationClosed'>>(event);
      return emit('kyc.verification.closed.v1', {
        ...base,
        previousStatus: f.oneOf('previousStatus', STATUS),
        reasonCodes: f.reasonCodes('reasonCodes'),
        closedAt: f.timestamp('closedAt'),
      });
    }
    default: {
      const unexpected: never = event.type;
      return unexpected;
    }
  }
}

function subjectEvent(event: LedgerEvent, subjectId: string): IntegrationEvent | null {
  if (!isSubjectEventType(event.type)) {
    throw new UnpublishableEventError(event.position, event.type, 'no public mapping for this event type');
  }
  const base: SubjectEventBase = { subjectId, sequence: event.revision, ...timestamps(event) };
  const emit = <T extends PublicEventType>(
    type: T,
    data: PublicEventPayloads[T],
    policyHash?: string,
  ): IntegrationEvent => envelope(type, event, subjectId, policyHash, data);

  switch (event.type) {
    case 'ConsentGranted': {
      // Not published: locale and channel (how the person was reached), consent evidence (personal data).
      const f = new Fields<SubjectData<'ConsentGranted'>>(event);
      const policyHash = f.policyHash('policyHash');
      return emit(
        'kyc.subject.consent_granted.v1',
        {
          ...base,
          consentId: f.id('consentId'),
          scopes: f.listOf('scopes', CONSENT_SCOPE),
          noticeVersion: f.token('noticeVersion'),
          policyHash,
        },
        policyHash,
      );
    }
    case 'ConsentWithdrawn': {
      const f = new Fields<SubjectData<'ConsentWithdrawn'>>(event);
      return emit('kyc.subject.consent_withdrawn.v1', {
        ...base,
        consentId: f.id('consentId'),
        scopes: f.listOf('scopes', CONSENT_SCOPE),
      });
    }
    case 'RelationshipEnded': {
      const f = new Fields<SubjectData<'RelationshipEnded'>>(event);
      return emit('kyc.subject.relationship_ended.v1', { ...base, endedAt: f.timestamp('endedAt') });
    }
    case 'LegalHoldPlaced': {
      // Not published: the reason (a case reference or ground in free text).
      const f = new Fields<SubjectData<'LegalHoldPlaced'>>(event);
      return emit('kyc.subject.legal_hold_placed.v1', { ...base, holdId: f.id('holdId') });
    }
    case 'LegalHoldReleased': {
      const f = new Fields<SubjectData<'LegalHoldReleased'>>(event);
      return emit('kyc.subject.legal_hold_released.v1', { ...base, holdId: f.id('holdId') });
    }
    case 'PersonalDataAccessed':
      // Internal (INTERNAL_EVENT_TYPES): the audit trail of who read personal data, and why.
      return null;
    case 'ErasureRequested': {
      // Not published: the case reference and the policy's legal-basis text (free text).
      const f = new Fields<SubjectData<'ErasureRequested'>>(event);
      const restricted = asList(f.value('restricted'), (problem) => f.fail('restricted', problem)).map(
        (item) => {
          const entry = asObject(item, (problem) => f.fail('restricted', problem));
          const fail = (problem: string): never => f.fail('restricted', problem);
          const until = entry.retainUntil;
          return {
            dataClass: lookup(entry.dataClass, DATA_CLASS, fail),
            basis: lookup(entry.basis, RESTRICTION_BASIS, fail),
            retainUntil: until === null ? null : toTimestamp(until, fail),
          };
        },
      );
      return emit('kyc.subject.erasure_requested.v1', {
        ...base,
        requestId: f.id('requestId'),
        ground: f.oneOf('ground', ERASURE_GROUND),
        erased: f.listOf('erased', DATA_CLASS),
        restricted,
      });
    }
    case 'ErasureRestrictionReleased': {
      // Not published: who released it and the case reference.
      const f = new Fields<SubjectData<'ErasureRestrictionReleased'>>(event);
      return emit('kyc.subject.erasure_restriction_released.v1', {
        ...base,
        requestId: f.id('requestId'),
        reason: f.oneOf('reason', RELEASE_REASON),
      });
    }
    case 'PersonalDataShredded': {
      const f = new Fields<SubjectData<'PersonalDataShredded'>>(event);
      return emit('kyc.subject.personal_data_shredded.v1', {
        ...base,
        shredId: f.id('shredId'),
        dataClasses: f.listOf('dataClasses', DATA_CLASS),
        reason: f.oneOf('reason', SHRED_REASON),
        ...(f.value('requestId') === undefined ? {} : { requestId: f.id('requestId') }),
        ...(f.value('coverage') === undefined ? {} : { coverage: f.oneOf('coverage', COVERAGE) }),
      });
    }
    default: {
      const unexpected: never = event.type;
      return unexpected;
    }
  }
}
