import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DATA_CLASSES } from '../../../src/shared/data-classes';
import { PolicyLoadError } from '../../../src/domain/policy/policy.errors';
import { policyHash } from '../../../src/domain/policy/policy-hash';
import { validatePolicyDocument } from '../../../src/policies/policy-validation';
import { loadPolicies } from '../../../src/policies/policy-loader';
import { cloneDocument, SHIPPED_POLICY_DIR } from './policy-fixtures';

/** The shipped document as plain mutable JSON, to break in one place. */
type Json = Record<string, unknown>;
/** The shipped policy in force, labelled as version 2026-11-01 so that the tests can name versions around it. */
function shippedJson(): Json {
  const document = { ...cloneDocument(), version: '2026-11-01', effectiveFrom: '2026-11-01' };
  return JSON.parse(JSON.stringify(document)) as Json;
}
function at(value: Json, ...path: string[]): Json {
  let current: unknown = value;
  for (const key of path) current = (current as Json)[key];
  return current as Json;
}

function loadError(dir: string): PolicyLoadError {
  try {
    loadPolicies(dir);
  } catch (error) {
    if (error instanceof PolicyLoadError) return error;
    throw error;
  }
  throw new Error('expected loadPolicies to fail');
}

describe(loadPolicies.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-policies-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, content: Json | string): string {
    const file = join(dir, name);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : stringify(content));
    return file;
  }

  it('loads the shipped policies: kyc-default 2026-11-01, validated and hashed', () => {
    const policies = loadPolicies(SHIPPED_POLICY_DIR);
    const kycDefault = policies.find((p) => p.document.policyId === 'kyc-default');
    expect(kycDefault?.document.version).toBe('2026-11-01');
    expect(kycDefault?.source).toMatch(/policies[/\\]kyc-default[/\\]2026-11-01\.yaml$/);
    expect(kycDefault?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(kycDefault?.hash).toBe(policyHash(kycDefault!.document));
    expect(Object.keys(kycDefault!.document.jurisdictions).sort()).toEqual(['DE', 'GB', 'US']);
    expect(kycDefault!.document.embargoedJurisdictions).toEqual(expect.arrayContaining(['KP', 'IR']));
    expect(kycDefault!.document.segments).toEqual(['retail', 'business']);
  });

  it('reads YAML, YML and JSON recursively, ignores other files, and gives the same hash for the same content', () => {
    const doc = shippedJson();
    write('a/one.yaml', doc);
    // The shipped version in force, as JSON: the same content gives the same hash as its YAML file.
    write('b/c/two.json', JSON.stringify(cloneDocument()));
    write('three.yml', { ...doc, version: '2027-01-01', effectiveFrom: '2027-01-01' });
    write('notes.md', '# not a policy');
    const policies = loadPolicies(dir);
    const shippedVersion = cloneDocument().version;
    expect(policies.map((p) => p.document.version)).toEqual(['2026-11-01', shippedVersion, '2027-01-01']);
    const shipped = loadPolicies(SHIPPED_POLICY_DIR).find((p) => p.document.version === shippedVersion);
    expect(policies[1]!.hash).toBe(shipped!.hash);
  });

  it('keeps YAML dates as the strings they were written as', () => {
    const text = stringify(shippedJson()).replace("effectiveFrom: '2026-11-01'", 'effectiveFrom: 2026-11-01');
    expect(text).toContain('effectiveFrom: 2026-11-01\n');
    write('unquoted.yaml', text);
    expect(loadPolicies(dir)[0]!.document.effectiveFrom).toBe('2026-11-01');
  });

  type Breakage = [name: string, breakIt: (doc: Json) => void, expected: string[]];
  const breakages: Breakage[] = [
    [
      'a default tier that is not one of its tiers',
      (doc) => {
        at(doc, 'jurisdictions', 'DE', 'retail').defaultTier = 'gold';
      },
      ['/jurisdictions/DE/retail/defaultTier: "gold" is not one of its tiers (standard, enhanced)'],
    ],
    [
      'a step-up to an unknown tier',
      (doc) => {
        (at(doc, 'jurisdictions', 'GB', 'business', 'stepUp') as unknown as Json[])[1]!.tier = 'platinum';
      },
      ['/jurisdictions/GB/business/stepUp/1/tier: "platinum" is not one of its tiers'],
    ],
    [
      'an unknown check kind',
      (doc) => {
        const tiers = at(doc, 'jurisdictions', 'US', 'business', 'tiers') as unknown as Json[];
        (tiers[0]!.requiredChecks as string[])[1] = 'selfie';
      },
      [
        '/jurisdictions/US/business/tiers/0/requiredChecks/1: "selfie" is not one of document, face_match, liveness',
      ],
    ],
    [
      'an unknown field (a typo) and so a missing one',
      (doc) => {
        const rules = at(doc, 'jurisdictions', 'GB', 'retail');
        rules.maxResubmission = rules.maxResubmissions;
        delete rules.maxResubmissions;
      },
      [
        '/jurisdictions/GB/retail/maxResubmission: unknown field (allowed: allowedDocumentTypes,',
        '/jurisdictions/GB/retail/maxResubmissions: required field is missing',
      ],
    ],
    [
      'an unknown top-level field',
      (doc) => {
        doc.owner = 'compliance';
      },
      ['/owner: unknown field'],
    ],
    [
      'jurisdictions that are not ISO 3166-1 alpha-2',
      (doc) => {
        const jurisdictions = at(doc, 'jurisdictions');
        jurisdictions.UK = jurisdictions.GB;
        jurisdictions.fr = jurisdictions.DE;
      },
      [
        '/jurisdictions/UK: "UK" is not an ISO 3166-1 alpha-2 country code',
        '/jurisdictions/fr: "fr" is not an ISO 3166-1 alpha-2 country code',
      ],
    ],
    [
      'an embargoed jurisdiction that is not ISO, and one that also has rules',
      (doc) => {
        doc.embargoedJurisdictions = ['KP', 'XX', 'DE'];
      },
      [
        '/embargoedJurisdictions/1: "XX" is not an ISO 3166-1 alpha-2 country code',
        '/jurisdictions/DE: DE is embargoed, so it cannot also have rules',
      ],
    ],
    [
      'a session TTL that is not a duration, and one in months',
      (doc) => {
        at(doc, 'jurisdictions', 'DE', 'retail').sessionTtl = '3 days';
        at(doc, 'fallback', 'business').sessionTtl = 'P1M';
      },
      [
        '/jurisdictions/DE/retail/sessionTtl: "3 days" is not an ISO 8601 duration',
        '/fallback/business/sessionTtl: "P1M" has years or months',
      ],
    ],
    [
      'a retention period that is not a duration',
      (doc) => {
        at(doc, 'retention', 'review_notes').period = 'P5.5Y';
      },
      ['/retention/review_notes/period: "P5.5Y" is not an ISO 8601 duration'],
    ],
    [
      'a data class without a retention rule',
      (doc) => {
        delete at(doc, 'retention').consent_evidence;
      },
      ['/retention/consent_evidence: data class has no retention rule'],
    ],
    [
      'a segment without rules in a jurisdiction and in the fallback, and an undeclared segment',
      (doc) => {
        const us = at(doc, 'jurisdictions', 'US');
        us.private = us.business;
        delete us.business;
        delete at(doc, 'fallback').retail;
      },
      [
        '/jurisdictions/US/business: no rules for segment "business"',
        '/jurisdictions/US/private: "private" is not a declared segment (retail, business)',
        '/fallback/retail: no rules for segment "retail"',
      ],
    ],
    [
      'undeclared risk signals in step-up and review triggers',
      (doc) => {
        (at(doc, 'jurisdictions', 'DE', 'retail', 'stepUp') as unknown as Json[])[0]!.signal = 'vpnUsed';
        (at(doc, 'jurisdictions', 'DE', 'retail', 'review').triggerRiskSignals as string[]).push('nightOwl');
      },
      [
        '/jurisdictions/DE/retail/stepUp/0/signal: "vpnUsed" is not declared in /riskSignals',
        '/jurisdictions/DE/retail/review/triggerRiskSignals/1: "nightOwl" is not declared in /riskSignals',
      ],
    ],
    [
      'thresholds and review band out of range',
      (doc) => {
        const rules = at(doc, 'jurisdictions', 'GB', 'retail');
        (rules.thresholds as Json).document = 1.2;
        (rules.thresholds as Json).liveness = -0.1;
        rules.reviewBand = 0.6;
      },
      [
        '/jurisdictions/GB/retail/thresholds/document: 1.2 must be <= 1',
        '/jurisdictions/GB/retail/thresholds/liveness: -0.1 must be >= 0',
        '/jurisdictions/GB/retail/reviewBand: 0.6 must be <= 0.5',
      ],
    ],
    [
      'an unknown reason code in the review triggers',
      (doc) => {
        at(doc, 'jurisdictions', 'US', 'business', 'review').triggerReasonCodes = [
          'ADDRESS_MISMATCH',
          'BAD_VIBES',
        ];
      },
      [
        '/jurisdictions/US/business/review/triggerReasonCodes/1: "BAD_VIBES" is not one of DOC_LOW_CONFIDENCE',
      ],
    ],
    [
      'a higher tier that drops a check of the lower one',
      (doc) => {
        const tiers = at(doc, 'jurisdictions', 'DE', 'business', 'tiers') as unknown as Json[];
        tiers[1]!.requiredChecks = ['document', 'face_match', 'liveness', 'sanctions', 'address'];
      },
      [
        '/jurisdictions/DE/business/tiers/1/requiredChecks: tier "enhanced" lacks "pep", which the lower tier',
      ],
    ],
    [
      'an automatic fallback',
      (doc) => {
        at(doc, 'fallback', 'retail').manualReview = false;
      },
      ['/fallback/retail/manualReview: the fallback path must be manual review'],
    ],
    [
      'an effectiveFrom that is not a date',
      (doc) => {
        doc.effectiveFrom = 'November 2026';
      },
      ['/effectiveFrom: "November 2026" is not an ISO 8601 date'],
    ],
    [
      'an unknown data class and a wrong type',
      (doc) => {
        at(doc, 'retention').shoe_size = at(doc, 'retention', 'contact_address');
        at(doc, 'jurisdictions', 'DE', 'retail').manualReview = 'no';
      },
      [
        '/retention/shoe_size: unknown field',
        '/jurisdictions/DE/retail/manualReview: "no" must be of type boolean',
      ],
    ],
  ];

  it.each(breakages)('refuses %s, naming the file and the field', (_name, breakIt, expected) => {
    const doc = shippedJson();
    breakIt(doc);
    const file = write('kyc-default/2026-11-01.yaml', doc);
    const error = loadError(dir);
    expect(error.code).toBe('policy_invalid');
    for (const fragment of expected) {
      expect(error.problems.some((p) => p.startsWith(`${file}: ${fragment}`))).toBe(true);
      expect(error.message).toContain(`${file}: ${fragment}`);
    }
  });

  it('refuses a YAML syntax error with its line and column', () => {
    const file = write('broken.yaml', 'policyId: kyc-default\nversion: "2026-11-01\nsegments: [retail\n');
    const error = loadError(dir);
    expect(error.problems[0]).toMatch(
      new RegExp(`^${escape(file)}: line \\d+, column \\d+: YAML syntax error: \\w`),
    );
    expect(error.problems[0]).not.toMatch(/:$/);
  });

  it('refuses duplicate keys in YAML', () => {
    const file = write('dup.yaml', 'policyId: a\npolicyId: b\n');
    expect(loadError(dir).problems[0]).toMatch(
      new RegExp(`^${escape(file)}: line 2, column 1: YAML syntax error`),
    );
  });

  it('refuses invalid JSON, naming the file', () => {
    const file = write('broken.json', '{"policyId": "kyc-default",}');
    expect(loadError(dir).problems[0]).toMatch(new RegExp(`^${escape(file)}: not valid JSON`));
  });

  it('reports the problems of every file at once', () => {
    const good = shippedJson();
    const bad = shippedJson();
    at(bad, 'jurisdictions', 'DE', 'retail').defaultTier = 'gold';
    write('good.yaml', good);
    const badFile = write('bad.yaml', { ...bad, version: '2' });
    const syntaxFile = write('syntax.yaml', 'a: [');
    const error = loadError(dir);
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain(badFile);
    expect(error.message).toContain(syntaxFile);
  });

  it('reports schema and semantic problems of one file together', () => {
    const doc = shippedJson();
    at(doc, 'jurisdictions', 'DE', 'retail').defaultTier = 'gold';
    at(doc, 'jurisdictions', 'GB', 'retail').colour = 'blue';
    const file = write('both.yaml', doc);
    expect(loadError(dir).problems).toEqual([
      `${file}: /jurisdictions/GB/retail/colour: unknown field (allowed: allowedDocumentTypes, allowedIssuingCountries, domesticDocumentTypes, tiers, defaultTier, stepUp, thresholds, reviewBand, maxResubmissions, sessionTtl, minimumAge, manualReview, duplicateIdentity, review)`,
      `${file}: /jurisdictions/DE/retail/defaultTier: "gold" is not one of its tiers (standard, enhanced)`,
    ]);
  });

  it('refuses two files with the same policyId and version, naming both', () => {
    const doc = shippedJson();
    const first = write('a.yaml', doc);
    const second = write('b.json', JSON.stringify({ ...doc, description: 'a different text, same version' }));
    const error = loadError(dir);
    expect(error.problems).toEqual([
      `${second}: /version: policy kyc-default version 2026-11-01 is also defined in ${first}`,
    ]);
  });

  it('refuses an empty or missing directory', () => {
    expect(loadError(dir).message).toContain('no policy documents');
    expect(loadError(join(dir, 'nope')).message).toContain('does not exist');
  });
});

describe(validatePolicyDocument.name, () => {
  it('accepts the shipped document and returns it', () => {
    const doc = cloneDocument();
    expect(validatePolicyDocument(doc, 'x.yaml')).toEqual({ ok: true, document: doc });
  });

  it('names the root for a document that is not an object', () => {
    expect(validatePolicyDocument([1], 'x.yaml')).toEqual({
      ok: false,
      problems: ['x.yaml: /: [1] must be of type object'],
    });
  });

  it('demands a retention rule for every data class', () => {
    const doc = JSON.parse(JSON.stringify(cloneDocument())) as Json;
    doc.retention = {};
    const result = validatePolicyDocument(doc, 'x.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual(
        DATA_CLASSES.map((c) => `x.yaml: /retention/${c}: data class has no retention rule`),
      );
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
