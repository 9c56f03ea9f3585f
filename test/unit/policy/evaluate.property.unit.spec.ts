import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/policy/evaluate';
import { rulesFor } from '../../../src/domain/policy/jurisdiction-rules';
import {
  CHECK_KINDS,
  CHECK_RESULTS,
  DOCUMENT_TYPES,
  type CheckKind,
  type CheckResult,
  type EvaluationInput,
  type EvidenceInput,
} from '../../../src/domain/policy/policy.types';
import { isScreeningHit, REASON_CODE_LIST, REASON_CODES } from '../../../src/domain/reason-codes';
import { shippedPolicy } from './policy-fixtures';

const policy = shippedPolicy();
const SIGNALS = Object.keys(policy.document.riskSignals);
// Listed jurisdictions and two that take the fallback path.
const JURISDICTIONS = ['DE', 'GB', 'US', 'DE', 'GB', 'US', 'FR', 'JP'];

const codes = fc.option(fc.subarray(REASON_CODE_LIST, { maxLength: 3 }), { nil: undefined });
const riskSignals = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  fc.dictionary(fc.constantFrom(...SIGNALS), fc.boolean()),
);

/** Any result for a kind, biased towards passing ones so that approvals happen often enough to test. */
function anyCheck(kind: CheckKind): fc.Arbitrary<CheckResult> {
  return fc.record({
    kind: fc.constant(kind),
    result: fc.oneof(
      { weight: 15, arbitrary: fc.constant('clear' as const) },
      fc.constantFrom(...CHECK_RESULTS),
    ),
    score: fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: 0.93, max: 1, noNaN: true }) },
      { weight: 2, arbitrary: fc.double({ min: 0.75, max: 0.95, noNaN: true }) },
      fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    ),
    reasonCodes: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, codes),
  });
}

/**
 * The evidence of an attempt: usually one valid-looking document issued by the session's country, sometimes
 * none, several, another type or issuer (an embargoed one too), an expired one, one of a minor, a selfie.
 */
function anyEvidence(jurisdiction: string): fc.Arbitrary<EvidenceInput[]> {
  const document = fc.record(
    {
      evidenceId: fc.uuid(),
      kind: fc.constant('document' as const),
      documentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant('passport' as const) },
        fc.constantFrom(...DOCUMENT_TYPES),
      ),
      issuingCountry: fc.oneof(
        { weight: 6, arbitrary: fc.constant(jurisdiction) },
        fc.constantFrom('DE', 'GB', 'US', 'FR', 'KP', 'IR'),
      ),
      documentExpired: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, fc.constant(true)),
      belowMinimumAge: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, fc.constant(true)),
    },
    { requiredKeys: ['evidenceId', 'kind', 'documentType', 'issuingCountry'] },
  );
  const selfie = fc.record({ evidenceId: fc.uuid(), kind: fc.constant('selfie' as const) });
  return fc.oneof(
    { weight: 6, arbitrary: document.map((d): EvidenceInput[] => [d]) },
    fc.constant<EvidenceInput[]>([]),
    fc.array<EvidenceInput>(fc.oneof(document, selfie), { minLength: 1, maxLength: 3 }),
  );
}

/** A session in a non-embargoed jurisdiction with a result for every required check (and maybe others). */
const completeSession: fc.Arbitrary<EvaluationInput> = fc
  .tuple(fc.constantFrom(...JURISDICTIONS), fc.constantFrom(...policy.document.segments))
  .chain(([jurisdiction, segment]) => {
    const { rules } = rulesFor(policy, jurisdiction, segment);
    return fc.constantFrom(...rules.tiers).chain((tier) =>
      fc.record({
        jurisdiction: fc.constant(jurisdiction),
        segment: fc.constant(segment),
        tier: fc.constant(tier.name),
        checks: fc
          .tuple(
            fc.tuple(...tier.requiredChecks.map(anyCheck)),
            fc.subarray([...CHECK_KINDS]).chain((extra) => fc.tuple(...extra.map(anyCheck))),
          )
          .map(([required, extra]) => [...extra, ...required]),
        evidence: anyEvidence(jurisdiction),
        resubmissions: fc.integer({ min: 0, max: 4 }),
        riskSignals,
      }),
    );
  });

