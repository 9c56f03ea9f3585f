import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { ManualClock } from '../../src/shared/clock';
import { ExpiryScheduler } from '../../src/verification/expiry.scheduler';
import { type PrincipalName, startTestApp, type TestApp } from '../support/app';
import { type ApiResponse, client } from '../support/http';
import { BLURRED, CLEAR, CONSENT, newSubjectId, SANCTIONS_HIT } from '../support/journey';
import { eventually, until } from '../support/poll';

/*
 * `GET /v1/insights/kpis` end to end: sessions driven over HTTP across two days (three left to expire, the rest
 * approved, resubmitted, reviewed, rejected, left in review, hit by a vendor error), then every KPI the endpoint
 * answers — per day, per group, filtered — equals the figure computed here, independently, from the sessions'
 * audit timelines as an auditor reads them.
 */

type Api = ReturnType<typeof client>;
type Body = Record<string, unknown>;

interface Entry {
  readonly type: string;
  readonly stream: string;
  readonly occurredAt: string;
  readonly details: Record<string, unknown>;
}

interface KpiRow {
  day: string;
  group: string | null;
  sessionsStarted: number;
  submissionsSucceeded: number;
  resubmissions: number;
  livenessPassRate: number | null;
  autoApproved: number;
  approvedAfterReview: number;
  rejected: number;
  expired: number;
  abandoned: number;
  closed: number;
  reviewed: number;
  slaBreaches: number;
  medianDecisionMs: number | null;
  p90DecisionMs: number | null;
  meanCallbackMs: number | null;
  maxCallbackMs: number | null;
  vendorErrorRate: number | null;
  passRate: number | null;
}

interface Kpis {
  from: string;
  to: string;
  groupBy?: string;
  rows: KpiRow[];
  queue: { depth: number; oldestAgeSeconds: number | null };
}

/** What the timeline of one session says, reduced to the facts the KPIs count. */
interface Facts {
  readonly day: string;
  readonly country: string;
  readonly policyVersion: string;
  readonly deviceClass: string | null;
  readonly documentType: string | null;
  readonly vendor: string | null;
  readonly submissions: number;
  readonly resubmissions: number;
  /** null: no counted liveness check. */
  readonly livenessPassed: boolean | null;
  readonly outcome: string | null;
  readonly reviewed: boolean;
  readonly slaBreached: boolean;
  readonly decisionMs: number | null;
  /** The slowest vendor result: its arrival (the entry's time) after the vendor's own timestamp; never negative. */
  readonly callbackMs: number | null;
  readonly pendingReviewSince: string | null;
  readonly vendorErrors: number;
  readonly vendorCalls: number;
}

const T0 = new Date('2026-11-26T10:00:00.000Z');
const DAY0 = '2026-11-26';
/** The policy's session time-to-live is three days: the second batch of sessions starts the day they expired. */
const DAY1 = '2026-11-29';
const MINUTE = 60_000;

/** Groups of the endpoint, and the fact each reads. */
const DIMENSIONS = {
  country: (f: Facts) => f.country,
  deviceClass: (f: Facts) => f.deviceClass,
  documentType: (f: Facts) => f.documentType,
  vendor: (f: Facts) => f.vendor,
} as const;
type Dimension = keyof typeof DIMENSIONS;

