import { describe, expect, it } from 'vitest';
import { PolicyLoadError } from '../../../src/domain/policy/policy.errors';
import type { LoadedPolicy, PolicyDocument } from '../../../src/domain/policy/policy.types';
import { PolicyRegistry } from '../../../src/policies/policy-registry';
import { validatePolicyDocument } from '../../../src/policies/policy-validation';
import { cloneDocument, loaded } from './policy-fixtures';

function version(label: string, effectiveFrom: string, shadowUntil?: string): LoadedPolicy {
  const document: PolicyDocument = {
    ...cloneDocument(),
    version: label,
    effectiveFrom,
    ...(shadowUntil === undefined ? {} : { shadow: { until: shadowUntil } }),
  };
  return loaded(document, `policies/kyc-default/${label}.yaml`);
}

function problemsOf(shadow: unknown, effectiveFrom = '2026-12-05'): string[] {
  const result = validatePolicyDocument({ ...cloneDocument(), effectiveFrom, shadow }, 'shadow.yaml');
  return result.ok ? [] : result.problems;
}

describe('shadow policies in the PolicyRegistry', () => {
  const live1 = version('v1', '2026-11-01');
  const live2 = version('v2', '2026-12-01');
  const shadow = version('v2-strict', '2026-12-05', '2027-01-15T00:00:00Z');
  const expired = version('v1-strict', '2026-11-02', '2026-11-30T00:00:00Z');
  const registry = new PolicyRegistry([shadow, live2, expired, live1]);

  it('never gives a shadow policy for a live session, even when it took effect last', () => {
    expect(registry.active(new Date('2026-12-10T00:00:00Z')).document.version).toBe('v2');
    expect(registry.active(new Date('2026-11-15T00:00:00Z')).document.version).toBe('v1');
    expect(registry.active(new Date('2027-06-01T00:00:00Z')).document.version).toBe('v2');
    expect(registry.all().map((p) => p.document.version)).toEqual(['v1', 'v2']);
  });

  it('gives the shadows in force from their effectiveFrom until (excluded) their until', () => {
    const at = (instant: string): string[] =>
      registry.shadowsAt(new Date(instant)).map((p) => p.document.version);
    expect(at('2026-11-01T23:59:59.999Z')).toEqual([]);
    expect(at('2026-11-02T00:00:00Z')).toEqual(['v1-strict']);
    expect(at('2026-11-29T23:59:59.999Z')).toEqual(['v1-strict']);
    expect(at('2026-11-30T00:00:00Z')).toEqual([]);
    expect(at('2026-12-04T23:59:59Z')).toEqual([]);
    expect(at('2026-12-05T00:00:00Z')).toEqual(['v2-strict']);
    expect(at('2027-01-14T23:59:59.999Z')).toEqual(['v2-strict']);
    expect(at('2027-01-15T00:00:00Z')).toEqual([]);
    expect(
      registry
        .shadows()
        .map((p) => p.document.version)
        .sort(),
    ).toEqual(['v1-strict', 'v2-strict']);
  });

  it('finds a shadow policy by its hash, as a recorded shadow evaluation names it', () => {
    expect(registry.byHash(shadow.hash)).toBe(shadow);
  });

  it('does not count a shadow taking effect with a live version as ambiguous', () => {
    const twin = version('v2-twin', '2026-12-01', '2027-01-01T00:00:00Z');
    const both = new PolicyRegistry([live2, twin]);
    expect(both.active(new Date('2026-12-02T00:00:00Z'))).toBe(live2);
    expect(both.shadowsAt(new Date('2026-12-02T00:00:00Z'))).toEqual([twin]);
  });

  it('refuses a directory of shadow policies only: sessions need a live one', () => {
    expect(() => new PolicyRegistry([shadow])).toThrow(PolicyLoadError);
    expect(() => new PolicyRegistry([shadow])).toThrow(/every policy document loaded is a shadow policy/);
  });
});

describe('validating the shadow declaration', () => {
  it('accepts an instant after effectiveFrom and at most 90 days later', () => {
    expect(problemsOf({ until: '2027-01-15T00:00:00Z' })).toEqual([]);
    expect(problemsOf({ until: '2027-03-05' })).toEqual([]); // exactly 90 days
    expect(problemsOf({ until: '2026-12-06T00:00:00+01:00' })).toEqual([]);
  });

  it('refuses a shadow longer than 90 days, naming the field', () => {
    expect(problemsOf({ until: '2027-03-05T00:00:00.001Z' })).toEqual([
      'shadow.yaml: /shadow/until: a shadow policy ends at most 90 days after effectiveFrom',
    ]);
  });

  it('refuses an until not after effectiveFrom', () => {
    expect(problemsOf({ until: '2026-12-05' })).toEqual([
      'shadow.yaml: /shadow/until: must be after the shadow takes effect (effectiveFrom)',
    ]);
    expect(problemsOf({ until: '2026-11-01T00:00:00Z' })).toHaveLength(1);
  });

  it('refuses an until that is not an instant, and a malformed declaration', () => {
    expect(problemsOf({ until: '2027-01-15T00:00:00' })).toEqual([
      expect.stringMatching(/^shadow\.yaml: \/shadow\/until: .* is not an ISO 8601 date/),
    ]);
    expect(problemsOf({})).toEqual(['shadow.yaml: /shadow/until: required field is missing']);
    expect(problemsOf({ until: '2027-01-15', from: '2026-12-05' })).toEqual([
      expect.stringMatching(/^shadow\.yaml: \/shadow\/from: unknown field/),
    ]);
    expect(problemsOf('2027-01-15')).toEqual([
      expect.stringMatching(/^shadow\.yaml: \/shadow: .* must be of type object/),
    ]);
  });

  it('leaves a policy without shadow a live policy', () => {
    const result = validatePolicyDocument(cloneDocument(), 'live.yaml');
    expect(result.ok).toBe(true);
    expect(result.ok && result.document.shadow).toBeUndefined();
  });
});
