import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/policy/evaluate';
import type {
  DuplicateMatch,
  Evaluation,
  JurisdictionRules,
  LoadedPolicy,
} from '../../../src/domain/policy/policy.types';
import {
  checksFor,
  cloneDocument,
  documentEvidence,
  input,
  loaded,
  shippedPolicy,
  STANDARD,
} from './policy-fixtures';

/*
 * I13: evidence whose identity the blind index found under another subject is a human's question (review,
 * DUPLICATE_IDENTITY_SUSPECTED), or an automatic rejection where the jurisdiction's rules say
 * `duplicateIdentity: reject`; a sanctions hit still goes to review first.
 */

const policy = shippedPolicy();
const OTHER: DuplicateMatch = { sessionId: 'ses_other_subject', match: 'document' };

/** DE retail, every check clear, one passport; its evidence a duplicate of `duplicateOf` when given. */
const withDuplicate = (duplicateOf: DuplicateMatch | undefined, checks = checksFor(STANDARD)) =>
  input({
    checks,
    evidence: [
      documentEvidence(
        'passport',
        'DE',
        duplicateOf === undefined ? {} : { evidenceId: 'ev_b', duplicateOf },
      ),
    ],
  });

/** The shipped policy with DE retail set to reject a duplicate identity. */
function rejectingDuplicates(): LoadedPolicy {
  const document = cloneDocument();
  const de = document.jurisdictions.DE;
  const retail: JurisdictionRules | undefined = de?.retail;
  if (de === undefined || retail === undefined) throw new Error('the shipped policy has no DE retail rules');
  return loaded({
    ...document,
    jurisdictions: {
      ...document.jurisdictions,
      DE: { ...de, retail: { ...retail, duplicateIdentity: 'reject' } },
    },
  });
}

function decided(evaluation: Evaluation): { outcome: string; reasonCodes: readonly string[] } {
  if (evaluation.outcome === 'incomplete') throw new Error('expected a decision, got incomplete');
  return { outcome: evaluation.outcome, reasonCodes: evaluation.reasonCodes };
}

const duplicateTrace = (evaluation: Evaluation) =>
  evaluation.ruleTrace.find((entry) => entry.ruleId === 'identity.duplicate');

describe(`${evaluate.name} with a duplicate identity`, () => {
  it('sends the session to review with DUPLICATE_IDENTITY_SUSPECTED by default, and traces why', () => {
    const result = evaluate(policy, withDuplicate(OTHER));
    expect(decided(result)).toEqual({ outcome: 'review', reasonCodes: ['DUPLICATE_IDENTITY_SUSPECTED'] });
    expect(duplicateTrace(result)).toMatchObject({
      ruleId: 'identity.duplicate',
      result: 'review',
      reasonCodes: ['DUPLICATE_IDENTITY_SUSPECTED'],
    });
    // The trace names the evidence and which identity matched, never the other session's data.
    expect(JSON.stringify(duplicateTrace(result))).toContain('ev_b');
    expect(JSON.stringify(duplicateTrace(result))).toContain('document');
  });

  it('names a name-and-birth-date match the same way', () => {
    const result = evaluate(policy, withDuplicate({ ...OTHER, match: 'name_and_birth_date' }));
    expect(decided(result)).toEqual({ outcome: 'review', reasonCodes: ['DUPLICATE_IDENTITY_SUSPECTED'] });
    expect(JSON.stringify(duplicateTrace(result))).toContain('name_and_birth_date');
  });

  it('rejects where the jurisdiction rules say duplicateIdentity: reject', () => {
    const result = evaluate(rejectingDuplicates(), withDuplicate(OTHER));
    expect(decided(result)).toEqual({ outcome: 'reject', reasonCodes: ['DUPLICATE_IDENTITY_SUSPECTED'] });
    expect(duplicateTrace(result)).toMatchObject({ result: 'fail' });
  });

  it('sends a sanctions hit to review first, even where a duplicate is rejected', () => {
    const hit = checksFor(STANDARD, {
      kind: 'sanctions',
      result: 'consider',
      reasonCodes: ['SANCTIONS_HIT'],
    });
    for (const candidate of [policy, rejectingDuplicates()]) {
      const result = evaluate(candidate, withDuplicate(OTHER, hit));
      expect(decided(result)).toEqual({
        outcome: 'review',
        reasonCodes: ['DUPLICATE_IDENTITY_SUSPECTED', 'SANCTIONS_HIT'],
      });
      expect(result.ruleTrace.find((entry) => entry.ruleId === 'compliance.hits')).toMatchObject({
        result: 'review',
        reasonCodes: ['SANCTIONS_HIT'],
      });
    }
  });

  it('changes nothing without a duplicate, under either setting', () => {
    for (const candidate of [policy, rejectingDuplicates()]) {
      const result = evaluate(candidate, withDuplicate(undefined));
      expect(decided(result)).toEqual({ outcome: 'approve', reasonCodes: [] });
      expect(duplicateTrace(result)).toBeUndefined();
      expect(result.ruleTrace.map((entry) => entry.ruleId)).toEqual(
        evaluate(policy, input()).ruleTrace.map((entry) => entry.ruleId),
      );
    }
  });
});
