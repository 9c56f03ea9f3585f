import { describe, expect, it } from 'vitest';
import { policyHash } from '../../src/domain/policy/policy-hash';
import type { LoadedPolicy, PolicyDocument } from '../../src/domain/policy/policy.types';
import {
  decideVerification,
  evolveVerification,
  initialVerificationState,
  type VerificationCommand,
  type VerificationEvent,
  type VerificationState,
} from '../../src/domain/verification';
import type { LedgerEvent } from '../../src/ledger/envelope';
import { storedEvents } from '../support/decided-sessions';
import { loadPolicies } from '../../src/policies/policy-loader';
import {
  CALIBRATION_OUTCOMES,
  type CalibrationFilter,
  type CalibrationGroup,
  type CalibrationOutcome,
  type CalibrationReport,
  MIN_PER_GROUP,
  ScoreCalibration,
} from '../../src/policy-lab/calibration';
import { POLICIES } from '../support/policy-dir';

/*
 * The calibration report over a seeded data set decided by the real decider: face_match scores drawn from a
 * seeded generator, with a planted boundary — reviewers reject below 0.83 and approve from 0.83 — so that the
 * threshold finder, asked for no false positive, has to find 0.83 and nothing else.
 */

/** The boundary the reviewers of the data set follow. */
const PLANTED = 0.83;
/** The lab's policy: every face_match below 0.99 goes to review (a band as wide as the threshold). */
const AUTO_FROM = 0.99;
const T0 = Date.parse('2026-11-26T10:00:00.000Z');
const standing = { consentInForce: true };

function shipped(): LoadedPolicy {
  const found = loadPolicies(POLICIES).find(
    (p) => p.document.policyId === 'kyc-default' && p.document.version === '2026-11-01',
  );
  if (found === undefined) throw new Error('kyc-default 2026-11-01 is not in policies/');
  return found;
}

/** The shipped policy with DE and GB retail sending every face_match below 0.99 to review. */
function reviewEverything(): LoadedPolicy {
  const document = structuredClone(shipped().document) as unknown as {
    version: string;
    jurisdictions: Record<string, Record<string, { thresholds: Record<string, number>; reviewBand: number }>>;
  };
  document.version = 'calibration-lab';
  for (const country of ['DE', 'GB']) {
    const rules = document.jurisdictions[country]?.retail;
    if (rules === undefined) throw new Error(`no ${country} retail rules`);
    rules.thresholds.face_match = AUTO_FROM;
    rules.reviewBand = AUTO_FROM;
  }
  const loaded = document as unknown as PolicyDocument;
  return { document: loaded, hash: policyHash(loaded), source: 'test' };
}

/** mulberry32: the same data set on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Ending =
  /** Reviewers follow the planted boundary (policy approval from 0.99). */
  | 'as_planted'
  /** Rejected after review, then an override approves it. */
  | 'rejected_then_overridden'
  /** Approved after review, then an override rejects it. */
  | 'approved_then_overridden'
  /** Still in review. */
  | 'pending'
  /** Closed in review (consent withdrawn). */
  | 'closed';

interface Plan {
  readonly jurisdiction: 'DE' | 'GB';
  readonly face: number;
  readonly ending: Ending;
  /** A blurred document first (resubmission), with this face_match score on that attempt. */
  readonly firstAttemptFace?: number;
}

interface Session {
  readonly plan: Plan;
  readonly sessionId: string;
  readonly events: { event: VerificationEvent; at: string }[];
  readonly state: VerificationState;
}

