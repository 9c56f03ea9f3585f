import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/policy/evaluate';
import {
  UnknownJurisdictionError,
  UnknownRiskSignalError,
  UnknownSegmentError,
  UnknownTierError,
} from '../../../src/domain/policy/policy.errors';
import type {
  CheckKind,
  CheckResult,
  Evaluation,
  RuleTraceEntry,
} from '../../../src/domain/policy/policy.types';
import { REASON_CODE_LIST, REASON_CODES, type ReasonCode } from '../../../src/domain/reason-codes';
import { canonicalJson } from '../../../src/shared/canonical-json';
import {
  checksFor,
  clear,
  documentEvidence,
  ENHANCED,
  input,
  shippedPolicy,
  STANDARD,
  withRules,
} from './policy-fixtures';

const policy = shippedPolicy();
const run = (overrides: Parameters<typeof input>[0] = {}): Evaluation => evaluate(policy, input(overrides));

const fail = (kind: CheckKind, ...reasonCodes: ReasonCode[]): CheckResult =>
  reasonCodes.length === 0 ? { kind, result: 'fail' } : { kind, result: 'fail', reasonCodes };
const consider = (kind: CheckKind, ...reasonCodes: ReasonCode[]): CheckResult =>
  reasonCodes.length === 0 ? { kind, result: 'consider' } : { kind, result: 'consider', reasonCodes };
const error = (kind: CheckKind): CheckResult => ({ kind, result: 'error' });

function decided(evaluation: Evaluation): { outcome: string; reasonCodes: readonly ReasonCode[] } {
  if (evaluation.outcome === 'incomplete') throw new Error('expected a decision, got incomplete');
  return { outcome: evaluation.outcome, reasonCodes: evaluation.reasonCodes };
}

function traceOf(evaluation: Evaluation, ruleId: string): RuleTraceEntry | undefined {
  return evaluation.ruleTrace.find((e) => e.ruleId === ruleId);
}

const COMPLIANCE: readonly ReasonCode[] = ['SANCTIONS_HIT', 'PEP_MATCH'];
const ENGINE_CODES: readonly ReasonCode[] = [
  'UNSUPPORTED_JURISDICTION',
  'RETRY_LIMIT_REACHED',
  'JURISDICTION_REVIEW_REQUIRED',
  'REVIEW_APPROVED',
  'OVERRIDE_APPLIED',
  'VENDOR_UNAVAILABLE',
  'EVIDENCE_MISSING',
  'DOC_ISSUER_NOT_ALLOWED',
  'DOC_ISSUER_EMBARGOED',
  'RESULTS_CONTRADICTORY',
  'RISK_SIGNAL_REVIEW',
  'SESSION_EXPIRED',
  'CONSENT_WITHDRAWN',
  'ERASURE_REQUESTED',
];
const US_BUSINESS_STANDARD: CheckKind[] = [
  'document',
  'face_match',
  'liveness',
  'sanctions',
  'pep',
  'address',
];

