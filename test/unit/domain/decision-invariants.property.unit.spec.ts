import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { standingOf } from '../../../src/domain/subject';
import { DATA_CLASSES, type DataClass } from '../../../src/shared/data-classes';
import {
  CHECK_KINDS,
  DOCUMENT_TYPES,
  type CheckKind,
  type CheckResult,
  type CheckResultValue,
  type DocumentType,
  type EvidenceKind,
  type JurisdictionRules,
  type PolicyDocument,
  type TierRule,
} from '../../../src/domain/policy/policy.types';
import { isScreeningHit, type ReasonCode } from '../../../src/domain/reason-codes';
import { DomainError } from '../../../src/domain/shared/domain-error';
import {
  type ClassRetention,
  consentInForce,
  decideSubject,
  evolveSubject,
  initialSubjectState,
  type SubjectCommand,
  type SubjectState,
} from '../../../src/domain/subject';
import {
  decideVerification,
  type EvidenceRef,
  evolveVerification,
  initialVerificationState,
  type ManualOutcome,
  type SubjectStanding,
  type SubmitEvidence,
  type Verification,
  VERIFICATION_STATUSES,
  type VerificationCommand,
  type VerificationEvent,
  type VerificationState,
  type VerificationStatus,
  verificationCommand,
} from '../../../src/domain/verification';
import { canonicalJson } from '../../../src/shared/canonical-json';
import type { LedgerEvent } from '../../../src/ledger/envelope';
import { PolicyReplay } from '../../../src/policy-lab/replay';
import { storedEvents } from '../../support/decided-sessions';
import { cloneDocument, loaded, shippedPolicy } from '../policy/policy-fixtures';

/*
 * docs/decision-invariants.md, hunted by generated histories. One verification session of one subject, under the
 * shipped policy in force, receives a sequence of commands — capture, evidence (valid, expired, of a minor, of a
 * type or issuer the policy refuses, repeated), vendor results of two vendors (any result, out of order,
 * redelivered, with risk signals), clock jumps past the time to live, the scheduler's expiry, assignments (by
 * seniors and by reviewers without that role), reviews, overrides, the session closer — while the subject's own
 * stream takes consents, newer consents, withdrawals and erasure requests. Every command goes through the real
 * deciders, with the standing `standingOf` reads from the folded subject stream, exactly as
 * VerificationCommandHandler hands it over; capture and evidence, whose deciders receive no standing, are refused
 * without consent as the handler refuses them (assertMayProcess). A refusal (a DomainError) changes nothing; any
 * other exception fails. After each step, every invariant is checked against what this file computes on its own
 * from the command history (each vendor's latest result, the attempt, the raised signals).
 */

const policy = shippedPolicy();
const SESSION_ID = 'ses_prop';
const SUBJECT_ID = 'sub_prop';
const T0 = '2026-12-02T09:00:00.000Z';
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const SIGNALS = Object.keys(policy.document.riskSignals);
const EMBARGOED = policy.document.embargoedJurisdictions;

/** The person's data the commands carry: none of it may appear in any event's `data` (their birth dates too). */
const PERSON = {
  fullName: 'Jolanta Kwiatkowska-Brandt',
  documentNumber: 'C4XK81P07',
  address: 'Am Kupfergraben 6, 10117 Berlin',
  note: 'Called Jolanta at home; her sister Renata runs the family firm',
} as const;
/** The media references of a selfie are personal data too (biometric_refs). */
const PERSONAL_DATA = [...Object.values(PERSON), 'Kwiatkowska', 'Renata', 'media_'];

const OPEN: readonly VerificationStatus[] = [
  'initiated',
  'capture_in_progress',
  'submitted',
  'needs_resubmission',
];
const UNDECIDED: readonly VerificationStatus[] = [...OPEN, 'pending_review'];
const HIT_KINDS: readonly CheckKind[] = ['sanctions', 'pep'];
const NOT_CLEAR: readonly CheckResultValue[] = ['fail', 'consider'];

const plus = (instant: string, minutes: number): string =>
  new Date(Date.parse(instant) + minutes * MINUTE_MS).toISOString();
const ms = (instant: string): number => Date.parse(instant);

// ---------------------------------------------------------------------------------------------------------------
// The generated history
// ---------------------------------------------------------------------------------------------------------------

type Expiry = 'valid' | 'expired' | 'none';
/** `eighteenToday` comes of age on the day of submission (an adult); `eighteenTomorrow` a day later (a minor). */
type Birth = 'adult' | 'minor' | 'eighteenToday' | 'eighteenTomorrow' | 'none';
type Reviewer = 'rev_x' | 'rev_y';

type Step =
  | { readonly t: 'capture'; readonly dt: number }
  | {
      readonly t: 'vendorSession';
      readonly dt: number;
      /**
       * What the server's call to a vendor came to: a session opened (one of two references), a failure, a
       * fallback, or no vendor answering (queued: `waiting_for_vendor`).
       */
      readonly outcome: 'opened1' | 'opened2' | 'failed' | 'fallback' | 'queued';
    }
  | {
      readonly t: 'evidence';
      readonly dt: number;
      readonly kind: EvidenceKind;
      readonly documentType: DocumentType;
      /** `home`: the session's jurisdiction. */
      readonly issuer: string;
      readonly expiry: Expiry;
      readonly birth: Birth;
      /** A new id, the id of earlier evidence with the same fields (a retry), or with other fields. */
      readonly reuse: 'new' | 'same' | 'conflict';
      readonly pick: number;
      /** The blind index found the identity under another subject (the handler passes `duplicateOf`). */
      readonly duplicate?: boolean;
    }
  | {
      readonly t: 'vendor';
      readonly dt: number;
      readonly vendor: 'a' | 'b';
      readonly checks: readonly CheckResult[];
      readonly riskSignals?: Readonly<Record<string, boolean>>;
      /** Minutes before `now` the vendor created the result (negative: the vendor's clock runs ahead). */
      readonly createdAgo: number;
      /** A new event id, a redelivery of an earlier one (other content), or an earlier id of the other vendor. */
      readonly id: 'new' | 'redelivery' | 'otherVendor';
      readonly pick: number;
    }
  | { readonly t: 'clock'; readonly minutes: number }
  /** The scheduler's expiry; `due`: it runs when the session's time to live ends (the clock moves there). */
  | { readonly t: 'expire'; readonly dt: number; readonly due: boolean }
  | { readonly t: 'withdraw'; readonly dt: number; readonly which: 'inForce' | 'oldest' }
  | {
      readonly t: 'grant';
      readonly dt: number;
      readonly coversVerification: boolean;
      /** Whether the grant carries evidence of the person's action (the signed form). */
      readonly evidence: boolean;
    }
  | { readonly t: 'erase'; readonly dt: number }
  /** A privacy officer releases the latest erasure request's restriction (`stale`: an older one, refused). */
  | { readonly t: 'release'; readonly dt: number; readonly stale: boolean }
  /**
   * `reviewer` assigns the review: a senior for themself (as the sequences reassign freely), or a non-senior
   * claiming it for themself or handing it to the other reviewer (I14).
   */
  | {
      readonly t: 'assign';
      readonly dt: number;
      readonly reviewer: Reviewer;
      readonly senior: boolean;
      readonly target: 'self' | 'other';
    }
  | {
      readonly t: 'review';
      readonly dt: number;
      readonly reviewer: Reviewer;
      readonly outcome: ManualOutcome;
      readonly senior: boolean;
      readonly note: boolean;
    }
  | {
      readonly t: 'override';
      readonly dt: number;
      /** Ask for the other outcome (else the same one, which is refused). */
      readonly flip: boolean;
      readonly approver: 'senior' | 'junior' | 'requester';
      readonly decision: 'approve' | 'reject';
    }
  | { readonly t: 'close'; readonly dt: number }
  | { readonly t: 'escalate'; readonly dt: number }
  | { readonly t: 'repeat'; readonly dt: number };

interface Scenario {
  readonly jurisdiction: string;
  readonly segment: string;
  readonly riskSignals: Readonly<Record<string, boolean>>;
  readonly steps: readonly Step[];
}

const dt = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 15 }) },
  fc.integer({ min: 0, max: 240 }),
);
const scored = (kind: CheckKind): boolean => ['document', 'face_match', 'liveness', 'address'].includes(kind);
const roundScore = (score: number): number => Math.round(score * 1000) / 1000;
const highScore = fc.double({ min: 0.95, max: 1, noNaN: true }).map(roundScore);
const anyScore = fc.oneof(
  { weight: 6, arbitrary: highScore },
  { weight: 2, arbitrary: fc.double({ min: 0.78, max: 0.95, noNaN: true }).map(roundScore) },
  fc.double({ min: 0, max: 1, noNaN: true }).map(roundScore),
);
/** Codes a vendor might cite: the person's failures, hits, a final one, and one only the engine may use. */
const VENDOR_CODES: readonly ReasonCode[] = [
  'DOC_IMAGE_QUALITY',
  'FACE_MISMATCH',
  'DOC_SUSPECTED_TAMPERING',
  'SANCTIONS_HIT',
  'PEP_MATCH',
  'AGE_BELOW_THRESHOLD',
  'VENDOR_UNAVAILABLE',
];

const cleanCheck = (kind: CheckKind): fc.Arbitrary<CheckResult> =>
  scored(kind)
    ? highScore.map((score): CheckResult => ({ kind, result: 'clear', score }))
    : fc.constant<CheckResult>({ kind, result: 'clear' });

function anyCheck(kind: CheckKind): fc.Arbitrary<CheckResult> {
  return fc
    .record({
      result: fc.oneof(
        { weight: 5, arbitrary: fc.constant<CheckResultValue>('clear') },
        { weight: 2, arbitrary: fc.constant<CheckResultValue>('error') },
        fc.constantFrom<CheckResultValue>('consider', 'fail'),
      ),
      score: fc.option(anyScore, { nil: undefined, freq: 3 }),
      reasonCodes: fc.option(fc.subarray([...VENDOR_CODES], { minLength: 1, maxLength: 2 }), {
        nil: undefined,
        freq: 6,
      }),
    })
    .map(({ result, score, reasonCodes }): CheckResult => ({
      kind,
      result,
      ...(score === undefined || !scored(kind) ? {} : { score }),
      ...(reasonCodes === undefined ? {} : { reasonCodes }),
    }));
}

const ALL_KINDS = [...CHECK_KINDS];
const CAPTURE_KINDS: readonly CheckKind[] = ['document', 'face_match', 'liveness'];
/** Every standard check clear, and sometimes those of higher tiers (then a step-up has nothing left to collect). */
const allClear: fc.Arbitrary<CheckResult[]> = fc
  .subarray<CheckKind>(['pep', 'address', 'age'])
  .chain((extra) =>
    fc.tuple(
      ...ALL_KINDS.filter((k) => !['pep', 'address', 'age'].includes(k) || extra.includes(k)).map(cleanCheck),
    ),
  );
/** Everything clear but a capture the person can redo: a fail, or a score below the threshold. */
const captureToRedo: fc.Arbitrary<CheckResult[]> = fc
  .tuple(
    allClear,
    fc.constantFrom(...CAPTURE_KINDS),
    fc.oneof(
      fc.constant<Pick<CheckResult, 'result' | 'score'>>({ result: 'fail' }),
      fc
        .double({ min: 0, max: 0.8, noNaN: true })
        .map((score) => ({ result: 'clear' as const, score: roundScore(score) })),
    ),
  )
  .map(([checks, kind, failure]) =>
    checks.map((c): CheckResult => (c.kind === kind ? { kind, ...failure } : c)),
  );
const vendorChecks: fc.Arbitrary<CheckResult[]> = fc.oneof(
  // Everything clear: what it takes for approvals to happen often enough to test them.
  { weight: 6, arbitrary: allClear },
  { weight: 2, arbitrary: captureToRedo },
  {
    weight: 4,
    arbitrary: fc.subarray(ALL_KINDS, { minLength: 1 }).chain((kinds) => fc.tuple(...kinds.map(anyCheck))),
  },
  // Everything clear but one or two kinds the vendor could not answer.
  {
    weight: 2,
    arbitrary: fc
      .subarray(ALL_KINDS, { minLength: 1, maxLength: 2 })
      .chain((errors) =>
        fc.tuple(
          ...ALL_KINDS.map((kind) =>
            errors.includes(kind) ? fc.constant<CheckResult>({ kind, result: 'error' }) : cleanCheck(kind),
          ),
        ),
      ),
  },
  // A screening hit on its own (the late hit after an approval).
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...HIT_KINDS), fc.constantFrom<CheckResultValue>('consider', 'fail'))
      .map(([kind, result]): CheckResult[] => [{ kind, result }]),
  },
);
const vendorSignals = fc
  .tuple(fc.subarray(SIGNALS, { minLength: 1, maxLength: 2 }), fc.boolean())
  .map(([signals, raised]) => Object.fromEntries(signals.map((signal) => [signal, raised])));

const vendorStep = fc
  .record({
    dt,
    vendor: fc.constantFrom<'a' | 'b'>('a', 'b'),
    checks: vendorChecks,
    riskSignals: fc.option(vendorSignals, { nil: undefined, freq: 8 }),
    createdAgo: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }) },
      fc.integer({ min: -5, max: 600 }),
    ),
    id: fc.oneof(
      { weight: 8, arbitrary: fc.constant<'new'>('new') },
      fc.constantFrom<'redelivery' | 'otherVendor'>('redelivery', 'otherVendor'),
    ),
    pick: fc.nat(30),
  })
  .map(({ riskSignals, ...rest }): Step => ({
    t: 'vendor',
    ...rest,
    ...(riskSignals === undefined ? {} : { riskSignals }),
  }));

