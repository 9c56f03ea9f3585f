import { join } from 'node:path';
import type { CheckResult } from '../../src/domain/policy/policy.types';
import type { ReasonCode } from '../../src/domain/reason-codes';
import {
  decideSubject,
  evolveSubject,
  initialSubjectState,
  type SubjectCommand,
  type SubjectState,
} from '../../src/domain/subject';
import {
  decideVerification,
  evolveVerification,
  initialVerificationState,
  type SubjectStanding,
  type VerificationCommand,
  type VerificationState,
} from '../../src/domain/verification';
import type { Actor } from '../../src/ledger/envelope';
import type { EventDraft, Ledger } from '../../src/ledger/ledger';
import { subjectStream, verificationStream } from '../../src/ledger/stream-names';
import { PolicyRegistry } from '../../src/policies/policy-registry';
import type { JsonObject } from '../../src/shared/json';

/*
 * Realistic ledger histories for projection tests and benchmarks: subjects with consents (some withdrawn) and
 * verification sessions taken through the real deciders under the shipped default policy — approvals,
 * resubmissions, reviews (approve, reject, reassign), overrides, embargoes, manual-review countries and expiries.
 * Deterministic for a seed, so a run can be repeated.
 */

/** Personal data the histories carry (encrypted when the ledger has a cipher); no read model may contain it. */
export const FIXTURE_PII = {
  fullName: 'Projection Testperson-Qz',
  dateOfBirth: '1987-03-14',
  documentNumber: 'PQZ0042017',
  address: 'Lindenallee 5, 10115 Berlin-Qz',
  note: 'Reviewer note naming Testperson-Qz',
  consentEvidence: 'signed-form-Testperson-Qz',
} as const;

export interface HistoryOptions {
  readonly subjects: number;
  readonly seed?: number;
  /** Journeys written at the same time (group commit on SQLite). */
  readonly concurrency?: number;
  /** Prefix of subject ids, so several histories can share a store. */
  readonly prefix?: string;
  /** Simulated start time of the first journey. */
  readonly startAt?: string;
  /** Write personal data (needs a ledger with a cipher). */
  readonly pii?: boolean;
}

export interface History {
  readonly events: number;
  readonly subjects: readonly string[];
  readonly sessions: readonly string[];
}

const POLICIES = PolicyRegistry.fromDirectory(join(__dirname, '../../policies'));

const CLEAR: CheckResult[] = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];
const BLURRED: CheckResult[] = [
  { kind: 'document', result: 'fail', reasonCodes: ['DOC_IMAGE_QUALITY'] },
  ...CLEAR.slice(1),
];
const SANCTIONS_HIT: CheckResult[] = [
  ...CLEAR.slice(0, 3),
  { kind: 'sanctions', result: 'consider', reasonCodes: ['SANCTIONS_HIT'] },
];

const OPERATOR: Actor = { kind: 'user', id: 'operator-1', roles: ['operator'] };
const VENDOR: Actor = { kind: 'vendor', id: 'onfido', roles: [] };
const REVIEWER: Actor = { kind: 'user', id: 'reviewer-1', roles: ['reviewer'] };
const SENIOR: Actor = { kind: 'user', id: 'senior-1', roles: ['senior_reviewer', 'reviewer'] };
/** The subject still consents and asked for no erasure. */
const CONSENTING: SubjectStanding = { consentInForce: true };
/** A clearance note without personal data, for the scenarios that carry none. */
const CLEARANCE_NOTE = 'Cleared: the list entry differs in date of birth and nationality.';
const SYSTEM: Actor = { kind: 'system', id: 'expiry-scheduler', roles: [] };

type Scenario =
  | 'approve'
  | 'resubmit'
  | 'review_reject'
  | 'review_approve'
  | 'reassign'
  | 'override'
  | 'embargo'
  | 'manual'
  | 'expire'
  | 'pending';

const SCENARIOS: readonly [Scenario, number][] = [
  ['approve', 35],
  ['resubmit', 12],
  ['review_reject', 10],
  ['review_approve', 8],
  ['reassign', 5],
  ['override', 5],
  ['embargo', 5],
  ['manual', 8],
  ['expire', 6],
  ['pending', 6],
];

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(rnd: () => number): Scenario {
  const total = SCENARIOS.reduce((sum, [, w]) => sum + w, 0);
  let r = rnd() * total;
  for (const [scenario, weight] of SCENARIOS) {
    r -= weight;
    if (r < 0) return scenario;
  }
  return 'approve';
}

