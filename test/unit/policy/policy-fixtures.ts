import { join } from 'node:path';
import { policyHash } from '../../../src/domain/policy/policy-hash';
import type {
  CheckKind,
  CheckResult,
  DocumentType,
  EvaluationInput,
  EvidenceInput,
  JurisdictionRules,
  LoadedPolicy,
  PolicyDocument,
} from '../../../src/domain/policy/policy.types';
import { loadPolicies } from '../../../src/policies/policy-loader';

export const SHIPPED_POLICY_DIR = join(__dirname, '..', '..', '..', 'policies');

let shipped: LoadedPolicy | undefined;

/** The shipped default policy in force (its latest version), loaded through the real loader once per test file. */
export function shippedPolicy(): LoadedPolicy {
  shipped ??= loadPolicies(SHIPPED_POLICY_DIR)
    .filter((p) => p.document.policyId === 'kyc-default')
    .sort((a, b) => a.document.effectiveFrom.localeCompare(b.document.effectiveFrom))
    .at(-1);
  if (shipped === undefined) throw new Error('kyc-default is not in policies/');
  return shipped;
}

/** A deep copy of a policy document, for building variants. */
export function cloneDocument(document: PolicyDocument = shippedPolicy().document): PolicyDocument {
  return structuredClone(document);
}

/** A loaded policy from a document variant (hash recomputed). */
export function loaded(document: PolicyDocument, source = 'test-policy.yaml'): LoadedPolicy {
  return { document, hash: policyHash(document), source };
}

/** The shipped policy with the rules of one jurisdiction and segment replaced (a variant for one test). */
export function withRules(jurisdiction: string, segment: string, rules: JurisdictionRules): LoadedPolicy {
  const document = cloneDocument();
  const listed = document.jurisdictions[jurisdiction] ?? {};
  return loaded({
    ...document,
    jurisdictions: { ...document.jurisdictions, [jurisdiction]: { ...listed, [segment]: rules } },
  });
}

export const clear = (kind: CheckKind, score?: number): CheckResult =>
  score === undefined ? { kind, result: 'clear' } : { kind, result: 'clear', score };

/** Scores well above every threshold of the shipped policy. */
export const ALL_CLEAR: Readonly<Record<CheckKind, CheckResult>> = {
  document: clear('document', 0.97),
  face_match: clear('face_match', 0.95),
  liveness: clear('liveness', 0.99),
  sanctions: clear('sanctions'),
  pep: clear('pep'),
  address: clear('address', 0.95),
  age: clear('age'),
  watchlist: clear('watchlist'),
};

/** Every check of `kinds` clear, with `replace` swapped in by kind. */
export function checksFor(kinds: readonly CheckKind[], ...replace: CheckResult[]): CheckResult[] {
  return kinds.map((kind) => replace.find((c) => c.kind === kind) ?? ALL_CLEAR[kind]);
}

export const STANDARD: readonly CheckKind[] = ['document', 'face_match', 'liveness', 'sanctions'];
export const ENHANCED: readonly CheckKind[] = [...STANDARD, 'pep', 'address'];

/** A document evidence record of the kind the documented journey submits. */
export function documentEvidence(
  documentType: DocumentType | undefined,
  issuingCountry: string | undefined,
  extra: Partial<EvidenceInput> = {},
): EvidenceInput {
  return {
    evidenceId: `ev_${documentType ?? 'untyped'}_${issuingCountry ?? 'none'}`,
    kind: 'document',
    ...(documentType === undefined ? {} : { documentType }),
    ...(issuingCountry === undefined ? {} : { issuingCountry }),
    ...extra,
  };
}

/**
 * An evaluation input: DE retail, standard tier, every check clear, and one passport issued by the session's
 * country. `documentType` is a shorthand for that one document's type (undefined: a document without a type).
 */
export function input(
  overrides: Partial<EvaluationInput> & { documentType?: DocumentType | undefined } = {},
): EvaluationInput {
  const { documentType, ...rest } = overrides;
  const jurisdiction = rest.jurisdiction ?? 'DE';
  const type = 'documentType' in overrides ? documentType : 'passport';
  return {
    jurisdiction,
    segment: 'retail',
    tier: 'standard',
    checks: checksFor(STANDARD),
    evidence: [documentEvidence(type, jurisdiction)],
    resubmissions: 0,
    riskSignals: {},
    ...rest,
  };
}