/** A session decided by the real decider, each command at its own minute (the event's recording time). */
function decided(policy: LoadedPolicy, plan: Plan, index: number): Session {
  const sessionId = `ses_${String(index).padStart(4, '0')}`;
  let minute = index * 20;
  let now = '';
  const tick = (): string => (now = new Date(T0 + (minute += 1) * 60_000).toISOString());
  let state: VerificationState = initialVerificationState;
  const events: { event: VerificationEvent; at: string }[] = [];
  const run = (command: VerificationCommand): void => {
    for (const event of decideVerification(command, state)) {
      events.push({ event, at: now });
      state = evolveVerification(state, event);
    }
  };
  run({
    type: 'StartVerification',
    data: {
      sessionId,
      subjectId: `sub_${index}`,
      jurisdiction: plan.jurisdiction,
      segment: 'retail',
      riskSignals: {},
      consent: {
        consentId: `con_${index}`,
        scopes: ['identity_verification', 'biometric_processing'],
        noticeVersion: '2026-01',
        policyHash: policy.hash,
        locale: 'en-GB',
        channel: 'web',
        grantedAt: tick(),
      },
      policy,
      now: tick(),
    },
  });
  const attempts = plan.firstAttemptFace === undefined ? [plan.face] : [plan.firstAttemptFace, plan.face];
  attempts.forEach((face, attempt) => {
    const blurred = attempt < attempts.length - 1;
    run({
      type: 'StartCapture',
      data: { sessionId, channel: 'web', deviceClass: 'mobile', subject: standing, now: tick() },
    });
    run({
      type: 'SubmitEvidence',
      data: {
        sessionId,
        evidenceId: `evd_${attempt}`,
        kind: 'document',
        documentType: 'passport',
        issuingCountry: plan.jurisdiction,
        vendor: 'onfido',
        vendorReference: `doc_${attempt}`,
        policy,
        subject: standing,
        now: tick(),
      },
    });
    run({
      type: 'RecordVendorResult',
      data: {
        sessionId,
        vendor: 'onfido',
        vendorEventId: `evt_${attempt}`,
        vendorCreatedAt: tick(),
        checks: [
          blurred
            ? { kind: 'document', result: 'fail', reasonCodes: ['DOC_IMAGE_QUALITY'] }
            : { kind: 'document', result: 'clear', score: 0.97 },
          { kind: 'face_match', result: 'clear', score: face },
          { kind: 'liveness', result: 'clear', score: 0.99 },
          { kind: 'sanctions', result: 'clear' },
        ],
        policy,
        subject: standing,
        now: tick(),
      },
    });
  });
  const review = (outcome: 'approve' | 'reject'): void => {
    run({
      type: 'CompleteReview',
      data: {
        sessionId,
        reviewerId: 'rev_1',
        reviewerRoles: ['reviewer'],
        outcome,
        reasonCodes: outcome === 'approve' ? [] : ['FACE_MISMATCH'],
        policy,
        subject: standing,
        now: tick(),
      },
    });
  };
  if (plan.ending === 'as_planted' && state.status === 'pending_review') {
    review(plan.face < PLANTED ? 'reject' : 'approve');
  }
  if (plan.ending === 'rejected_then_overridden' || plan.ending === 'approved_then_overridden') {
    const overturnTo = plan.ending === 'rejected_then_overridden' ? 'approve' : 'reject';
    review(overturnTo === 'approve' ? 'reject' : 'approve');
    run({
      type: 'RequestOverride',
      data: {
        sessionId,
        overrideId: `ovr_${index}`,
        requestedBy: 'rev_1',
        outcome: overturnTo,
        ...(overturnTo === 'reject' ? { reasonCodes: ['FACE_MISMATCH' as const] } : {}),
        justification: 'second look at the capture',
        now: tick(),
      },
    });
    run({
      type: 'ApproveOverride',
      data: {
        sessionId,
        overrideId: `ovr_${index}`,
        approverId: 'senior_1',
        approverRoles: ['senior_reviewer'],
        policy,
        subject: standing,
        now: tick(),
      },
    });
  }
  if (plan.ending === 'closed') {
    run({ type: 'CloseVerification', data: { sessionId, reason: 'CONSENT_WITHDRAWN', now: tick() } });
  }
  return { plan, sessionId, events, state };
}

/** The sessions' events as the ledger holds them: interleaved in time, positions in that order. */
const ledgerOf = (sessions: readonly Session[]): LedgerEvent[] => storedEvents(sessions);

/** How each plan should end, from the outcome classes' definitions. */
function expectedOutcome(plan: Plan): CalibrationOutcome {
  switch (plan.ending) {
    case 'rejected_then_overridden':
    case 'approved_then_overridden':
      return 'overturned';
    case 'pending':
      return 'undecided';
    case 'closed':
      return 'closed';
    case 'as_planted':
      if (plan.face >= AUTO_FROM) return 'approved_automatically';
      return plan.face < PLANTED ? 'rejected' : 'approved_after_review';
  }
}

