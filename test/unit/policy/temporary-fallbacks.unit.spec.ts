import { describe, expect, it } from 'vitest';
import type { TemporaryVendorFallback } from '../../../src/domain/policy/policy.types';
import { validatePolicyDocument } from '../../../src/policies/policy-validation';
import { cloneDocument } from './policy-fixtures';

/*
 * `vendors.temporaryFallbacks` of a policy document: a rule that lets a vendor the regular order does not list
 * stand in for an unavailable one, for named segments and tiers, until an expiry at most 90 days after the
 * policy takes effect. The shipped document takes effect on 2026-12-01 (00:00 UTC) and has the segments retail
 * and business and the tiers standard and enhanced.
 */

const EFFECTIVE_FROM = '2026-12-01';
/** Exactly 90 days after EFFECTIVE_FROM: the latest expiry a rule may have. */
const LATEST_UNTIL = '2027-03-01T00:00:00Z';

const RULE: TemporaryVendorFallback = {
  id: 'sumsub-outage',
  when: 'sumsub',
  use: 'persona',
  segments: ['retail'],
  tiers: ['standard'],
  until: '2027-01-15T00:00:00Z',
  reason: 'Sumsub incident INC-4711: low-risk retail sessions may verify at Persona meanwhile',
};

/** The shipped policy (in force from EFFECTIVE_FROM) with these temporary fallback rules. */
function withRules(...rules: readonly Partial<TemporaryVendorFallback>[]): unknown {
  const document = cloneDocument();
  return {
    ...document,
    effectiveFrom: EFFECTIVE_FROM,
    vendors: { order: ['sumsub'], temporaryFallbacks: rules.map((rule) => ({ ...RULE, ...rule })) },
  };
}

function problemsOf(document: unknown): readonly string[] {
  const result = validatePolicyDocument(document, 'x.yaml');
  return result.ok ? [] : result.problems;
}

const at = (index: number, field: string): string =>
  `x.yaml: /vendors/temporaryFallbacks/${index}/${field}: `;

describe(`${validatePolicyDocument.name}: vendors.temporaryFallbacks`, () => {
  it('accepts a rule for declared segments and tiers that ends within 90 days, the last instant included', () => {
    expect(problemsOf(withRules(RULE))).toEqual([]);
    expect(problemsOf(withRules({ until: LATEST_UNTIL }))).toEqual([]);
    expect(
      problemsOf(withRules({ segments: ['retail', 'business'], tiers: ['standard', 'enhanced'] })),
    ).toEqual([]);
  });

  it('refuses a rule that ends more than 90 days after effectiveFrom', () => {
    expect(problemsOf(withRules({ until: '2027-03-01T00:00:01Z' }))).toEqual([
      `${at(0, 'until')}a temporary rule ends at most 90 days after effectiveFrom`,
    ]);
    expect(problemsOf(withRules({ until: '2027-12-31T00:00:00Z' }))).toEqual([
      `${at(0, 'until')}a temporary rule ends at most 90 days after effectiveFrom`,
    ]);
  });

  it('refuses a rule that ends before the policy takes effect, or whose end is no instant', () => {
    expect(problemsOf(withRules({ until: '2026-11-30T00:00:00Z' }))).toEqual([
      `${at(0, 'until')}must be after the policy takes effect (effectiveFrom)`,
    ]);
    expect(problemsOf(withRules({ until: 'next tuesday' }))).toEqual([
      `${at(0, 'until')}"next tuesday" is not an ISO 8601 date (YYYY-MM-DD) or date-time with an offset (YYYY-MM-DDThh:mm:ssZ)`,
    ]);
  });

  it('refuses a vendor standing in for itself', () => {
    expect(problemsOf(withRules({ use: 'sumsub' }))).toEqual([
      `${at(0, 'use')}a vendor cannot stand in for itself`,
    ]);
  });

  it('refuses a segment the policy does not declare', () => {
    expect(problemsOf(withRules({ segments: ['retail', 'private_banking'] }))).toEqual([
      `${at(0, 'segments')}"private_banking" is not a declared segment`,
    ]);
  });

  it('refuses a tier no jurisdiction of the policy has', () => {
    expect(problemsOf(withRules({ tiers: ['standard', 'platinum'] }))).toEqual([
      `${at(0, 'tiers')}"platinum" is no tier of this policy`,
    ]);
  });

  it('refuses a second rule with the same id and names the one at fault', () => {
    expect(problemsOf(withRules(RULE, { use: 'veriff' }))).toEqual([
      `${at(1, 'id')}"sumsub-outage" is used by an earlier rule`,
    ]);
  });

  it('refuses an embargoed jurisdiction, a vendor it does not know and a rule without a reason', () => {
    expect(problemsOf(withRules({ jurisdictions: ['DE', 'KP'] }))).toEqual([
      `${at(0, 'jurisdictions')}KP is embargoed`,
    ]);
    expect(problemsOf(withRules({ use: 'acme' }))).toEqual([
      `${at(0, 'use')}"acme" is not one of onfido, sumsub, veriff, persona`,
    ]);
    const { reason: _reason, ...withoutReason } = RULE;
    const document = withRules() as { vendors: { temporaryFallbacks: unknown[] } };
    document.vendors.temporaryFallbacks = [withoutReason];
    expect(problemsOf(document)).toEqual([`${at(0, 'reason')}required field is missing`]);
  });

  it('reports every bad field of a rule, not only the first', () => {
    const problems = problemsOf(
      withRules({ use: 'sumsub', segments: ['vip'], tiers: ['gold'], until: '2027-06-01T00:00:00Z' }),
    );
    expect(problems).toEqual([
      `${at(0, 'use')}a vendor cannot stand in for itself`,
      `${at(0, 'segments')}"vip" is not a declared segment`,
      `${at(0, 'tiers')}"gold" is no tier of this policy`,
      `${at(0, 'until')}a temporary rule ends at most 90 days after effectiveFrom`,
    ]);
  });
});
