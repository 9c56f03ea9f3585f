import type { ConsentSnapshot } from '../../../../src/domain/subject';
import type {
  CheckResultData,
  DecisionEvaluated,
  SubjectStanding,
  VerificationCommand,
  VerificationEvent,
  VerificationInitiated,
  VerificationStatus,
} from '../../../../src/domain/verification';
import { POLICY } from './test-policy';

/*
 * Events and commands of a DE/retail session under the test policy, and the history that brings a session
 * into each status. Given-events are written out rather than produced by the decider, so a specification
 * states its precondition plainly.
 */

export const SESSION = 'ses_1';
export const SUBJECT = 'sub_1';
export const T0 = '2026-11-26T10:00:00.000Z';
/** T0 + P3D, the test policy's session time to live. */
export const EXPIRES_AT = '2026-11-29T10:00:00.000Z';

/** T0 plus `minutes`, as the ISO string the deciders emit. */
export function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

/** The personal data the specifications send: none of it may ever appear in an event's `data`. */
export const PII = {
  fullName: 'Erika Mustermann',
  dateOfBirth: '1964-08-12',
  documentNumber: 'T22000129',
  address: 'Heidestrasse 17, 51147 Koeln',
  note: 'Spoke to Erika on the phone; her maiden name is Gabler',
} as const;
export const PII_STRINGS: readonly string[] = [
  PII.fullName,
  PII.dateOfBirth,
  PII.documentNumber,
  PII.address,
  PII.note,
  'Gabler',
];

export const CONSENT: ConsentSnapshot = {
  consentId: 'con_1',
  scopes: ['identity_verification', 'biometric_processing'],
  noticeVersion: '2026-01',
  policyHash: POLICY.hash,
  locale: 'de-DE',
  channel: 'web',
  grantedAt: at(-5),
};

/** The person consents and asked for no erasure. */
export const STANDING: SubjectStanding = { consentInForce: true };

export const STANDARD_CHECKS = ['document', 'face_match', 'liveness', 'sanctions'] as const;

export const ALL_CLEAR: CheckResultData[] = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.93 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];

export function initiated(overrides: Partial<VerificationInitiated['data']> = {}): VerificationInitiated {
  return {
    type: 'VerificationInitiated',
    data: {
      sessionId: SESSION,
      subjectId: SUBJECT,
      jurisdiction: 'DE',
      segment: 'retail',
      path: 'automatic',
      tier: 'standard',
      policyId: POLICY.document.policyId,
      policyVersion: POLICY.document.version,
      policyHash: POLICY.hash,
      requiredChecks: [...STANDARD_CHECKS],
      riskSignals: {},
      maxResubmissions: 2,
      ruleTrace: [],
      consentId: CONSENT.consentId,
      expiresAt: EXPIRES_AT,
      initiatedAt: T0,
      ...overrides,
    },
  };
}

export const captureStarted = (attempt = 1, startedAt = at(1)): VerificationEvent => ({
  type: 'CaptureStarted',
  data: { attempt, channel: 'web', deviceClass: 'mobile', startedAt },
});

export const evidenceSubmitted = (
  evidenceId = 'evd_1',
  attempt = 1,
  submittedAt = at(2),
  documentType: 'passport' | 'id_card' | 'driving_licence' = 'passport',
): VerificationEvent => ({
  type: 'EvidenceSubmitted',
  data: {
    evidenceId,
    attempt,
    kind: 'document',
    documentType,
    issuingCountry: 'DE',
    vendor: 'onfido',
    vendorReference: `doc_${evidenceId}`,
    submittedAt,
  },
});

export const resultReceived = (
  vendorEventId: string,
  checks: CheckResultData[],
  receivedAt = at(3),
  extra: { attempt?: number; counted?: boolean; vendor?: string; vendorCreatedAt?: string } = {},
): VerificationEvent => ({
  type: 'VendorResultReceived',
  data: {
    vendor: extra.vendor ?? 'onfido',
    vendorEventId,
    vendorCreatedAt: extra.vendorCreatedAt ?? receivedAt,
    checks,
    attempt: extra.attempt ?? 1,
    counted: extra.counted ?? true,
    receivedAt,
  },
});

export const evaluated = (
  outcome: DecisionEvaluated['data']['outcome'],
  reasonCodes: DecisionEvaluated['data']['reasonCodes'] = [],
  evaluatedAt = at(3),
  attempt = 1,
): VerificationEvent => ({
  type: 'DecisionEvaluated',
  data: {
    outcome,
    reasonCodes,
    ruleTrace: [],
    policyHash: POLICY.hash,
    policyVersion: POLICY.document.version,
    attempt,
    tier: 'standard',
    trigger: 'vendor_result',
    evaluatedAt,
  },
});

