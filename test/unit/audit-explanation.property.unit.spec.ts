import { explain } from '../../src/audit/explanation';
import type { LedgerEvent } from '../../src/ledger/envelope';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { standingOf } from '../../src/domain/subject';
import { DATA_CLASSES, type DataClass } from '../../src/shared/data-classes';
import {
  CHECK_KINDS,
  DOCUMENT_TYPES,
  type CheckKind,
  type CheckResult,
  type CheckResultValue,
  type DocumentType,
  type EvidenceKind,
} from '../../src/domain/policy/policy.types';
import type { ReasonCode } from '../../src/domain/reason-codes';
import { DomainError } from '../../src/domain/shared/domain-error';
import {
  type ClassRetention,
  consentInForce,
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
  type ManualOutcome,
  type SubjectStanding,
  type SubmitEvidence,
  type Verification,
  type VerificationCommand,
  type VerificationEvent,
  type VerificationState,
  type VerificationStatus,
} from '../../src/domain/verification';
import { shippedPolicy } from './policy/policy-fixtures';

/*
 * docs/decision-invariants.md, hunted by generated histories. One verification session of one subject, under the
 * shipped policy in force, receives a sequence of commands — capture, evidence (valid, expired, of a minor, of
 * a type or issuer the policy refuses, repeated), vendor results of two vendors (any result, out of order,
 * redelivered, with risk signals), clock jumps past the time to live, the scheduler's expiry, reviews, overrides,
 * the session closer — while the subject's own stream takes consents, newer consents, withdrawals and erasure
 * requests. Every command goes through the real deciders, with the standing `standingOf` reads from the folded
 * subject stream, exactly as VerificationCommandHandler hands it over; capture and evidence, whose deciders
 * receive no standing, are refused without consent as the handler refuses them (assertMayProcess). A refusal
 * (a DomainError) changes nothing; any other exception fails. After each step, every invariant is checked against what this file
 * computes on its own from the command history (each vendor's latest result, the attempt, the raised signals).
 */

const policy = shippedPolicy();
const SESSION_ID = 'ses_prop';
const SUBJECT_ID = 'sub_prop';
const T0 = '2026-12-02T09:00:00.000Z';
const MINUTE_MS = 60_000;
const SIGNALS = Object.keys(policy.document.riskSignals);

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
const HIT_KINDS: readonly CheckKind[] = ['sanctions', 'pep'];

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
  | { readonly t: 'grant'; readonly dt: number; readonly coversVerification: boolean }
  | { readonly t: 'erase'; readonly dt: number }
  | { readonly t: 'assign'; readonly dt: number; readonly reviewer: Reviewer }
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
  })
  .map((step): Step => ({ t: 'evidence', ...step }));

const reviewer = fc.constantFrom<Reviewer>('rev_x', 'rev_y');

/** Steps; `privacy` adds withdrawals and erasure requests (without them, most histories keep their consent). */
function step(privacy: boolean): fc.Arbitrary<Step> {
  const steps: fc.WeightedArbitrary<Step>[] = [
    { weight: 9, arbitrary: vendorStep },
    { weight: 5, arbitrary: evidenceStep },
    { weight: 1, arbitrary: dt.map((d): Step => ({ t: 'capture', dt: d })) },
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
    { weight: 1, arbitrary: fc.record({ dt, reviewer }).map((s): Step => ({ t: 'assign', ...s })) },
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
          })
          .map((s): Step => ({ t: 'grant', ...s })),
      },
      { weight: 1, arbitrary: dt.map((d): Step => ({ t: 'erase', dt: d })) },
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
  readonly what: 'withdraw' | 'grant' | 'erase';
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
  const grant = (covers: boolean): boolean => {
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
      events = decideVerification(command, before);
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
    ): void => {
      const before = standingOf(subject);
      const outcome = change();
      if (outcome === 'refused') return;
      const after = standingOf(subject);
      subjectChanges.push({ step: index, what, before, after, superseded: outcome === 'superseded' });
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
        changeSubject('grant', () => (grant(step.coversVerification) ? 'applied' : 'refused'));
        return;
      case 'erase':
        changeSubject('erase', () =>
          onSubject({
            type: 'RequestErasure',
            data: {
              requestId: next('era'),
              ground: 'consent_withdrawn',
              heldClasses: ['identity_attributes', 'contact_address'],
              retention: RETENTION,
              now,
            },
          })
            ? 'applied'
            : 'refused',
        );
        return;
      case 'assign':
        run(index, {
          type: 'AssignReviewer',
          data: {
            sessionId: SESSION_ID,
            reviewerId: step.reviewer,
            assignedBy: step.reviewer,
            assignerRoles: ['senior_reviewer'],
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

// The explanation, folded at each position of a generated history, against the status read model's fold.

const DECIDED_STATUSES: readonly string[] = ['approved', 'rejected', 'expired', 'closed'];

function asLedger(events: readonly VerificationEvent[]): LedgerEvent[] {
  return events.map((event, i) => ({
    stream: `kyc-verification-${SESSION_ID}`,
    revision: i,
    position: (i + 1) * 10,
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: event.type,
    data: JSON.parse(JSON.stringify(event.data)) as LedgerEvent['data'],
    pii: null,
    metadata: {
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      occurredAt: T0,
      recordedAt: T0,
      actor: { kind: 'user', id: 'op', roles: ['operator'] },
      correlationId: 'c',
      causationId: null,
      schemaVersion: 1,
      prevHash: null,
      hash: 'h'.repeat(64),
    } as unknown as LedgerEvent['metadata'],
  }));
}

describe('explanation never contradicts the status (generated histories, every verification event type)', () => {
  it('summary, decision and waitingFor agree with the folded status at every position', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const trace = simulate(scenario, { watchMutation: false });
        const events = [...trace.start, ...trace.records.flatMap((r) => r.events)];
        const ledger = asLedger(events);
        let state: VerificationState = initialVerificationState;
        for (let k = 0; k < events.length; k += 1) {
          state = evolveVerification(state, events[k] as VerificationEvent);
          seen.add(events[k]!.type);
          const x = explain(ledger.slice(0, k + 1), [], ledger[k]!.position);
          expect(x).toBeDefined();
          if (!x || state.status === 'none') continue;
          expect(x.status).toBe(state.status);
          expect(x.asOf.position).toBe(ledger[k]!.position);
          if (DECIDED_STATUSES.includes(state.status)) {
            expect(x.decision?.outcome).toBe(state.status);
            expect(x.waitingFor).toBeNull();
            expect(x.summary).not.toMatch(/^Not decided/);
          } else {
            expect([...OPEN, 'pending_review']).toContain(state.status);
            expect(x.decision).toBeNull();
            expect(x.waitingFor).not.toBeNull();
            expect(x.summary).toMatch(/^Not decided/);
          }
          if (state.status !== 'approved') expect(x.summary).not.toMatch(/^Approved/);
          if (state.status !== 'rejected') expect(x.summary).not.toMatch(/^Rejected/);
        }
      }),
      { numRuns: 150 },
    );
    // The histories must reach the decisions and the reopening this property is about.
    for (const type of [
      'VerificationApproved',
      'VerificationRejected',
      'ReviewRequested',
      'DecisionEvaluated',
    ])
      expect(seen).toContain(type);
  });
});
