import { z } from 'zod';
import type { SubjectEvent } from '../domain/subject/subject.events';
import type { VerificationEventType } from '../domain/verification/verification.events';

/*
 * The schema of each event type's `data` at its current schemaVersion (docs/ledger-format.md, "An event as
 * stored"). They check what every reader relies on: required fields present with the right JSON type, times
 * parseable. Objects stay open (a field added later is not an error), and free text and the encrypted `pii`
 * section are not looked into. An event that does not fit is malformed, and every reader refuses it the same way.
 */

const text = z.string();
const id = z.string().min(1);
const int = z.number().int();
const instant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 time');
const texts = z.array(z.string());
const flags = z.record(z.string(), z.boolean());
const trace = z.array(z.looseObject({}));

const check = z.looseObject({
  kind: text,
  result: text,
  score: z.number().optional(),
  reasonCodes: texts.optional(),
  vendorLabels: texts.optional(),
});

// Decisions recorded before every field existed lack some: those are optional here, the readers that need
// them check them themselves.
const decision = {
  reasonCodes: texts,
  decidedBy: text,
  tier: text.optional(),
  policyHash: text.optional(),
  attempt: int.optional(),
  reviewerId: text.optional(),
  overrideId: text.optional(),
  decidedAt: instant,
};

export type DataSchema = z.ZodType<Record<string, unknown>>;

export const VERIFICATION_SCHEMAS: Record<VerificationEventType, DataSchema> = {
  VerificationInitiated: z.looseObject({
    sessionId: id,
    subjectId: id,
    jurisdiction: text,
    segment: text,
    path: text,
    tier: text,
    policyId: text,
    policyVersion: text,
    policyHash: text,
    requiredChecks: texts,
    riskSignals: flags.optional(),
    maxResubmissions: int.optional(),
    ruleTrace: trace.optional(),
    consentId: text.optional(),
    expiresAt: instant,
    initiatedAt: instant,
  }),
  CaptureStarted: z.looseObject({ attempt: int, channel: text, deviceClass: text, startedAt: instant }),
  EvidenceSubmitted: z.looseObject({
    evidenceId: id,
    attempt: int,
    kind: text,
    documentType: text.optional(),
    issuingCountry: text.optional(),
    vendor: text,
    vendorReference: text,
    documentExpired: z.boolean().optional(),
    belowMinimumAge: z.boolean().optional(),
    duplicateOf: z
      .looseObject({ sessionId: text, match: z.enum(['document', 'name_and_birth_date']) })
      .optional(),
    submittedAt: instant,
  }),
  VendorSessionOpened: z.looseObject({
    vendor: text,
    vendorReference: text,
    vendorRequestId: text.optional(),
    attempt: int,
    expiresAt: instant,
    openedAt: instant,
  }),
  VendorRequestFailed: z.looseObject({
    vendor: text,
    operation: text,
    errorClass: text,
    httpStatus: int.optional(),
    vendorRequestId: text.optional(),
    attempts: int,
    failedAt: instant,
  }),
  VendorFallbackChosen: z.looseObject({
    from: text,
    to: text,
    reason: text,
    rule: text.optional(),
    ruleExpiresAt: instant.optional(),
    chosenAt: instant,
  }),
  VendorSessionQueued: z.looseObject({ vendor: text, reason: text, messageCode: text, queuedAt: instant }),
  VendorResultFetched: z.looseObject({
    vendor: text,
    vendorEventId: text,
    objectId: text,
    operation: text,
    vendorRequestId: text.optional(),
    fetchedAt: instant,
  }),
  VendorResultReceived: z.looseObject({
    vendor: text,
    vendorEventId: text,
    vendorCreatedAt: text,
    checks: z.array(check),
    riskSignals: flags.optional(),
    attempt: int,
    counted: z.boolean(),
    receivedAt: instant,
  }),
  DecisionEvaluated: z.looseObject({
    outcome: text,
    reasonCodes: texts,
    ruleTrace: trace,
    policyHash: text,
    policyVersion: text.optional(),
    attempt: int,
    tier: text,
    // Evaluations recorded before triggers were named have none.
    trigger: text.optional(),
    stepUp: z.looseObject({ tier: text, requiredChecks: texts }).optional(),
    evaluatedAt: instant,
  }),
  ReviewRequested: z.looseObject({
    priority: z.number(),
    reasons: texts,
    queue: text,
    slaDueAt: instant,
    attempt: int,
    requestedAt: instant,
  }),
  ReviewSlaBreached: z.looseObject({
    slaDueAt: instant,
    priority: z.number(),
    escalatedPriority: z.number(),
    queue: text,
    escalationQueue: text,
    breachedAt: instant,
  }),
  ReviewerAssigned: z.looseObject({
    reviewerId: id,
    previousReviewerId: text.optional(),
    assignedAt: instant,
  }),
  ReviewCompleted: z.looseObject({
    reviewerId: id,
    outcome: text,
    reasonCodes: texts,
    reviewerRoles: texts.optional(),
    hasNote: z.boolean(),
    completedAt: instant,
  }),
  OverrideRequested: z.looseObject({
    overrideId: id,
    requestedBy: id,
    outcome: text,
    reasonCodes: texts,
    justification: text.optional(),
    requestedAt: instant,
  }),
  OverrideApproved: z.looseObject({
    overrideId: id,
    approverId: id,
    approverRoles: texts,
    outcome: text,
    approvedAt: instant,
  }),
  OverrideRejected: z.looseObject({
    overrideId: id,
    approverId: id,
    approverRoles: texts,
    reason: text.optional(),
    rejectedAt: instant,
  }),
  ResubmissionRequested: z.looseObject({
    attempt: int,
    maxAttempts: int,
    reasonCodes: texts,
    requestedAt: instant,
  }),
  VerificationApproved: z.looseObject(decision),
  VerificationRejected: z.looseObject(decision),
  VerificationExpired: z.looseObject({
    expiresAt: instant,
    previousStatus: text,
    reasonCodes: texts.optional(),
    expiredAt: instant,
  }),
  VerificationClosed: z.looseObject({
    reasonCodes: texts,
    previousStatus: text,
    consentId: text.optional(),
    erasureRequestId: text.optional(),
    closedAt: instant,
  }),
};