const policy = reviewEverything();
const random = seeded(20261126);
/** 80 DE sessions with face_match uniform in [0.5, 1), three decimals; the boundary pinned from both sides. */
const plans: Plan[] = [
  ...Array.from({ length: 80 }, (): Plan => ({
    jurisdiction: 'DE',
    face: Math.round((0.5 + random() * 0.5) * 1000) / 1000,
    ending: 'as_planted',
  })),
  { jurisdiction: 'DE', face: 0.829, ending: 'as_planted' },
  { jurisdiction: 'DE', face: PLANTED, ending: 'as_planted' },
  { jurisdiction: 'DE', face: 0.995, ending: 'as_planted' },
  { jurisdiction: 'DE', face: 1, ending: 'as_planted' },
  // A first attempt's low score led to a resubmission, not to the outcome: only the second attempt's counts.
  { jurisdiction: 'DE', face: 0.9, ending: 'as_planted', firstAttemptFace: 0.999 },
  { jurisdiction: 'DE', face: 0.71, ending: 'rejected_then_overridden' },
  { jurisdiction: 'DE', face: 0.77, ending: 'approved_then_overridden' },
  { jurisdiction: 'DE', face: 0.88, ending: 'pending' },
  { jurisdiction: 'DE', face: 0.64, ending: 'closed' },
  // Too few for GB to stand alone: its results count in the country-less group only.
  { jurisdiction: 'GB', face: 0.6, ending: 'as_planted' },
  { jurisdiction: 'GB', face: 0.8, ending: 'as_planted' },
  { jurisdiction: 'GB', face: 0.86, ending: 'as_planted' },
  { jurisdiction: 'GB', face: 0.93, ending: 'as_planted' },
  { jurisdiction: 'GB', face: 0.992, ending: 'as_planted' },
];
const sessions = plans.map((plan, i) => decided(policy, plan, i));
const ledger = ledgerOf(sessions);

function calibrate(
  filter: CalibrationFilter = {},
  targets: Parameters<ScoreCalibration['report']>[0] = {},
  inForce: LoadedPolicy | null = policy,
): CalibrationReport {
  const calibration = new ScoreCalibration(filter, inForce ?? undefined);
  for (const event of ledger) calibration.apply(event);
  return calibration.report(targets);
}

function group(report: CalibrationReport, checkKind: string, jurisdiction: string | null): CalibrationGroup {
  const found = report.groups.find(
    (g) => g.vendor === 'onfido' && g.checkKind === checkKind && g.jurisdiction === jurisdiction,
  );
  if (found === undefined) throw new Error(`no onfido ${checkKind} ${jurisdiction ?? 'all'} group`);
  return found;
}

const facesOf = (jurisdiction?: 'DE' | 'GB'): Plan[] =>
  plans.filter((p) => jurisdiction === undefined || p.jurisdiction === jurisdiction);
const negative = (plan: Plan): boolean => ['rejected', 'overturned'].includes(expectedOutcome(plan));

