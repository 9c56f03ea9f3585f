import { describe, expect, it } from 'vitest';
import { rulesFor } from '../../../src/domain/policy/jurisdiction-rules';
import { resolveSession } from '../../../src/domain/policy/resolve-session';
import {
  UnknownJurisdictionError,
  UnknownRiskSignalError,
  UnknownSegmentError,
} from '../../../src/domain/policy/policy.errors';
import { DomainError } from '../../../src/domain/shared/domain-error';
import { ENHANCED, shippedPolicy, STANDARD } from './policy-fixtures';

const policy = shippedPolicy();
const HOUR = 3_600_000;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a domain error';
  }
  return undefined;
}

describe(resolveSession.name, () => {
  it('gives DE retail the standard tier, its checks, TTL and resubmissions, and the policy identity', () => {
    const session = resolveSession(policy, { jurisdiction: 'DE', segment: 'retail', riskSignals: {} });
    expect(session).toMatchObject({
      policyId: 'kyc-default',
      policyVersion: policy.document.version,
      policyHash: policy.hash,
      jurisdiction: 'DE',
      segment: 'retail',
      path: 'automatic',
      tier: 'standard',
      requiredChecks: STANDARD,
      ttlMs: 72 * HOUR,
      maxResubmissions: 2,
    });
    expect(session.trace.map((e) => e.ruleId)).toEqual(['jurisdiction.path', 'tier.default']);
  });

  it.each([
    ['GB', 'retail', 72 * HOUR, 3, STANDARD],
    ['GB', 'business', 5 * 24 * HOUR, 2, [...STANDARD, 'pep']],
    ['US', 'business', 7 * 24 * HOUR, 1, [...STANDARD, 'pep', 'address']],
    ['FR', 'retail', 72 * HOUR, 1, [...STANDARD, 'pep']],
  ] as const)('differs by jurisdiction: %s %s', (jurisdiction, segment, ttlMs, maxResubmissions, checks) => {
    expect(resolveSession(policy, { jurisdiction, segment, riskSignals: {} })).toMatchObject({
      ttlMs,
      maxResubmissions,
      requiredChecks: checks,
    });
  });

  it('steps the tier up for a true risk signal and traces why', () => {
    const session = resolveSession(policy, {
      jurisdiction: 'DE',
      segment: 'retail',
      riskSignals: { ipCountryMismatch: true, documentVelocity: false },
    });
    expect(session.tier).toBe('enhanced');
    expect(session.requiredChecks).toEqual(ENHANCED);
    expect(session.trace).toContainEqual({
      ruleId: 'risk.step_up',
      inputs: { signal: 'ipCountryMismatch', observed: true, tierBefore: 'standard', tierAfter: 'enhanced' },
      threshold: { tier: 'enhanced' },
      result: 'pass',
      reasonCodes: [],
    });
    expect(session.trace.filter((e) => e.ruleId === 'risk.step_up')).toHaveLength(1);
  });

  it('keeps the default tier for false signals and signals without a rule in the segment', () => {
    const session = resolveSession(policy, {
      jurisdiction: 'GB',
      segment: 'retail',
      riskSignals: { ipCountryMismatch: false, highRiskIndustry: true },
    });
    expect(session.tier).toBe('standard');
  });

  it('steps a business up for a high-risk industry', () => {
    const session = resolveSession(policy, {
      jurisdiction: 'US',
      segment: 'business',
      riskSignals: { highRiskIndustry: true },
    });
    expect(session).toMatchObject({
      tier: 'enhanced',
      requiredChecks: [...STANDARD, 'pep', 'address', 'age'],
    });
  });

  it('marks the paths: embargoed, manual review for unlisted countries, automatic for listed ones', () => {
    const path = (jurisdiction: string): string =>
      resolveSession(policy, { jurisdiction, segment: 'retail', riskSignals: {} }).path;
    expect(path('KP')).toBe('embargoed');
    expect(path('IR')).toBe('embargoed');
    expect(path('FR')).toBe('manual_review');
    expect(path('AQ')).toBe('manual_review');
    expect(path('US')).toBe('automatic');
  });

  it('refuses an unknown jurisdiction, segment or risk signal with stable codes', () => {
    expect(() => resolveSession(policy, { jurisdiction: 'XX', segment: 'retail', riskSignals: {} })).toThrow(
      UnknownJurisdictionError,
    );
    expect(
      codeOf(() => resolveSession(policy, { jurisdiction: 'de', segment: 'retail', riskSignals: {} })),
    ).toBe('unknown_jurisdiction');
    expect(() => resolveSession(policy, { jurisdiction: 'DE', segment: 'vip', riskSignals: {} })).toThrow(
      UnknownSegmentError,
    );
    expect(
      codeOf(() => resolveSession(policy, { jurisdiction: 'DE', segment: 'vip', riskSignals: {} })),
    ).toBe('unknown_segment');
    expect(
      codeOf(() =>
        resolveSession(policy, {
          jurisdiction: 'DE',
          segment: 'retail',
          riskSignals: { vpn: true, tor: false },
        }),
      ),
    ).toBe('unknown_risk_signal');
    try {
      resolveSession(policy, {
        jurisdiction: 'DE',
        segment: 'retail',
        riskSignals: { vpn: true, tor: false },
      });
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownRiskSignalError);
      expect((error as UnknownRiskSignalError).details).toMatchObject({ signals: ['vpn', 'tor'] });
    }
  });
});

describe(rulesFor.name, () => {
  it('gives the listed rules, or the fallback rules, and the path', () => {
    expect(rulesFor(policy, 'GB', 'retail').rules.allowedDocumentTypes).toContain('driving_licence');
    expect(rulesFor(policy, 'DE', 'retail').rules.allowedDocumentTypes).not.toContain('driving_licence');
    const fallback = rulesFor(policy, 'NZ', 'business');
    expect(fallback.path).toBe('manual_review');
    expect(fallback.rules).toBe(policy.document.fallback.business);
  });
});
