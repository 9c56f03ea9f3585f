import { randomUUID } from 'node:crypto';

/**
 * The bodies of the 5-command journey (consent → start → capture → evidence → vendor result → approved), shared
 * by the benches that drive it over HTTP, through the command bus, or from the load generator's process.
 */
export const CLEAR_CHECKS = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
] as const;

export const newSubjectId = (): string => `bench_${randomUUID().slice(0, 12)}`;

export const consentBody = () =>
  ({
    scopes: ['identity_verification'],
    noticeVersion: '2026-01',
    locale: 'de-DE',
    channel: 'web',
  }) as const;

export const startBody = (subjectId: string) =>
  ({ subjectId, jurisdiction: 'DE', segment: 'retail' }) as const;

export const captureBody = () => ({ channel: 'web', deviceClass: 'desktop' }) as const;

export const evidenceBody = (sessionId: string) =>
  ({
    kind: 'document',
    documentType: 'passport',
    issuingCountry: 'DE',
    vendor: 'onfido',
    vendorReference: `chk_${sessionId.slice(0, 8)}`,
    // A person of their own each time: one identity used by several subjects goes to review (I13).
    attributes: {
      fullName: `Bench Person ${sessionId.slice(0, 8)}`,
      dateOfBirth: '1990-01-31',
      documentNumber: `B${sessionId.replaceAll('-', '').slice(0, 10).toUpperCase()}`,
    },
  }) as const;

export const vendorResultBody = (sessionId: string) =>
  ({
    vendor: 'onfido',
    vendorEventId: `evt_${sessionId}`,
    vendorCreatedAt: new Date().toISOString(),
    checks: CLEAR_CHECKS,
  }) as const;

/** The journey's HTTP requests in order, each with the status it must answer; `sessionId` comes from the start. */
export const JOURNEY_STEPS = ['consent', 'start', 'capture', 'evidence', 'vendor_result'] as const;
export type JourneyStep = (typeof JOURNEY_STEPS)[number];

export function journeyRequest(
  step: JourneyStep,
  subjectId: string,
  sessionId: string,
): { path: string; body: unknown; status: number } {
  switch (step) {
    case 'consent':
      return { path: `/v1/subjects/${subjectId}/consents`, body: consentBody(), status: 201 };
    case 'start':
      return { path: '/v1/verifications', body: startBody(subjectId), status: 201 };
    case 'capture':
      return { path: `/v1/verifications/${sessionId}/capture`, body: captureBody(), status: 200 };
    case 'evidence':
      return { path: `/v1/verifications/${sessionId}/evidence`, body: evidenceBody(sessionId), status: 201 };
    case 'vendor_result':
      return {
        path: `/v1/verifications/${sessionId}/vendor-results`,
        body: vendorResultBody(sessionId),
        status: 200,
      };
    default: {
      const never: never = step;
      throw new Error(`unknown step ${String(never)}`);
    }
  }
}