describe(evaluate.name, () => {
  describe('approval', () => {
    it.each([
      ['DE', 'retail', STANDARD],
      ['DE', 'business', [...STANDARD, 'pep']],
      ['GB', 'retail', STANDARD],
      ['GB', 'business', [...STANDARD, 'pep']],
      ['US', 'retail', STANDARD],
      ['US', 'business', US_BUSINESS_STANDARD],
    ] as const)(
      'approves %s %s when every required check is clear above its threshold',
      (jurisdiction, segment, kinds) => {
        const result = run({ jurisdiction, segment, checks: checksFor(kinds) });
        expect(decided(result)).toEqual({ outcome: 'approve', reasonCodes: [] });
        expect(result.ruleTrace.at(-1)).toMatchObject({ ruleId: 'outcome', result: 'pass' });
      },
    );

    it('approves the example vendor result of docs/api.md in DE retail', () => {
      const checks: CheckResult[] = [
        clear('document', 0.97),
        clear('face_match', 0.93),
        clear('liveness', 0.99),
        clear('sanctions'),
      ];
      expect(decided(run({ checks })).outcome).toBe('approve');
    });

    it('uses the latest result of a kind', () => {
      expect(decided(run({ checks: [fail('document'), ...checksFor(STANDARD)] })).outcome).toBe('approve');
      expect(decided(run({ checks: [...checksFor(STANDARD), fail('document')] })).outcome).toBe('resubmit');
    });
  });

  describe('completeness', () => {
    it('is incomplete, listing the missing checks, until every required check has a result', () => {
      const result = run({ checks: [clear('document', 0.99), fail('liveness')] });
      expect(result).toMatchObject({ outcome: 'incomplete', missingChecks: ['face_match', 'sanctions'] });
      expect(traceOf(result, 'checks.complete')?.result).toBe('missing');
    });

    it('requires address and PEP at the standard tier of US business but not of DE retail', () => {
      expect(run({ jurisdiction: 'US', segment: 'business', checks: checksFor(STANDARD) })).toMatchObject({
        outcome: 'incomplete',
        missingChecks: ['pep', 'address'],
      });
      expect(
        decided(run({ jurisdiction: 'DE', segment: 'retail', checks: checksFor(STANDARD) })).outcome,
      ).toBe('approve');
    });

    it('requires the checks of the session tier', () => {
      expect(run({ tier: 'enhanced', checks: checksFor(STANDARD) })).toMatchObject({
        outcome: 'incomplete',
        missingChecks: ['pep', 'address'],
      });
      expect(decided(run({ tier: 'enhanced', checks: checksFor(ENHANCED) })).outcome).toBe('approve');
    });
  });

  describe('jurisdiction', () => {
    it.each(['KP', 'IR', 'CU', 'SY'])(
      'rejects embargoed %s as final, even before any check arrives',
      (code) => {
        const result = run({ jurisdiction: code, checks: [] });
        expect(decided(result)).toEqual({ outcome: 'reject', reasonCodes: ['UNSUPPORTED_JURISDICTION'] });
        expect(REASON_CODES.UNSUPPORTED_JURISDICTION.remediation).toBe('final');
        expect(traceOf(result, 'jurisdiction.path')).toMatchObject({
          result: 'fail',
          inputs: { path: 'embargoed' },
        });
      },
    );

    it('rejects an embargoed jurisdiction whatever the checks say, sanctions hits included', () => {
      const checks = checksFor([...STANDARD, 'pep'], fail('sanctions'));
      expect(decided(run({ jurisdiction: 'IR', checks })).outcome).toBe('reject');
    });

    it('sends any other valid country to review through the fallback, never to rejection', () => {
      const result = run({ jurisdiction: 'FR', checks: checksFor([...STANDARD, 'pep']) });
      expect(decided(result)).toEqual({ outcome: 'review', reasonCodes: ['JURISDICTION_REVIEW_REQUIRED'] });
      expect(traceOf(result, 'jurisdiction.path')).toMatchObject({
        result: 'review',
        inputs: { jurisdiction: 'FR', listed: false, path: 'manual_review' },
      });
    });

    it('still requires the fallback checks (PEP) before the manual review', () => {
      expect(run({ jurisdiction: 'JP', checks: checksFor(STANDARD) })).toMatchObject({
        outcome: 'incomplete',
        missingChecks: ['pep'],
      });
    });

    it('sends fallback failures that could be resubmitted to the reviewer, with every code', () => {
      const checks = checksFor([...STANDARD, 'pep'], fail('face_match'));
      expect(decided(run({ jurisdiction: 'BR', checks }))).toEqual({
        outcome: 'review',
        reasonCodes: ['FACE_MISMATCH', 'JURISDICTION_REVIEW_REQUIRED'],
      });
    });

    it('rejects a final code on the fallback path', () => {
      const checks = checksFor([...STANDARD, 'pep'], fail('document', 'DOC_EXPIRED', 'AGE_BELOW_THRESHOLD'));
      expect(decided(run({ jurisdiction: 'BR', checks })).outcome).toBe('reject');
    });

    it.each(['XX', 'de', 'UK', 'DEU', ''])('refuses %j as unknown_jurisdiction', (code) => {
      expect(() => run({ jurisdiction: code })).toThrow(UnknownJurisdictionError);
      try {
        run({ jurisdiction: code });
      } catch (e) {
        expect((e as UnknownJurisdictionError).code).toBe('unknown_jurisdiction');
      }
    });

    it('refuses an unknown segment, tier and risk signal', () => {
      expect(() => run({ segment: 'private' })).toThrow(UnknownSegmentError);
      expect(() => run({ tier: 'gold' })).toThrow(UnknownTierError);
      expect(() => run({ riskSignals: { moonPhase: true } })).toThrow(UnknownRiskSignalError);
    });
  });

  describe('per check', () => {
    it.each([
      ['document', 'DOC_LOW_CONFIDENCE', 'resubmit'],
      ['face_match', 'FACE_MISMATCH', 'resubmit'],
      ['liveness', 'LIVENESS_FAILED', 'resubmit'],
      ['sanctions', 'SANCTIONS_HIT', 'review'],
    ] as const)('a %s fail without codes means %s (%s)', (kind, code, outcome) => {
      expect(decided(run({ checks: checksFor(STANDARD, fail(kind)) }))).toEqual({
        outcome,
        reasonCodes: [code],
      });
    });

    it.each([
      ['pep', 'PEP_MATCH', 'review'],
      ['address', 'ADDRESS_MISMATCH', 'resubmit'],
    ] as const)('a %s fail without codes means %s (%s) at the enhanced tier', (kind, code, outcome) => {
      const result = run({ tier: 'enhanced', checks: checksFor(ENHANCED, fail(kind)) });
      expect(decided(result)).toEqual({ outcome, reasonCodes: [code] });
    });

    it('an age fail means AGE_BELOW_THRESHOLD, a final rejection (US business enhanced)', () => {
      const result = run({
        jurisdiction: 'US',
        segment: 'business',
        tier: 'enhanced',
        checks: checksFor([...US_BUSINESS_STANDARD, 'age'], fail('age')),
      });
      expect(decided(result)).toEqual({ outcome: 'reject', reasonCodes: ['AGE_BELOW_THRESHOLD'] });
    });

    it('a fail carries the vendor codes instead of the default', () => {
      expect(decided(run({ checks: checksFor(STANDARD, fail('document', 'DOC_EXPIRED')) }))).toEqual({
        outcome: 'resubmit',
        reasonCodes: ['DOC_EXPIRED'],
      });
    });

    it('an error on a required check waits for the vendor with VENDOR_UNAVAILABLE, never the person’s attempt', () => {
      const result = run({ checks: checksFor(STANDARD, error('liveness')), resubmissions: 2 });
      expect(decided(result)).toEqual({ outcome: 'wait', reasonCodes: ['VENDOR_UNAVAILABLE'] });
      expect(traceOf(result, 'check.liveness')).toMatchObject({
        result: 'wait',
        inputs: { result: 'error' },
      });
      expect(traceOf(result, 'attempts.limit')).toBeUndefined();
    });

    it('an error on a required check goes to review instead where the policy says so', () => {
      const rules = policy.document.jurisdictions.DE?.retail;
      if (rules === undefined) throw new Error('DE retail missing');
      const reviewing = withRules('DE', 'retail', {
        ...rules,
        review: { ...rules.review, onVendorError: 'review' },
      });
      const result = evaluate(reviewing, input({ checks: checksFor(STANDARD, error('sanctions')) }));
      expect(decided(result)).toEqual({ outcome: 'review', reasonCodes: ['VENDOR_UNAVAILABLE'] });
    });

    it('an error on a check the tier does not require holds nobody up', () => {
      const result = run({ checks: [...checksFor(STANDARD), error('pep')] });
      expect(decided(result).outcome).toBe('approve');
      expect(traceOf(result, 'check.pep')).toMatchObject({
        result: 'not_applicable',
        inputs: { required: false },
      });
    });

    it('a consider without codes is CHECK_INCONCLUSIVE (review); with codes it follows them', () => {
      expect(decided(run({ checks: checksFor(STANDARD, consider('face_match')) }))).toEqual({
        outcome: 'review',
        reasonCodes: ['CHECK_INCONCLUSIVE'],
      });
      expect(
        decided(run({ checks: checksFor(STANDARD, consider('document', 'DOC_IMAGE_QUALITY')) })),
      ).toEqual({
        outcome: 'resubmit',
        reasonCodes: ['DOC_IMAGE_QUALITY'],
      });
    });

    it('a clear that carries a code for review keeps it; one that contradicts clear is inconclusive', () => {
      const duplicate: CheckResult = {
        kind: 'document',
        result: 'clear',
        score: 0.99,
        reasonCodes: ['DUPLICATE_IDENTITY'],
      };
      expect(decided(run({ checks: checksFor(STANDARD, duplicate) }))).toEqual({
        outcome: 'review',
        reasonCodes: ['DUPLICATE_IDENTITY'],
      });
      const contradictory: CheckResult = {
        kind: 'document',
        result: 'clear',
        score: 0.99,
        reasonCodes: ['DOC_LOW_CONFIDENCE'],
      };
      expect(decided(run({ checks: checksFor(STANDARD, contradictory) }))).toEqual({
        outcome: 'review',
        reasonCodes: ['CHECK_INCONCLUSIVE'],
      });
    });

    it('a clear without a score passes: the threshold applies to scores that are given', () => {
      const result = run({ checks: checksFor(STANDARD, clear('document')) });
      expect(decided(result).outcome).toBe('approve');
      expect(traceOf(result, 'check.document')).toMatchObject({ inputs: { score: null }, result: 'pass' });
    });

    it.each(REASON_CODE_LIST.filter((c) => !COMPLIANCE.includes(c) && !ENGINE_CODES.includes(c)))(
      'a document fail with %s is decided by its remediation',
      (code) => {
        const expected = { resubmit: 'resubmit', review: 'review', final: 'reject' }[
          REASON_CODES[code].remediation
        ];
        expect(decided(run({ checks: checksFor(STANDARD, fail('document', code)) })).outcome).toBe(expected);
      },
    );
  });

  it.each(ENGINE_CODES)(
    'treats %s from a vendor as inconclusive: it is a decision code, not evidence',
    (code) => {
      expect(decided(run({ checks: checksFor(STANDARD, consider('face_match', code)) }))).toEqual({
        outcome: 'review',
        reasonCodes: ['CHECK_INCONCLUSIVE'],
      });
      expect(decided(run({ checks: checksFor(STANDARD, fail('document', code)) }))).toEqual({
        outcome: 'review',
        reasonCodes: ['DOC_LOW_CONFIDENCE', 'CHECK_INCONCLUSIVE'],
      });
    },
  );

  describe('scores', () => {
    // DE retail: document 0.9, face_match 0.88, liveness 0.92, review band 0.05.
    it.each([
      ['document', 0.9, 'approve', []],
      ['document', 0.8999, 'review', ['SCORE_AMBIGUOUS']],
      ['document', 0.85, 'review', ['SCORE_AMBIGUOUS']],
      ['document', 0.8499, 'resubmit', ['DOC_LOW_CONFIDENCE']],
      ['face_match', 0.88, 'approve', []],
      ['face_match', 0.84, 'review', ['SCORE_AMBIGUOUS']],
      ['face_match', 0.82, 'resubmit', ['FACE_LOW_CONFIDENCE']],
      ['liveness', 0.92, 'approve', []],
      ['liveness', 0.9, 'review', ['SCORE_AMBIGUOUS']],
      ['liveness', 0.5, 'resubmit', ['LIVENESS_LOW_CONFIDENCE']],
    ] as const)('DE retail: %s scoring %d → %s %j', (kind, score, outcome, codes) => {
      expect(decided(run({ checks: checksFor(STANDARD, clear(kind, score)) }))).toEqual({
        outcome,
        reasonCodes: codes,
      });
    });

    it('traces the score rule with its threshold and band', () => {
      const result = run({ checks: checksFor(STANDARD, clear('document', 0.87)) });
      expect(traceOf(result, 'check.document.score')).toEqual({
        ruleId: 'check.document.score',
        inputs: { kind: 'document', result: 'clear', score: 0.87, required: true, vendorReasonCodes: [] },
        threshold: { minScore: 0.9, reviewBandFrom: 0.85 },
        result: 'review',
        reasonCodes: ['SCORE_AMBIGUOUS'],
      });
    });

    it.each([
      // document score: DE (0.90, band from 0.85) vs GB (0.85, band from 0.80) vs US (0.85, band from 0.79)
      [0.87, 'review', 'approve', 'approve'],
      [0.84, 'resubmit', 'review', 'review'],
      [0.795, 'resubmit', 'resubmit', 'review'],
    ] as const)('a document scoring %d: DE %s, GB %s, US %s', (score, de, gb, us) => {
      const checks = checksFor(STANDARD, clear('document', score));
      expect(decided(run({ jurisdiction: 'DE', checks })).outcome).toBe(de);
      expect(decided(run({ jurisdiction: 'GB', checks })).outcome).toBe(gb);
      expect(decided(run({ jurisdiction: 'US', checks })).outcome).toBe(us);
    });
  });

  describe('document type', () => {
    it.each([
      ['DE', 'retail', 'driving_licence', 'resubmit'],
      ['GB', 'retail', 'driving_licence', 'approve'],
      ['US', 'retail', 'id_card', 'approve'],
      ['DE', 'retail', 'id_card', 'approve'],
      ['GB', 'business', 'id_card', 'resubmit'],
    ] as const)('%s %s with a %s → %s', (jurisdiction, segment, documentType, outcome) => {
      const kinds = segment === 'business' ? [...STANDARD, 'pep' as const] : STANDARD;
      const result = run({ jurisdiction, segment, documentType, checks: checksFor(kinds) });
      expect(decided(result).outcome).toBe(outcome);
      if (outcome === 'resubmit') expect(decided(result).reasonCodes).toEqual(['DOC_TYPE_NOT_ALLOWED']);
    });

    it('refuses a document whose type is unknown: it cannot be checked against the policy', () => {
      const result = run({ documentType: undefined });
      expect(decided(result)).toEqual({ outcome: 'resubmit', reasonCodes: ['DOC_TYPE_NOT_ALLOWED'] });
      expect(traceOf(result, 'evidence.document')).toMatchObject({
        inputs: { documentType: null },
        result: 'resubmit',
      });
    });

    it('checks every document of the attempt, not only the last one', () => {
      const evidence = [documentEvidence('driving_licence', 'DE'), documentEvidence('passport', 'DE')];
      expect(decided(run({ evidence }))).toEqual({
        outcome: 'resubmit',
        reasonCodes: ['DOC_TYPE_NOT_ALLOWED'],
      });
    });
  });

  describe('evidence', () => {
    it('waits with EVIDENCE_MISSING when every check is clear but no document was submitted', () => {
      expect(decided(run({ evidence: [] }))).toEqual({ outcome: 'wait', reasonCodes: ['EVIDENCE_MISSING'] });
      const selfieOnly = [{ evidenceId: 'ev_s', kind: 'selfie' as const }];
      expect(decided(run({ evidence: selfieOnly }))).toEqual({
        outcome: 'wait',
        reasonCodes: ['EVIDENCE_MISSING'],
      });
    });

    it('needs a selfie record only where a tier lists it', () => {
      const rules = policy.document.jurisdictions.DE?.retail;
      if (rules === undefined) throw new Error('DE retail missing');
      const tiers = rules.tiers.map((t) => ({ ...t, requiredEvidence: ['document', 'selfie'] as const }));
      const strict = withRules('DE', 'retail', { ...rules, tiers });
      expect(decided(evaluate(strict, input()))).toEqual({
        outcome: 'wait',
        reasonCodes: ['EVIDENCE_MISSING'],
      });
      const both = [documentEvidence('passport', 'DE'), { evidenceId: 'ev_s', kind: 'selfie' as const }];
      expect(decided(evaluate(strict, input({ evidence: both }))).outcome).toBe('approve');
    });

    it.each([
      ['DE', 'passport', 'KP', 'review', ['DOC_ISSUER_EMBARGOED']],
      ['US', 'driving_licence', 'IR', 'review', ['DOC_ISSUER_EMBARGOED']],
      ['US', 'driving_licence', 'CA', 'resubmit', ['DOC_ISSUER_NOT_ALLOWED']],
      ['DE', 'residence_permit', 'FR', 'resubmit', ['DOC_ISSUER_NOT_ALLOWED']],
      ['DE', 'passport', 'FR', 'approve', []],
      ['GB', 'driving_licence', 'GB', 'approve', []],
    ] as const)('%s with a %s issued by %s → %s %j', (jurisdiction, type, issuer, outcome, codes) => {
      const result = run({ jurisdiction, evidence: [documentEvidence(type, issuer)] });
      expect(decided(result)).toEqual({ outcome, reasonCodes: codes });
    });

    it('refuses a document without an issuing country', () => {
      const result = run({ evidence: [documentEvidence('passport', undefined)] });
      expect(decided(result)).toEqual({ outcome: 'resubmit', reasonCodes: ['DOC_ISSUER_NOT_ALLOWED'] });
    });

    it('asks for another document when the attributes show it expired, and rejects a minor for good', () => {
      const expired = [documentEvidence('passport', 'DE', { documentExpired: true })];
      expect(decided(run({ evidence: expired }))).toEqual({
        outcome: 'resubmit',
        reasonCodes: ['DOC_EXPIRED'],
      });
      const minor = [documentEvidence('passport', 'DE', { belowMinimumAge: true })];
      expect(decided(run({ evidence: minor }))).toEqual({
        outcome: 'reject',
        reasonCodes: ['AGE_BELOW_THRESHOLD'],
      });
    });
  });

  describe('several vendors', () => {
    it('does not let one vendor’s clear erase another vendor’s fail: a contradiction goes to review', () => {
      const checks: CheckResult[] = [
        ...checksFor(STANDARD),
        { ...fail('document', 'DOC_SUSPECTED_TAMPERING'), vendor: 'onfido' },
        { ...clear('document', 0.99), vendor: 'veriff' },
      ];
      const result = run({ checks });
      expect(decided(result)).toEqual({
        outcome: 'review',
        reasonCodes: ['RESULTS_CONTRADICTORY', 'DOC_SUSPECTED_TAMPERING'],
      });
      expect(traceOf(result, 'check.document.vendors')).toMatchObject({ result: 'review' });
    });

    it('combines agreeing vendors: the weakest clear counts, every fail counts', () => {
      const weak: CheckResult[] = [
        ...checksFor(STANDARD).filter((c) => c.kind !== 'document'),
        { ...clear('document', 0.99), vendor: 'a' },
        { ...clear('document', 0.86), vendor: 'b' },
      ];
      expect(decided(run({ checks: weak }))).toEqual({ outcome: 'review', reasonCodes: ['SCORE_AMBIGUOUS'] });
      const outage: CheckResult[] = [
        ...checksFor(STANDARD).filter((c) => c.kind !== 'sanctions'),
        { kind: 'sanctions', result: 'error', vendor: 'a' },
        { kind: 'sanctions', result: 'clear', vendor: 'b' },
      ];
      expect(decided(run({ checks: outage })).outcome).toBe('approve');
    });
  });

  describe('sanctions and PEP', () => {
    it('sends a sanctions hit to review even with resubmit codes and no resubmissions left', () => {
      const checks = checksFor(STANDARD, fail('sanctions'), fail('document'), error('liveness'));
      const result = run({ checks, resubmissions: 2, documentType: 'driving_licence' });
      expect(decided(result)).toEqual({
        outcome: 'review',
        reasonCodes: ['DOC_TYPE_NOT_ALLOWED', 'DOC_LOW_CONFIDENCE', 'SANCTIONS_HIT'],
      });
      expect(traceOf(result, 'attempts.limit')).toBeUndefined();
    });

    it('sends a sanctions or PEP hit to review even alongside a final code', () => {
      const checks = checksFor([...US_BUSINESS_STANDARD, 'age'], fail('age'), consider('pep'));
      const result = run({ jurisdiction: 'US', segment: 'business', tier: 'enhanced', checks });
      expect(decided(result)).toEqual({
        outcome: 'review',
        reasonCodes: ['PEP_MATCH', 'CHECK_INCONCLUSIVE', 'AGE_BELOW_THRESHOLD'],
      });
    });

    it('treats a consider on sanctions as a possible hit whatever codes it carries', () => {
      expect(
        decided(run({ checks: checksFor(STANDARD, consider('sanctions', 'DOC_IMAGE_QUALITY')) })),
      ).toEqual({
        outcome: 'review',
        reasonCodes: ['SANCTIONS_HIT', 'DOC_IMAGE_QUALITY'],
      });
    });

    it('treats a hit code on any check as a hit', () => {
      expect(decided(run({ checks: checksFor(STANDARD, fail('document', 'SANCTIONS_HIT')) })).outcome).toBe(
        'review',
      );
    });

    it('evaluates a PEP result the tier does not require: a hit is never ignored', () => {
      expect(decided(run({ checks: [...checksFor(STANDARD), fail('pep')] }))).toEqual({
        outcome: 'review',
        reasonCodes: ['PEP_MATCH'],
      });
    });

    it('traces the compliance rule', () => {
      const result = run({ checks: checksFor(STANDARD, fail('sanctions')) });
      expect(traceOf(result, 'compliance.hits')).toMatchObject({
        result: 'review',
        reasonCodes: ['SANCTIONS_HIT'],
      });
    });
  });

  describe('resubmission and its limit', () => {
    it.each([
      ['DE', 0, 'resubmit'],
      ['DE', 1, 'resubmit'],
      ['DE', 2, 'reject'],
      ['GB', 2, 'resubmit'],
      ['GB', 3, 'reject'],
    ] as const)('%s retail after %d resubmissions → %s', (jurisdiction, resubmissions, outcome) => {
      const result = run({ jurisdiction, resubmissions, checks: checksFor(STANDARD, fail('face_match')) });
      expect(decided(result)).toEqual({
        outcome,
        reasonCodes: outcome === 'reject' ? ['FACE_MISMATCH', 'RETRY_LIMIT_REACHED'] : ['FACE_MISMATCH'],
      });
      expect(traceOf(result, 'attempts.limit')).toMatchObject({
        inputs: { resubmissions },
        result: outcome === 'reject' ? 'fail' : 'resubmit',
      });
    });

    it('allows DE business a single resubmission', () => {
      const checks = checksFor([...STANDARD, 'pep'], fail('liveness'));
      expect(decided(run({ segment: 'business', checks, resubmissions: 1 })).outcome).toBe('reject');
    });

    it('deduplicates codes and orders them by document type, then check kind', () => {
      const checks: CheckResult[] = [
        fail('liveness'),
        fail('face_match', 'FACE_MISMATCH', 'FACE_MISMATCH'),
        fail('document', 'DOC_IMAGE_QUALITY', 'DOC_EXPIRED'),
        clear('sanctions'),
      ];
      expect(decided(run({ checks, documentType: 'driving_licence' })).reasonCodes).toEqual([
        'DOC_TYPE_NOT_ALLOWED',
        'DOC_IMAGE_QUALITY',
        'DOC_EXPIRED',
        'FACE_MISMATCH',
        'LIVENESS_FAILED',
      ]);
    });
  });

  describe('review triggers and the order of rules', () => {
    it('sends a final code to rejection even with a review code', () => {
      const checks = checksFor(STANDARD, fail('document', 'DOC_SUSPECTED_TAMPERING', 'AGE_BELOW_THRESHOLD'));
      expect(decided(run({ checks })).outcome).toBe('reject');
    });

    it('sends a review code to review rather than resubmission', () => {
      const checks = checksFor(STANDARD, fail('document', 'DOC_SUSPECTED_TAMPERING'), fail('face_match'));
      expect(decided(run({ checks }))).toEqual({
        outcome: 'review',
        reasonCodes: ['DOC_SUSPECTED_TAMPERING', 'FACE_MISMATCH'],
      });
    });

    it('sends a trigger risk signal to review even when every check is clear', () => {
      const result = run({
        tier: 'enhanced',
        checks: checksFor(ENHANCED),
        riskSignals: { pepSelfDeclared: true },
      });
      expect(decided(result).outcome).toBe('review');
      expect(traceOf(result, 'review.triggers')).toMatchObject({
        result: 'review',
        inputs: { riskSignals: ['pepSelfDeclared'] },
      });
    });

    it('sends a US business address mismatch (a trigger code there) to review, but resubmits it in DE business', () => {
      const us = run({
        jurisdiction: 'US',
        segment: 'business',
        checks: checksFor(US_BUSINESS_STANDARD, fail('address')),
      });
      expect(decided(us)).toEqual({ outcome: 'review', reasonCodes: ['ADDRESS_MISMATCH'] });
      const de = run({ segment: 'business', tier: 'enhanced', checks: checksFor(ENHANCED, fail('address')) });
      expect(decided(de)).toEqual({ outcome: 'resubmit', reasonCodes: ['ADDRESS_MISMATCH'] });
    });
  });

  describe('step-up', () => {
    it('asks for the enhanced tier when a step-up signal appears on a standard session', () => {
      const result = run({ riskSignals: { documentVelocity: true } });
      expect(result).toMatchObject({
        outcome: 'step_up',
        reasonCodes: [],
        stepUp: { tier: 'enhanced', requiredChecks: ENHANCED },
      });
      expect(traceOf(result, 'risk.step_up')).toMatchObject({
        result: 'missing',
        inputs: { signal: 'documentVelocity', currentTier: 'standard' },
        threshold: { tier: 'enhanced' },
      });
      expect(result.ruleTrace.at(-1)).toMatchObject({ ruleId: 'outcome', result: 'missing' });
    });

    it('approves instead when the enhanced checks are already present and clear', () => {
      expect(
        decided(run({ riskSignals: { documentVelocity: true }, checks: checksFor(ENHANCED) })).outcome,
      ).toBe('approve');
    });

    it('still steps up when an enhanced check is present but not clear', () => {
      const checks = checksFor(ENHANCED, clear('address', 0.5));
      expect(run({ riskSignals: { ipCountryMismatch: true }, checks }).outcome).toBe('step_up');
    });

    it('does not step up a session already at the tier', () => {
      const result = run({
        tier: 'enhanced',
        checks: checksFor(ENHANCED),
        riskSignals: { documentVelocity: true },
      });
      expect(decided(result).outcome).toBe('approve');
      expect(traceOf(result, 'risk.step_up')?.result).toBe('pass');
    });

    it('ignores a false signal and one without a step-up rule in the segment', () => {
      expect(decided(run({ riskSignals: { documentVelocity: false, highRiskIndustry: true } })).outcome).toBe(
        'approve',
      );
    });

    it('steps US business up to the enhanced tier with the age check', () => {
      const result = run({
        jurisdiction: 'US',
        segment: 'business',
        checks: checksFor(US_BUSINESS_STANDARD),
        riskSignals: { ipCountryMismatch: true },
      });
      expect(result).toMatchObject({
        outcome: 'step_up',
        stepUp: { tier: 'enhanced', requiredChecks: [...US_BUSINESS_STANDARD, 'age'] },
      });
    });

    it('comes before resubmission', () => {
      const checks = checksFor(STANDARD, fail('document'));
      expect(run({ checks, riskSignals: { documentVelocity: true } })).toMatchObject({
        outcome: 'step_up',
        reasonCodes: ['DOC_LOW_CONFIDENCE'],
      });
    });
  });

  describe('rule trace', () => {
    it('records each rule in order and ends with the outcome', () => {
      const result = run({ checks: checksFor(STANDARD, clear('document', 0.86)) });
      expect(result.ruleTrace.map((e) => e.ruleId)).toEqual([
        'jurisdiction.path',
        'checks.complete',
        'evidence.required',
        'evidence.document',
        'check.document.score',
        'check.face_match.score',
        'check.liveness.score',
        'check.sanctions',
        'compliance.hits',
        'review.triggers',
        'outcome',
      ]);
      expect(result.ruleTrace.at(-1)).toMatchObject({ result: 'review', reasonCodes: ['SCORE_AMBIGUOUS'] });
    });

    it('is canonical JSON with kinds, results, scores and codes only', () => {
      const result = run({ checks: checksFor(STANDARD, fail('document', 'DOC_EXPIRED')) });
      const json = canonicalJson(result.ruleTrace);
      const keys = new Set<string>();
      JSON.parse(json, (key: string, value: unknown) => {
        keys.add(key);
        return value;
      });
      const allowed = new Set([
        '',
        'ruleId',
        'inputs',
        'threshold',
        'result',
        'reasonCodes',
        'jurisdiction',
        'segment',
        'listed',
        'path',
        'embargoed',
        'tier',
        'present',
        'requiredChecks',
        'documentType',
        'allowed',
        'submitted',
        'requiredEvidence',
        'evidenceId',
        'issuingCountry',
        'documentExpired',
        'belowMinimumAge',
        'allowedDocumentTypes',
        'allowedIssuingCountries',
        'domesticDocumentTypes',
        'minimumAge',
        'kind',
        'score',
        'required',
        'vendorReasonCodes',
        'minScore',
        'reviewBandFrom',
        'hits',
        'alwaysReview',
        'riskSignals',
        'triggerReasonCodes',
        'triggerRiskSignals',
        'resubmissions',
        'maxResubmissions',
        'codeCount',
        ...Array.from({ length: 20 }, (_, i) => String(i)),
      ]);
      expect([...keys].filter((k) => !allowed.has(k))).toEqual([]);
    });

    it('is deterministic', () => {
      const args = input({
        checks: checksFor(STANDARD, consider('face_match')),
        riskSignals: { pepSelfDeclared: false },
      });
      expect(evaluate(policy, args)).toEqual(evaluate(policy, args));
    });
  });
});
