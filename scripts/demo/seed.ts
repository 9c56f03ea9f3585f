import type { DemoCase, DemoKind, WaitingReason } from './plan';

/**
 * Seeds the demo data set through the public HTTP API of a running instance: every step is a request any
 * integrating team could send. Creating commands carry an `Idempotency-Key` derived from the case, and a case
 * whose session already moved on is left alone, so a second run adds nothing.
 */

/** The API keys the demo acts with; four-eyes needs two different senior reviewers. */
export interface DemoKeys {
  readonly operator: string;
  readonly reviewer: string;
  readonly senior: string;
  /** A second senior reviewer; without one, overrides are requested but stay pending (four eyes). */
  readonly secondSenior: string | undefined;
  readonly privacyOfficer: string;
}

export interface SeedOptions {
  readonly baseUrl: string;
  readonly keys: DemoKeys;
  readonly cases: readonly DemoCase[];
  readonly concurrency?: number;
  /** Called after each case, for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface CaseOutcome {
  readonly case: DemoCase;
  readonly sessionId: string | undefined;
  /** The session's status at the end (undefined for subject-only cases). */
  readonly status: string | undefined;
  /** True when the case had been seeded before and was left as it was. */
  readonly alreadySeeded: boolean;
}

export interface SeedReport {
  readonly outcomes: readonly CaseOutcome[];
  readonly seconds: number;
  readonly sessionsPerSecond: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly fourEyesPending: number;
  /** Sessions left in the review queue (`awaiting_review`), and how many of them the demo reviewer took. */
  readonly waitingReviews: number;
  readonly assignedReviews: number;
  /** Overrides requested by one senior reviewer and left for another to approve (`override_awaiting_approval`). */
  readonly overridesAwaitingApproval: number;
}

export class DemoRequestError extends Error {}

const CLEAR = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
  { kind: 'pep', result: 'clear' },
  { kind: 'address', result: 'clear', score: 0.95 },
];
const BLURRED = [{ kind: 'document', result: 'fail', reasonCodes: ['DOC_IMAGE_QUALITY'] }, ...CLEAR.slice(1)];
const SANCTIONS_HIT = [
  ...CLEAR.filter((check) => check.kind !== 'sanctions'),
  { kind: 'sanctions', result: 'consider', reasonCodes: ['SANCTIONS_HIT'] },
];
const PEP_HIT = [
  ...CLEAR.filter((check) => check.kind !== 'pep'),
  { kind: 'pep', result: 'consider', reasonCodes: ['PEP_MATCH'] },
];
/**
 * A face match just under the threshold, inside the review band, in every policy country: retail thresholds are
 * 0.85–0.88 with bands of 0.05–0.06, business 0.88–0.90 with 0.04–0.05 (policies/kyc-default).
 */
function lowFaceMatch(segment: string): typeof CLEAR {
  const score = segment === 'business' ? 0.87 : 0.84;
  return CLEAR.map((check) => (check.kind === 'face_match' ? { ...check, score } : check));
}

/**
 * A clear score lowered by 0 to 0.04 as `salt` says, so that the scores spread over a few bins as real ones do
 * (the calibration report has something to show); every one stays above the strictest threshold (0.92).
 */
function spread<T extends { result: string; score?: number }>(check: T, salt: number): T {
  if (check.result !== 'clear' || check.score === undefined || check.score < 0.95) return check;
  return { ...check, score: Number((check.score - (salt % 5) / 100).toFixed(2)) };
}

/** The results that leave a session waiting for review for `reason`. */
function waitingChecks(reason: WaitingReason, segment: string): typeof CLEAR {
  switch (reason) {
    case 'sanctions':
      return SANCTIONS_HIT;
    case 'pep':
      return PEP_HIT;
    case 'low_score':
      return lowFaceMatch(segment);
    case 'self_declared_pep':
    case 'jurisdiction':
      // The signal given at the start, or the country's manual-review rule, sends a clean result to review.
      return CLEAR;
    default: {
      const unhandled: never = reason;
      return unhandled;
    }
  }
}

interface Response {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** The first response to this idempotency key, returned again. */
  readonly replayed: boolean;
}

function client(baseUrl: string) {
  return async (
    key: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    idempotencyKey?: string,
    minPosition?: unknown,
  ): Promise<Response> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
        // Read your writes: a query waits until the read models reached the command's position.
        ...(typeof minPosition === 'number' ? { 'x-min-position': String(minPosition) } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      replayed: res.headers.get('idempotent-replayed') === 'true',
    };
  };
}

/** Statuses a session is in right after it started (before capture). */
const FRESH = new Set(['initiated']);