/** Writes `subjects` journeys into the ledger; returns how many events were written. */
export async function writeHistory(ledger: Ledger, options: HistoryOptions): Promise<History> {
  const rnd = random(options.seed ?? 1);
  const prefix = options.prefix ?? 'sub';
  const start = Date.parse(options.startAt ?? '2026-11-02T08:00:00.000Z');
  const plans = Array.from({ length: options.subjects }, (_, i) => ({
    subjectId: `${prefix}_${i}`,
    scenario: pick(rnd),
    extraConsent: rnd() < 0.25,
    at: start + i * 7_000,
  }));
  let next = 0;
  let events = 0;
  const sessions: string[] = [];
  const worker = async (): Promise<void> => {
    for (;;) {
      const plan = plans[next];
      next += 1;
      if (plan === undefined) return;
      const written = await journey(ledger, plan, options.pii === true);
      events += written.events;
      sessions.push(written.sessionId);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { events, subjects: plans.map((p) => p.subjectId), sessions };
}

interface Plan {
  readonly subjectId: string;
  readonly scenario: Scenario;
  readonly extraConsent: boolean;
  readonly at: number;
}

async function journey(
  ledger: Ledger,
  plan: Plan,
  pii: boolean,
): Promise<{ events: number; sessionId: string }> {
  const { subjectId, scenario } = plan;
  const sessionId = `ses_${subjectId}`;
  let time = plan.at;
  const now = (minutes = 1): string => {
    time += minutes * 60_000;
    return new Date(time).toISOString();
  };
  let events = 0;
  const policy = POLICIES.active(new Date(time));

  let subject: SubjectState = initialSubjectState;
  let subjectRevision = -1;
  const onSubject = async (command: SubjectCommand): Promise<void> => {
    const decided = decideSubject(command, subject);
    if (decided.length === 0) return;
    const result = await ledger.append(
      subjectStream(subjectId),
      decided.map((e) => draft(e, subjectId, pii)),
      subjectRevision < 0 ? 'no_stream' : subjectRevision,
      { actor: OPERATOR, correlationId: `corr-${subjectId}` },
    );
    subjectRevision = result.nextRevision;
    subject = decided.reduce(evolveSubject, subject);
    events += decided.length;
  };

  let session: VerificationState = initialVerificationState;
  let revision = -1;
  const onSession = async (command: VerificationCommand, actor: Actor): Promise<void> => {
    const decided = decideVerification(command, session);
    if (decided.length === 0) return;
    const result = await ledger.append(
      verificationStream(sessionId),
      decided.map((e) => draft(e, subjectId, pii)),
      revision < 0 ? 'no_stream' : revision,
      { actor, correlationId: `corr-${sessionId}` },
    );
    revision = result.nextRevision;
    session = decided.reduce(evolveVerification, session);
    events += decided.length;
  };

  const consentId = `con_${subjectId}`;
  await onSubject({
    type: 'GrantConsent',
    data: {
      consentId,
      scopes: ['identity_verification', 'document_processing'],
      noticeVersion: '2026-01',
      policyHash: policy.hash,
      locale: 'de-DE',
      channel: 'web',
      ...(pii ? { evidence: { form: FIXTURE_PII.consentEvidence } } : {}),
      now: now(),
    },
  });
  if (plan.extraConsent) {
    await onSubject({
      type: 'GrantConsent',
      data: {
        consentId: `${consentId}_mkt`,
        scopes: ['data_sharing_vendors'],
        noticeVersion: '2026-02',
        policyHash: policy.hash,
        locale: 'de-DE',
        channel: 'app',
        now: now(),
      },
    });
    await onSubject({ type: 'WithdrawConsent', data: { consentId: `${consentId}_mkt`, now: now() } });
  }

  const jurisdiction = scenario === 'embargo' ? 'KP' : scenario === 'manual' ? 'FR' : 'DE';
  const consent = subject.consents.get(consentId);
  await onSession(
    {
      type: 'StartVerification',
      data: {
        sessionId,
        subjectId,
        jurisdiction,
        segment: 'retail',
        riskSignals: {},
        consent: consent === undefined ? undefined : { ...consent },
        policy,
        now: now(),
      },
    },
    OPERATOR,
  );
  if (scenario === 'embargo') return { events, sessionId };
  if (scenario === 'expire') {
    await onSession({ type: 'ExpireVerification', data: { sessionId, now: now(4 * 24 * 60) } }, SYSTEM);
    return { events, sessionId };
  }

  const attempt = async (checks: readonly CheckResult[]): Promise<void> => {
    await onSession(
      {
        type: 'StartCapture',
        data: { sessionId, channel: 'web', deviceClass: 'mobile', subject: CONSENTING, now: now() },
      },
      OPERATOR,
    );
    await onSession(
      {
        type: 'SubmitEvidence',
        data: {
          sessionId,
          evidenceId: `evd_${sessionId}_${revision}`,
          kind: 'document',
          documentType: 'passport',
          issuingCountry: 'DE',
          vendor: 'onfido',
          vendorReference: `doc_${sessionId}_${revision}`,
          ...(pii
            ? {
                attributes: {
                  fullName: FIXTURE_PII.fullName,
                  dateOfBirth: FIXTURE_PII.dateOfBirth,
                  documentNumber: FIXTURE_PII.documentNumber,
                  address: FIXTURE_PII.address,
                },
              }
            : {}),
          policy,
          subject: CONSENTING,
          now: now(),
        },
      },
      OPERATOR,
    );
    await onSession(
      {
        type: 'RecordVendorResult',
        data: {
          sessionId,
          vendor: 'onfido',
          vendorEventId: `evt_${sessionId}_${revision}`,
          vendorCreatedAt: now(),
          checks: jurisdiction === 'FR' ? [...checks, { kind: 'pep', result: 'clear' }] : checks,
          policy,
          subject: CONSENTING,
          now: now(),
        },
      },
      VENDOR,
    );
  };

  const review = async (outcome: 'approve' | 'reject', reasonCodes: ReasonCode[]): Promise<void> => {
    await onSession(
      {
        type: 'AssignReviewer',
        data: {
          sessionId,
          reviewerId: REVIEWER.id,
          assignedBy: REVIEWER.id,
          assignerRoles: ['reviewer'],
          now: now(30),
        },
      },
      REVIEWER,
    );
    if (scenario === 'reassign') {
      await onSession(
        {
          type: 'AssignReviewer',
          data: {
            sessionId,
            reviewerId: 'reviewer-2',
            assignedBy: SENIOR.id,
            assignerRoles: ['senior_reviewer'],
            now: now(10),
          },
        },
        SENIOR,
      );
      return;
    }
    // Clearing the sanctions hit these scenarios raise is a senior reviewer's call, with a note: the senior
    // takes the review over.
    const reviewer = outcome === 'approve' ? SENIOR : REVIEWER;
    const note = pii ? FIXTURE_PII.note : outcome === 'approve' ? CLEARANCE_NOTE : undefined;
    if (reviewer !== REVIEWER) {
      await onSession(
        {
          type: 'AssignReviewer',
          data: {
            sessionId,
            reviewerId: reviewer.id,
            assignedBy: reviewer.id,
            assignerRoles: ['senior_reviewer'],
            now: now(5),
          },
        },
        reviewer,
      );
    }
    await onSession(
      {
        type: 'CompleteReview',
        data: {
          sessionId,
          reviewerId: reviewer.id,
          reviewerRoles: reviewer.roles,
          outcome,
          reasonCodes,
          ...(note === undefined ? {} : { note }),
          policy,
          subject: CONSENTING,
          now: now(),
        },
      },
      reviewer,
    );
  };

  switch (scenario) {
    case 'approve':
      await attempt(CLEAR);
      break;
    case 'resubmit':
      await attempt(BLURRED);
      await attempt(CLEAR);
      break;
    case 'review_reject':
      await attempt(SANCTIONS_HIT);
      await review('reject', ['SANCTIONS_HIT']);
      break;
    case 'review_approve':
    case 'reassign':
      await attempt(SANCTIONS_HIT);
      await review('approve', []);
      break;
    case 'override': {
      await attempt(SANCTIONS_HIT);
      await review('reject', ['SANCTIONS_HIT']);
      const overrideId = `ovr_${sessionId}`;
      await onSession(
        {
          type: 'RequestOverride',
          data: {
            sessionId,
            overrideId,
            requestedBy: REVIEWER.id,
            outcome: 'approve',
            justification: 'False positive: the list entry differs in date of birth.',
            now: now(60),
          },
        },
        REVIEWER,
      );
      await onSession(
        {
          type: 'ApproveOverride',
          data: {
            sessionId,
            overrideId,
            approverId: SENIOR.id,
            approverRoles: SENIOR.roles,
            policy,
            subject: CONSENTING,
            now: now(30),
          },
        },
        SENIOR,
      );
      break;
    }
    case 'manual':
      await attempt(CLEAR);
      break;
    case 'pending':
      await attempt(SANCTIONS_HIT);
      break;
  }
  return { events, sessionId };
}

function draft(
  event: { type: string; data: object; pii?: Partial<Record<string, JsonObject>> },
  subjectId: string,
  pii: boolean,
): EventDraft {
  const classes = event.pii !== undefined && Object.keys(event.pii).length > 0 ? event.pii : undefined;
  return {
    type: event.type,
    data: event.data as JsonObject,
    ...(pii && classes !== undefined ? { pii: { subjectId, classes } } : {}),
  };
}