describe(`${evaluate.name} (properties)`, () => {
  it('never approves when a required check is not clear or scores below its threshold', () => {
    let approvals = 0;
    fc.assert(
      fc.property(completeSession, (input) => {
        const result = evaluate(policy, input);
        if (result.outcome !== 'approve') return;
        approvals += 1;
        const { rules } = rulesFor(policy, input.jurisdiction, input.segment);
        const tier = rules.tiers.find((t) => t.name === input.tier)!;
        const latest = new Map(input.checks.map((c) => [c.kind, c]));
        for (const kind of tier.requiredChecks) {
          const check = latest.get(kind)!;
          expect(check.result).toBe('clear');
          const threshold = rules.thresholds[kind];
          if (threshold !== undefined && check.score !== undefined) {
            expect(check.score).toBeGreaterThanOrEqual(threshold);
          }
        }
        expect(result.reasonCodes).toEqual([]);
      }),
      { numRuns: 2000 },
    );
    // The property is only meaningful if approvals were actually generated.
    expect(approvals).toBeGreaterThan(20);
  });

  it('never approves without the evidence the tier requires, or with a document the policy does not accept', () => {
    let approvals = 0;
    fc.assert(
      fc.property(completeSession, (input) => {
        const result = evaluate(policy, input);
        if (result.outcome !== 'approve') return;
        approvals += 1;
        const { rules } = rulesFor(policy, input.jurisdiction, input.segment);
        const tier = rules.tiers.find((t) => t.name === input.tier)!;
        const required =
          tier.requiredEvidence ?? (tier.requiredChecks.includes('document') ? ['document'] : []);
        for (const kind of required) expect(input.evidence.some((e) => e.kind === kind)).toBe(true);
        for (const doc of input.evidence.filter((e) => e.kind === 'document')) {
          expect(rules.allowedDocumentTypes).toContain(doc.documentType);
          expect(policy.document.embargoedJurisdictions).not.toContain(doc.issuingCountry);
          const issuers = rules.allowedIssuingCountries ?? 'any';
          if (issuers !== 'any') expect(issuers).toContain(doc.issuingCountry);
          if (
            doc.documentType !== undefined &&
            (rules.domesticDocumentTypes ?? []).includes(doc.documentType)
          ) {
            expect(doc.issuingCountry).toBe(input.jurisdiction);
          }
          expect(doc.documentExpired).not.toBe(true);
          expect(doc.belowMinimumAge).not.toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    // The property is only meaningful if approvals were actually generated.
    expect(approvals).toBeGreaterThan(20);
  });

  it('never rejects when the only problems are sanctions or PEP hits: they go to review', () => {
    const hitsOnly = completeSession.chain((input) =>
      fc
        .record({
          sanctions: fc.constantFrom('fail' as const, 'consider' as const, 'clear' as const),
          pep: fc.constantFrom('fail' as const, 'consider' as const, 'clear' as const),
          sanctionsCodes: codes,
          pepCodes: codes,
        })
        .filter((r) => r.sanctions !== 'clear' || r.pep !== 'clear')
        .map((r): EvaluationInput => {
          const allowed = rulesFor(policy, input.jurisdiction, input.segment).rules.allowedDocumentTypes;
          const checks: CheckResult[] = input.checks
            .filter((c) => c.kind !== 'sanctions' && c.kind !== 'pep')
            .map((c) => ({ kind: c.kind, result: 'clear', score: 1 }));
          checks.push(
            { kind: 'sanctions', result: r.sanctions, reasonCodes: r.sanctionsCodes },
            { kind: 'pep', result: r.pep, reasonCodes: r.pepCodes },
          );
          const evidence: EvidenceInput[] = [
            {
              evidenceId: 'ev_1',
              kind: 'document',
              documentType: allowed[0],
              issuingCountry: input.jurisdiction,
            },
          ];
          return { ...input, checks, evidence };
        }),
    );
    fc.assert(
      fc.property(hitsOnly, (input) => {
        const result = evaluate(policy, input);
        expect(result.outcome).toBe('review');
        if (result.outcome === 'review') {
          expect(result.reasonCodes.some(isScreeningHit)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never rejects any session with a sanctions or PEP hit outside an embargo, whatever else failed', () => {
    fc.assert(
      fc.property(completeSession, (input) => {
        const result = evaluate(policy, input);
        const latest = [...new Map(input.checks.map((c) => [c.kind, c])).values()];
        const hit = latest.some(
          (c) =>
            (c.kind === 'sanctions' || c.kind === 'pep') && (c.result === 'fail' || c.result === 'consider'),
        );
        if (hit) expect(result.outcome).toBe('review');
      }),
      { numRuns: 1000 },
    );
  });

  it('gives duplicate-free codes, and rejects exactly when a final code stands without a compliance hit', () => {
    fc.assert(
      fc.property(completeSession, (input) => {
        const result = evaluate(policy, input);
        if (result.outcome === 'incomplete') return;
        expect(new Set(result.reasonCodes).size).toBe(result.reasonCodes.length);
        const hasFinal = result.reasonCodes.some((c) => REASON_CODES[c].remediation === 'final');
        const hasHit = result.reasonCodes.some(isScreeningHit);
        expect(result.outcome === 'reject').toBe(hasFinal && !hasHit);
        expect(result.ruleTrace.at(-1)?.ruleId).toBe('outcome');
      }),
      { numRuns: 1000 },
    );
  });

  it('always rejects an embargoed jurisdiction', () => {
    fc.assert(
      fc.property(
        completeSession,
        fc.constantFrom(...policy.document.embargoedJurisdictions),
        (input, code) => {
          const result = evaluate(policy, { ...input, jurisdiction: code, tier: 'standard' });
          expect(result).toMatchObject({ outcome: 'reject', reasonCodes: ['UNSUPPORTED_JURISDICTION'] });
        },
      ),
      { numRuns: 300 },
    );
  });
});