describe(ScoreCalibration.name, () => {
  it('the data set ends as planned under the real decider', () => {
    for (const session of sessions) {
      const status = session.state.status;
      const want = expectedOutcome(session.plan);
      const statusOf: Record<CalibrationOutcome, string> = {
        approved_automatically: 'approved',
        approved_after_review: 'approved',
        rejected: 'rejected',
        overturned: session.plan.ending === 'approved_then_overridden' ? 'rejected' : 'approved',
        undecided: 'pending_review',
        expired: 'expired',
        closed: 'closed',
      };
      expect(status, `${session.sessionId} ${JSON.stringify(session.plan)}`).toBe(statusOf[want]);
    }
    // The seeded draw spreads on both sides of the boundary.
    expect(plans.filter((p) => p.face < PLANTED).length).toBeGreaterThan(20);
    expect(plans.filter((p) => p.face >= PLANTED && p.face < AUTO_FROM).length).toBeGreaterThan(20);
  });

  it('labels each session’s result with how it finally stood, one result per session, vendor and kind', () => {
    const report = calibrate();
    const de = group(report, 'face_match', 'DE');
    const all = group(report, 'face_match', null);
    const count = (list: readonly Plan[]): Record<string, number> => {
      const counts = Object.fromEntries(CALIBRATION_OUTCOMES.map((o) => [o, 0]));
      for (const plan of list) counts[expectedOutcome(plan)] = (counts[expectedOutcome(plan)] ?? 0) + 1;
      return counts;
    };
    expect(de.results).toBe(facesOf('DE').length);
    expect(de.byOutcome).toEqual(count(facesOf('DE')));
    expect(all.results).toBe(plans.length);
    expect(all.byOutcome).toEqual(count(plans));
    expect(de.byOutcome).toMatchObject({ overturned: 2, undecided: 1, closed: 1 });
    // Only scored clear results: sanctions (no score) and the blurred document (fail) are not among them.
    expect(report.groups.map((g) => `${g.checkKind}/${g.jurisdiction ?? '*'}`)).toEqual([
      'document/*',
      'document/DE',
      'face_match/*',
      'face_match/DE',
      'liveness/*',
      'liveness/DE',
    ]);
    expect(report.minPerGroup).toBe(MIN_PER_GROUP);
    expect(report.readTo).toBe(ledger.length);
  });

  it('reports a country below MIN_PER_GROUP only in the country-less group', () => {
    const report = calibrate();
    expect(facesOf('GB').length).toBeLessThan(MIN_PER_GROUP);
    expect(report.groups.some((g) => g.jurisdiction === 'GB')).toBe(false);
    expect(group(report, 'face_match', null).results).toBe(
      group(report, 'face_match', 'DE').results + facesOf('GB').length,
    );

    const gbOnly = calibrate({ jurisdiction: 'GB' });
    expect(gbOnly.groups.map((g) => [g.checkKind, g.jurisdiction, g.results])).toEqual([
      ['document', null, 5],
      ['face_match', null, 5],
      ['liveness', null, 5],
    ]);
  });

  it('builds a histogram of 50 bins of 0.02 whose counts add up, each score in its bin', () => {
    const de = group(calibrate(), 'face_match', 'DE');
    expect(de.histogram).toHaveLength(50);
    expect(de.histogram[0]).toMatchObject({ from: 0, to: 0.02 });
    expect(de.histogram[41]).toMatchObject({ from: 0.82, to: 0.84 });
    expect(de.histogram[49]).toMatchObject({ from: 0.98, to: 1 });
    expect(de.histogram.reduce((sum, bin) => sum + bin.total, 0)).toBe(de.results);
    for (const bin of de.histogram) {
      expect(Object.values(bin.byOutcome).reduce((a, b) => a + b, 0)).toBe(bin.total);
    }
    for (const outcome of CALIBRATION_OUTCOMES) {
      expect(
        de.histogram.reduce((sum, bin) => sum + bin.byOutcome[outcome], 0),
        outcome,
      ).toBe(de.byOutcome[outcome]);
    }
    de.histogram.forEach((bin, i) => {
      const inBin = facesOf('DE').filter((p) =>
        i === 49 ? p.face >= bin.from : p.face >= bin.from && p.face < bin.to,
      );
      expect(bin.total, `[${bin.from}, ${bin.to})`).toBe(inBin.length);
    });
    // 0.829 and 0.83 share the bin [0.82, 0.84): one rejected, one approved after review.
    expect(de.histogram[41]?.byOutcome.rejected).toBeGreaterThanOrEqual(1);
    expect(de.histogram[41]?.byOutcome.approved_after_review).toBeGreaterThanOrEqual(1);
  });

  it('finds the planted threshold: no false positive → 0.83, with the rates it achieves', () => {
    const report = calibrate({}, { targetFalsePositiveRate: 0 });
    for (const [jurisdiction, list] of [
      ['DE', facesOf('DE')],
      [null, facesOf()],
    ] as const) {
      const g = group(report, 'face_match', jurisdiction);
      const below = list.filter((p) => p.face < PLANTED).length;
      expect(g.suggested, String(jurisdiction)).toEqual({
        threshold: PLANTED,
        reviewRate: below / list.length,
        falsePositiveRate: 0,
        passRate: (list.length - below) / list.length,
      });
    }
    expect(report.targets).toEqual({ targetReviewRate: null, targetFalsePositiveRate: 0 });

    // Tolerating some false positives lets the threshold drop: each time to the lowest grid point that allows it.
    const de = facesOf('DE');
    const negatives = de.filter(negative);
    const lowest = (target: number): number => {
      for (let k = 0; k <= 100; k += 1) {
        if (negatives.filter((p) => p.face >= k / 100).length / negatives.length <= target) return k / 100;
      }
      return Number.NaN;
    };
    for (const tolerated of [1, 2, 5]) {
      const target = tolerated / negatives.length;
      const loose = group(calibrate({}, { targetFalsePositiveRate: target }), 'face_match', 'DE');
      expect(loose.suggested?.threshold, `${tolerated} tolerated`).toBe(lowest(target));
      // Two rejected results sit in [0.82, 0.83) (the pinned 0.829 and a drawn 0.822): one tolerated is not enough.
      if (tolerated >= 2) expect(loose.suggested?.threshold).toBeLessThan(PLANTED);
      else expect(loose.suggested?.threshold).toBe(PLANTED);
      expect(loose.suggested?.falsePositiveRate).toBeLessThanOrEqual(target);
    }
  });

  it('answers the highest threshold within a review budget, and none when both targets cannot be met', () => {
    const de = facesOf('DE');
    const budget = 0.25;
    const g = group(calibrate({}, { targetReviewRate: budget }), 'face_match', 'DE');
    const reviewRate = (t: number): number => de.filter((p) => p.face < t).length / de.length;
    const threshold = g.suggested?.threshold ?? -1;
    expect(reviewRate(threshold)).toBeLessThanOrEqual(budget);
    expect(reviewRate(Math.round(threshold * 100 + 1) / 100)).toBeGreaterThan(budget);
    expect(g.suggested?.reviewRate).toBe(reviewRate(threshold));

    // Both: the planted 0.83 sends more than 5% to review, so no threshold meets both.
    const both = group(
      calibrate({}, { targetFalsePositiveRate: 0, targetReviewRate: 0.05 }),
      'face_match',
      'DE',
    );
    expect(both.suggested).toBeNull();
    const roomy = group(
      calibrate({}, { targetFalsePositiveRate: 0, targetReviewRate: 0.9 }),
      'face_match',
      'DE',
    );
    expect(roomy.suggested?.threshold).toBe(PLANTED);
    expect(group(calibrate(), 'face_match', 'DE').suggested).toBeNull();
    // Liveness scored 0.99 for everyone: only a threshold that stops every result stops the rejected ones.
    expect(group(calibrate({}, { targetFalsePositiveRate: 0 }), 'liveness', 'DE').suggested).toEqual({
      threshold: 1,
      reviewRate: 1,
      falsePositiveRate: 0,
      passRate: 0,
    });
  });

  it('shows where the policy in force stands: its threshold and rates, per country and segment', () => {
    const de = facesOf('DE');
    const lab = group(calibrate(), 'face_match', 'DE');
    expect(lab.current).toEqual({
      threshold: AUTO_FROM,
      thresholds: [AUTO_FROM],
      reviewRate: de.filter((p) => p.face < AUTO_FROM).length / de.length,
      falsePositiveRate: 0,
      passRate: de.filter((p) => p.face >= AUTO_FROM).length / de.length,
    });
    expect(calibrate().policy).toEqual({
      policyId: 'kyc-default',
      version: 'calibration-lab',
      hash: policy.hash,
    });

    // The shipped policy: DE retail 0.88, GB retail 0.85 — one threshold per country, two in the mixed group.
    const inForce = shipped();
    const report = calibrate({}, {}, inForce);
    const deShipped = group(report, 'face_match', 'DE');
    expect(deShipped.current).toMatchObject({ threshold: 0.88, thresholds: [0.88] });
    expect(deShipped.current?.reviewRate).toBe(de.filter((p) => p.face < 0.88).length / de.length);
    const deNegatives = de.filter(negative);
    expect(deShipped.current?.falsePositiveRate).toBe(
      deNegatives.filter((p) => p.face >= 0.88).length / deNegatives.length,
    );
    const mixed = group(report, 'face_match', null);
    expect(mixed.current).toMatchObject({ threshold: null, thresholds: [0.85, 0.88] });
    const passing = plans.filter((p) => p.face >= (p.jurisdiction === 'DE' ? 0.88 : 0.85)).length;
    expect(mixed.current?.passRate).toBe(passing / plans.length);

    expect(group(calibrate({}, {}, null), 'face_match', 'DE').current).toBeNull();
    expect(calibrate({}, {}, null).policy).toBeNull();
  });

  it('filters by vendor, check kind, country and recording time', () => {
    expect(calibrate({ vendor: 'veriff' }).groups).toEqual([]);
    expect(calibrate({ checkKind: 'face_match' }).groups.map((g) => g.jurisdiction)).toEqual([null, 'DE']);
    expect(calibrate({ to: new Date(T0).toISOString() }).groups).toEqual([]);
    expect(calibrate({ from: '2027-01-01T00:00:00.000Z' }).groups).toEqual([]);
    // The first 40 sessions' results were recorded before the 40th session started (20 minutes apart).
    const cut = new Date(T0 + 40 * 20 * 60_000).toISOString();
    const early = group(calibrate({ to: cut }), 'face_match', 'DE');
    expect(early.results).toBe(40);
    const late = calibrate({ from: cut, jurisdiction: 'DE' });
    expect(group(late, 'face_match', 'DE').results).toBe(facesOf('DE').length - 40);
  });

  it('is deterministic: the same events give the same report', () => {
    expect(calibrate({}, { targetFalsePositiveRate: 0 })).toEqual(
      calibrate({}, { targetFalsePositiveRate: 0 }),
    );
  });
});
