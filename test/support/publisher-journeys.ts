import { randomUUID } from 'node:crypto';
import { seededRandom } from '../../scripts/demo/plan';
import type { client } from './http';
import { distinctIdentity } from './ids';

type Api = ReturnType<typeof client>;

/**
 * Verification journeys over HTTP for the publisher's tests: every kind of event the ledger writes, with
 * personal data in every place the API takes it (extracted attributes, review notes) and in the free-text
 * fields that must never leave the ledger either (override justifications and rejections, legal-hold reasons).
 */

/** Personal data the journeys submit; none of these strings may appear in any Kafka record. */
export const JOURNEY_PII = {
  fullName: 'Zqwerty Kafkaperson',
  dateOfBirth: '1987-03-14',
  documentNumber: 'KZ4471193X',
  nationality: 'Ruritanian',
  address: '12 Privet Lane, Teststadt',
} as const;

const NOTE = `Reviewer note: ${JOURNEY_PII.fullName}, born ${JOURNEY_PII.dateOfBirth}, matched a list entry`;
const JUSTIFICATION = `The list entry is not ${JOURNEY_PII.fullName}: document ${JOURNEY_PII.documentNumber} differs`;
const OVERRIDE_REJECTION = `Not convinced: ${JOURNEY_PII.address} matches the list entry`;
const HOLD_REASON = `case-4711 concerning ${JOURNEY_PII.fullName}`;
const CONSENT_AGENT = `Mozilla/5.0 (signed by ${JOURNEY_PII.fullName})`;

/** Every string that must not reach Kafka (the values above and distinctive parts of them). */
export const FORBIDDEN_STRINGS: readonly string[] = [
  ...Object.values(JOURNEY_PII),
  'Kafkaperson',
  'Zqwerty',
  'Privet',
  'Teststadt',
  NOTE,
  JUSTIFICATION,
  OVERRIDE_REJECTION,
  HOLD_REASON,
  'case-4711',
  CONSENT_AGENT,
];

export const JOURNEY_KINDS = [
  'auto_approve',
  'resubmit_then_approve',
  'retry_limit',
  'review_reject_reassigned',
  'review_approve',
  'override_approved',
  'override_rejected',
  'embargo',
  'manual_review_country',
  'step_up',
  'consent_withdrawn',
  'relationship_and_hold',
] as const;
export type JourneyKind = (typeof JOURNEY_KINDS)[number];

const CLEAR = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];
const BLURRED = [
  { kind: 'document', result: 'fail', reasonCodes: ['DOC_IMAGE_QUALITY'] },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];
const SANCTIONS_HIT = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'consider', reasonCodes: ['SANCTIONS_HIT'] },
];

export { seededRandom } from '../../scripts/demo/plan';

/** `count` journeys: every kind at least once, the rest drawn with the seed, in a shuffled order. */
export function generateJourneys(count: number, seed: number): JourneyKind[] {
  const random = seededRandom(seed);
  const kinds: JourneyKind[] = [...JOURNEY_KINDS];
  while (kinds.length < count) {
    kinds.push(JOURNEY_KINDS[Math.floor(random() * JOURNEY_KINDS.length)] ?? 'auto_approve');
  }
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] ?? 'auto_approve', kinds[i] ?? 'auto_approve'];
  }
  return kinds;
}

export interface JourneyResult {
  readonly kind: JourneyKind;
  readonly subjectId: string;
  readonly sessionId: string | undefined;
  /** Status of the session at the end (undefined for subject-only journeys). */
  readonly status: string | undefined;
}