/** Reads one session's timeline (its own stream only) and reduces it to facts, in ledger order. */
function factsOf(entries: readonly Entry[]): Facts {
  const own = entries.filter((e) => e.stream === 'verification');
  const start = own.find((e) => e.type === 'VerificationInitiated');
  if (start === undefined) throw new Error('a timeline without its start');
  const of = (type: string): Entry[] => own.filter((e) => e.type === type);
  const first = (type: string, field: string): string | null => {
    const hit = of(type).find((e) => typeof e.details[field] === 'string');
    return hit === undefined ? null : (hit.details[field] as string);
  };
  const checks = (e: Entry): { kind: string; result: string }[] =>
    e.details.checks as { kind: string; result: string }[];
  const results = of('VendorResultReceived');
  const counted = results.filter((e) => e.details.counted === true);
  const firstVendor = own.find(
    (e) =>
      e.type === 'EvidenceSubmitted' || (e.type === 'VendorResultReceived' && e.details.counted === true),
  );
  const liveness = counted.flatMap((e) => checks(e).filter((c) => c.kind === 'liveness'));
  // The session's standing outcome: its last final event (an approval reopened by a review is open again).
  const last = [...own]
    .reverse()
    .find((e) =>
      [
        'VerificationApproved',
        'VerificationRejected',
        'VerificationExpired',
        'VerificationClosed',
        'ReviewRequested',
      ].includes(e.type),
    );
  let outcome: string | null = null;
  if (last?.type === 'VerificationApproved') {
    outcome = last.details.decidedBy === 'policy' ? 'auto_approved' : 'approved_after_review';
  } else if (last?.type === 'VerificationRejected') outcome = 'rejected';
  else if (last?.type === 'VerificationExpired') {
    outcome = ['initiated', 'capture_in_progress'].includes(last.details.previousStatus as string)
      ? 'abandoned'
      : 'expired';
  } else if (last?.type === 'VerificationClosed') outcome = 'closed';
  const decided = last?.type === 'VerificationApproved' || last?.type === 'VerificationRejected';
  // Waiting for a review: the last review request is not followed by anything that ends the wait.
  const lastRequest = own.findLastIndex((e) => e.type === 'ReviewRequested');
  const waitEnded =
    lastRequest >= 0 &&
    own
      .slice(lastRequest + 1)
      .some((e) =>
        [
          'VerificationApproved',
          'VerificationRejected',
          'VerificationExpired',
          'VerificationClosed',
          'ResubmissionRequested',
        ].includes(e.type),
      );
  return {
    day: start.occurredAt.slice(0, 10),
    country: start.details.jurisdiction as string,
    policyVersion: start.details.policyVersion as string,
    deviceClass: first('CaptureStarted', 'deviceClass'),
    documentType: first('EvidenceSubmitted', 'documentType'),
    vendor: firstVendor === undefined ? null : (firstVendor.details.vendor as string),
    submissions: of('EvidenceSubmitted').length,
    resubmissions: of('ResubmissionRequested').length,
    livenessPassed: liveness.length === 0 ? null : liveness.some((c) => c.result === 'clear'),
    outcome,
    reviewed: of('ReviewRequested').length > 0,
    slaBreached: of('ReviewSlaBreached').length > 0,
    decisionMs: decided ? Date.parse(last.occurredAt) - Date.parse(start.occurredAt) : null,
    callbackMs:
      results.length === 0
        ? null
        : Math.max(
            ...results.map((e) =>
              Math.max(0, Date.parse(e.occurredAt) - Date.parse(e.details.vendorCreatedAt as string)),
            ),
          ),
    pendingReviewSince: lastRequest >= 0 && !waitEnded ? (own[lastRequest]?.occurredAt ?? null) : null,
    vendorErrors:
      results.filter((e) => checks(e).some((c) => c.result === 'error')).length +
      of('VendorRequestFailed').length,
    vendorCalls: results.length + of('VendorRequestFailed').length,
  };
}