const evidenceStep = fc
  .record({
    dt,
    kind: fc.oneof(
      { weight: 6, arbitrary: fc.constant<EvidenceKind>('document') },
      fc.constantFrom<EvidenceKind>('selfie', 'proof_of_address'),
    ),
    documentType: fc.oneof(
      { weight: 4, arbitrary: fc.constant<DocumentType>('passport') },
      fc.constantFrom(...DOCUMENT_TYPES),
    ),
    issuer: fc.oneof(
      { weight: 8, arbitrary: fc.constant('home') },
      fc.constantFrom('DE', 'GB', 'US', 'FR', 'JP', 'KP', 'IR'),
    ),
    expiry: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom<Expiry>('valid', 'none') },
      fc.constant<Expiry>('expired'),
    ),
    birth: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom<Birth>('adult', 'none') },
      fc.constantFrom<Birth>('minor', 'eighteenToday', 'eighteenTomorrow'),
    ),
    reuse: fc.oneof(
      { weight: 8, arbitrary: fc.constant<'new'>('new') },
      fc.constantFrom<'same' | 'conflict'>('same', 'conflict'),
    ),
    pick: fc.nat(30),
    duplicate: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, fc.constant(true)),
  })
  .map((step): Step => ({ t: 'evidence', ...step }));

const reviewer = fc.constantFrom<Reviewer>('rev_x', 'rev_y');
const otherReviewer = (r: Reviewer): Reviewer => (r === 'rev_x' ? 'rev_y' : 'rev_x');

/** Steps; `privacy` adds withdrawals and erasure requests (without them, most histories keep their consent). */
function step(privacy: boolean): fc.Arbitrary<Step> {
  const steps: fc.WeightedArbitrary<Step>[] = [
    { weight: 9, arbitrary: vendorStep },
    { weight: 5, arbitrary: evidenceStep },
    { weight: 1, arbitrary: dt.map((d): Step => ({ t: 'capture', dt: d })) },
    {
      weight: 2,
      arbitrary: fc
        .record({
          dt,
          outcome: fc.constantFrom(
            'opened1',
            'opened2',
            'failed',
            'fallback',
            'queued',
          ) as fc.Arbitrary<'opened1'>,
        })
        .map((s): Step => ({ t: 'vendorSession', ...s })),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.integer({ min: 30, max: 720 }),
          fc.integer({ min: 1, max: 8 }).map((days) => days * 1440),
        )
        .map((minutes): Step => ({ t: 'clock', minutes })),
    },
    { weight: 2, arbitrary: fc.record({ dt, due: fc.boolean() }).map((s): Step => ({ t: 'expire', ...s })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ dt, reviewer })
        .map((s): Step => ({ t: 'assign', ...s, senior: true, target: 'self' })),
    },
    // A non-senior assigning (I14): claiming for themself, or reaching for a review that is not theirs to give.
    {
      weight: 1,
      arbitrary: fc
        .record({ dt, reviewer, target: fc.constantFrom<'self' | 'other'>('self', 'other') })
        .map((s): Step => ({ t: 'assign', ...s, senior: false })),
    },
    {
      weight: 4,
      arbitrary: fc
        .record({
          dt,
          reviewer,
          outcome: fc.oneof(
            { weight: 3, arbitrary: fc.constant<ManualOutcome>('approve') },
            fc.constant('reject'),
          ),
          senior: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, fc.constant(false)),
          note: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, fc.constant(false)),
        })
        .map((s): Step => ({ t: 'review', ...s })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          dt,
          flip: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, fc.constant(false)),
          approver: fc.oneof(
            { weight: 5, arbitrary: fc.constant<'senior'>('senior') },
            fc.constantFrom<'junior' | 'requester'>('junior', 'requester'),
          ),
          decision: fc.oneof(
            { weight: 4, arbitrary: fc.constant<'approve'>('approve') },
            fc.constant('reject'),
          ),
        })
        .map((s): Step => ({ t: 'override', ...s })),
    },
    { weight: 2, arbitrary: dt.map((d): Step => ({ t: 'repeat', dt: d })) },
    // What the scheduler sends when a review's SLA runs out (often too early, to prove it then does nothing).
    { weight: 2, arbitrary: dt.map((d): Step => ({ t: 'escalate', dt: d })) },
  ];
  if (privacy) {
    steps.push(
      {
        weight: 1,
        arbitrary: fc
          .record({ dt, which: fc.constantFrom<'inForce' | 'oldest'>('inForce', 'oldest') })
          .map((s): Step => ({ t: 'withdraw', ...s })),
      },
      {
        weight: 1,
        arbitrary: fc
          .record({
            dt,
            coversVerification: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
            evidence: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
          })
          .map((s): Step => ({ t: 'grant', ...s })),
      },
      { weight: 1, arbitrary: dt.map((d): Step => ({ t: 'erase', dt: d })) },
      {
        weight: 2,
        arbitrary: fc
          .record({ dt, stale: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, fc.constant(true)) })
          .map((s): Step => ({ t: 'release', ...s })),
      },
      { weight: 3, arbitrary: dt.map((d): Step => ({ t: 'close', dt: d })) },
    );
  }
  return fc.oneof(...steps);
}

/**
 * The documented journey, in either order: a valid document issued by the session's country and one vendor's
 * results, all clear. Without it too few histories reach an approval, and what follows one, to prove anything.
 */
const journey: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          dt,
          documentType: fc.constant<DocumentType>('passport'),
          issuer: fc.constant('home'),
          expiry: fc.constantFrom<Expiry>('valid', 'none'),
          birth: fc.constantFrom<Birth>('adult', 'eighteenToday', 'none'),
        }),
      },
      // The journey gone wrong: a document of a type or issuer the policy refuses, expired, of a minor.
      fc.record({
        dt,
        documentType: fc.constantFrom(...DOCUMENT_TYPES),
        issuer: fc.constantFrom('home', 'GB', 'US', 'KP'),
        expiry: fc.constantFrom<Expiry>('valid', 'expired'),
        birth: fc.constantFrom<Birth>('adult', 'minor', 'eighteenTomorrow'),
      }),
    ),
    fc.record({
      dt,
      checks: fc.oneof({ weight: 3, arbitrary: allClear }, captureToRedo),
      createdAgo: fc.integer({ min: 0, max: 20 }),
    }),
    fc.boolean(),
  )
  .map(([document, results, evidenceFirst]): Step[] => {
    const evidence: Step = { t: 'evidence', ...document, kind: 'document', reuse: 'new', pick: 0 };
    const vendor: Step = { t: 'vendor', ...results, vendor: 'a', id: 'new', pick: 0 };
    return evidenceFirst ? [evidence, vendor] : [vendor, evidence];
  });

const startSignals = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  fc
    .subarray(SIGNALS, { minLength: 1, maxLength: 2 })
    .map((signals) => Object.fromEntries(signals.map((s) => [s, true]))),
);

const scenarios: fc.Arbitrary<Scenario> = fc
  .record({
    jurisdiction: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom('DE', 'GB', 'US') },
      { weight: 2, arbitrary: fc.constant('FR') },
      // Embargoed: rejected at start, and nothing may reverse it (I12).
      { weight: 1, arbitrary: fc.constant('KP') },
    ),
    segment: fc.constantFrom(...policy.document.segments),
    riskSignals: startSignals,
    privacy: fc.boolean(),
  })
  .chain(({ privacy, ...start }) =>
    fc
      .tuple(
        // A few steps may come first: another vendor's result, a capture, a withdrawal.
        fc.array(step(privacy), { maxLength: 3 }),
        fc.oneof(fc.constant<Step[]>([]), { weight: 2, arbitrary: journey }),
        fc.array(step(privacy), { minLength: 1, maxLength: 20, size: 'max' }),
      )
      .map(([before, prelude, after]): Scenario => ({ ...start, steps: [...before, ...prelude, ...after] })),
  );

// ---------------------------------------------------------------------------------------------------------------
// Running a history through the real deciders
// ---------------------------------------------------------------------------------------------------------------

interface StepRecord {
  /** Index in the scenario's steps (a composite step such as an override runs two commands). */
  readonly step: number;
  readonly command: VerificationCommand;
  readonly now: string;
  /** Where the person stood when the command ran (whether or not its type carries it). */
  readonly standing: SubjectStanding;
  /** Since when the person has not stood behind the processing (withdrawal or erasure); unset while they do. */
  readonly disallowedSince: string | undefined;
  readonly before: Verification;
  readonly events: readonly VerificationEvent[];
  readonly refusal: DomainError | undefined;
  /** The handler refuses capture and evidence without consent before the decider runs (assertMayProcess). */
  readonly refusedByHandler: boolean;
  readonly after: Verification;
  /** JSON of `before` before and after the decider ran: deciders must not mutate the state they are given. */
  readonly untouched: boolean;
  /** For evidence: what the attributes said. */
  readonly attributes?: { readonly expiry: Expiry; readonly birth: Birth };
  readonly repeat: boolean;
}

interface SubjectChange {
  readonly step: number;
  readonly what: 'withdraw' | 'grant' | 'erase' | 'release';
  /**
   * The test's own account, kept apart from the decider: whether a privacy officer had released the latest erasure
   * request before this change, and whether this change (a grant) carried evidence.
   */
  readonly releasedBefore: boolean;
  readonly evidence: boolean;
  readonly before: SubjectStanding;
  readonly after: SubjectStanding;
  /** A withdrawal of a consent another, newer grant had already superseded. */
  readonly superseded: boolean;
}

interface Trace {
  readonly scenario: Scenario;
  readonly start: readonly VerificationEvent[];
  readonly records: readonly StepRecord[];
  readonly subjectChanges: readonly SubjectChange[];
  readonly personalData: readonly string[];
}

const allows = (standing: SubjectStanding): boolean =>
  standing.consentInForce && standing.erasureRequestId === undefined;

function snapshot(state: VerificationState): string {
  return JSON.stringify(state, (_key, value: unknown) => {
    if (value instanceof Map) return [...(value as Map<unknown, unknown>).entries()];
    if (value instanceof Set) return [...(value as Set<unknown>).values()];
    return value;
  });
}

function fold(state: VerificationState, events: readonly VerificationEvent[]): Verification {
  const next = events.reduce(evolveVerification, state);
  if (next.status === 'none') throw new Error('the session vanished');
  return next;
}

/** An ISO calendar date `years` before the UTC date of `now`, `days` later. */
function birthDate(now: string, years: number, days = 0): string {
  const date = new Date(now.slice(0, 10) + 'T00:00:00.000Z');
  date.setUTCDate(date.getUTCDate() + days);
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.toISOString().slice(0, 10);
}

const RETENTION = Object.fromEntries(
  DATA_CLASSES.map((dataClass): [DataClass, ClassRetention] => [
    dataClass,
    {
      legalObligation: policy.document.retention[dataClass].legalObligation,
      legalBasis: policy.document.retention[dataClass].legalBasis,
      retainUntil: null,
    },
  ]),
) as Record<DataClass, ClassRetention>;

