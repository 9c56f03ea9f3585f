import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { client } from './http';

/** Vendor checks that the default policy approves in DE, GB and US retail. */
export const CLEAR = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];

/** A blurred document: resubmission. */
export const BLURRED = [
  { kind: 'document', result: 'fail', reasonCodes: ['DOC_IMAGE_QUALITY'] },
  ...CLEAR.slice(1),
];

/** A possible sanctions match: always review. */
export const SANCTIONS_HIT = [
  ...CLEAR.slice(0, 3),
  { kind: 'sanctions', result: 'consider', reasonCodes: ['SANCTIONS_HIT'] },
];

export const CONSENT = {
  scopes: ['identity_verification'],
  noticeVersion: '2026-01',
  locale: 'de-DE',
  channel: 'web',
};

export const newSubjectId = (): string => `sub_${randomUUID().slice(0, 8)}`;

/** Grants consent to a new (or given) subject and starts a session as the operator. */
export async function consentAndStart(
  api: ReturnType<typeof client>,
  options: { subjectId?: string; jurisdiction?: string; segment?: string } = {},
): Promise<{ sessionId: string; subjectId: string; position: number; body: Record<string, unknown> }> {
  const subjectId = options.subjectId ?? newSubjectId();
  const consent = await api.post('operator', `/v1/subjects/${subjectId}/consents`, CONSENT);
  expect(consent.status, JSON.stringify(consent.body)).toBe(201);
  const started = await api.post('operator', '/v1/verifications', {
    subjectId,
    jurisdiction: options.jurisdiction ?? 'DE',
    segment: options.segment ?? 'retail',
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return {
    sessionId: started.body.sessionId as string,
    subjectId,
    position: started.body.position as number,
    body: started.body,
  };
}

/** Posts one vendor result with a vendor event id unique to the session. */
export async function vendorResult(
  api: ReturnType<typeof client>,
  sessionId: string,
  checks: readonly unknown[],
): Promise<Record<string, unknown>> {
  const res = await api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
    vendor: 'acme',
    vendorEventId: `evt_${sessionId}_${randomUUID().slice(0, 8)}`,
    vendorCreatedAt: '2026-11-26T10:00:00Z',
    checks,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Submits the document evidence of the documented journey: a passport issued by the session's country. */
export async function submitDocument(
  api: ReturnType<typeof client>,
  sessionId: string,
  fields: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const res = await api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
    kind: 'document',
    documentType: 'passport',
    issuingCountry: 'DE',
    vendor: 'acme',
    vendorReference: `doc_${randomUUID().slice(0, 8)}`,
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/**
 * A whole journey over HTTP: consent, start, then each attempt — capture, a document issued by the session's
 * country, one vendor result with the attempt's checks. Returns the session and the last answer (its status).
 */
export async function journeyOverHttp(
  api: ReturnType<typeof client>,
  attempts: readonly (readonly unknown[])[],
  options: {
    readonly vendorCreatedAt: string;
    readonly jurisdiction?: string;
    readonly deviceClass?: string;
    readonly channel?: string;
    readonly documentType?: string;
    readonly vendor?: string;
  },
): Promise<{ sessionId: string; subjectId: string; last: Record<string, unknown> }> {
  const jurisdiction = options.jurisdiction ?? 'DE';
  const vendor = options.vendor ?? 'onfido';
  const { sessionId, subjectId, body } = await consentAndStart(api, { jurisdiction });
  let last = body;
  for (const checks of attempts) {
    const captured = await api.post('operator', `/v1/verifications/${sessionId}/capture`, {
      channel: options.channel ?? 'web',
      deviceClass: options.deviceClass ?? 'desktop',
    });
    expect(captured.status, JSON.stringify(captured.body)).toBe(200);
    await submitDocument(api, sessionId, {
      documentType: options.documentType ?? 'passport',
      issuingCountry: jurisdiction,
      vendor,
    });
    const result = await api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
      vendor,
      vendorEventId: `evt_${randomUUID()}`,
      vendorCreatedAt: options.vendorCreatedAt,
      checks,
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    last = result.body;
  }
  return { sessionId, subjectId, last };
}