/** Nearest rank: the value at rank ⌈q·n⌉ of the sorted values. */
function quantile(values: readonly number[], q: number): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : (sorted[Math.ceil(q * sorted.length) - 1] ?? null);
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** The rows the endpoint should answer for these sessions, computed from their facts. */
function expectedRows(sessions: readonly Facts[], groupBy?: Dimension): KpiRow[] {
  const cells = new Map<string, Facts[]>();
  for (const f of sessions) {
    const key = JSON.stringify([f.day, groupBy === undefined ? null : DIMENSIONS[groupBy](f)]);
    cells.set(key, [...(cells.get(key) ?? []), f]);
  }
  const rows = [...cells].map(([key, group]): KpiRow => {
    const [day, value] = JSON.parse(key) as [string, string | null];
    const count = (test: (f: Facts) => boolean): number => group.filter(test).length;
    const sum = (of: (f: Facts) => number): number => group.reduce((total, f) => total + of(f), 0);
    const approved = count((f) => f.outcome === 'auto_approved' || f.outcome === 'approved_after_review');
    const times = group.flatMap((f) => (f.decisionMs === null ? [] : [f.decisionMs]));
    const callbacks = group.flatMap((f) => (f.callbackMs === null ? [] : [f.callbackMs]));
    return {
      day,
      group: value,
      sessionsStarted: group.length,
      submissionsSucceeded: sum((f) => f.submissions),
      resubmissions: sum((f) => f.resubmissions),
      livenessPassRate: share(
        count((f) => f.livenessPassed === true),
        count((f) => f.livenessPassed !== null),
      ),
      autoApproved: count((f) => f.outcome === 'auto_approved'),
      approvedAfterReview: count((f) => f.outcome === 'approved_after_review'),
      rejected: count((f) => f.outcome === 'rejected'),
      expired: count((f) => f.outcome === 'expired'),
      abandoned: count((f) => f.outcome === 'abandoned'),
      closed: count((f) => f.outcome === 'closed'),
      reviewed: count((f) => f.reviewed),
      slaBreaches: count((f) => f.slaBreached),
      medianDecisionMs: quantile(times, 0.5),
      p90DecisionMs: quantile(times, 0.9),
      meanCallbackMs:
        callbacks.length === 0
          ? null
          : Math.round(callbacks.reduce((total, ms) => total + ms, 0) / callbacks.length),
      maxCallbackMs: callbacks.length === 0 ? null : Math.max(...callbacks),
      vendorErrorRate: share(
        sum((f) => f.vendorErrors),
        sum((f) => f.vendorCalls),
      ),
      passRate: share(approved, approved + count((f) => f.outcome === 'rejected')),
    };
  });
  return rows.sort((a, b) =>
    a.day !== b.day
      ? a.day.localeCompare(b.day)
      : a.group === b.group
        ? 0
        : a.group === null
          ? 1
          : b.group === null
            ? -1
            : a.group.localeCompare(b.group),
  );
}

function expectProblem(res: ApiResponse, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
}

