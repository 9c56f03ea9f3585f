import { policyHash } from '../../../../src/domain/policy/policy-hash';
import { validatePolicyDocument } from '../../../../src/policies/policy-validation';
import type {
  JurisdictionRules,
  LoadedPolicy,
  PolicyDocument,
} from '../../../../src/domain/policy/policy.types';

/*
 * A small policy for the decider specifications, independent of the shipped default so that tuning the default
 * does not move these tests. It is validated like any policy file, so it cannot drift from the schema.
 *
 * DE/retail: standard = document, face_match, liveness, sanctions; enhanced adds pep. ipCountryMismatch steps up
 * to enhanced; pepSelfDeclared sends to review. Two resubmissions, three days to live. KP is embargoed; any other
 * valid country takes the manual-review fallback.
 */

const RETENTION = {
  legalBasis: 'test',
  period: 'P5Y',
  from: 'relationship_end',
  legalObligation: true,
} as const;

const deRetail: JurisdictionRules = {
  allowedDocumentTypes: ['passport', 'id_card'],
  tiers: [
    { name: 'standard', requiredChecks: ['document', 'face_match', 'liveness', 'sanctions'] },
    { name: 'enhanced', requiredChecks: ['document', 'face_match', 'liveness', 'sanctions', 'pep'] },
  ],
  defaultTier: 'standard',
  stepUp: [{ signal: 'ipCountryMismatch', tier: 'enhanced' }],
  thresholds: { document: 0.9, face_match: 0.85, liveness: 0.9 },
  reviewBand: 0.05,
  maxResubmissions: 2,
  sessionTtl: 'P3D',
  minimumAge: 18,
  manualReview: false,
  review: {
    queue: 'test-review',
    slaHours: 24,
    complianceSlaHours: 4,
    triggerReasonCodes: [],
    triggerRiskSignals: ['pepSelfDeclared'],
  },
};

export const TEST_POLICY_DOCUMENT: PolicyDocument = {
  policyId: 'kyc-test',
  version: '2026-01-01',
  effectiveFrom: '2026-01-01',
  description: 'Policy of the decider specifications.',
  segments: ['retail'],
  embargoedJurisdictions: ['KP'],
  riskSignals: {
    ipCountryMismatch: { description: 'IP country differs from the jurisdiction.' },
    pepSelfDeclared: { description: 'The person declared being a PEP.' },
  },
  retention: {
    identity_attributes: RETENTION,
    contact_address: RETENTION,
    document_media_refs: RETENTION,
    biometric_refs: RETENTION,
    review_notes: RETENTION,
    consent_evidence: RETENTION,
  },
  jurisdictions: { DE: { retail: deRetail } },
  fallback: {
    retail: { ...deRetail, manualReview: true, review: { ...deRetail.review, queue: 'test-international' } },
  },
};

export function testPolicy(document: PolicyDocument = TEST_POLICY_DOCUMENT): LoadedPolicy {
  const validation = validatePolicyDocument(structuredClone(document), 'test-policy');
  if (!validation.ok) throw new Error(`test policy is invalid:\n${validation.problems.join('\n')}`);
  return { document: validation.document, hash: policyHash(validation.document), source: 'test-policy' };
}

export const POLICY = testPolicy();