function simulate(scenario: Scenario, options: { readonly watchMutation: boolean }): Trace {
  let now = T0;
  let subject: SubjectState = initialSubjectState;
  const consentIds: string[] = [];
  let counter = 0;
  const next = (prefix: string): string => `${prefix}_${(counter += 1)}`;
  const personalData = [...PERSONAL_DATA];
  const records: StepRecord[] = [];
  const subjectChanges: SubjectChange[] = [];

  const onSubject = (command: SubjectCommand): boolean => {
    try {
      subject = decideSubject(command, subject).reduce(evolveSubject, subject);
      return true;
    } catch (error) {
      if (error instanceof DomainError) return false;
      throw error;
    }
  };
  const erasureIds: string[] = [];
  const releasedIds = new Set<string>();
  const grant = (covers: boolean, evidence = false): boolean => {
    const consentId = next('con');
    const granted = onSubject({
      type: 'GrantConsent',
      data: {
        consentId,
        scopes: covers ? ['identity_verification', 'biometric_processing'] : ['data_sharing_vendors'],
        noticeVersion: `2026-${consentId}`,
        policyHash: policy.hash,
        locale: 'de-DE',
        channel: 'web',
        ...(evidence ? { evidence: { formRef: `form-${consentId}` } } : {}),
        now,
      },
    });
    if (granted) consentIds.push(consentId);
    return granted;
  };

  now = plus(T0, -5);
  grant(true);
  now = T0;
  const start = decideVerification(
    {
      type: 'StartVerification',
      data: {
        sessionId: SESSION_ID,
        subjectId: SUBJECT_ID,
        jurisdiction: scenario.jurisdiction,
        segment: scenario.segment,
        riskSignals: scenario.riskSignals,
        consent: consentInForce(subject, 'identity_verification'),
        policy,
        now,
      },
    },
    initialVerificationState,
  );
  let session = fold(initialVerificationState, start);
  let disallowedSince: string | undefined;
  const vendorEvents: { vendor: 'a' | 'b'; id: string }[] = [];
  const evidence: SubmitEvidence['data'][] = [];
  let repeatable: ((now: string, standing: SubjectStanding) => VerificationCommand) | undefined;

  const run = (
    index: number,
    command: VerificationCommand,
    extra: { attributes?: StepRecord['attributes']; repeat?: boolean } = {},
  ): StepRecord => {
    const standing = standingOf(subject);
    const before = session;
    const frozen = options.watchMutation ? snapshot(before) : undefined;
    let events: readonly VerificationEvent[] = [];
    let refusal: DomainError | undefined;
    // Capture and evidence carry the standing too: the deciders refuse new processing without consent.
    try {
      events = decideVerification(verificationCommand(command), before);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refusal = error;
    }
    session = fold(before, events);
    const record: StepRecord = {
      step: index,
      command,
      now,
      standing,
      disallowedSince,
      before,
      events,
      refusal,
      refusedByHandler: false,
      after: session,
      untouched: frozen === undefined || snapshot(before) === frozen,
      repeat: extra.repeat ?? false,
      ...(extra.attributes === undefined ? {} : { attributes: extra.attributes }),
    };
    records.push(record);
    return record;
  };

  scenario.steps.forEach((step, index) => {
    now = plus(now, step.t === 'clock' ? step.minutes : step.dt);
    /** Applies a change to the subject's stream: `superseded` when it withdrew a consent no longer in force. */
    const changeSubject = (
      what: SubjectChange['what'],
      change: () => 'refused' | 'applied' | 'superseded',
      evidence = false,
    ): void => {
      const before = standingOf(subject);
      const latestErasure = erasureIds.at(-1);
      const releasedBefore = latestErasure !== undefined && releasedIds.has(latestErasure);
      const outcome = change();
      if (outcome === 'refused') return;
      const after = standingOf(subject);
      subjectChanges.push({
        step: index,
        what,
        before,
        after,
        superseded: outcome === 'superseded',
        releasedBefore,
        evidence,
      });
      if (allows(after)) disallowedSince = undefined;
      else disallowedSince ??= now;
    };
    switch (step.t) {
      case 'clock':
        return;
      case 'capture': {
        const data = { sessionId: SESSION_ID, channel: 'web', deviceClass: 'mobile' };
        const record = run(index, {
          type: 'StartCapture',
          data: { ...data, subject: standingOf(subject), now },
        });
        if (record.events.length > 0) {
          repeatable = (at, standing) => ({
            type: 'StartCapture',
            data: { ...data, subject: standing, now: at },
          });
        }
        return;
      }
      case 'vendorSession': {
        const outcome =
          step.outcome === 'failed'
            ? { kind: 'failed' as const, operation: 'create', errorClass: 'VendorHttpError', attempts: 3 }
            : step.outcome === 'fallback'
              ? { kind: 'fallback' as const, to: 'sumsub', reason: 'vendor_unavailable' }
              : step.outcome === 'queued'
                ? { kind: 'queued' as const, reason: 'vendor_unavailable' }
                : {
                    kind: 'opened' as const,
                    vendorReference: step.outcome === 'opened1' ? 'app_1' : 'app_2',
                    expiresAt: session.expiresAt,
                  };
        run(index, {
          type: 'RecordVendorSession',
          data: { sessionId: SESSION_ID, vendor: 'onfido', outcome, subject: standingOf(subject), now },
        });
        return;
      }
      case 'evidence': {
        const earlier = evidence.length === 0 ? undefined : evidence[step.pick % evidence.length];
        const issuer = step.issuer === 'home' ? scenario.jurisdiction : step.issuer;
        const dateOfBirth =
          step.birth === 'adult'
            ? '1984-02-29'
            : step.birth === 'minor'
              ? birthDate(now, 11)
              : step.birth === 'eighteenToday'
                ? birthDate(now, 18)
                : step.birth === 'eighteenTomorrow'
                  ? birthDate(now, 18, 1)
                  : undefined;
        if (dateOfBirth !== undefined) personalData.push(dateOfBirth);
        const evidenceId = step.reuse === 'new' || earlier === undefined ? next('evd') : earlier.evidenceId;
        const fresh: SubmitEvidence['data'] = {
          sessionId: SESSION_ID,
          evidenceId,
          kind: step.kind,
          ...(step.kind === 'document' ? { documentType: step.documentType, issuingCountry: issuer } : {}),
          vendor: 'a',
          vendorReference: `ref_${evidenceId}_${counter}`,
          ...(step.kind === 'document'
            ? {
                attributes: {
                  fullName: PERSON.fullName,
                  documentNumber: PERSON.documentNumber,
                  ...(step.expiry === 'none'
                    ? {}
                    : { expiryDate: step.expiry === 'valid' ? '2031-06-30' : '2021-06-30' }),
                  ...(dateOfBirth === undefined ? {} : { dateOfBirth }),
                },
              }
            : {}),
          ...(step.kind === 'proof_of_address' ? { attributes: { address: PERSON.address } } : {}),
          ...(step.kind === 'selfie' ? { mediaReferences: [`media_${evidenceId}`] } : {}),
          ...(step.duplicate === true && step.kind === 'document'
            ? { duplicateOf: { sessionId: 'ses_other', match: 'document' as const } }
            : {}),
          policy,
          subject: standingOf(subject),
          now,
        };
        // A retry sends the earlier evidence again, fields and all; a conflict keeps only its id.
        const data =
          step.reuse === 'same' && earlier !== undefined
            ? { ...earlier, subject: standingOf(subject), now }
            : fresh;
        const record = run(
          index,
          { type: 'SubmitEvidence', data },
          data === fresh ? { attributes: { expiry: step.expiry, birth: step.birth } } : {},
        );
        if (data === fresh) evidence.push(fresh);
        if (record.events.length > 0) {
          repeatable = (at, standing) => ({
            type: 'SubmitEvidence',
            data: { ...data, subject: standing, now: at },
          });
        }
        return;
      }
      case 'vendor': {
        const earlier = vendorEvents.length === 0 ? undefined : vendorEvents[step.pick % vendorEvents.length];
        const vendor =
          step.id === 'otherVendor' && earlier !== undefined
            ? earlier.vendor === 'a'
              ? 'b'
              : 'a'
            : step.vendor;
        const vendorEventId = step.id === 'new' || earlier === undefined ? next('evt') : earlier.id;
        vendorEvents.push({ vendor, id: vendorEventId });
        const data = {
          sessionId: SESSION_ID,
          vendor,
          vendorEventId,
          vendorCreatedAt: plus(now, -step.createdAgo),
          checks: step.checks,
          ...(step.riskSignals === undefined ? {} : { riskSignals: step.riskSignals }),
          policy,
        };
        const record = run(index, {
          type: 'RecordVendorResult',
          data: { ...data, subject: standingOf(subject), now },
        });
        if (record.events.length > 0) {
          repeatable = (at, subjectNow) => ({
            type: 'RecordVendorResult',
            data: { ...data, subject: subjectNow, now: at },
          });
        }
        return;
      }
      case 'expire':
        if (step.due && ms(now) < ms(session.expiresAt)) now = plus(session.expiresAt, step.dt);
        run(index, { type: 'ExpireVerification', data: { sessionId: SESSION_ID, now } });
        return;
      case 'withdraw':
        changeSubject('withdraw', () => {
          const inForce = consentInForce(subject, 'identity_verification')?.consentId;
          const target =
            step.which === 'inForce'
              ? inForce
              : consentIds.find((id) => subject.consents.get(id)?.withdrawnAt === undefined);
          if (target === undefined) return 'refused';
          if (!onSubject({ type: 'WithdrawConsent', data: { consentId: target, now } })) return 'refused';
          return target === inForce ? 'applied' : 'superseded';
        });
        return;
      case 'grant':
        changeSubject(
          'grant',
          () => (grant(step.coversVerification, step.evidence) ? 'applied' : 'refused'),
          step.evidence,
        );
        return;
      case 'erase':
        changeSubject('erase', () => {
          const requestId = next('era');
          const requested = onSubject({
            type: 'RequestErasure',
            data: {
              requestId,
              ground: 'consent_withdrawn',
              heldClasses: ['identity_attributes', 'contact_address'],
              retention: RETENTION,
              now,
            },
          });
          if (requested) erasureIds.push(requestId);
          return requested ? 'applied' : 'refused';
        });
        return;
      case 'release':
        changeSubject('release', () => {
          const requestId = step.stale ? erasureIds.at(-2) : erasureIds.at(-1);
          if (requestId === undefined) return 'refused';
          const released = onSubject({
            type: 'ReleaseErasureRestriction',
            data: { requestId, reason: 'person_requested_service', releasedBy: 'pia', now },
          });
          if (released) releasedIds.add(requestId);
          return released ? 'applied' : 'refused';
        });
        return;
      case 'assign':
        run(index, {
          type: 'AssignReviewer',
          data: {
            sessionId: SESSION_ID,
            reviewerId: step.target === 'self' ? step.reviewer : otherReviewer(step.reviewer),
            assignedBy: step.reviewer,
            assignerRoles: step.senior ? ['senior_reviewer'] : ['reviewer'],
            now,
          },
        });
        return;
      case 'review':
        run(index, {
          type: 'CompleteReview',
          data: {
            sessionId: SESSION_ID,
            reviewerId: step.reviewer,
            reviewerRoles: step.senior ? ['reviewer', 'senior_reviewer'] : ['reviewer'],
            outcome: step.outcome,
            reasonCodes: step.outcome === 'approve' ? [] : ['DOC_SUSPECTED_TAMPERING'],
            ...(step.note ? { note: PERSON.note } : {}),
            policy,
            subject: standingOf(subject),
            now,
          },
        });
        return;
      case 'override': {
        const approved = session.status === 'approved';
        const overrideId = next('ovr');
        run(index, {
          type: 'RequestOverride',
          data: {
            sessionId: SESSION_ID,
            overrideId,
            requestedBy: 'rev_x',
            outcome: approved === step.flip ? 'reject' : 'approve',
            justification: 'Second look at the file after new information from the vendor.',
            now,
          },
        });
        const target = session.pendingOverride?.overrideId ?? overrideId;
        const approverId = step.approver === 'requester' ? 'rev_x' : 'sen_z';
        const approverRoles = step.approver === 'junior' ? ['reviewer'] : ['reviewer', 'senior_reviewer'];
        run(
          index,
          step.decision === 'approve'
            ? {
                type: 'ApproveOverride',
                data: {
                  sessionId: SESSION_ID,
                  overrideId: target,
                  approverId,
                  approverRoles,
                  policy,
                  subject: standingOf(subject),
                  now,
                },
              }
            : {
                type: 'RejectOverride',
                data: {
                  sessionId: SESSION_ID,
                  overrideId: target,
                  approverId,
                  approverRoles,
                  reason: 'The new information concerns a namesake.',
                  now,
                },
              },
        );
        return;
      }
      case 'close': {
        // What the session closer sends, and only when the person no longer stands behind the processing.
        const standing = standingOf(subject);
        if (allows(standing)) return;
        run(index, {
          type: 'CloseVerification',
          data: {
            sessionId: SESSION_ID,
            reason: standing.erasureRequestId === undefined ? 'CONSENT_WITHDRAWN' : 'ERASURE_REQUESTED',
            ...(standing.withdrawnConsentId === undefined ? {} : { consentId: standing.withdrawnConsentId }),
            ...(standing.erasureRequestId === undefined
              ? {}
              : { erasureRequestId: standing.erasureRequestId }),
            now,
          },
        });
        return;
      }
      case 'repeat':
        if (repeatable !== undefined) run(index, repeatable(now, standingOf(subject)), { repeat: true });
        return;
      case 'escalate':
        run(index, { type: 'EscalateReview', data: { sessionId: SESSION_ID, policy, now } });
        return;
      default: {
        const unexpected: never = step;
        return unexpected;
      }
    }
  });
  return { scenario, start, records, subjectChanges, personalData };
}

// ---------------------------------------------------------------------------------------------------------------
// This file's own view of the session: each vendor's latest result per kind in the current attempt, the signals
// ---------------------------------------------------------------------------------------------------------------

interface Latest {
  readonly vendor: string;
  readonly kind: CheckKind;
  readonly result: CheckResultValue;
  readonly score?: number;
  readonly reasonCodes?: readonly ReasonCode[];
  readonly createdAt: number;
}

class VendorModel {
  attempt = 1;
  attemptStartedAt = 0;
  readonly latest = new Map<string, Latest>();
  readonly signals = new Map<string, boolean>();

  clone(): VendorModel {
    const copy = new VendorModel();
    copy.attempt = this.attempt;
    copy.attemptStartedAt = this.attemptStartedAt;
    for (const [key, value] of this.latest) copy.latest.set(key, value);
    for (const [key, value] of this.signals) copy.signals.set(key, value);
    return copy;
  }

  /** Whether the same vendor's result of this kind that the model holds was created later (by its clock). */
  superseded(vendor: string, kind: CheckKind, createdAt: number): boolean {
    const held = this.latest.get(`${kind}/${vendor}`);
    return held !== undefined && held.createdAt > createdAt;
  }

  of(kind: CheckKind): Latest[] {
    return [...this.latest.values()].filter((check) => check.kind === kind);
  }

  all(): Latest[] {
    return [...this.latest.values()];
  }

  raised(signal: string): boolean {
    return this.signals.get(signal) === true;
  }

  apply(event: VerificationEvent): void {
    if (event.type === 'VerificationInitiated') {
      this.attemptStartedAt = ms(event.data.initiatedAt);
      for (const [signal, raised] of Object.entries(event.data.riskSignals)) this.raise(signal, raised);
    }
    if (event.type === 'ResubmissionRequested') {
      this.attempt = event.data.attempt;
      this.attemptStartedAt = ms(event.data.requestedAt);
      this.latest.clear();
    }
    if (event.type === 'VendorResultReceived' && event.data.counted) {
      const { vendor, checks, riskSignals } = event.data;
      const createdAt = ms(event.data.vendorCreatedAt);
      for (const check of checks) {
        // A tie goes to the later arrival.
        if (this.superseded(vendor, check.kind, createdAt)) continue;
        this.latest.set(`${check.kind}/${vendor}`, {
          vendor,
          kind: check.kind,
          result: check.result,
          ...(check.score === undefined ? {} : { score: check.score }),
          ...(check.reasonCodes === undefined ? {} : { reasonCodes: check.reasonCodes }),
          createdAt,
        });
      }
      for (const [signal, raised] of Object.entries(riskSignals ?? {})) this.raise(signal, raised);
    }
  }

  private raise(signal: string, raised: boolean): void {
    this.signals.set(signal, this.raised(signal) || raised);
  }
}

/** One event as emitted, with the session and the model just before it. */
interface Moment {
  readonly event: VerificationEvent;
  readonly state: Verification;
  readonly model: VendorModel;
}

interface Annotated {
  readonly record: StepRecord;
  readonly model: VendorModel;
  readonly moments: readonly Moment[];
  readonly modelAfter: VendorModel;
}

