import { describe, expect, it } from 'vitest';
import { policyHash } from '../../../src/domain/policy/policy-hash';
import type { PolicyDocument } from '../../../src/domain/policy/policy.types';
import { canonicalJson } from '../../../src/shared/canonical-json';
import { createHash } from 'node:crypto';
import { cloneDocument, shippedPolicy } from './policy-fixtures';

/** The same content with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

describe(policyHash.name, () => {
  it('is the hex SHA-256 of the canonical JSON', () => {
    const doc = cloneDocument();
    expect(policyHash(doc)).toBe(createHash('sha256').update(canonicalJson(doc)).digest('hex'));
    expect(policyHash(doc)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not change when keys are reordered', () => {
    const doc = cloneDocument();
    const reordered = reverseKeys(doc) as PolicyDocument;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(doc));
    expect(policyHash(reordered)).toBe(policyHash(doc));
  });

  it('changes with a one-character change anywhere', () => {
    const base = policyHash(cloneDocument());
    const description = cloneDocument();
    expect(policyHash({ ...description, description: `${description.description}.` })).not.toBe(base);

    const threshold = structuredClone(cloneDocument()) as unknown as {
      jurisdictions: { DE: { retail: { thresholds: { document: number } } } };
    };
    threshold.jurisdictions.DE.retail.thresholds.document = 0.8;
    expect(policyHash(threshold as unknown as PolicyDocument)).not.toBe(base);
  });

  it('changes when the order of a list changes (tiers are ordered)', () => {
    const doc = cloneDocument();
    expect(policyHash({ ...doc, segments: [...doc.segments].reverse() })).not.toBe(policyHash(doc));
  });

  it('is what the loader recorded for the shipped policy', () => {
    expect(shippedPolicy().hash).toBe(policyHash(shippedPolicy().document));
  });
});