describe('insights: KPIs per day and group, equal to the sessions’ timelines', () => {
  const clock = new ManualClock(T0);
  let t: TestApp;
  let api: Api;
  let store: EventStore;
  let head = 0;
  /** Each session's facts, read from its timeline. */
  const sessions = new Map<string, Facts>();

  let callbacks = 0;
  const step = async (minutes: number, res: Promise<ApiResponse>, status = 200): Promise<Body> => {
    const answer = await res;
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    clock.advance(minutes * MINUTE);
    return answer.body;
  };

  async function start(jurisdiction: 'DE' | 'GB'): Promise<string> {
    const subjectId = newSubjectId();
    await step(0, api.post('operator', `/v1/subjects/${subjectId}/consents`, CONSENT), 201);
    const started = await step(
      1,
      api.post('operator', '/v1/verifications', { subjectId, jurisdiction, segment: 'retail' }),
      201,
    );
    return started.sessionId as string;
  }
  const capture = (sessionId: string, deviceClass: string, minutes = 1): Promise<Body> =>
    step(
      minutes,
      api.post('operator', `/v1/verifications/${sessionId}/capture`, { channel: 'mobile', deviceClass }),
    );
  const evidence = (sessionId: string, documentType: string, vendor: string, minutes = 2): Promise<Body> =>
    step(
      minutes,
      api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
        kind: 'document',
        documentType,
        issuingCountry: 'DE',
        vendor,
        vendorReference: `doc_${randomUUID().slice(0, 8)}`,
      }),
      201,
    );
  const result = (
    sessionId: string,
    vendor: string,
    checks: readonly unknown[],
    minutes = 3,
  ): Promise<Body> =>
    step(
      minutes,
      api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
        vendor,
        vendorEventId: `evt_${randomUUID()}`,
        // The vendor stamped it a little before it arrived: 0 to 40 s, different for each result.
        vendorCreatedAt: new Date(clock.now().getTime() - (++callbacks % 9) * 5_000).toISOString(),
        checks,
      }),
    );
  async function review(
    sessionId: string,
    as: PrincipalName,
    decision: Body,
    minutes: number,
  ): Promise<void> {
    await step(1, api.post(as, `/v1/verifications/${sessionId}/review/assignment`, {}));
    const decided = await step(
      minutes,
      api.post(as, `/v1/verifications/${sessionId}/review/decision`, decision),
    );
    expect(decided.status).toBe(decision.outcome === 'approve' ? 'approved' : 'rejected');
  }

  async function kpis(query: string, as: PrincipalName = 'auditor'): Promise<ApiResponse<Kpis>> {
    return eventually(
      () => api.get<Kpis>(as, `/v1/insights/kpis${query}`, { 'X-Min-Position': String(head) }),
      (res) => res.status !== 503,
      'the insights projection to reach the ledger head',
    );
  }

  const all = (): Facts[] => [...sessions.values()];

  beforeAll(async () => {
    t = await startTestApp({}, { clock, expiryIntervalMs: 3_600_000 });
    api = client(t);
    store = t.app.get<EventStore>(EVENT_STORE);
    const ids: string[] = [];

    // Day 0: three sessions left to expire — two before anything was submitted (abandoned), one after evidence.
    ids.push(await start('DE'));
    const capturing = await start('GB');
    await capture(capturing, 'mobile');
    const submitted = await start('DE');
    await capture(submitted, 'desktop');
    await evidence(submitted, 'passport', 'onfido');
    ids.push(capturing, submitted);
    const scheduler = t.app.get(ExpiryScheduler);
    await until(() => scheduler.pending >= 3, 'the expiry scheduler to hold the three open sessions');
    clock.set(new Date(T0.getTime() + 3 * 24 * 3_600_000 + 3_600_000));
    expect(await scheduler.tick()).toBe(3);

    // Day 1: decided sessions, each step a few minutes apart so that times to decision differ.
    const auto = await start('DE');
    await capture(auto, 'desktop');
    await evidence(auto, 'passport', 'onfido');
    expect(await result(auto, 'onfido', CLEAR)).toMatchObject({ status: 'approved' });

    const autoGb = await start('GB');
    await capture(autoGb, 'mobile', 4);
    await evidence(autoGb, 'driving_licence', 'acme', 6);
    expect(await result(autoGb, 'acme', CLEAR, 9)).toMatchObject({ status: 'approved' });

    const resubmitted = await start('GB');
    await capture(resubmitted, 'mobile');
    await evidence(resubmitted, 'passport', 'onfido');
    expect(await result(resubmitted, 'onfido', BLURRED)).toMatchObject({ status: 'needs_resubmission' });
    await capture(resubmitted, 'desktop');
    await evidence(resubmitted, 'id_card', 'acme');
    expect(await result(resubmitted, 'onfido', CLEAR, 5)).toMatchObject({ status: 'approved' });

    const cleared = await start('DE');
    await capture(cleared, 'mobile');
    await evidence(cleared, 'id_card', 'onfido');
    expect(await result(cleared, 'onfido', SANCTIONS_HIT)).toMatchObject({ status: 'pending_review' });
    await review(
      cleared,
      'senior',
      {
        outcome: 'approve',
        reasonCodes: [],
        note: 'Cleared: the list entry differs in date of birth and nationality.',
      },
      40,
    );

    const rejected = await start('GB');
    await capture(rejected, 'desktop');
    await evidence(rejected, 'passport', 'acme');
    expect(await result(rejected, 'acme', SANCTIONS_HIT)).toMatchObject({ status: 'pending_review' });
    await review(rejected, 'reviewer', { outcome: 'reject', reasonCodes: ['SANCTIONS_HIT'] }, 25);

    const erroring = await start('DE');
    await capture(erroring, 'mobile');
    await evidence(erroring, 'passport', 'acme');
    const errored = await result(erroring, 'acme', [{ kind: 'document', result: 'error' }]);
    if (!['approved', 'rejected', 'pending_review'].includes(errored.status as string)) {
      await result(erroring, 'acme', CLEAR, 7);
    }

    const waiting = await start('DE');
    await capture(waiting, 'desktop');
    await evidence(waiting, 'passport', 'onfido');
    expect(await result(waiting, 'onfido', SANCTIONS_HIT, 17)).toMatchObject({ status: 'pending_review' });

    ids.push(auto, autoGb, resubmitted, cleared, rejected, erroring, waiting);
    head = await store.headPosition();
    for (const sessionId of ids) {
      const timeline = await eventually(
        () =>
          api.get<{ entries: Entry[]; nextAfter?: number }>(
            'auditor',
            `/v1/verifications/${sessionId}/timeline?limit=1000`,
            { 'X-Min-Position': String(head) },
          ),
        (res) => res.status === 200,
        `the timeline of ${sessionId}`,
      );
      expect(timeline.body.nextAfter).toBeUndefined();
      sessions.set(sessionId, factsOf(timeline.body.entries));
    }
  }, 120_000);

  afterAll(async () => {
    await t.close();
  });

  it('the sessions cover what the KPIs distinguish (so the comparisons below are not vacuous)', () => {
    const outcomes = all().map((f) => f.outcome);
    for (const outcome of [
      'abandoned',
      'expired',
      'auto_approved',
      'approved_after_review',
      'rejected',
      null,
    ]) {
      expect(outcomes).toContain(outcome);
    }
    expect(new Set(all().map((f) => f.day))).toEqual(new Set([DAY0, DAY1]));
    expect(all().some((f) => f.resubmissions > 0)).toBe(true);
    expect(all().some((f) => f.vendorErrors > 0)).toBe(true);
    expect(all().some((f) => f.livenessPassed === true)).toBe(true);
    expect(new Set(all().flatMap((f) => (f.decisionMs === null ? [] : [f.decisionMs]))).size).toBeGreaterThan(
      2,
    );
  });

  it('per day over the default range (the last 30 days): every KPI equals the timelines', async () => {
    const res = await kpis('');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.from).toBe('2026-10-31');
    expect(res.body.to).toBe(DAY1);
    expect(res.body.rows).toEqual(expectedRows(all()));
    expect(res.body.rows.map((r) => r.sessionsStarted)).toEqual([3, 7]);
    expect(res.body.rows[0]).toMatchObject({ abandoned: 2, expired: 1 });
  });

  it('the review queue: depth and age of the oldest pending review', async () => {
    const res = await kpis('');
    const pending = all().flatMap((f) => (f.pendingReviewSince === null ? [] : [f.pendingReviewSince]));
    expect(pending).toHaveLength(1);
    const oldest = Math.min(...pending.map((at) => Date.parse(at)));
    expect(res.body.queue).toEqual({
      depth: 1,
      oldestAgeSeconds: Math.floor((clock.now().getTime() - oldest) / 1000),
    });
    expect(res.body.queue.oldestAgeSeconds).toBeGreaterThan(0);

    // The same on /metrics, with the sessions by country and outcome the timelines give.
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^kyc_ledger_review_queue_depth 1$/m);
    const age = /^kyc_ledger_review_queue_oldest_age_seconds (\S+)$/m.exec(metrics)?.[1];
    expect(Number(age)).toBeGreaterThanOrEqual(res.body.queue.oldestAgeSeconds ?? Number.NaN);
    const byCountryOutcome = new Map<string, number>();
    for (const f of all()) {
      const key = `country="${f.country}",outcome="${f.outcome ?? 'open'}"`;
      byCountryOutcome.set(key, (byCountryOutcome.get(key) ?? 0) + 1);
    }
    for (const [labels, count] of byCountryOutcome) {
      expect(metrics).toContain(`kyc_ledger_sessions{${labels}} ${count}`);
    }
  });

  for (const groupBy of Object.keys(DIMENSIONS) as Dimension[]) {
    it(`groupBy=${groupBy}: one row per day and ${groupBy}, equal to the timelines`, async () => {
      const res = await kpis(`?from=${DAY0}&to=${DAY1}&groupBy=${groupBy}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.groupBy).toBe(groupBy);
      expect(res.body.rows).toEqual(expectedRows(all(), groupBy));
      expect(new Set(res.body.rows.map((r) => r.group)).size).toBeGreaterThan(1);
    });
  }

  it('filters: each dimension and their combination select the same sessions as the timelines', async () => {
    const policyVersion = all()[0]?.policyVersion ?? '';
    const cases: [string, (f: Facts) => boolean, Dimension?][] = [
      ['country=GB&groupBy=deviceClass', (f) => f.country === 'GB', 'deviceClass'],
      ['deviceClass=mobile', (f) => f.deviceClass === 'mobile'],
      ['documentType=passport&groupBy=vendor', (f) => f.documentType === 'passport', 'vendor'],
      ['vendor=acme&groupBy=country', (f) => f.vendor === 'acme', 'country'],
      [`policyVersion=${policyVersion}`, (f) => f.policyVersion === policyVersion],
      ['country=DE&vendor=onfido', (f) => f.country === 'DE' && f.vendor === 'onfido'],
      ['policyVersion=no-such-version', () => false],
    ];
    for (const [query, selects, groupBy] of cases) {
      const res = await kpis(`?from=${DAY0}&to=${DAY1}&${query}`);
      expect(res.status, query).toBe(200);
      expect(res.body.rows, query).toEqual(expectedRows(all().filter(selects), groupBy));
    }
    // The queue follows the filters (not the day range): the waiting session is a German one.
    expect((await kpis('?country=GB')).body.queue).toEqual({ depth: 0, oldestAgeSeconds: null });
    expect((await kpis(`?from=${DAY0}&to=${DAY0}&country=DE`)).body.queue.depth).toBe(1);
  });

  it('a range answers only the days in it', async () => {
    const day0 = await kpis(`?from=${DAY0}&to=${DAY0}`);
    expect(day0.body.rows).toEqual(expectedRows(all().filter((f) => f.day === DAY0)));
    const after = await kpis(`?from=2026-11-27`);
    expect(after.body).toMatchObject({ from: '2026-11-27', to: DAY1 });
    expect(after.body.rows).toEqual(expectedRows(all().filter((f) => f.day === DAY1)));
    expect((await kpis('?to=2026-11-25')).body.rows).toEqual([]);
  });

  it('refuses bad input with 400 validation_failed, naming the field and never echoing the value', async () => {
    const bad = [
      'from=2026-13-01',
      'from=2026-02-30',
      'to=29.11.2026',
      `from=${DAY1}&to=${DAY0}`,
      'from=2025-01-01&to=2026-11-29',
      'groupBy=byPersonQ',
      'country=de',
      'vendor=%3Cscript%3E',
      'documentType=passport&documentType=id_card',
      'surname=Mustermann',
    ];
    for (const query of bad) {
      const res = await api.get('auditor', `/v1/insights/kpis?${query}`);
      expectProblem(res, 400, 'validation_failed');
      const text = JSON.stringify(res.body);
      for (const value of ['2026-13-01', '2026-02-30', '29.11.2026', 'byPersonQ', '<script>', 'Mustermann']) {
        expect(text, query).not.toContain(value);
      }
    }
  });

  it('is for auditors (and admins): 403 for other roles, 401 without credentials', async () => {
    expect((await kpis('', 'admin')).status).toBe(200);
    for (const as of ['operator', 'reviewer', 'privacy'] as const) {
      expectProblem(await api.get(as, '/v1/insights/kpis'), 403, 'forbidden');
    }
    expect((await api.get(null, '/v1/insights/kpis')).status).toBe(401);
  });
});