export const approvedBy = (
  decidedBy: 'policy' | 'reviewer' | 'override',
  decidedAt = at(3),
  reasonCodes: DecisionEvaluated['data']['reasonCodes'] = [],
): VerificationEvent => ({
  type: 'VerificationApproved',
  data: { reasonCodes, decidedBy, tier: 'standard', policyHash: POLICY.hash, attempt: 1, decidedAt },
});

export const rejectedBy = (
  decidedBy: 'policy' | 'reviewer' | 'override',
  reasonCodes: DecisionEvaluated['data']['reasonCodes'],
  decidedAt = at(3),
): VerificationEvent => ({
  type: 'VerificationRejected',
  data: {
    reasonCodes,
    decidedBy,
    tier: 'standard',
    policyHash: POLICY.hash,
    attempt: 1,
    decidedAt,
    final: true,
  },
});

export const reviewRequested = (requestedAt = at(3)): VerificationEvent => ({
  type: 'ReviewRequested',
  data: {
    priority: 1,
    reasons: ['SANCTIONS_HIT'],
    queue: 'test-review',
    slaDueAt: new Date(Date.parse(requestedAt) + 4 * 3_600_000).toISOString(),
    attempt: 1,
    requestedAt,
  },
});

export const resubmissionRequested = (attempt = 2, requestedAt = at(3)): VerificationEvent => ({
  type: 'ResubmissionRequested',
  data: { attempt, maxAttempts: 3, reasonCodes: ['FACE_MISMATCH'], requestedAt },
});

export const overrideRequested = (
  overrideId = 'ovr_1',
  outcome: 'approve' | 'reject' = 'reject',
): VerificationEvent => ({
  type: 'OverrideRequested',
  data: {
    overrideId,
    requestedBy: 'rev_alice',
    outcome,
    reasonCodes: [],
    justification: 'Adverse media found after the automatic approval.',
    requestedAt: at(10),
  },
});

const submitted = [initiated(), captureStarted(), evidenceSubmitted()];

/** A session in review for an ambiguous document score (no compliance hit), its SLA due at `slaDueAt`. */
export function scoreReview(slaDueAt: string): VerificationEvent[] {
  return [
    ...submitted,
    resultReceived('evt_1', [{ kind: 'document', result: 'clear', score: 0.87 }, ...ALL_CLEAR.slice(1)]),
    evaluated('review', ['SCORE_AMBIGUOUS']),
    {
      type: 'ReviewRequested',
      data: {
        priority: 4,
        reasons: ['SCORE_AMBIGUOUS'],
        queue: 'test-review',
        slaDueAt,
        attempt: 1,
        requestedAt: at(3),
      },
    },
  ];
}

/** A history that leaves the session in each status. */
export const HISTORY: Readonly<Record<VerificationStatus, readonly VerificationEvent[]>> = {
  initiated: [initiated()],
  capture_in_progress: [initiated(), captureStarted()],
  submitted,
  pending_review: [
    ...submitted,
    resultReceived('evt_1', [{ kind: 'sanctions', result: 'consider' }]),
    evaluated('review', ['SANCTIONS_HIT']),
    reviewRequested(),
  ],
  approved: [
    ...submitted,
    resultReceived('evt_1', [...ALL_CLEAR]),
    evaluated('approve'),
    approvedBy('policy'),
  ],
  rejected: [
    ...submitted,
    resultReceived('evt_1', [{ kind: 'age', result: 'fail' }]),
    evaluated('reject', ['AGE_BELOW_THRESHOLD']),
    rejectedBy('policy', ['AGE_BELOW_THRESHOLD']),
  ],
  expired: [
    initiated(),
    {
      type: 'VerificationExpired',
      data: {
        expiresAt: EXPIRES_AT,
        previousStatus: 'initiated',
        reasonCodes: ['SESSION_EXPIRED'],
        expiredAt: EXPIRES_AT,
      },
    },
  ],
  closed: [
    initiated(),
    {
      type: 'VerificationClosed',
      data: {
        reasonCodes: ['CONSENT_WITHDRAWN'],
        previousStatus: 'initiated',
        consentId: 'con_1',
        closedAt: at(10),
      },
    },
  ],
  needs_resubmission: [
    ...submitted,
    resultReceived('evt_1', [{ kind: 'face_match', result: 'fail' }]),
    evaluated('resubmit', ['FACE_MISMATCH']),
    resubmissionRequested(),
  ],
};