function annotate(trace: Trace): Annotated[] {
  const model = new VendorModel();
  for (const event of trace.start) model.apply(event);
  return trace.records.map((record) => {
    const before = model.clone();
    let state = record.before;
    const moments = record.events.map((event): Moment => {
      const moment = { event, state, model: model.clone() };
      model.apply(event);
      state = fold(state, [event]);
      return moment;
    });
    return { record, model: before, moments, modelAfter: model.clone() };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Policy facts, read from the shipped document as the specification states them
// ---------------------------------------------------------------------------------------------------------------

function rulesOf(session: { jurisdiction: string; segment: string }): JurisdictionRules {
  const rules =
    policy.document.jurisdictions[session.jurisdiction]?.[session.segment] ??
    policy.document.fallback[session.segment];
  if (rules === undefined) throw new Error(`no rules for ${session.jurisdiction}/${session.segment}`);
  return rules;
}

function tierOf(rules: JurisdictionRules, name: string): TierRule {
  const tier = rules.tiers.find((t) => t.name === name);
  if (tier === undefined) throw new Error(`no tier ${name}`);
  return tier;
}

const rankOf = (rules: JurisdictionRules, name: string): number =>
  rules.tiers.findIndex((t) => t.name === name);

/** I3: the evidence a tier requires (default: a document when the tier requires the document check). */
function requiredEvidence(tier: TierRule): readonly EvidenceKind[] {
  return tier.requiredEvidence ?? (tier.requiredChecks.includes('document') ? ['document'] : []);
}

const currentEvidence = (state: Verification): EvidenceRef[] =>
  state.evidence.filter((ref) => ref.attempt === state.attempt);

/** I3: why a document may not be approved automatically; empty when it may. */
function documentProblems(ref: EvidenceRef, state: Verification): string[] {
  const rules = rulesOf(state);
  const problems: string[] = [];
  const { documentType: type, issuingCountry: issuer } = ref;
  if (type === undefined || !rules.allowedDocumentTypes.includes(type))
    problems.push(`type ${type} not allowed`);
  if (issuer === undefined) problems.push('no issuer');
  else if (EMBARGOED.includes(issuer)) problems.push(`issuer ${issuer} embargoed`);
  else {
    const allowed = rules.allowedIssuingCountries ?? 'any';
    if (allowed !== 'any' && !allowed.includes(issuer)) problems.push(`issuer ${issuer} not allowed`);
    if (
      type !== undefined &&
      (rules.domesticDocumentTypes ?? []).includes(type) &&
      issuer !== state.jurisdiction
    ) {
      problems.push(`${type} issued by ${issuer}, not ${state.jurisdiction}`);
    }
  }
  if (ref.documentExpired === true) problems.push('expired');
  if (ref.belowMinimumAge === true) problems.push('below minimum age');
  return problems;
}

/** A vendor answer that is not a plain pass: a fail or consider, a score below the threshold, a cited code. */
function notPassing(check: Latest, rules: JurisdictionRules): boolean {
  if (check.result === 'error') return false;
  if (check.result !== 'clear') return true;
  const threshold = rules.thresholds[check.kind];
  if (threshold !== undefined && check.score !== undefined && check.score < threshold) return true;
  return (check.reasonCodes ?? []).length > 0;
}

/** Kinds whose vendors disagree: one answered clear, another fail or consider (an error contradicts nothing). */
function contradictedKinds(model: VendorModel): CheckKind[] {
  return ALL_KINDS.filter((kind) => {
    const answers = model.of(kind).map((check) => check.result);
    return answers.includes('clear') && answers.some((result) => NOT_CLEAR.includes(result));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------------------------

function describeCommand(command: VerificationCommand): string {
  const at = `@+${Math.round((ms(command.data.now) - ms(T0)) / MINUTE_MS)}m`;
  if (command.type === 'RecordVendorResult') {
    const c = command.data;
    const checks = c.checks
      .map(
        (x) =>
          `${x.kind}:${x.result}${x.score === undefined ? '' : ` ${x.score}`}${x.reasonCodes ? ` ${x.reasonCodes.join('+')}` : ''}`,
      )
      .join(', ');
    const created = Math.round((ms(c.vendorCreatedAt) - ms(T0)) / MINUTE_MS);
    const signals = c.riskSignals === undefined ? '' : ` signals ${JSON.stringify(c.riskSignals)}`;
    return `RecordVendorResult ${c.vendor}/${c.vendorEventId} created@+${created}m [${checks}]${signals} ${at}`;
  }
  if (command.type === 'SubmitEvidence') {
    const c = command.data;
    return `SubmitEvidence ${c.evidenceId} ${c.kind} ${c.documentType ?? ''} ${c.issuingCountry ?? ''} ${c.vendorReference} ${at}`;
  }
  if (command.type === 'CompleteReview') {
    const c = command.data;
    return `CompleteReview ${c.outcome} by ${c.reviewerId} [${c.reviewerRoles.join(',')}]${c.note === undefined ? '' : ' with note'} ${at}`;
  }
  const shown = {
    ...command.data,
    now: undefined,
    policy: undefined,
    subject: undefined,
    sessionId: undefined,
  };
  return `${command.type} ${JSON.stringify(shown)} ${at}`;
}

function story(trace: Trace): string {
  const { scenario } = trace;
  const lines = [
    `start ${scenario.jurisdiction}/${scenario.segment} signals ${JSON.stringify(scenario.riskSignals)} → ${trace.start.map((e) => e.type).join(', ')}`,
  ];
  const changes = [...trace.subjectChanges];
  for (const record of trace.records) {
    while (changes[0] !== undefined && changes[0].step <= record.step) {
      const change = changes.shift()!;
      lines.push(
        `  subject: ${change.what}${change.superseded ? ' (superseded consent)' : ''} → ${JSON.stringify(change.after)}`,
      );
    }
    const outcome =
      record.refusal !== undefined
        ? `refused ${record.refusal.code}${record.refusedByHandler ? ' (handler)' : ''}`
        : record.events.length === 0
          ? 'nothing'
          : record.events
              .map((e) => {
                if (e.type === 'VendorResultReceived')
                  return `VendorResultReceived(counted=${e.data.counted})`;
                if (e.type === 'DecisionEvaluated')
                  return `DecisionEvaluated(${e.data.outcome} ${e.data.reasonCodes.join('+')} tier=${e.data.tier})`;
                if (e.type === 'ReviewRequested')
                  return `ReviewRequested(p${e.data.priority} ${e.data.reasons.join('+')})`;
                if (e.type === 'VerificationApproved' || e.type === 'VerificationRejected')
                  return `${e.type}(${e.data.decidedBy} ${e.data.reasonCodes.join('+')})`;
                return e.type;
              })
              .join(', ');
    lines.push(
      `#${record.step} ${describeCommand(record.command)} [${record.before.status}${allows(record.standing) ? '' : ', no consent'}] → ${outcome} → ${record.after.status}`,
    );
  }
  return lines.join('\n');
}

class InvariantViolation extends Error {}

function violated(trace: Trace, record: StepRecord | undefined, message: string): never {
  const where = record === undefined ? '' : ` at step #${record.step} (${record.command.type})`;
  throw new InvariantViolation(`${message}${where}\n${story(trace)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Reach: a property that never sees an approval proves nothing
// ---------------------------------------------------------------------------------------------------------------

type Reach = Record<
  | 'runs'
  | 'commands'
  | 'refusals'
  | 'approvedByPolicy'
  | 'approvedByReviewer'
  | 'approvedByOverride'
  | 'rejectedByPolicy'
  | 'resubmissions'
  | 'reviews'
  | 'reopenedAfterApproval'
  | 'hitReopenedAfterApproval'
  | 'riskSignalReopened'
  | 'hitsCleared'
  | 'contradictions'
  | 'vendorWaits'
  | 'stepUps'
  | 'expiredByScheduler'
  | 'expiredByVendorResult'
  | 'closedByCloser'
  | 'closedByVendorResult'
  | 'uncountedAfterEnd'
  | 'repeatsIgnored'
  | 'refusedAfterWithdrawal'
  | 'embargoed',
  number
>;

function emptyReach(): Reach {
  return {
    runs: 0,
    commands: 0,
    refusals: 0,
    approvedByPolicy: 0,
    approvedByReviewer: 0,
    approvedByOverride: 0,
    rejectedByPolicy: 0,
    resubmissions: 0,
    reviews: 0,
    reopenedAfterApproval: 0,
    hitReopenedAfterApproval: 0,
    riskSignalReopened: 0,
    hitsCleared: 0,
    contradictions: 0,
    vendorWaits: 0,
    stepUps: 0,
    expiredByScheduler: 0,
    expiredByVendorResult: 0,
    closedByCloser: 0,
    closedByVendorResult: 0,
    uncountedAfterEnd: 0,
    repeatsIgnored: 0,
    refusedAfterWithdrawal: 0,
    embargoed: 0,
  };
}

function tally(trace: Trace, reach: Reach): void {
  reach.runs += 1;
  if (trace.scenario.jurisdiction === 'KP') reach.embargoed += 1;
  for (const record of trace.records) {
    reach.commands += 1;
    if (record.refusal !== undefined) {
      reach.refusals += 1;
      if (!allows(record.standing)) reach.refusedAfterWithdrawal += 1;
    }
    if (record.repeat && record.refusal === undefined && record.events.length === 0)
      reach.repeatsIgnored += 1;
    const cmd = record.command.type;
    for (const event of record.events) {
      const hit = (codes: readonly ReasonCode[]): boolean =>
        codes.some((c) => c === 'SANCTIONS_HIT' || c === 'PEP_MATCH');
      if (event.type === 'VerificationApproved') {
        if (event.data.decidedBy === 'policy') reach.approvedByPolicy += 1;
        if (event.data.decidedBy === 'reviewer') reach.approvedByReviewer += 1;
        if (event.data.decidedBy === 'override') reach.approvedByOverride += 1;
      }
      if (event.type === 'VerificationRejected' && event.data.decidedBy === 'policy')
        reach.rejectedByPolicy += 1;
      if (event.type === 'ResubmissionRequested') reach.resubmissions += 1;
      if (event.type === 'ReviewRequested') {
        reach.reviews += 1;
        if (record.before.status === 'approved') {
          reach.reopenedAfterApproval += 1;
          if (hit(event.data.reasons)) reach.hitReopenedAfterApproval += 1;
          if (event.data.reasons.includes('RISK_SIGNAL_REVIEW')) reach.riskSignalReopened += 1;
        }
      }
      if (
        event.type === 'ReviewCompleted' &&
        event.data.outcome === 'approve' &&
        hit(record.before.review?.reasons ?? [])
      ) {
        reach.hitsCleared += 1;
      }
      if (event.type === 'DecisionEvaluated') {
        if (event.data.reasonCodes.includes('RESULTS_CONTRADICTORY')) reach.contradictions += 1;
        if (event.data.outcome === 'wait' && event.data.reasonCodes.includes('VENDOR_UNAVAILABLE'))
          reach.vendorWaits += 1;
        if (event.data.stepUp !== undefined) reach.stepUps += 1;
      }
      if (event.type === 'VerificationExpired') {
        if (cmd === 'ExpireVerification') reach.expiredByScheduler += 1;
        if (cmd === 'RecordVendorResult') reach.expiredByVendorResult += 1;
      }
      if (event.type === 'VerificationClosed') {
        if (cmd === 'CloseVerification') reach.closedByCloser += 1;
        if (cmd === 'RecordVendorResult') reach.closedByVendorResult += 1;
      }
      if (event.type === 'VendorResultReceived' && ['closed', 'expired'].includes(record.before.status)) {
        reach.uncountedAfterEnd += 1;
      }
    }
  }
}

/**
 * Runs every generated history through the deciders and `check` on its trace; returns how far the histories got.
 * Seeds are fast-check's own; a failure prints the seed, the shrunk history and the story of its steps.
 */
/** Refusals that say the subject's standing forbids the command (I1), whatever else it is. */
const STANDING_REFUSALS: ReadonlySet<string> = new Set(['processing_restricted', 'consent_required']);

function hunt(
  check: (trace: Trace, annotated: Annotated[]) => void,
  options: {
    readonly numRuns?: number;
    /** Histories that broke the invariant once: run first, every time, so that a fix is proved and kept. */
    readonly examples?: readonly Scenario[];
    readonly watchMutation?: boolean;
  } = {},
): Reach {
  const reach = emptyReach();
  fc.assert(
    fc.property(scenarios, (scenario) => {
      const trace = simulate(scenario, { watchMutation: options.watchMutation ?? false });
      check(trace, annotate(trace));
      tally(trace, reach);
    }),
    {
      numRuns: options.numRuns ?? 300,
      examples: (options.examples ?? []).map((example): [Scenario] => [example]),
    },
  );
  return reach;
}

// ---------------------------------------------------------------------------------------------------------------
// Histories that broke an invariant (shrunk, then written out): each property runs its own first, every time
// ---------------------------------------------------------------------------------------------------------------

const STANDARD_CLEAR: readonly CheckResult[] = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.96 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];
const passport: Step = {
  t: 'evidence',
  dt: 1,
  kind: 'document',
  documentType: 'passport',
  issuer: 'home',
  expiry: 'valid',
  birth: 'adult',
  reuse: 'new',
  pick: 0,
};
const results = (checks: readonly CheckResult[], extra: Partial<Step & { t: 'vendor' }> = {}): Step => ({
  t: 'vendor',
  dt: 1,
  vendor: 'a',
  checks,
  createdAgo: 0,
  id: 'new',
  pick: 0,
  ...extra,
});
const sanctionsHit = STANDARD_CLEAR.map((c): CheckResult =>
  c.kind === 'sanctions' ? { kind: 'sanctions', result: 'consider' } : c,
);

/** The person withdraws while a sanctions hit waits for review; the reviewer rejects: recorded rejected, not closed. */
const REJECTED_AFTER_WITHDRAWAL: Scenario = {
  jurisdiction: 'DE',
  segment: 'retail',
  riskSignals: {},
  steps: [
    passport,
    results(sanctionsHit),
    { t: 'withdraw', dt: 5, which: 'inForce' },
    { t: 'review', dt: 5, reviewer: 'rev_x', outcome: 'reject', senior: false, note: false },
  ],
};

/**
 * Every path of opening a vendor session, pinned so that none is left to chance: opened, the same reference
 * again, after a withdrawal, and past the session's expiry; then, with consent back, on a decided session.
 */
const VENDOR_SESSION_PATHS: readonly Scenario[] = [
  {
    jurisdiction: 'DE',
    segment: 'retail',
    riskSignals: {},
    steps: [
      { t: 'vendorSession', dt: 1, outcome: 'queued' },
      { t: 'vendorSession', dt: 1, outcome: 'queued' },
      { t: 'vendorSession', dt: 1, outcome: 'opened1' },
      { t: 'vendorSession', dt: 1, outcome: 'opened1' },
      { t: 'withdraw', dt: 1, which: 'inForce' },
      { t: 'vendorSession', dt: 1, outcome: 'queued' },
      { t: 'vendorSession', dt: 1, outcome: 'opened2' },
    ],
  },
  {
    jurisdiction: 'DE',
    segment: 'retail',
    riskSignals: {},
    steps: [
      { t: 'clock', minutes: 72 * 60 + 60 },
      { t: 'vendorSession', dt: 0, outcome: 'opened1' },
    ],
  },
  {
    // The vendor object was created and recorded, then its credential failed: nothing to wait for.
    jurisdiction: 'DE',
    segment: 'retail',
    riskSignals: {},
    steps: [
      { t: 'vendorSession', dt: 1, outcome: 'opened1' },
      { t: 'vendorSession', dt: 1, outcome: 'queued' },
    ],
  },
  {
    jurisdiction: 'DE',
    segment: 'retail',
    riskSignals: {},
    steps: [passport, results(STANDARD_CLEAR), { t: 'vendorSession', dt: 1, outcome: 'opened2' }],
  },
];

/**
 * A watchlist hit with risk signals that would raise the tier: the hit goes to a human first (I7), before any
 * step-up — found by a random run when the invariant's check knew only sanctions and PEP hits.
 */
const WATCHLIST_HIT_WITH_RISK_SIGNALS: Scenario = {
  jurisdiction: 'DE',
  segment: 'retail',
  riskSignals: {},
  steps: [
    results([{ kind: 'watchlist', result: 'consider' }], {
      riskSignals: { ipCountryMismatch: true, highRiskIndustry: true },
    }),
    results([...STANDARD_CLEAR, { kind: 'watchlist', result: 'clear' }], { createdAgo: 1 }),
    passport,
    { t: 'expire', dt: 0, due: false },
  ],
};

/** A passport whose identity another subject already used, then all-clear results: review, not approval. */
const DUPLICATE_PASSPORT: Scenario = {
  jurisdiction: 'DE',
  segment: 'retail',
  riskSignals: {},
  steps: [{ ...passport, duplicate: true }, results(STANDARD_CLEAR)],
};

/** The session's 72 hours pass unrecorded; an hour later the person withdraws; then a vendor result arrives. */
const WITHDRAWN_AFTER_EXPIRY_THEN_RESULT: Scenario = {
  jurisdiction: 'DE',
  segment: 'retail',
  riskSignals: {},
  steps: [
    passport,
    { t: 'clock', minutes: 72 * 60 + 60 },
    { t: 'withdraw', dt: 0, which: 'inForce' },
    results(STANDARD_CLEAR),
  ],
};

/** The same, and the session closer runs instead of a vendor result. */
const WITHDRAWN_AFTER_EXPIRY_THEN_CLOSER: Scenario = {
  jurisdiction: 'DE',
  segment: 'retail',
  riskSignals: {},
  steps: [
    passport,
    { t: 'clock', minutes: 72 * 60 + 60 },
    { t: 'withdraw', dt: 0, which: 'inForce' },
    { t: 'close', dt: 1 },
  ],
};

/** Two vendors disagree about the person's age: vendor b clear, vendor a fail citing AGE_BELOW_THRESHOLD. */
const AGE_DISPUTED: Scenario = {
  jurisdiction: 'DE',
  segment: 'retail',
  riskSignals: {},
  steps: [
    passport,
    results([{ kind: 'age', result: 'clear' }], { vendor: 'b' }),
    results([...STANDARD_CLEAR, { kind: 'age', result: 'fail', reasonCodes: ['AGE_BELOW_THRESHOLD'] }]),
  ],
};

/** A reviewer clears a hit; then the vendor reports an IP-country mismatch, which steps DE retail up to enhanced. */
/** I11: a capture repeated after the person asked for erasure is refused (processing restricted), truthfully. */
const CAPTURE_REPEATED_AFTER_ERASURE: Scenario = {
  jurisdiction: 'DE',
  segment: 'business',
  riskSignals: {},
  steps: [
    { t: 'capture', dt: 0 },
    { t: 'erase', dt: 0 },
    { t: 'capture', dt: 0 },
  ],
};

const SIGNAL_AFTER_REVIEWER_APPROVAL: Scenario = {
  jurisdiction: 'DE',
  segment: 'retail',
  riskSignals: {},
  steps: [
    passport,
    results(sanctionsHit),
    { t: 'review', dt: 30, reviewer: 'rev_x', outcome: 'approve', senior: true, note: true },
    results(STANDARD_CLEAR, { riskSignals: { ipCountryMismatch: true } }),
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// The invariants
// ---------------------------------------------------------------------------------------------------------------

const isFinalByPolicy = (event: VerificationEvent): boolean =>
  (event.type === 'VerificationApproved' || event.type === 'VerificationRejected') &&
  event.data.decidedBy === 'policy';

/** Found by the hunt: a sanctions `consider` citing PEP_MATCH after a reviewer approval reopened review without
 * SANCTIONS_HIT (the evaluation implied it, the reopening did not). */
const SANCTIONS_CITING_PEP_AFTER_APPROVAL = {
  jurisdiction: 'US',
  segment: 'retail',
  riskSignals: {},
  steps: [
    {
      t: 'vendor',
      dt: 0,
      checks: [
        { kind: 'document', result: 'clear', score: 0.95 },
        { kind: 'face_match', result: 'clear', score: 0.95 },
        { kind: 'liveness', result: 'clear', score: 0.95 },
        { kind: 'sanctions', result: 'clear' },
        { kind: 'watchlist', result: 'clear' },
      ],
      createdAgo: 0,
      vendor: 'a',
      id: 'new',
      pick: 0,
    },
    {
      t: 'evidence',
      dt: 0,
      documentType: 'passport',
      issuer: 'home',
      expiry: 'valid',
      birth: 'adult',
      kind: 'document',
      reuse: 'new',
      pick: 0,
    },
    {
      t: 'vendor',
      dt: 0,
      vendor: 'a',
      checks: [
        { kind: 'document', result: 'fail' },
        { kind: 'face_match', result: 'clear', score: 0.95 },
        { kind: 'liveness', result: 'clear', score: 0.95 },
        { kind: 'sanctions', result: 'clear' },
        { kind: 'watchlist', result: 'clear' },
      ],
      createdAgo: 0,
      id: 'otherVendor',
      pick: 0,
    },
    { t: 'review', dt: 0, reviewer: 'rev_x', outcome: 'approve', senior: true, note: true },
    {
      t: 'vendor',
      dt: 0,
      vendor: 'a',
      checks: [
        { kind: 'face_match', result: 'consider' },
        { kind: 'liveness', result: 'clear' },
        { kind: 'sanctions', result: 'consider', reasonCodes: ['PEP_MATCH'] },
        { kind: 'address', result: 'clear' },
        { kind: 'age', result: 'error' },
        { kind: 'watchlist', result: 'clear' },
      ],
      createdAgo: 0,
      id: 'new',
      pick: 0,
    },
    {
      t: 'vendor',
      dt: 0,
      vendor: 'a',
      checks: [
        { kind: 'document', result: 'clear', score: 0.95 },
        { kind: 'face_match', result: 'clear', score: 0.95 },
        { kind: 'liveness', result: 'clear', score: 0.95 },
        { kind: 'sanctions', result: 'clear' },
        { kind: 'watchlist', result: 'clear' },
      ],
      createdAgo: 0,
      id: 'new',
      pick: 0,
    },
  ],
} as unknown as Scenario;

describe('decision invariants (generated histories through the real deciders, shipped policy)', () => {
  it('generated histories reach approvals of every kind, reviews reopened after approval, expiries, closes and contradictions', () => {
    const reach = hunt(() => undefined, { numRuns: 600 });
    expect(reach.approvedByPolicy).toBeGreaterThan(50);
    expect(reach.approvedByReviewer).toBeGreaterThan(15);
    expect(reach.approvedByOverride).toBeGreaterThan(3);
    expect(reach.rejectedByPolicy).toBeGreaterThan(15);
    expect(reach.resubmissions).toBeGreaterThan(15);
    expect(reach.reopenedAfterApproval).toBeGreaterThan(30);
    expect(reach.hitReopenedAfterApproval).toBeGreaterThan(15);
    expect(reach.hitsCleared).toBeGreaterThan(5);
    expect(reach.contradictions).toBeGreaterThan(20);
    expect(reach.vendorWaits).toBeGreaterThan(5);
    expect(reach.stepUps).toBeGreaterThan(10);
    expect(reach.expiredByScheduler).toBeGreaterThan(15);
    expect(reach.expiredByVendorResult).toBeGreaterThan(5);
    expect(reach.closedByCloser).toBeGreaterThan(5);
    expect(reach.closedByVendorResult).toBeGreaterThan(15);
    expect(reach.uncountedAfterEnd).toBeGreaterThan(50);
    expect(reach.repeatsIgnored).toBeGreaterThan(100);
    expect(reach.refusedAfterWithdrawal).toBeGreaterThan(100);
    expect(reach.embargoed).toBeGreaterThan(20);
  });

  it('General: events fold without changing the session, statuses are known, time never runs back, a refusal changes nothing, no personal data in any event data', () => {
    hunt(
      (trace) => {
        let last = T0;
        for (const record of trace.records) {
          if (ms(record.now) < ms(last)) violated(trace, record, 'now went backwards');
          last = record.now;
          if (!record.untouched) violated(trace, record, 'the decider mutated the state it was given');
          if (record.refusal !== undefined && (record.events.length > 0 || record.after !== record.before)) {
            violated(trace, record, 'a refused command changed the session');
          }
          if (record.after.sessionId !== SESSION_ID)
            violated(trace, record, `sessionId became ${record.after.sessionId}`);
          if (!VERIFICATION_STATUSES.includes(record.after.status))
            violated(trace, record, `unknown status ${record.after.status}`);
          const { command } = record;
          if (
            command.type === 'RecordVendorResult' &&
            record.refusal === undefined &&
            record.events.length > 0 &&
            (record.events[0]?.type !== 'VendorResultReceived' ||
              record.events[0].data.vendorEventId !== command.data.vendorEventId)
          ) {
            violated(trace, record, 'a vendor result was not recorded first');
          }
        }
        for (const event of [...trace.start, ...trace.records.flatMap((r) => r.events)]) {
          let data: string;
          try {
            data = canonicalJson(event.data);
          } catch (error) {
            return violated(trace, undefined, `${event.type} data is not JSON: ${String(error)}`);
          }
          for (const value of trace.personalData) {
            if (data.includes(value))
              violated(trace, undefined, `${event.type} data contains personal data "${value}"`);
          }
        }
      },
      { watchMutation: true },
    );
  });

  it('I1 no approval without consent in force and without an erasure request; a vendor result closes an undecided session of a person who withdrew; later results are not counted', () => {
    const reach = hunt((trace) => {
      for (const change of trace.subjectChanges) {
        if (
          change.what === 'withdraw' &&
          change.superseded &&
          JSON.stringify(change.before) !== JSON.stringify(change.after)
        ) {
          violated(
            trace,
            undefined,
            `withdrawing a superseded consent changed the standing (step #${change.step})`,
          );
        }
      }
      for (const record of trace.records) {
        const { before, after, events, standing } = record;
        for (const event of events) {
          if (event.type === 'VerificationApproved' && !allows(standing)) {
            violated(
              trace,
              record,
              `VerificationApproved (${event.data.decidedBy}) while ${JSON.stringify(standing)}`,
            );
          }
          if (event.type === 'VerificationClosed') {
            if (!UNDECIDED.includes(event.data.previousStatus))
              violated(trace, record, `closed a ${event.data.previousStatus} session`);
            if (allows(standing)) violated(trace, record, 'closed a session of a person who still consents');
            const expected =
              standing.erasureRequestId !== undefined ? 'ERASURE_REQUESTED' : 'CONSENT_WITHDRAWN';
            if (JSON.stringify(event.data.reasonCodes) !== JSON.stringify([expected])) {
              violated(
                trace,
                record,
                `closed with ${event.data.reasonCodes.join(',')}, expected ${expected}`,
              );
            }
          }
        }
        if (
          record.command.type === 'RecordVendorResult' &&
          UNDECIDED.includes(before.status) &&
          !allows(standing) &&
          events.length > 0 &&
          // Past its time to live an open session is expired rather than closed (I2 says which).
          !(after.status === 'expired' && ms(record.now) >= ms(before.expiresAt)) &&
          after.status !== 'closed'
        ) {
          violated(
            trace,
            record,
            `a vendor result left an undecided session of a person who withdrew ${after.status}`,
          );
        }
        const closing = before.status === 'closed' || events.some((e) => e.type === 'VerificationClosed');
        for (const event of events) {
          if (event.type === 'VendorResultReceived' && closing && event.data.counted) {
            violated(trace, record, 'a vendor result was counted into a closed session');
          }
        }
      }
    });
    expect(reach.closedByVendorResult + reach.closedByCloser).toBeGreaterThan(10);
    expect(reach.refusedAfterWithdrawal).toBeGreaterThan(20);
  });

  it('I1 an erasure request restricts processing until a privacy officer released it and the person consented again with evidence; an operator alone never lifts it', () => {
    type Move =
      | { readonly t: 'grant'; readonly covers: boolean; readonly evidence: boolean }
      | { readonly t: 'withdraw' }
      | { readonly t: 'erase' }
      | { readonly t: 'release'; readonly stale: boolean };
    const move: fc.Arbitrary<Move> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          t: fc.constant('grant' as const),
          covers: fc.boolean(),
          evidence: fc.boolean(),
        }),
      },
      { weight: 1, arbitrary: fc.constant<Move>({ t: 'withdraw' }) },
      { weight: 2, arbitrary: fc.constant<Move>({ t: 'erase' }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant('release' as const), stale: fc.boolean() }) },
    );
    const reach = { lifted: 0, refusedUnreleased: 0, refusedNoEvidence: 0, staleRefused: 0 };
    fc.assert(
      fc.property(fc.array(move, { minLength: 1, maxLength: 25 }), (moves) => {
        let state = initialSubjectState;
        let at = Date.parse(T0);
        let counter = 0;
        const erasures: string[] = [];
        const released = new Set<string>();
        const consents: string[] = [];
        const lines: string[] = [];
        for (const m of moves) {
          at += 60_000;
          const now = new Date(at).toISOString();
          counter += 1;
          let command: SubjectCommand | undefined;
          if (m.t === 'grant') {
            command = {
              type: 'GrantConsent',
              data: {
                consentId: `con_${counter}`,
                scopes: m.covers ? ['identity_verification'] : ['data_sharing_vendors'],
                noticeVersion: `n${counter}`,
                policyHash: policy.hash,
                locale: 'de-DE',
                channel: 'web',
                ...(m.evidence ? { evidence: { formRef: `form-${counter}` } } : {}),
                now,
              },
            };
          } else if (m.t === 'withdraw') {
            const target = consents.find((id) => state.consents.get(id)?.withdrawnAt === undefined);
            if (target !== undefined) command = { type: 'WithdrawConsent', data: { consentId: target, now } };
          } else if (m.t === 'erase') {
            command = {
              type: 'RequestErasure',
              data: {
                requestId: `era_${counter}`,
                ground: 'objection',
                heldClasses: ['identity_attributes'],
                retention: RETENTION,
                now,
              },
            };
          } else {
            const requestId = m.stale ? erasures.at(-2) : erasures.at(-1);
            if (requestId !== undefined) {
              command = {
                type: 'ReleaseErasureRestriction',
                data: { requestId, reason: 'person_requested_service', releasedBy: 'pia', now },
              };
            }
          }
          if (command === undefined) continue;
          const before = standingOf(state);
          const latest = erasures.at(-1);
          const releasedBefore = latest !== undefined && released.has(latest);
          let events: ReturnType<typeof decideSubject> = [];
          let refusal: string | undefined;
          try {
            events = decideSubject(command, state);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            refusal = error.code;
          }
          state = events.reduce(evolveSubject, state);
          const after = standingOf(state);
          lines.push(
            `${command.type} ${JSON.stringify(m)} → ${refusal ?? events.map((e) => e.type).join(',')} ${JSON.stringify(after)}`,
          );
          const story = (): string => lines.join('\n  ');
          if (refusal === undefined && command.type === 'RequestErasure')
            erasures.push(command.data.requestId);
          if (refusal === undefined && command.type === 'ReleaseErasureRestriction')
            released.add(command.data.requestId);
          if (refusal === undefined && command.type === 'GrantConsent' && events.length > 0) {
            consents.push(command.data.consentId);
          }
          // Refused: nothing changes.
          if (refusal !== undefined && JSON.stringify(after) !== JSON.stringify(before)) {
            throw new Error(`a refused ${command.type} changed the standing:\n  ${story()}`);
          }
          if (refusal === 'erasure_release_required') reach.refusedUnreleased += 1;
          if (refusal === 'consent_evidence_required') reach.refusedNoEvidence += 1;
          if (refusal === 'restriction_not_in_force' && m.t === 'release' && m.stale) reach.staleRefused += 1;
          // A grant while the latest request is not released is always refused.
          if (
            m.t === 'grant' &&
            latest !== undefined &&
            !releasedBefore &&
            refusal === undefined &&
            events.length > 0
          ) {
            throw new Error(`consent recorded before the release of ${latest}:\n  ${story()}`);
          }
          const lifted = before.erasureRequestId !== undefined && after.erasureRequestId === undefined;
          if (!lifted) continue;
          reach.lifted += 1;
          if (m.t !== 'grant' || !m.covers || !releasedBefore || !m.evidence) {
            throw new Error(
              `${command.type} lifted ${before.erasureRequestId} without release and evidence:\n  ${story()}`,
            );
          }
        }
      }),
      { numRuns: 1000 },
    );
    expect(reach.lifted).toBeGreaterThan(20);
    expect(reach.refusedUnreleased).toBeGreaterThan(20);
    expect(reach.refusedNoEvidence).toBeGreaterThan(10);
    expect(reach.staleRefused).toBeGreaterThan(5);
  });

  it('I1 after a withdrawal or an erasure request an undecided session takes no decision but its close (a reviewer rejecting it too)', () => {
    hunt(
      (trace) => {
        for (const record of trace.records) {
          const { before, after, events } = record;
          const decides = ['CompleteReview', 'ApproveOverride'].includes(record.command.type);
          if (
            decides &&
            UNDECIDED.includes(before.status) &&
            !allows(record.standing) &&
            events.length > 0 &&
            after.status !== 'closed'
          ) {
            violated(
              trace,
              record,
              `an undecided session of a person who withdrew ended ${after.status}, not closed`,
            );
          }
        }
      },
      { examples: [REJECTED_AFTER_WITHDRAWAL] },
    );
  });

  it('I1 I2 I11 a vendor session opens (or is queued) only for an open, unexpired session of a person who stands behind it, once per reference; no vendor call decides or changes the status', () => {
    const seen = {
      opened: 0,
      repeats: 0,
      refusedWithoutStanding: 0,
      refusedLate: 0,
      refusedDecided: 0,
      queued: 0,
    };
    hunt(
      (trace) => {
        for (const record of trace.records) {
          const { before, after, events, command } = record;
          if (command.type !== 'RecordVendorSession') continue;
          if (after.status !== before.status || after.decidedBy !== before.decidedBy) {
            violated(
              trace,
              record,
              `a vendor call moved the session from ${before.status} to ${after.status}`,
            );
          }
          const others = events.filter((e) => !e.type.startsWith('Vendor'));
          if (others.length > 0) violated(trace, record, `a vendor call recorded ${others[0]?.type}`);
          if (command.data.outcome.kind === 'queued') {
            // Queued work is a vendor call made later: the same conditions as one made now.
            const queued = events.some((e) => e.type === 'VendorSessionQueued');
            if (queued && !allows(record.standing)) {
              violated(
                trace,
                record,
                'a vendor session was queued for a person who withdrew or asked for erasure',
              );
            }
            if (queued && (ms(record.now) >= ms(before.expiresAt) || !OPEN.includes(before.status))) {
              violated(trace, record, `a vendor session was queued while ${before.status} or past expiresAt`);
            }
            if (queued && before.vendorQueue?.vendor === command.data.vendor) {
              violated(trace, record, 'a session was queued twice for one vendor');
            }
            if (queued && before.vendorSessions.some((v) => v.attempt === before.attempt)) {
              violated(
                trace,
                record,
                'a session was queued although a vendor session of its attempt is open',
              );
            }
            if (queued) seen.queued += 1;
            if (
              after.vendorQueue !== undefined &&
              after.vendorSessions.length > before.vendorSessions.length
            ) {
              violated(trace, record, 'a session still waits after a vendor session opened');
            }
            continue;
          }
          if (command.data.outcome.kind !== 'opened') continue;
          if (events.some((e) => e.type === 'VendorSessionOpened') && after.vendorQueue !== undefined) {
            violated(trace, record, 'a session still waits for a vendor after its vendor session opened');
          }
          const reference = command.data.outcome.vendorReference;
          const opened = events.some((e) => e.type === 'VendorSessionOpened');
          const known = before.vendorSessions.some(
            (v) => v.vendorReference === reference && v.attempt === before.attempt,
          );
          if (opened && known) violated(trace, record, 'the same vendor session was recorded twice');
          if (opened && !allows(record.standing)) {
            violated(trace, record, 'a vendor session opened for a person who withdrew or asked for erasure');
          }
          if (opened && ms(record.now) >= ms(before.expiresAt)) {
            violated(trace, record, 'a vendor session opened past expiresAt');
          }
          if (opened && !OPEN.includes(before.status)) {
            violated(trace, record, `a vendor session opened while ${before.status}`);
          }
          if (opened) seen.opened += 1;
          if (known && events.length === 0 && record.refusal === undefined) seen.repeats += 1;
          const code = record.refusal?.code;
          if (code === 'consent_required' || code === 'processing_restricted')
            seen.refusedWithoutStanding += 1;
          if (code === 'verification_expired') seen.refusedLate += 1;
          if (code === 'illegal_transition') seen.refusedDecided += 1;
        }
      },
      { examples: VENDOR_SESSION_PATHS },
    );
    // Every path was taken (the pinned histories make sure), so the checks above did look at each.
    for (const [path, count] of Object.entries(seen)) expect(count, path).toBeGreaterThan(0);
  });

  it('I2 past expiresAt an open session is expired: no decision from a late result or evidence, a late result records counted:false and its end, capture and evidence are refused, codes are SESSION_EXPIRED', () => {
    const reach = hunt((trace) => {
      for (const record of trace.records) {
        const { before, after, events, command } = record;
        const late = OPEN.includes(before.status) && ms(record.now) >= ms(before.expiresAt);
        if (late && (command.type === 'RecordVendorResult' || command.type === 'SubmitEvidence')) {
          const decision = events.find(
            (e) =>
              [
                'VerificationApproved',
                'ResubmissionRequested',
                'ReviewRequested',
                'DecisionEvaluated',
              ].includes(e.type) ||
              (e.type === 'VerificationRejected' && e.data.decidedBy === 'policy'),
          );
          if (decision !== undefined) violated(trace, record, `${decision.type} after expiresAt`);
        }
        if (late && command.type === 'RecordVendorResult' && events.length > 0) {
          const types = events.map((e) => e.type).join(',');
          const ending = events[1]?.type;
          const expected = allows(record.standing)
            ? ['VerificationExpired']
            : ['VerificationExpired', 'VerificationClosed'];
          if (
            events.length !== 2 ||
            events[0]?.type !== 'VendorResultReceived' ||
            events[0].data.counted ||
            ending === undefined ||
            !expected.includes(ending)
          ) {
            violated(
              trace,
              record,
              `a result after expiresAt recorded ${types}, expected VendorResultReceived(counted:false), ${expected.join(' or ')}`,
            );
          }
        }
        if (
          (command.type === 'StartCapture' || command.type === 'SubmitEvidence') &&
          !record.refusedByHandler
        ) {
          const repeated =
            command.type === 'SubmitEvidence' &&
            before.evidence.some(
              (ref) =>
                ref.evidenceId === command.data.evidenceId ||
                (ref.attempt === before.attempt &&
                  ref.kind === command.data.kind &&
                  ref.vendorReference === command.data.vendorReference),
            );
          if (
            (late || before.status === 'expired') &&
            !repeated &&
            record.refusal?.code !== 'verification_expired'
          ) {
            violated(
              trace,
              record,
              `${command.type} past expiresAt was not refused with verification_expired`,
            );
          }
        }
        if (
          command.type === 'ExpireVerification' &&
          before.status === 'pending_review' &&
          events.length > 0
        ) {
          violated(trace, record, 'a session in review expired');
        }
        for (const event of events) {
          if (event.type !== 'VerificationExpired') continue;
          if (!OPEN.includes(event.data.previousStatus))
            violated(trace, record, `a ${event.data.previousStatus} session expired`);
          if (ms(event.data.expiredAt) < ms(before.expiresAt))
            violated(trace, record, 'expired before expiresAt');
        }
        if (
          after.status === 'expired' &&
          JSON.stringify(after.reasonCodes) !== JSON.stringify(['SESSION_EXPIRED'])
        ) {
          violated(trace, record, `an expired session carries ${after.reasonCodes.join(',')}`);
        }
      }
    });
    expect(reach.expiredByVendorResult).toBeGreaterThan(1);
    expect(reach.expiredByScheduler).toBeGreaterThan(3);
  });

  it('I2 a withdrawal after expiresAt comes too late: the session had expired, so a late result or the closer records its expiry, not a close', () => {
    hunt(
      (trace) => {
        for (const record of trace.records) {
          const { before, events, command } = record;
          const late = OPEN.includes(before.status) && ms(record.now) >= ms(before.expiresAt);
          const withdrewAfterExpiry =
            record.disallowedSince !== undefined && ms(record.disallowedSince) >= ms(before.expiresAt);
          if (late && withdrewAfterExpiry && events.some((e) => e.type === 'VerificationClosed')) {
            violated(
              trace,
              record,
              `${command.type} closed a session that had expired at ${before.expiresAt}; the person withdrew at ${record.disallowedSince}`,
            );
          }
        }
      },
      { examples: [WITHDRAWN_AFTER_EXPIRY_THEN_RESULT, WITHDRAWN_AFTER_EXPIRY_THEN_CLOSER] },
    );
  });

  it('I3 an approval has the evidence the tier requires; an automatic one only valid documents (type, issuer, not expired, not a minor), judged when submitted', () => {
    const reach = hunt((trace, annotated) => {
      for (const { record, moments } of annotated) {
        for (const { event, state } of moments) {
          if (
            event.type === 'EvidenceSubmitted' &&
            record.attributes !== undefined &&
            event.data.kind === 'document'
          ) {
            const { expiry, birth } = record.attributes;
            const expired = expiry === 'none' ? undefined : expiry === 'expired';
            const minor = birth === 'none' ? undefined : birth === 'minor' || birth === 'eighteenTomorrow';
            if (event.data.documentExpired !== expired || event.data.belowMinimumAge !== minor) {
              violated(
                trace,
                record,
                `attributes (expiry ${expiry}, birth ${birth}) were judged documentExpired=${event.data.documentExpired} belowMinimumAge=${event.data.belowMinimumAge}`,
              );
            }
          }
          if (event.type !== 'VerificationApproved') continue;
          const tier = tierOf(rulesOf(state), state.tier);
          const evidence = currentEvidence(state);
          const missing = requiredEvidence(tier).filter((kind) => !evidence.some((ref) => ref.kind === kind));
          if (missing.length > 0)
            violated(trace, record, `approved (${event.data.decidedBy}) without ${missing.join(', ')}`);
          if (event.data.decidedBy !== 'policy') continue;
          for (const ref of evidence.filter((e) => e.kind === 'document')) {
            const problems = documentProblems(ref, state);
            if (problems.length > 0)
              violated(
                trace,
                record,
                `approved automatically with document ${ref.evidenceId}: ${problems.join(', ')}`,
              );
          }
        }
      }
    });
    expect(reach.approvedByPolicy).toBeGreaterThan(20);
  });

  it('I5 a vendor error never causes a resubmission or a rejection: each cites a failure of the person', () => {
    const reach = hunt((trace, annotated) => {
      for (const { record, moments } of annotated) {
        let evaluation: ReasonCode[] = [];
        for (const { event, state, model } of moments) {
          if (event.type === 'DecisionEvaluated') evaluation = event.data.reasonCodes;
          const decisive =
            event.type === 'ResubmissionRequested' ||
            (event.type === 'VerificationRejected' && event.data.decidedBy === 'policy');
          if (!decisive || state.path === 'embargoed') continue;
          const ownCodes = evaluation.filter(
            (code) => code !== 'VENDOR_UNAVAILABLE' && code !== 'RETRY_LIMIT_REACHED',
          );
          if (ownCodes.length === 0)
            violated(trace, record, `${event.type} citing only ${evaluation.join(', ')}`);
          const rules = rulesOf(state);
          const personsFailure =
            currentEvidence(state).some(
              (ref) => ref.kind === 'document' && documentProblems(ref, state).length > 0,
            ) || model.all().some((check) => notPassing(check, rules));
          if (!personsFailure)
            violated(trace, record, `${event.type} although every answer was clear or an error`);
        }
      }
    });
    expect(reach.resubmissions).toBeGreaterThan(8);
    expect(reach.vendorWaits).toBeGreaterThan(0);
  });

  it("I6 each vendor's latest result per kind stands: no automatic approval while any vendor's latest is fail or consider; results count only in their attempt", () => {
    const reach = hunt((trace, annotated) => {
      for (const { record, moments } of annotated) {
        const { before, command } = record;
        for (const { event, state, model } of moments) {
          if (event.type === 'VendorResultReceived' && command.type === 'RecordVendorResult') {
            const created = ms(command.data.vendorCreatedAt);
            const ending =
              (UNDECIDED.includes(before.status) && !allows(record.standing)) ||
              (OPEN.includes(before.status) && ms(record.now) >= ms(before.expiresAt));
            const counted =
              !ending &&
              !['expired', 'closed'].includes(before.status) &&
              (model.attempt === 1 || created >= model.attemptStartedAt);
            if (event.data.counted !== counted)
              violated(trace, record, `counted=${event.data.counted}, expected ${counted}`);
          }
          if (event.type !== 'VerificationApproved' || event.data.decidedBy !== 'policy') continue;
          const dissent = model.all().filter((check) => NOT_CLEAR.includes(check.result));
          if (dissent.length > 0) {
            violated(
              trace,
              record,
              `approved automatically while ${dissent.map((c) => `${c.vendor}'s ${c.kind} is ${c.result}`).join(', ')}`,
            );
          }
          for (const kind of tierOf(rulesOf(state), state.tier).requiredChecks) {
            if (!model.of(kind).some((check) => check.result === 'clear')) {
              violated(trace, record, `approved automatically without a clear ${kind}`);
            }
          }
        }
      }
    });
    expect(reach.approvedByPolicy).toBeGreaterThan(20);
  });

  it('I6 vendors who disagree never make an approval or a resubmission: the disagreement goes to a human', () => {
    const reach = hunt((trace, annotated) => {
      for (const { record, moments } of annotated) {
        for (const { event, model } of moments) {
          if (event.type !== 'DecisionEvaluated' || event.data.trigger === 'result_after_approval') continue;
          const contradicted = contradictedKinds(model);
          const { outcome } = event.data;
          if (contradicted.length > 0 && (outcome === 'approve' || outcome === 'resubmit')) {
            violated(
              trace,
              record,
              `vendors disagree on ${contradicted.join(', ')} and the evaluation said ${outcome}`,
            );
          }
          if (
            contradicted.length > 0 &&
            outcome === 'review' &&
            !event.data.reasonCodes.includes('RESULTS_CONTRADICTORY')
          ) {
            violated(
              trace,
              record,
              `vendors disagree on ${contradicted.join(', ')}: review without RESULTS_CONTRADICTORY`,
            );
          }
        }
      }
    });
    expect(reach.contradictions).toBeGreaterThan(10);
  });

  it('I6 vendors who disagree send the session to review: the dissenting codes never reject it on their own', () => {
    hunt(
      (trace, annotated) => {
        for (const { record, moments } of annotated) {
          for (const { event, state, model } of moments) {
            if (event.type !== 'DecisionEvaluated' || event.data.trigger === 'result_after_approval')
              continue;
            const contradicted = contradictedKinds(model);
            if (contradicted.length === 0 || event.data.outcome !== 'reject') continue;
            // Final only for a reason of its own: a document of a minor, or an age failure no vendor contradicts.
            const ownFinal =
              currentEvidence(state).some((ref) => ref.belowMinimumAge === true) ||
              ALL_KINDS.filter((kind) => !contradicted.includes(kind)).some((kind) =>
                model
                  .of(kind)
                  .some(
                    (check) =>
                      NOT_CLEAR.includes(check.result) &&
                      ((check.kind === 'age' &&
                        check.result === 'fail' &&
                        (check.reasonCodes ?? []).length === 0) ||
                        (check.reasonCodes ?? []).includes('AGE_BELOW_THRESHOLD')),
                  ),
              );
            if (ownFinal) continue;
            const dissent = contradicted
              .flatMap((kind) => model.of(kind))
              .map(
                (c) =>
                  `${c.vendor}'s ${c.kind} ${c.result}${c.reasonCodes ? ` ${c.reasonCodes.join('+')}` : ''}`,
              );
            violated(
              trace,
              record,
              `vendors disagree (${dissent.join('; ')}) and the session was rejected (${event.data.reasonCodes.join(', ')}), not sent to review`,
            );
          }
        }
      },
      { examples: [AGE_DISPUTED] },
    );
  });

  it('I7 a sanctions or PEP hit never leads to an automatic approval or rejection; its review is priority 1 (sanctions) or 2 (PEP) with the compliance SLA', () => {
    const reach = hunt((trace, annotated) => {
      for (const { record, moments, modelAfter } of annotated) {
        const { command, before, events } = record;
        for (const { event, state, model } of moments) {
          if (isFinalByPolicy(event)) {
            const hits = HIT_KINDS.flatMap((kind) => model.of(kind)).filter((c) =>
              NOT_CLEAR.includes(c.result),
            );
            if (hits.length > 0 && state.path !== 'embargoed') {
              violated(
                trace,
                record,
                `${event.type} by policy with ${hits.map((c) => `${c.vendor}'s ${c.kind} ${c.result}`).join(', ')}`,
              );
            }
          }
          if (event.type === 'ReviewRequested') {
            const { reasons, priority } = event.data;
            const rules = rulesOf(state);
            if (reasons.includes('SANCTIONS_HIT') && priority !== 1)
              violated(trace, record, `a sanctions review at priority ${priority}`);
            if (reasons.includes('PEP_MATCH') && priority > 2)
              violated(trace, record, `a PEP review at priority ${priority}`);
            if (priority <= 2) {
              const due = ms(event.data.requestedAt) + rules.review.complianceSlaHours * HOUR_MS;
              if (ms(event.data.slaDueAt) !== due)
                violated(trace, record, 'a compliance review without the compliance SLA');
            }
          }
        }
        if (command.type === 'RecordVendorResult' && OPEN.includes(before.status)) {
          const received = events[0];
          const hit =
            received?.type === 'VendorResultReceived' &&
            received.data.counted &&
            command.data.checks.some(
              (c) =>
                HIT_KINDS.includes(c.kind) &&
                NOT_CLEAR.includes(c.result) &&
                modelAfter.latest.get(`${c.kind}/${command.data.vendor}`)?.result === c.result,
            );
          if (
            hit &&
            events.some((e) => e.type === 'VerificationApproved' || e.type === 'VerificationRejected')
          ) {
            violated(trace, record, 'a hit led directly to a final decision');
          }
        }
      }
    });
    expect(reach.reviews).toBeGreaterThan(50);
  });

  it('I8 a sanctions or PEP hit after any approval reopens review at priority 1', () => {
    const reach = hunt(
      (trace, annotated) => {
        for (const { record, model } of annotated) {
          const { command, before, events } = record;
          if (
            command.type !== 'RecordVendorResult' ||
            before.status !== 'approved' ||
            record.refusal !== undefined
          )
            continue;
          if (events.length === 0) continue; // a redelivery
          const created = ms(command.data.vendorCreatedAt);
          if (model.attempt > 1 && created < model.attemptStartedAt) continue; // a late result of an earlier attempt
          const hit = command.data.checks.find(
            (c) =>
              HIT_KINDS.includes(c.kind) &&
              NOT_CLEAR.includes(c.result) &&
              !model.superseded(command.data.vendor, c.kind, created),
          );
          if (hit === undefined) continue;
          const review = events.find((e) => e.type === 'ReviewRequested');
          const code = hit.kind === 'sanctions' ? 'SANCTIONS_HIT' : 'PEP_MATCH';
          if (
            review?.type !== 'ReviewRequested' ||
            review.data.priority !== 1 ||
            !review.data.reasons.includes(code)
          ) {
            violated(
              trace,
              record,
              `a ${hit.kind} ${hit.result} after a ${before.decidedBy} approval did not reopen review at priority 1 with ${code}`,
            );
          }
        }
      },
      { examples: [SANCTIONS_CITING_PEP_AFTER_APPROVAL] },
    );
    expect(reach.hitReopenedAfterApproval).toBeGreaterThan(5);
  });

  it('I8 after an automatic approval, a later fail or consider from any vendor reopens review', () => {
    const reach = hunt((trace, annotated) => {
      for (const { record, model, modelAfter } of annotated) {
        const { before, events } = record;
        if (
          record.command.type !== 'RecordVendorResult' ||
          before.status !== 'approved' ||
          before.decidedBy !== 'policy'
        )
          continue;
        const fresh = modelAfter
          .all()
          .filter(
            (check) =>
              NOT_CLEAR.includes(check.result) && model.latest.get(`${check.kind}/${check.vendor}`) !== check,
          );
        if (fresh.length > 0 && !events.some((e) => e.type === 'ReviewRequested')) {
          violated(
            trace,
            record,
            `after an automatic approval ${fresh.map((c) => `${c.vendor}'s ${c.kind} ${c.result}`).join(', ')} did not reopen review`,
          );
        }
      }
    });
    expect(reach.reopenedAfterApproval).toBeGreaterThan(10);
  });

  /** A newly raised signal that an approval can no longer satisfy: a higher tier with checks never collected. */
  function signalAfterApproval(
    record: StepRecord,
    model: VendorModel,
    modelAfter: VendorModel,
  ): string | undefined {
    const { command, before } = record;
    if (command.type !== 'RecordVendorResult' || before.status !== 'approved' || record.events.length === 0)
      return undefined;
    const counted = record.events[0]?.type === 'VendorResultReceived' && record.events[0].data.counted;
    if (!counted) return undefined;
    const rules = rulesOf(before);
    return Object.keys(command.data.riskSignals ?? {}).find((signal) => {
      if (model.raised(signal) || !modelAfter.raised(signal)) return false;
      if (rules.review.triggerRiskSignals.includes(signal)) return true;
      const rule = rules.stepUp.find((r) => r.signal === signal);
      if (rule === undefined || rankOf(rules, rule.tier) <= rankOf(rules, before.tier)) return false;
      return tierOf(rules, rule.tier).requiredChecks.some((kind) => modelAfter.of(kind).length === 0);
    });
  }

  function expectSignalReview(trace: Trace, record: StepRecord, signal: string): void {
    const review = record.events.find((e) => e.type === 'ReviewRequested');
    const evaluation = record.events.find((e) => e.type === 'DecisionEvaluated');
    // A failure or a hit in the same result reopens review first, and its codes are the reasons (I7, I8).
    const failing =
      record.command.type === 'RecordVendorResult' &&
      record.command.data.checks.some(
        (c) => c.result === 'fail' || c.result === 'consider' || (c.reasonCodes ?? []).length > 0,
      );
    const cited =
      review?.type === 'ReviewRequested' && (failing || review.data.reasons.includes('RISK_SIGNAL_REVIEW'));
    if (!cited) {
      violated(
        trace,
        record,
        `${signal} raised after a ${record.before.decidedBy} approval did not reopen review with RISK_SIGNAL_REVIEW`,
      );
    }
    if (
      evaluation?.type === 'DecisionEvaluated' &&
      (evaluation.data.stepUp !== undefined || evaluation.data.tier !== record.before.tier)
    ) {
      violated(trace, record, 'a risk signal after an approval changed the tier');
    }
    if (record.after.tier !== record.before.tier)
      violated(trace, record, 'a risk signal after an approval changed the tier');
  }

  it('I8 a risk signal after an automatic approval cannot raise the tier: it reopens review with RISK_SIGNAL_REVIEW at the session tier', () => {
    const reach = hunt((trace, annotated) => {
      for (const { record, model, modelAfter } of annotated) {
        if (record.before.decidedBy !== 'policy') continue;
        const signal = signalAfterApproval(record, model, modelAfter);
        if (signal !== undefined) expectSignalReview(trace, record, signal);
      }
    });
    expect(reach.riskSignalReopened).toBeGreaterThan(1);
  });

  it('I8 a risk signal after a reviewer or override approval reopens review too ("a risk signal after an approval")', () => {
    let seen = 0;
    hunt(
      (trace, annotated) => {
        for (const { record, model, modelAfter } of annotated) {
          if (record.before.decidedBy === 'policy') continue;
          const signal = signalAfterApproval(record, model, modelAfter);
          if (signal === undefined) continue;
          seen += 1;
          expectSignalReview(trace, record, signal);
        }
      },
      { examples: [SIGNAL_AFTER_REVIEWER_APPROVAL] },
    );
    // The pinned history contributes one; generated ones add a few.
    expect(seen).toBeGreaterThan(0);
  });

  it('I9 a review citing SANCTIONS_HIT or PEP_MATCH is approved only by a senior reviewer with a note', () => {
    const reach = hunt(
      (trace) => {
        for (const record of trace.records) {
          const reasons = record.before.review?.reasons ?? [];
          const hit = reasons.some((code) => code === 'SANCTIONS_HIT' || code === 'PEP_MATCH');
          for (const event of record.events) {
            if (event.type !== 'ReviewCompleted' || event.data.outcome !== 'approve' || !hit) continue;
            if (!(event.data.reviewerRoles ?? []).includes('senior_reviewer') || !event.data.hasNote) {
              violated(
                trace,
                record,
                `a hit (${reasons.join(', ')}) cleared by ${JSON.stringify(event.data.reviewerRoles)} hasNote=${event.data.hasNote}`,
              );
            }
          }
        }
        // Twice the default: a cleared hit needs a hit, a review and a senior's approval in one history, and the
        // reach check below must not hang on the luck of 300 random histories (seen: exactly 1 once in CI).
      },
      { numRuns: 600 },
    );
    expect(reach.hitsCleared).toBeGreaterThan(1);
  });

  it('I10 a raised risk signal raises the tier before any review trigger fires, and no automatic approval stays below it', () => {
    const reach = hunt(
      (trace, annotated) => {
        for (const { record, moments } of annotated) {
          for (const { event, state, model } of moments) {
            const rules = rulesOf(state);
            const above = rules.stepUp.filter(
              (rule) =>
                model.raised(rule.signal) &&
                rankOf(rules, rule.tier) > rankOf(rules, state.tier) &&
                tierOf(rules, rule.tier).requiredChecks.some((kind) => model.of(kind).length === 0),
            );
            if (
              event.type === 'VerificationApproved' &&
              event.data.decidedBy === 'policy' &&
              above.length > 0
            ) {
              violated(
                trace,
                record,
                `approved automatically at ${state.tier} with ${above.map((r) => r.signal).join(', ')} raised`,
              );
            }
            if (event.type !== 'DecisionEvaluated' || event.data.trigger === 'result_after_approval')
              continue;
            if (event.data.stepUp !== undefined) {
              const target = tierOf(rules, event.data.stepUp.tier);
              if (rankOf(rules, target.name) <= rankOf(rules, state.tier))
                violated(trace, record, 'a step-up that does not raise the tier');
              if (
                JSON.stringify(event.data.stepUp.requiredChecks) !== JSON.stringify(target.requiredChecks)
              ) {
                violated(
                  trace,
                  record,
                  `step-up to ${target.name} requires ${event.data.stepUp.requiredChecks.join(',')}`,
                );
              }
            }
            // Every screening hit (sanctions, PEP, adverse media, watchlist) goes to a human first (I7).
            const hits = event.data.reasonCodes.some((code) => isScreeningHit(code));
            if (event.data.outcome === 'review' && above.length > 0 && !hits) {
              violated(
                trace,
                record,
                `review (${event.data.reasonCodes.join(', ')}) before stepping up for ${above.map((r) => r.signal).join(', ')}`,
              );
            }
          }
        }
      },
      { examples: [WATCHLIST_HIT_WITH_RISK_SIGNALS] },
    );
    expect(reach.stepUps).toBeGreaterThan(5);
  });

  it('I11 a repeated vendor event, evidence with the same id and fields, or a capture already in progress records nothing', () => {
    const reach = hunt(
      (trace) => {
        for (const record of trace.records) {
          const { command, before } = record;
          let repeated = false;
          if (command.type === 'RecordVendorResult') {
            repeated = before.vendorEventIds.has(
              JSON.stringify([command.data.vendor, command.data.vendorEventId]),
            );
            if (!repeated && record.refusal === undefined && record.events.length === 0) {
              violated(
                trace,
                record,
                'a new vendor event (another vendor may use the same id) recorded nothing',
              );
            }
          }
          if (command.type === 'SubmitEvidence' && !record.refusedByHandler) {
            repeated = before.evidence.some(
              (ref) =>
                ref.evidenceId === command.data.evidenceId &&
                ref.kind === command.data.kind &&
                ref.documentType === command.data.documentType &&
                ref.issuingCountry === command.data.issuingCountry &&
                ref.vendor === command.data.vendor &&
                ref.vendorReference === command.data.vendorReference,
            );
          }
          if (command.type === 'StartCapture' && !record.refusedByHandler) {
            repeated = before.status === 'capture_in_progress' && ms(record.now) < ms(before.expiresAt);
          }
          // A repeat after the subject's standing changed (withdrawal, erasure) is refused as such (I1): that
          // refusal records nothing and tells the truth; any other refusal of a repeat would not.
          const standingRefusal = record.refusal !== undefined && STANDING_REFUSALS.has(record.refusal.code);
          if (repeated && ((record.refusal !== undefined && !standingRefusal) || record.events.length > 0)) {
            violated(
              trace,
              record,
              `a repeated ${command.type} ${record.refusal === undefined ? `recorded ${record.events.map((e) => e.type).join(', ')}` : `was refused (${record.refusal.code})`}`,
            );
          }
        }
      },
      { examples: [CAPTURE_REPEATED_AFTER_ERASURE] },
    );
    expect(reach.repeatsIgnored).toBeGreaterThan(10);
  });

  it('I12 an embargoed jurisdiction is rejected at start for good; rejected, expired and closed sessions take no new decision but a four-eyes override of a rejection', () => {
    const reach = hunt((trace) => {
      if (EMBARGOED.includes(trace.scenario.jurisdiction)) {
        const types = trace.start.map((e) => e.type).join(',');
        const rejection = trace.start.find((e) => e.type === 'VerificationRejected');
        if (
          types !== 'VerificationInitiated,DecisionEvaluated,VerificationRejected' ||
          rejection?.type !== 'VerificationRejected'
        ) {
          violated(trace, undefined, `an embargoed start recorded ${types}`);
        }
        if (!rejection.data.reasonCodes.includes('UNSUPPORTED_JURISDICTION'))
          violated(trace, undefined, 'embargo without UNSUPPORTED_JURISDICTION');
        for (const record of trace.records) {
          if (record.after.status !== 'rejected')
            violated(trace, record, `an embargoed session became ${record.after.status}`);
        }
      }
      for (const record of trace.records) {
        const { before, events } = record;
        for (const event of events) {
          if (event.type === 'OverrideApproved') {
            const request = before.overrides.get(event.data.overrideId);
            if (
              request === undefined ||
              request.requestedBy === event.data.approverId ||
              !event.data.approverRoles.includes('senior_reviewer')
            ) {
              violated(trace, record, 'an override without four eyes and a senior reviewer');
            }
          }
        }
        if (!['rejected', 'expired', 'closed'].includes(before.status)) continue;
        const overridden = before.status === 'rejected' && events.some((e) => e.type === 'OverrideApproved');
        const decision = events.find((e) =>
          [
            'VerificationApproved',
            'VerificationRejected',
            'ReviewRequested',
            'ResubmissionRequested',
            'DecisionEvaluated',
            'VerificationExpired',
            'VerificationClosed',
            'CaptureStarted',
            'EvidenceSubmitted',
          ].includes(e.type),
        );
        if (decision !== undefined && !(overridden && decision.type === 'VerificationApproved')) {
          violated(trace, record, `a ${before.status} session recorded ${decision.type}`);
        }
      }
    });
    expect(reach.embargoed).toBeGreaterThan(5);
    expect(reach.approvedByOverride).toBeGreaterThan(0);
  });

  it('SLA an escalation decides nothing: only a review still open past its SLA, once, one priority up (never past 1)', () => {
    let escalations = 0;
    hunt(
      (trace) => {
        for (const record of trace.records) {
          const { before, after, events, now } = record;
          const breaches = events.filter((e) => e.type === 'ReviewSlaBreached');
          if (record.command.type === 'EscalateReview' && events.length !== breaches.length) {
            violated(trace, record, 'an escalation recorded something besides the breach');
          }
          for (const breach of breaches) {
            escalations += 1;
            const review = before.review;
            if (before.status !== 'pending_review' || review === undefined) {
              violated(trace, record, `a breach recorded while ${before.status}`);
              continue;
            }
            if (review.escalatedAt !== undefined) violated(trace, record, 'a review escalated twice');
            if (Date.parse(now) < Date.parse(review.slaDueAt))
              violated(trace, record, 'escalated before its SLA');
            if (breach.data.escalatedPriority !== Math.max(1, review.priority - 1)) {
              violated(
                trace,
                record,
                `priority ${review.priority} escalated to ${breach.data.escalatedPriority}`,
              );
            }
            if (after.status !== before.status || after.decidedBy !== before.decidedBy) {
              violated(trace, record, 'an escalation changed the status or the decision');
            }
          }
        }
        // Escalations are rare in generated histories: enough runs that the reach below is not left to chance.
      },
      { numRuns: 900 },
    );
    expect(escalations).toBeGreaterThan(5);
  });
  it('I13 an identity another subject already used never passes automatically: no policy approval while evidence of the attempt matches another subject; review, or rejection where the policy says', () => {
    let flagged = 0;
    hunt(
      (trace) => {
        for (const record of trace.records) {
          const approved = record.events.find((e) => e.type === 'VerificationApproved');
          if (approved === undefined || approved.data.decidedBy !== 'policy') continue;
          const duplicates = record.after.evidence.filter(
            (e) => e.attempt === record.after.attempt && e.duplicateOf !== undefined,
          );
          if (duplicates.length > 0) {
            violated(
              trace,
              record,
              'a policy approval although evidence of the attempt matches another subject',
            );
          }
        }
        for (const record of trace.records) {
          const evaluated = record.events.find((e) => e.type === 'DecisionEvaluated');
          if (evaluated?.data.reasonCodes.includes('DUPLICATE_IDENTITY_SUSPECTED') === true) flagged += 1;
        }
      },
      { examples: [DUPLICATE_PASSPORT] },
    );
    expect(flagged).toBeGreaterThan(0);
  });

  it('I14 only a senior reviewer or an admin moves a review from its assignee; a non-senior may only claim an unassigned review for themself', () => {
    let refused = 0;
    let claimed = 0;
    hunt(
      (trace) => {
        for (const record of trace.records) {
          if (record.command.type !== 'AssignReviewer') continue;
          const { reviewerId, assignedBy, assignerRoles } = record.command.data;
          if (assignerRoles.includes('senior_reviewer') || assignerRoles.includes('admin')) continue;
          const assignee = record.before.assignee;
          const movesFromAnother = assignee !== undefined && assignee !== assignedBy;
          const toSomeoneElse = reviewerId !== assignedBy;
          if ((movesFromAnother || toSomeoneElse) && record.events.length > 0) {
            violated(
              trace,
              record,
              `${assignedBy}, not a senior, assigned ${reviewerId} a review held by ${assignee ?? 'nobody'}: ${record.events.map((e) => e.type).join(', ')}`,
            );
          }
          if (record.before.status !== 'pending_review') continue;
          // Assigning the review to whoever already holds it changes nothing: it records nothing, refused or not.
          if (assignee !== reviewerId && (movesFromAnother || toSomeoneElse)) {
            if (record.refusal?.code !== 'reassignment_not_allowed') {
              violated(
                trace,
                record,
                'a reassignment by a non-senior was not refused as reassignment_not_allowed',
              );
            }
            refused += 1;
          } else if (assignee === undefined) {
            // The one thing a non-senior may do: claim an unassigned review for themself.
            if (
              !record.events.some((e) => e.type === 'ReviewerAssigned' && e.data.reviewerId === assignedBy)
            ) {
              violated(trace, record, `${assignedBy} could not claim an unassigned review for themself`);
            }
            claimed += 1;
          }
        }
        // A non-senior's assignment meets a review only now and then: enough runs that the reach below is not
        // left to chance.
      },
      { numRuns: 900 },
    );
    expect(refused).toBeGreaterThan(5);
    expect(claimed).toBeGreaterThan(2);
  });

  it('replaying the policy in force over any history reproduces every recorded evaluation exactly (zero deltas), and a stricter candidate changes only what it should', () => {
    const strictDocument = cloneDocument(policy.document) as unknown as {
      jurisdictions: Record<string, Record<string, { manualReview: boolean }>>;
    };
    for (const segments of Object.values(strictDocument.jurisdictions)) {
      for (const rules of Object.values(segments)) rules.manualReview = true;
    }
    const stricter = loaded(strictDocument as unknown as PolicyDocument);
    let evaluations = 0;
    let movedToReview = 0;
    hunt(
      (trace) => {
        const stored = ledgerEventsOf(trace);
        const same = new PolicyReplay(policy);
        const strict = new PolicyReplay(stricter);
        for (const event of stored) {
          same.apply(event);
          strict.apply(event);
        }
        const recorded = stored.filter((e) => e.type === 'DecisionEvaluated').length;
        const report = same.report();
        expect(report.decisionsEvaluated).toBe(recorded);
        expect(report.changed, JSON.stringify(report.byOutcome)).toBe(0);
        expect(report.recordedPolicies).toEqual(recorded === 0 ? {} : { [policy.hash]: recorded });
        expect(report.readTo).toBe(stored.at(-1)?.position ?? 0);
        // Every session on the manual path: nothing the recorded policy approved is approved by the candidate.
        const strictReport = strict.report();
        expect(strictReport.byOutcome['approve→approve'] ?? 0).toBe(0);
        evaluations += recorded;
        movedToReview += strictReport.byOutcome['approve→review'] ?? 0;
      },
      { numRuns: 200 },
    );
    expect(evaluations).toBeGreaterThan(50);
    expect(movedToReview).toBeGreaterThan(0);
  });
});

/** A trace's session events as the ledger would hold them (positions in order, recorded at the command's time). */
function ledgerEventsOf(trace: Trace): LedgerEvent[] {
  return storedEvents([
    {
      sessionId: SESSION_ID,
      events: [
        ...trace.start.map((event) => ({ event, at: T0 })),
        ...trace.records.flatMap((record) => record.events.map((event) => ({ event, at: record.now }))),
      ],
    },
  ]);
}
