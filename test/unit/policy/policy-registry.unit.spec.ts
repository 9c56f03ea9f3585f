import { describe, expect, it } from 'vitest';
import { NoActivePolicyError, PolicyLoadError } from '../../../src/domain/policy/policy.errors';
import type { LoadedPolicy } from '../../../src/domain/policy/policy.types';
import { PolicyRegistry } from '../../../src/policies/policy-registry';
import { cloneDocument, loaded, SHIPPED_POLICY_DIR } from './policy-fixtures';

function version(label: string, effectiveFrom: string): LoadedPolicy {
  return loaded({ ...cloneDocument(), version: label, effectiveFrom }, `policies/kyc-default/${label}.yaml`);
}

describe(PolicyRegistry.name, () => {
  const v1 = version('v1', '2026-11-01');
  const v2 = version('v2', '2027-03-01T00:00:00Z');
  const v3 = version('v3', '2027-06-01T12:00:00+02:00');
  // Given out of order on purpose.
  const registry = new PolicyRegistry([v3, v1, v2]);

  it('gives the version with the latest effectiveFrom that is not after now', () => {
    expect(registry.active(new Date('2026-11-01T00:00:00Z')).document.version).toBe('v1');
    expect(registry.active(new Date('2027-02-28T23:59:59.999Z')).document.version).toBe('v1');
    expect(registry.active(new Date('2027-03-01T00:00:00Z')).document.version).toBe('v2');
    expect(registry.active(new Date('2027-06-01T09:59:59Z')).document.version).toBe('v2');
    expect(registry.active(new Date('2027-06-01T10:00:00Z')).document.version).toBe('v3');
    expect(registry.active(new Date('2040-01-01T00:00:00Z')).document.version).toBe('v3');
  });

  it('refuses a time before any version takes effect', () => {
    expect(() => registry.active(new Date('2026-10-31T23:59:59Z'))).toThrow(NoActivePolicyError);
    expect(() => registry.active(new Date('2026-10-31T23:59:59Z'))).toThrow(
      /earliest takes effect at 2026-11-01/,
    );
  });

  it('finds every version by hash, old ones included', () => {
    for (const policy of [v1, v2, v3]) expect(registry.byHash(policy.hash)).toBe(policy);
    expect(new Set([v1.hash, v2.hash, v3.hash]).size).toBe(3);
    expect(registry.byHash('0'.repeat(64))).toBeUndefined();
  });

  it('lists all versions in order of effectiveFrom', () => {
    expect(registry.all().map((p) => p.document.version)).toEqual(['v1', 'v2', 'v3']);
  });

  it('refuses two versions taking effect at the same instant, naming both', () => {
    const tie = version('v2-bis', '2027-03-01T01:00:00+01:00');
    expect(() => new PolicyRegistry([v1, v2, tie])).toThrow(PolicyLoadError);
    try {
      new PolicyRegistry([v1, v2, tie]);
    } catch (error) {
      const message = (error as PolicyLoadError).message;
      expect(message).toContain('policies/kyc-default/v2-bis.yaml: /effectiveFrom');
      expect(message).toContain('policies/kyc-default/v2.yaml');
    }
  });

  it('refuses to be empty', () => {
    expect(() => new PolicyRegistry([])).toThrow(PolicyLoadError);
  });

  it('loads the shipped directory, in force from 2026-11-01', () => {
    const shipped = PolicyRegistry.fromDirectory(SHIPPED_POLICY_DIR);
    const active = shipped.active(new Date('2026-11-26T10:00:00Z'));
    expect(active.document.policyId).toBe('kyc-default');
    expect(shipped.byHash(active.hash)).toBe(active);
  });
});