/** One valid command of each type, as a reviewer, operator or vendor would send it to session ses_1. */
export const COMMANDS: {
  readonly [T in VerificationCommand['type']]: Extract<VerificationCommand, { type: T }>;
} = {
  StartVerification: {
    type: 'StartVerification',
    data: {
      sessionId: SESSION,
      subjectId: SUBJECT,
      jurisdiction: 'DE',
      segment: 'retail',
      riskSignals: {},
      consent: CONSENT,
      policy: POLICY,
      now: T0,
    },
  },
  StartCapture: {
    type: 'StartCapture',
    data: { sessionId: SESSION, channel: 'web', deviceClass: 'mobile', subject: STANDING, now: at(20) },
  },
  RecordVendorSession: {
    type: 'RecordVendorSession',
    data: {
      sessionId: SESSION,
      vendor: 'onfido',
      outcome: { kind: 'opened', vendorReference: 'app_1', vendorRequestId: 'req_1', expiresAt: at(80) },
      subject: STANDING,
      now: at(20),
    },
  },
  SubmitEvidence: {
    type: 'SubmitEvidence',
    data: {
      sessionId: SESSION,
      evidenceId: 'evd_9',
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'onfido',
      vendorReference: 'doc_evd_9',
      attributes: {
        fullName: PII.fullName,
        dateOfBirth: PII.dateOfBirth,
        documentNumber: PII.documentNumber,
      },
      policy: POLICY,
      subject: STANDING,
      now: at(20),
    },
  },
  RecordVendorResult: {
    type: 'RecordVendorResult',
    data: {
      sessionId: SESSION,
      vendor: 'onfido',
      vendorEventId: 'evt_9',
      vendorCreatedAt: at(20),
      checks: [{ kind: 'document', result: 'clear', score: 0.95 }],
      policy: POLICY,
      subject: STANDING,
      now: at(20),
    },
  },
  AssignReviewer: {
    type: 'AssignReviewer',
    data: {
      sessionId: SESSION,
      reviewerId: 'rev_bob',
      assignedBy: 'rev_bob',
      assignerRoles: ['reviewer'],
      now: at(20),
    },
  },
  CompleteReview: {
    type: 'CompleteReview',
    data: {
      sessionId: SESSION,
      reviewerId: 'rev_bob',
      reviewerRoles: ['reviewer'],
      outcome: 'approve',
      reasonCodes: [],
      policy: POLICY,
      subject: STANDING,
      now: at(20),
    },
  },
  RequestOverride: {
    type: 'RequestOverride',
    data: {
      sessionId: SESSION,
      overrideId: 'ovr_9',
      requestedBy: 'rev_alice',
      outcome: 'reject',
      justification: 'Adverse media found after the automatic approval.',
      now: at(20),
    },
  },
  ApproveOverride: {
    type: 'ApproveOverride',
    data: {
      sessionId: SESSION,
      overrideId: 'ovr_1',
      approverId: 'sen_carol',
      approverRoles: ['reviewer', 'senior_reviewer'],
      policy: POLICY,
      subject: STANDING,
      now: at(20),
    },
  },
  RejectOverride: {
    type: 'RejectOverride',
    data: {
      sessionId: SESSION,
      overrideId: 'ovr_1',
      approverId: 'sen_carol',
      approverRoles: ['senior_reviewer'],
      reason: 'The adverse media concerns a namesake.',
      now: at(20),
    },
  },
  ExpireVerification: { type: 'ExpireVerification', data: { sessionId: SESSION, now: EXPIRES_AT } },
  EscalateReview: {
    type: 'EscalateReview',
    data: { sessionId: SESSION, policy: POLICY, now: at(5 * 60) },
  },
  CloseVerification: {
    type: 'CloseVerification',
    data: { sessionId: SESSION, reason: 'CONSENT_WITHDRAWN', consentId: 'con_1', now: at(20) },
  },
};

/** A command of a type with some fields replaced. */
export function command<T extends VerificationCommand['type']>(
  type: T,
  overrides: Partial<Extract<VerificationCommand, { type: T }>['data']> = {},
): Extract<VerificationCommand, { type: T }> {
  const base: Extract<VerificationCommand, { type: T }> = COMMANDS[type];
  return { ...base, data: { ...base.data, ...overrides } };
}