export const SUBJECT_SCHEMAS: Record<SubjectEvent['type'], DataSchema> = {
  ConsentGranted: z.looseObject({
    consentId: id,
    scopes: texts,
    noticeVersion: text,
    noticeHash: text.optional(),
    policyHash: text.optional(),
    locale: text.optional(),
    channel: text.optional(),
    grantedAt: instant,
  }),
  ConsentWithdrawn: z.looseObject({ consentId: id, scopes: texts, withdrawnAt: instant }),
  RelationshipEnded: z.looseObject({ endedAt: instant, recordedAt: instant, corrects: text.optional() }),
  LegalHoldPlaced: z.looseObject({ holdId: id, reason: text, placedAt: instant }),
  LegalHoldReleased: z.looseObject({ holdId: id, releasedAt: instant }),
  PersonalDataAccessed: z.looseObject({
    accessId: id,
    accessedBy: text,
    roles: texts,
    justification: text,
    dataClasses: texts,
    accessedAt: instant,
  }),
  ErasureRequested: z.looseObject({
    requestId: id,
    ground: text,
    reference: text.optional(),
    requestedAt: instant,
    erased: texts,
    restricted: z.array(z.looseObject({ dataClass: text })),
    notHeld: texts,
  }),
  ErasureRestrictionReleased: z.looseObject({
    requestId: id,
    reason: text,
    reference: text.optional(),
    releasedBy: text,
    releasedAt: instant,
  }),
  PersonalDataShredded: z.looseObject({
    shredId: id,
    dataClasses: texts,
    reason: text,
    requestId: text.optional(),
    coverage: text.optional(),
    shreddedAt: instant,
  }),
};
