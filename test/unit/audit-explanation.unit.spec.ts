import { describe, expect, it } from 'vitest';
import { explain } from '../../src/audit/explanation';
import type { EventMetadata, LedgerEvent } from '../../src/ledger/envelope';
import type { JsonObject } from '../../src/shared/json';

const AT = '2026-12-07T09:00:00.000Z';

function event(position: number, type: string, data: JsonObject): LedgerEvent {
  const metadata = {
    occurredAt: AT,
    recordedAt: AT,
    actor: { kind: 'user', id: 'operator', roles: ['operator'] },
    correlationId: 'cor_1',
    causationId: null,
    schemaVersion: 1,
    prevHash: '0'.repeat(64),
    hash: String(position).padStart(64, '0'),
  } as unknown as EventMetadata;
  return {
    stream: 'verification-ses_1',
    revision: position,
    position,
    eventId: `evt_${position}`,
    type,
    data,
    pii: null,
    metadata,
  };
}

describe('explain', () => {
  it('an embargo rejection recorded before evaluations named their trigger claims no evaluated checks', () => {
    const session = [
      event(1, 'VerificationInitiated', {
        sessionId: 'ses_1',
        subjectId: 'sub_1',
        jurisdiction: 'KP',
        segment: 'retail',
        path: 'embargoed',
        tier: 'standard',
        policyId: 'kyc-default',
        policyVersion: '2026-12-01',
        policyHash: 'a'.repeat(64),
        requiredChecks: ['document', 'face_match', 'liveness', 'sanctions', 'pep'],
        riskSignals: {},
        consentId: 'con_1',
        maxResubmissions: 2,
        initiatedAt: AT,
        expiresAt: '2026-12-14T09:00:00.000Z',
      }),
      // No `trigger`: an older evaluation.
      event(2, 'DecisionEvaluated', {
        outcome: 'reject',
        attempt: 1,
        tier: 'standard',
        reasonCodes: ['UNSUPPORTED_JURISDICTION'],
        policyHash: 'a'.repeat(64),
        ruleTrace: [],
        evaluatedAt: AT,
      }),
      event(3, 'VerificationRejected', {
        decidedBy: 'policy',
        tier: 'standard',
        attempt: 1,
        reasonCodes: ['UNSUPPORTED_JURISDICTION'],
        decidedAt: AT,
      }),
    ];
    const x = explain(session, []);
    expect(x?.decision).toMatchObject({ outcome: 'rejected', decidedBy: 'policy' });
    expect(x?.summary).toContain('embargoed');
    expect(x?.summary).not.toMatch(/after evaluating/);
  });
});