export async function seedDemo(options: SeedOptions): Promise<SeedReport> {
  const request = client(options.baseUrl);
  const { keys } = options;
  const expect = async (promise: Promise<Response>, status: number, what: string): Promise<Response> => {
    const res = await promise;
    if (res.status !== status) {
      const code = typeof res.body.code === 'string' ? res.body.code : 'no problem code';
      throw new DemoRequestError(`${what}: HTTP ${res.status} (${code}), expected ${status}`);
    }
    return res;
  };

  const runCase = async (c: DemoCase): Promise<CaseOutcome> => {
    const idem = (step: string): string => `demo-${c.subjectId}-${step}`;
    const consent = await expect(
      request(
        keys.operator,
        'POST',
        `/v1/subjects/${c.subjectId}/consents`,
        {
          scopes: ['identity_verification', 'document_processing'],
          noticeVersion: '2026-01',
          locale: c.locale,
          channel: c.channel,
        },
        idem('consent'),
      ),
      201,
      'consent',
    );
    const subjectPath = `/v1/subjects/${c.subjectId}`;
    if (c.kind === 'legal_hold') {
      // Seeded before when the consent was a replay: the hold stands already.
      if (!consent.replayed) {
        await expect(
          request(
            keys.privacyOfficer,
            'POST',
            `${subjectPath}/legal-holds`,
            { reason: `matter ${c.index}` },
            idem('hold'),
          ),
          201,
          'legal hold',
        );
      }
      return { case: c, sessionId: undefined, status: undefined, alreadySeeded: consent.replayed };
    }

    const started = await expect(
      request(
        keys.operator,
        'POST',
        '/v1/verifications',
        {
          subjectId: c.subjectId,
          jurisdiction: c.jurisdiction,
          segment: c.segment,
          ...(c.waiting?.reason === 'self_declared_pep' ? { riskSignals: { pepSelfDeclared: true } } : {}),
        },
        idem('start'),
      ),
      201,
      'start',
    );
    const sessionId = String(started.body.sessionId);
    const path = `/v1/verifications/${sessionId}`;
    const current = await expect(
      request(keys.operator, 'GET', path, undefined, undefined, started.body.position),
      200,
      'status',
    );
    const statusNow = String(current.body.status);
    const outcome = (status: unknown, alreadySeeded = false): CaseOutcome => ({
      case: c,
      sessionId,
      status: String(status),
      alreadySeeded,
    });
    // Seeded before (a second run): the session has moved on; leave it as it is. A session decided at its start
    // (an embargoed country) has nothing more to do either.
    if (!FRESH.has(statusNow)) return outcome(statusNow, started.replayed);

    let vendorEvent = 0;
    const vendorResult = async (given: typeof CLEAR): Promise<string> => {
      vendorEvent += 1;
      const checks = given.map((check, k) => spread(check, c.index * 7 + k * 3));
      const res = await expect(
        request(keys.operator, 'POST', `${path}/vendor-results`, {
          vendor: c.vendor,
          vendorEventId: `${c.subjectId}_${vendorEvent}`,
          vendorCreatedAt: new Date().toISOString(),
          checks,
        }),
        200,
        'vendor result',
      );
      return String(res.body.status);
    };
    let attemptNo = 0;
    const attempt = async (checks: typeof CLEAR): Promise<string> => {
      attemptNo += 1;
      await expect(
        request(keys.operator, 'POST', `${path}/capture`, { channel: c.channel, deviceClass: c.deviceClass }),
        200,
        'capture',
      );
      await expect(
        request(
          keys.operator,
          'POST',
          `${path}/evidence`,
          {
            kind: 'document',
            documentType: c.documentType,
            issuingCountry: c.issuingCountry,
            vendor: c.vendor,
            vendorReference: `${c.vendor}_${c.subjectId}_${attemptNo}`,
            attributes: { ...c.person },
          },
          idem(`evidence-${attemptNo}`),
        ),
        201,
        'evidence',
      );
      return vendorResult(checks);
    };
    const review = async (
      who: string,
      outcomeOf: 'approve' | 'reject',
      reasonCodes: string[],
      note?: string,
    ): Promise<string> => {
      await expect(request(who, 'POST', `${path}/review/assignment`, {}), 200, 'assign');
      const res = await expect(
        request(who, 'POST', `${path}/review/decision`, {
          outcome: outcomeOf,
          reasonCodes,
          ...(note === undefined ? {} : { note }),
        }),
        200,
        'review decision',
      );
      return String(res.body.status);
    };

    const requestOverride = (): Promise<Response> =>
      expect(
        request(
          keys.senior,
          'POST',
          `${path}/overrides`,
          { outcome: 'approve', justification: 'second-line check: list entry is a different person' },
          idem('override'),
        ),
        201,
        'override request',
      );

    return outcome(await journey(c.kind));

    async function journey(kind: DemoKind): Promise<string> {
      switch (kind) {
        case 'embargo':
          return statusNow;
        case 'legal_hold':
          throw new Error('a legal-hold case has no session');
        case 'auto_approve':
          return attempt(CLEAR);
        case 'resubmit_then_approve':
          await attempt(BLURRED);
          return attempt(CLEAR);
        case 'retry_limit': {
          let status = await attempt(BLURRED);
          while (status === 'needs_resubmission') status = await attempt(BLURRED);
          return status;
        }
        case 'international_review_approve':
          await attempt(CLEAR);
          return review(keys.reviewer, 'approve', []);
        case 'international_review_reject':
          await attempt(CLEAR);
          return review(
            keys.reviewer,
            'reject',
            ['DOC_LOW_CONFIDENCE'],
            'document photo does not match the holder',
          );
        case 'sanctions_cleared_by_senior':
          await attempt(SANCTIONS_HIT);
          return review(keys.senior, 'approve', [], 'list entry differs in date of birth and nationality');
        case 'pep_review':
          await attempt(PEP_HIT);
          return review(keys.senior, 'approve', [], 'domestic PEP, enhanced due diligence file opened');
        case 'override_four_eyes': {
          await attempt(SANCTIONS_HIT);
          await review(keys.reviewer, 'reject', ['SANCTIONS_HIT'], 'possible match on the consolidated list');
          const requested = await requestOverride();
          if (keys.secondSenior === undefined) return 'override_pending';
          const approved = await expect(
            request(
              keys.secondSenior,
              'POST',
              `${path}/overrides/${String(requested.body.overrideId)}/approval`,
            ),
            200,
            'override approval',
          );
          return String(approved.body.status);
        }
        case 'awaiting_review': {
          const waiting = c.waiting;
          if (waiting === undefined) throw new Error('an awaiting_review case without its reason');
          const status = await attempt(waitingChecks(waiting.reason, c.segment));
          if (status !== 'pending_review') {
            throw new DemoRequestError(`expected the session to wait for review, it is ${status}`);
          }
          if (waiting.assigned) {
            await expect(request(keys.reviewer, 'POST', `${path}/review/assignment`, {}), 200, 'assign');
          }
          return status;
        }
        case 'override_awaiting_approval': {
          // Rejected on a possible sanctions match; one senior asks to approve, the second pair of eyes is due.
          await attempt(SANCTIONS_HIT);
          const status = await review(
            keys.reviewer,
            'reject',
            ['SANCTIONS_HIT'],
            'possible match on the consolidated list',
          );
          await requestOverride();
          return status;
        }
        case 'abandoned':
          // The person starts capturing and leaves: the session expires when its time is up.
          await expect(
            request(keys.operator, 'POST', `${path}/capture`, {
              channel: c.channel,
              deviceClass: c.deviceClass,
            }),
            200,
            'capture',
          );
          return 'capture_in_progress';
        case 'consent_withdrawn': {
          await expect(
            request(keys.operator, 'POST', `${path}/capture`, {
              channel: c.channel,
              deviceClass: c.deviceClass,
            }),
            200,
            'capture',
          );
          // The session closer ends the open session after the withdrawal (asynchronously, from the ledger).
          const withdrawn = await expect(
            request(
              keys.operator,
              'POST',
              `${subjectPath}/consents/${String(consent.body.consentId)}/withdrawal`,
            ),
            200,
            'withdraw consent',
          );
          const after = await expect(
            request(keys.operator, 'GET', path, undefined, undefined, withdrawn.body.position),
            200,
            'status',
          );
          return String(after.body.status);
        }
        case 'erasure_after_relationship_end': {
          const status = await attempt(CLEAR);
          await expect(
            request(keys.privacyOfficer, 'POST', `${subjectPath}/relationship-end`, {}),
            200,
            'end',
          );
          await expect(
            request(
              keys.privacyOfficer,
              'POST',
              `${subjectPath}/erasure-requests`,
              { ground: 'no_longer_necessary', reference: `dsr-${c.index}` },
              idem('erasure'),
            ),
            201,
            'erasure request',
          );
          return status;
        }
        default: {
          const unhandled: never = kind;
          return unhandled;
        }
      }
    }
  };

  const started = performance.now();
  const outcomes: CaseOutcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 4 }, async () => {
      for (;;) {
        const c = options.cases[next];
        next += 1;
        if (c === undefined) return;
        try {
          outcomes.push(await runCase(c));
        } catch (error) {
          if (!(error instanceof DemoRequestError)) throw error;
          throw new DemoRequestError(`case ${c.index} (${c.kind}, ${c.jurisdiction}): ${error.message}`);
        }
        options.onProgress?.(outcomes.length, options.cases.length);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const byStatus: Record<string, number> = {};
  for (const o of outcomes) {
    if (o.status !== undefined) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  }
  outcomes.sort((a, b) => a.case.index - b.case.index);
  const sessions = outcomes.filter((o) => o.sessionId !== undefined).length;
  return {
    outcomes,
    seconds,
    sessionsPerSecond: seconds > 0 ? sessions / seconds : 0,
    byStatus,
    fourEyesPending: outcomes.filter((o) => o.status === 'override_pending').length,
    waitingReviews: outcomes.filter((o) => o.case.kind === 'awaiting_review').length,
    assignedReviews: outcomes.filter((o) => o.case.kind === 'awaiting_review' && o.case.waiting?.assigned)
      .length,
    overridesAwaitingApproval: outcomes.filter((o) => o.case.kind === 'override_awaiting_approval').length,
  };
}