async function expectStatus(
  promise: Promise<{ status: number; body: Record<string, unknown> }>,
  expected: number,
  what: string,
): Promise<Record<string, unknown>> {
  const res = await promise;
  if (res.status !== expected) {
    throw new Error(`${what}: HTTP ${res.status} (expected ${expected}): ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Runs journeys with a few in parallel, so events of different keys interleave in the ledger. */
export async function runJourneys(
  api: Api,
  kinds: readonly JourneyKind[],
  concurrency = 4,
): Promise<JourneyResult[]> {
  const results: JourneyResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const index = next;
        next += 1;
        const kind = kinds[index];
        if (kind === undefined) return;
        results.push(await runJourney(api, kind));
      }
    }),
  );
  return results;
}

export async function runJourney(api: Api, kind: JourneyKind): Promise<JourneyResult> {
  const subjectId = `sub_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const consent = await expectStatus(
    api.post('operator', `/v1/subjects/${subjectId}/consents`, {
      scopes: ['identity_verification', 'document_processing'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
      // Proof of consent (personal data): erased by the erasure request of the relationship journey.
      ...(kind === 'relationship_and_hold' ? { evidence: { userAgent: CONSENT_AGENT } } : {}),
    }),
    201,
    'consent',
  );

  if (kind === 'relationship_and_hold') {
    const hold = await expectStatus(
      api.post('privacy', `/v1/subjects/${subjectId}/legal-holds`, { reason: HOLD_REASON }),
      201,
      'legal hold',
    );
    await expectStatus(
      api.post('privacy', `/v1/subjects/${subjectId}/legal-holds/${String(hold.holdId)}/release`),
      200,
      'release hold',
    );
    await expectStatus(api.post('privacy', `/v1/subjects/${subjectId}/relationship-end`, {}), 200, 'end');
    const erased = await expectStatus(
      api.post('privacy', `/v1/subjects/${subjectId}/erasure-requests`, {
        ground: 'no_longer_necessary',
        reference: 'case-4711',
      }),
      201,
      'erasure',
    );
    // The person comes back: a privacy officer releases the request, and a consent with evidence lifts it.
    await expectStatus(
      api.post('privacy', `/v1/subjects/${subjectId}/erasure-requests/${String(erased.requestId)}/release`, {
        reason: 'person_requested_service',
        reference: 'case-4712',
      }),
      200,
      'release erasure restriction',
    );
    await expectStatus(
      api.post('operator', `/v1/subjects/${subjectId}/consents`, {
        scopes: ['identity_verification'],
        noticeVersion: '2026-01',
        locale: 'de-DE',
        channel: 'web',
        evidence: { userAgent: CONSENT_AGENT },
      }),
      201,
      'consent after release',
    );
    return { kind, subjectId, sessionId: undefined, status: undefined };
  }

  const jurisdiction = kind === 'embargo' ? 'KP' : kind === 'manual_review_country' ? 'FR' : 'DE';
  const started = await expectStatus(
    api.post('operator', '/v1/verifications', { subjectId, jurisdiction, segment: 'retail' }),
    201,
    'start',
  );
  const sessionId = String(started.sessionId);
  const path = `/v1/verifications/${sessionId}`;
  const done = (status: unknown): JourneyResult => ({ kind, subjectId, sessionId, status: String(status) });
  if (kind === 'embargo') return done(started.status);
  if (kind === 'consent_withdrawn') {
    // The person withdraws while the session is open: it closes without a decision, and the result that
    // arrives afterwards is recorded, not counted.
    await expectStatus(
      api.post('operator', `/v1/subjects/${subjectId}/consents/${String(consent.consentId)}/withdrawal`),
      200,
      'withdraw consent',
    );
    const late = await expectStatus(
      api.post('operator', `${path}/vendor-results`, {
        vendor: 'onfido',
        vendorEventId: `evt_${randomUUID()}`,
        vendorCreatedAt: new Date().toISOString(),
        checks: CLEAR,
      }),
      200,
      'late vendor result',
    );
    return done(late.status);
  }

  const attempt = async (checks: unknown[], riskSignals?: Record<string, boolean>): Promise<string> => {
    await expectStatus(
      api.post('operator', `${path}/capture`, { channel: 'web', deviceClass: 'desktop' }),
      200,
      'capture',
    );
    return submit(checks, riskSignals);
  };
  const submit = async (checks: unknown[], riskSignals?: Record<string, boolean>): Promise<string> => {
    await expectStatus(
      api.post('operator', `${path}/evidence`, {
        kind: 'document',
        documentType: 'passport',
        issuingCountry: 'DE',
        vendor: 'onfido',
        vendorReference: `chk_${randomUUID().slice(0, 8)}`,
        attributes: {
          ...distinctIdentity({ fullName: JOURNEY_PII.fullName, documentNumber: JOURNEY_PII.documentNumber }),
          dateOfBirth: JOURNEY_PII.dateOfBirth,
          nationality: JOURNEY_PII.nationality,
          address: JOURNEY_PII.address,
        },
      }),
      201,
      'evidence',
    );
    return vendorResult(checks, riskSignals);
  };
  const vendorResult = async (checks: unknown[], riskSignals?: Record<string, boolean>): Promise<string> => {
    const body = await expectStatus(
      api.post('operator', `${path}/vendor-results`, {
        vendor: 'onfido',
        vendorEventId: `evt_${randomUUID()}`,
        vendorCreatedAt: new Date().toISOString(),
        checks,
        ...(riskSignals === undefined ? {} : { riskSignals }),
      }),
      200,
      'vendor result',
    );
    return String(body.status);
  };
  const review = async (outcome: 'approve' | 'reject', reasonCodes: string[]): Promise<string> => {
    // Clearing the sanctions hit these journeys raise is a senior reviewer's call.
    const who = outcome === 'approve' ? 'senior' : 'reviewer';
    await expectStatus(api.post(who, `${path}/review/assignment`, {}), 200, 'assign');
    const decided = await expectStatus(
      api.post(who, `${path}/review/decision`, { outcome, reasonCodes, note: NOTE }),
      200,
      'review',
    );
    return String(decided.status);
  };

  switch (kind) {
    case 'auto_approve':
      return done(await attempt(CLEAR));
    case 'resubmit_then_approve':
      await attempt(BLURRED);
      return done(await attempt(CLEAR));
    case 'retry_limit':
      await attempt(BLURRED);
      await attempt(BLURRED);
      return done(await attempt(BLURRED));
    case 'review_reject_reassigned': {
      await attempt(SANCTIONS_HIT);
      await expectStatus(api.post('reviewer', `${path}/review/assignment`, {}), 200, 'assign');
      // A senior reviewer moves the case to another reviewer (a reviewer cannot take it over).
      await expectStatus(
        api.post('senior', `${path}/review/assignment`, { reviewerId: 'reviewer2' }),
        200,
        'reassign',
      );
      const decided = await expectStatus(
        api.post('reviewer2', `${path}/review/decision`, {
          outcome: 'reject',
          reasonCodes: ['SANCTIONS_HIT'],
          note: NOTE,
        }),
        200,
        'review',
      );
      return done(decided.status);
    }
    case 'review_approve':
      await attempt(SANCTIONS_HIT);
      return done(await review('approve', []));
    case 'override_approved':
    case 'override_rejected': {
      await attempt(SANCTIONS_HIT);
      await review('reject', ['SANCTIONS_HIT']);
      const requested = await expectStatus(
        api.post('senior', `${path}/overrides`, { outcome: 'approve', justification: JUSTIFICATION }),
        201,
        'override',
      );
      const overridePath = `${path}/overrides/${String(requested.overrideId)}`;
      const settled =
        kind === 'override_approved'
          ? await expectStatus(api.post('senior2', `${overridePath}/approval`), 200, 'approve override')
          : await expectStatus(
              api.post('senior2', `${overridePath}/rejection`, { reason: OVERRIDE_REJECTION }),
              200,
              'reject override',
            );
      return done(settled.status);
    }
    case 'manual_review_country':
      await attempt([...CLEAR, { kind: 'pep', result: 'clear' }]);
      return done(await review('approve', []));
    case 'step_up': {
      const status = await attempt(CLEAR, { ipCountryMismatch: true });
      if (status === 'approved') return done(status);
      return done(
        await vendorResult([
          ...CLEAR,
          { kind: 'pep', result: 'clear' },
          { kind: 'address', result: 'clear', score: 0.95 },
        ]),
      );
    }
    default: {
      const handledAbove: never = kind;
      return handledAbove;
    }
  }
}
