import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { ManualClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { type ApiResponse, client } from '../support/http';
import { CLEAR, journeyOverHttp, SANCTIONS_HIT } from '../support/journey';

/*
 * The policy lab's calibration report end to end: six DE sessions decided over HTTP under the shipped policy
 * (face_match threshold 0.88, review band from 0.83), each with its own face_match score and end — two automatic
 * approvals, one overturned by an override, one approved and one rejected after review, one still in review —
 * then the report read back: counts, histogram bins, where the policy stands, and the threshold finder.
 */

type Api = ReturnType<typeof client>;
type Body = Record<string, unknown>;

type Counts = Record<
  | 'approved_automatically'
  | 'approved_after_review'
  | 'rejected'
  | 'overturned'
  | 'undecided'
  | 'expired'
  | 'closed',
  number
>;

interface Rates {
  threshold: number;
  reviewRate: number;
  falsePositiveRate: number | null;
  passRate: number;
}

interface Group {
  vendor: string;
  checkKind: string;
  jurisdiction: string | null;
  results: number;
  byOutcome: Counts;
  histogram: { from: number; to: number; total: number; byOutcome: Counts }[];
  suggested: Rates | null;
  current: (Omit<Rates, 'threshold'> & { threshold: number | null; thresholds: number[] }) | null;
}

interface Report {
  readTo: number;
  filter: Record<string, string>;
  targets: { targetReviewRate: number | null; targetFalsePositiveRate: number | null };
  policy: { policyId: string; version: string; hash: string } | null;
  minPerGroup: number;
  groups: Group[];
}

/** The injected clock sits in November 2026, so the policy in force is the shipped 2026-11-01 version. */
const T0 = new Date('2026-11-26T10:00:00.000Z');
const ZERO: Counts = {
  approved_automatically: 0,
  approved_after_review: 0,
  rejected: 0,
  overturned: 0,
  undecided: 0,
  expired: 0,
  closed: 0,
};

const withFace = (checks: readonly Body[], score: number): Body[] =>
  checks.map((check) => (check.kind === 'face_match' ? { ...check, score } : check));

function expectProblem(res: ApiResponse, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
}

describe('policy lab: calibration report (embedded profile)', () => {
  const clock = new ManualClock(T0);
  let t: TestApp;
  let api: Api;
  let store: EventStore;

  /** Consent, start, capture, a passport and one onfido result in DE retail; returns the session and its answer. */
  async function journey(checks: readonly Body[]): Promise<{ sessionId: string; status: unknown }> {
    const { sessionId, last } = await journeyOverHttp(api, [checks], {
      vendorCreatedAt: clock.now().toISOString(),
    });
    return { sessionId, status: last.status };
  }

  async function review(sessionId: string, outcome: 'approve' | 'reject'): Promise<void> {
    const res = await api.post('reviewer', `/v1/verifications/${sessionId}/review/decision`, {
      outcome,
      reasonCodes: outcome === 'approve' ? [] : ['FACE_MISMATCH'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe(outcome === 'approve' ? 'approved' : 'rejected');
  }

  async function calibration(query = ''): Promise<Report> {
    const res = await api.get<Report>('auditor', `/v1/policy-lab/calibration${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  const faceMatch = (report: Report): Group | undefined =>
    report.groups.find((g) => g.vendor === 'onfido' && g.checkKind === 'face_match');

  beforeAll(async () => {
    t = await startTestApp({}, { clock, expiryIntervalMs: 3_600_000 });
    api = client(t);
    store = t.app.get<EventStore>(EVENT_STORE);

    expect(await journey(withFace(CLEAR, 0.97))).toMatchObject({ status: 'approved' });
    expect(await journey(withFace(CLEAR, 0.93))).toMatchObject({ status: 'approved' });

    const overturned = await journey(withFace(CLEAR, 0.9));
    expect(overturned.status).toBe('approved');
    const requested = await api.post('senior', `/v1/verifications/${overturned.sessionId}/overrides`, {
      outcome: 'reject',
      reasonCodes: ['FACE_MISMATCH'],
      justification: 'The second look shows another person.',
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const approval = await api.post(
      'senior2',
      `/v1/verifications/${overturned.sessionId}/overrides/${requested.body.overrideId as string}/approval`,
    );
    expect(approval.status, JSON.stringify(approval.body)).toBe(200);

    const approvedAfterReview = await journey(withFace(CLEAR, 0.86));
    expect(approvedAfterReview.status).toBe('pending_review');
    await review(approvedAfterReview.sessionId, 'approve');
    const rejected = await journey(withFace(CLEAR, 0.84));
    expect(rejected.status).toBe('pending_review');
    await review(rejected.sessionId, 'reject');
    expect(await journey(withFace(SANCTIONS_HIT, 0.95))).toMatchObject({ status: 'pending_review' });
  }, 60_000);

  afterAll(async () => {
    await t.close();
  });

  it('answers each session’s face_match score against how it ended, with the policy in force’s standing', async () => {
    const before = await store.headPosition();
    const report = await calibration();

    expect(report).toMatchObject({
      readTo: before,
      filter: {},
      targets: { targetReviewRate: null, targetFalsePositiveRate: null },
      policy: { policyId: 'kyc-default', version: '2026-11-01' },
      minPerGroup: 20,
    });
    // Six DE results: too few for DE alone, so one country-less group per scored kind (sanctions has no score).
    expect(report.groups.map((g) => [g.vendor, g.checkKind, g.jurisdiction, g.results])).toEqual([
      ['onfido', 'document', null, 6],
      ['onfido', 'face_match', null, 6],
      ['onfido', 'liveness', null, 6],
    ]);
    const face = faceMatch(report);
    expect(face?.byOutcome).toEqual({
      ...ZERO,
      approved_automatically: 2,
      approved_after_review: 1,
      rejected: 1,
      overturned: 1,
      undecided: 1,
    });
    expect(face?.histogram).toHaveLength(50);
    const nonEmpty = face?.histogram.filter((bin) => bin.total > 0).map((bin) => [bin.from, bin.byOutcome]);
    expect(nonEmpty).toEqual([
      [0.84, { ...ZERO, rejected: 1 }],
      [0.86, { ...ZERO, approved_after_review: 1 }],
      [0.9, { ...ZERO, overturned: 1 }],
      [0.92, { ...ZERO, approved_automatically: 1 }],
      [0.94, { ...ZERO, undecided: 1 }],
      [0.96, { ...ZERO, approved_automatically: 1 }],
    ]);
    // DE retail's 0.88: 0.84 and 0.86 below it; of the negatives (0.84 rejected, 0.90 overturned) one passes.
    expect(face?.current).toEqual({
      threshold: 0.88,
      thresholds: [0.88],
      reviewRate: 2 / 6,
      falsePositiveRate: 0.5,
      passRate: 4 / 6,
    });
    expect(face?.suggested).toBeNull();
    // Reading is not writing.
    expect(await store.headPosition()).toBe(before);
  });

  it('finds the lowest threshold without false positives, and the highest within a review budget', async () => {
    const strict = faceMatch(await calibration('?targetFalsePositiveRate=0'));
    // The overturned approval scored 0.90: 0.91 is the lowest grid point it does not pass.
    expect(strict?.suggested).toEqual({
      threshold: 0.91,
      reviewRate: 0.5,
      falsePositiveRate: 0,
      passRate: 0.5,
    });

    const budget = await calibration('?targetReviewRate=0.2');
    expect(budget.targets).toEqual({ targetReviewRate: 0.2, targetFalsePositiveRate: null });
    expect(faceMatch(budget)?.suggested).toEqual({
      threshold: 0.86,
      reviewRate: 1 / 6,
      falsePositiveRate: 0.5,
      passRate: 5 / 6,
    });

    const both = await calibration('?targetReviewRate=0.2&targetFalsePositiveRate=0');
    expect(faceMatch(both)?.suggested).toBeNull();
  });

  it('filters by vendor, check kind, country and time', async () => {
    expect((await calibration('?vendor=veriff')).groups).toEqual([]);
    expect((await calibration('?jurisdiction=GB')).groups).toEqual([]);
    const face = await calibration('?checkKind=face_match&jurisdiction=DE&vendor=onfido');
    expect(face.filter).toEqual({ vendor: 'onfido', checkKind: 'face_match', jurisdiction: 'DE' });
    expect(face.groups.map((g) => [g.checkKind, g.results])).toEqual([['face_match', 6]]);
    const future = await calibration('?from=2027-01-01T00:00:00Z');
    expect(future.filter).toEqual({ from: '2027-01-01T00:00:00.000Z' });
    expect(future.groups).toEqual([]);
    expect((await calibration(`?to=${encodeURIComponent(T0.toISOString())}`)).groups).toEqual([]);
    const window = await calibration(
      `?from=${encodeURIComponent(T0.toISOString())}&to=2026-11-26T10:00:01%2B00:00`,
    );
    expect(faceMatch(window)?.results).toBe(6);
  });

  it('refuses bad query values with 400 validation_failed, echoing none of them', async () => {
    for (const query of [
      '?targetReviewRate=1.5',
      '?targetReviewRate=-0.1',
      '?targetFalsePositiveRate=SECRET',
      '?checkKind=SECRET_KIND',
      '?jurisdiction=SECRET',
      '?vendor=SECRET-VENDOR',
      '?from=SECRET-yesterday',
      '?to=2026-02-30T00:00:00Z',
      '?from=2026-11-26T24:30:00Z',
      '?vendor=onfido&vendor=veriff',
      '?SECRET-param=1',
    ]) {
      const res = await api.get('auditor', `/v1/policy-lab/calibration${query}`);
      expectProblem(res, 400, 'validation_failed');
      expect(JSON.stringify(res.body), query).not.toMatch(/SECRET|veriff|2026-02-30/);
    }
  });

  it('admits auditors and admins only', async () => {
    for (const as of ['operator', 'reviewer', 'privacy'] as const) {
      expectProblem(await api.get(as, '/v1/policy-lab/calibration'), 403, 'forbidden');
    }
    expect((await api.get(null, '/v1/policy-lab/calibration')).status).toBe(401);
    const byAdmin = await api.get<Report>('admin', '/v1/policy-lab/calibration');
    expect(byAdmin.status, JSON.stringify(byAdmin.body)).toBe(200);
    expect(faceMatch(byAdmin.body)?.results).toBe(6);
  });
});
