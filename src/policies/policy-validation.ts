import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { DATA_CLASSES } from '../shared/data-classes';
import { isPlainObject } from '../shared/json';
import { REASON_CODE_LIST } from '../domain/reason-codes';
import { durationToMs, parseDuration } from '../domain/policy/duration';
import { parseInstant } from '../domain/policy/instant';
import { isIso3166Alpha2 } from '../domain/policy/iso3166';
import { InvalidDurationError } from '../domain/policy/policy.errors';
import {
  CHECK_KINDS,
  DOCUMENT_TYPES,
  EVIDENCE_KINDS,
  type JurisdictionRules,
  type PolicyDocument,
} from '../domain/policy/policy.types';

/*
 * The shape of a policy document (JSON Schema draft-07, checked with ajv) and the rules the schema cannot
 * express (checked in `validatePolicyDocument`). Every problem is reported with its file and JSON-pointer path,
 * all at once, so a broken policy is fixed in one go rather than one error per restart.
 */

const NAME = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]*$', maxLength: 64 } as const;
const NON_EMPTY_TEXT = { type: 'string', minLength: 1, maxLength: 2000 } as const;

/** Vendors whose outbound API the service can call (src/vendors). */
const VENDOR_NAMES = ['onfido', 'sumsub', 'veriff', 'persona'];

const SCORE = { type: 'number', minimum: 0, maximum: 1 } as const;

const REVIEW_RULES = {
  type: 'object',
  additionalProperties: false,
  required: ['queue', 'slaHours', 'complianceSlaHours', 'triggerReasonCodes', 'triggerRiskSignals'],
  properties: {
    queue: NAME,
    slaHours: { type: 'number', exclusiveMinimum: 0, maximum: 8760 },
    complianceSlaHours: { type: 'number', exclusiveMinimum: 0, maximum: 8760 },
    triggerReasonCodes: { type: 'array', uniqueItems: true, items: { enum: REASON_CODE_LIST } },
    triggerRiskSignals: { type: 'array', uniqueItems: true, items: NAME },
    escalationQueue: NAME,
    onVendorError: { enum: ['wait', 'review'] },
    complianceClearance: {
      type: 'object',
      additionalProperties: false,
      required: ['role', 'noteRequired'],
      properties: {
        role: { enum: ['reviewer', 'senior_reviewer'] },
        noteRequired: { type: 'boolean' },
      },
    },
  },
} as const;

const COUNTRY_CODE = { type: 'string', pattern: '^[A-Z]{2}$' } as const;

const JURISDICTION_RULES = {
  type: 'object',
  additionalProperties: false,
  required: [
    'allowedDocumentTypes',
    'tiers',
    'defaultTier',
    'stepUp',
    'thresholds',
    'reviewBand',
    'maxResubmissions',
    'sessionTtl',
    'minimumAge',
    'manualReview',
    'review',
  ],
  properties: {
    allowedDocumentTypes: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: DOCUMENT_TYPES },
    },
    allowedIssuingCountries: {
      oneOf: [{ const: 'any' }, { type: 'array', minItems: 1, uniqueItems: true, items: COUNTRY_CODE }],
    },
    domesticDocumentTypes: { type: 'array', uniqueItems: true, items: { enum: DOCUMENT_TYPES } },
    tiers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'requiredChecks'],
        properties: {
          name: NAME,
          requiredChecks: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: CHECK_KINDS } },
          requiredEvidence: { type: 'array', uniqueItems: true, items: { enum: EVIDENCE_KINDS } },
        },
      },
    },
    defaultTier: NAME,
    stepUp: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['signal', 'tier'],
        properties: { signal: NAME, tier: NAME },
      },
    },
    thresholds: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(CHECK_KINDS.map((kind) => [kind, SCORE])),
    },
    reviewBand: { type: 'number', minimum: 0, maximum: 0.5 },
    maxResubmissions: { type: 'integer', minimum: 0, maximum: 20 },
    sessionTtl: { type: 'string' },
    minimumAge: { type: 'integer', minimum: 0, maximum: 150 },
    manualReview: { type: 'boolean' },
    duplicateIdentity: { enum: ['review', 'reject'] },
    review: REVIEW_RULES,
  },
} as const;

const SEGMENT_MAP = { type: 'object', additionalProperties: JURISDICTION_RULES } as const;

const RETENTION_RULE = {
  type: 'object',
  additionalProperties: false,
  required: ['legalBasis', 'period', 'from', 'legalObligation'],
  properties: {
    legalBasis: NON_EMPTY_TEXT,
    period: { type: 'string' },
    from: { enum: ['relationship_end', 'collection', 'decision'] },
    legalObligation: { type: 'boolean' },
  },
} as const;

export const POLICY_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://kyc-ledger.dev/schemas/policy-document.json',
  title: 'kyc-ledger policy document',
  type: 'object',
  additionalProperties: false,
  required: [
    'policyId',
    'version',
    'effectiveFrom',
    'description',
    'segments',
    'embargoedJurisdictions',
    'riskSignals',
    'retention',
    'jurisdictions',
    'fallback',
  ],
  properties: {
    policyId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 },
    version: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 64 },
    effectiveFrom: { type: 'string' },
    description: NON_EMPTY_TEXT,
    segments: { type: 'array', minItems: 1, uniqueItems: true, items: NAME },
    embargoedJurisdictions: { type: 'array', uniqueItems: true, items: { type: 'string' } },
    riskSignals: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['description'],
        properties: { description: NON_EMPTY_TEXT },
      },
    },
    retention: {
      type: 'object',
      additionalProperties: false,
      required: [...DATA_CLASSES],
      properties: Object.fromEntries(DATA_CLASSES.map((dataClass) => [dataClass, RETENTION_RULE])),
    },
    retentionSafeguards: {
      type: 'object',
      additionalProperties: false,
      properties: { maxBackdate: { type: 'string' }, shredGrace: { type: 'string' } },
    },
    jurisdictions: { type: 'object', additionalProperties: SEGMENT_MAP },
    fallback: SEGMENT_MAP,
    vendors: {
      type: 'object',
      additionalProperties: false,
      required: ['order'],
      properties: {
        order: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: VENDOR_NAMES } },
        byJurisdiction: {
          type: 'object',
          propertyNames: { pattern: '^[A-Z]{2}$' },
          additionalProperties: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { enum: VENDOR_NAMES },
          },
        },
        temporaryFallbacks: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'when', 'use', 'segments', 'tiers', 'until', 'reason'],
            properties: {
              id: NAME,
              when: { enum: VENDOR_NAMES },
              use: { enum: VENDOR_NAMES },
              segments: { type: 'array', minItems: 1, uniqueItems: true, items: NAME },
              tiers: { type: 'array', minItems: 1, uniqueItems: true, items: NAME },
              jurisdictions: { type: 'array', minItems: 1, uniqueItems: true, items: COUNTRY_CODE },
              until: { type: 'string' },
              reason: NON_EMPTY_TEXT,
            },
          },
        },
      },
    },
    shadow: {
      type: 'object',
      additionalProperties: false,
      required: ['until'],
      properties: { until: { type: 'string' } },
    },
  },
} as const;

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(POLICY_SCHEMA);
  return compiled;
}

export type PolicyValidation =
  | { readonly ok: true; readonly document: PolicyDocument }
  | { readonly ok: false; readonly problems: string[] };

/**
 * Checks `value` (a parsed YAML/JSON document from `source`) against the schema, then, when the shape is
 * right, against the rules a schema cannot express. Problems read `<source>: <json pointer>: <what is wrong>`.
 */
export function validatePolicyDocument(value: unknown, source: string): PolicyValidation {
  const validate = schemaValidator();
  const shapeOk = validate(value);
  const problems = shapeOk ? [] : (validate.errors ?? []).map((error) => describeSchemaError(error));
  if (isPlainObject(value)) problems.push(...semanticProblems(value as unknown as PolicyDocument, shapeOk));
  if (problems.length === 0) return { ok: true, document: value as PolicyDocument };
  return { ok: false, problems: [...new Set(problems)].map((problem) => `${source}: ${problem}`) };
}

/** JSON pointer (RFC 6901) from path segments. */
export function pointer(...segments: readonly (string | number)[]): string {
  if (segments.length === 0) return '/';
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeSchemaError(error: ErrorObject): string {
  const at = error.instancePath === '' ? '/' : error.instancePath;
  const child = (name: unknown): string => `${error.instancePath}${pointer(String(name))}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return error.instancePath === '/retention'
        ? `${child(params.missingProperty)}: data class has no retention rule`
        : `${child(params.missingProperty)}: required field is missing`;
    case 'additionalProperties': {
      const parent: unknown = error.parentSchema?.properties;
      const allowed = isPlainObject(parent) ? ` (allowed: ${Object.keys(parent).join(', ')})` : '';
      return `${child(params.additionalProperty)}: unknown field${allowed}`;
    }
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String).join(', ') : '';
      return `${at}: ${show(error.data)} is not one of ${allowed}`;
    }
    case 'type':
      return `${at}: ${show(error.data)} must be of type ${String(params.type)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${at}: ${show(error.data)} must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'uniqueItems':
      return `${at}: items ${String(params.j)} and ${String(params.i)} are duplicates`;
    case 'pattern':
      return `${at}: ${show(error.data)} does not match ${String(params.pattern)}`;
    default:
      return `${at}: ${error.message ?? error.keyword}`;
  }
}

/**
 * Rules between fields: references resolve, codes are real, durations parse. Paths are JSON pointers. When the
 * schema already found the shape wrong, each part is checked on a best-effort basis: a part whose shape is
 * broken is skipped (the schema problem describes it) so that the other parts' problems are still reported.
 */
function semanticProblems(doc: PolicyDocument, shapeOk: boolean): string[] {
  const problems: string[] = [];
  const report: Report = (path, message) => {
    problems.push(`${path}: ${message}`);
  };
  const part: Part = (check) => {
    if (shapeOk) {
      check();
      return;
    }
    try {
      check();
    } catch {
      // Malformed part: the schema problem already names it.
    }
  };

  part(() => {
    const problem = instantProblem(doc.effectiveFrom);
    if (problem !== undefined) report(pointer('effectiveFrom'), problem);
  });

  part(() => {
    checkTemporaryFallbacks(doc, report);
  });

  part(() => {
    checkShadow(doc, report);
  });

  part(() => {
    for (const signal of Object.keys(doc.riskSignals)) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(signal)) {
        report(
          pointer('riskSignals', signal),
          `${show(signal)} is not a valid signal name (letters, digits, _)`,
        );
      }
    }
  });

  part(() => {
    doc.embargoedJurisdictions.forEach((code, index) => {
      if (!isIso3166Alpha2(code)) {
        report(
          pointer('embargoedJurisdictions', index),
          `${show(code)} is not an ISO 3166-1 alpha-2 country code (upper case)`,
        );
      }
    });
  });

  part(() => {
    for (const [code, segmentMap] of Object.entries(doc.jurisdictions)) {
      if (!isIso3166Alpha2(code)) {
        report(
          pointer('jurisdictions', code),
          `${show(code)} is not an ISO 3166-1 alpha-2 country code (upper case)`,
        );
      } else if (Array.isArray(doc.embargoedJurisdictions) && doc.embargoedJurisdictions.includes(code)) {
        report(pointer('jurisdictions', code), `${code} is embargoed, so it cannot also have rules`);
      }
      part(() => {
        checkSegments(doc, segmentMap, ['jurisdictions', code], false, report, part);
      });
    }
  });
  part(() => {
    checkSegments(doc, doc.fallback, ['fallback'], true, report, part);
  });

  for (const dataClass of DATA_CLASSES) {
    part(() => {
      const period: unknown = doc.retention[dataClass].period;
      const problem = durationProblem(period, (value) => {
        if (Object.values(parseDuration(value)).every((n) => n === 0)) {
          throw new InvalidDurationError(`${show(value)} is zero; a period must be positive`, value);
        }
      });
      if (problem !== undefined) report(pointer('retention', dataClass, 'period'), problem);
    });
  }
  for (const name of ['maxBackdate', 'shredGrace'] as const) {
    part(() => {
      // Fixed lengths only: "30 days back" must mean the same on every day of the year.
      const problem = durationProblem(doc.retentionSafeguards?.[name], (value) => {
        durationToMs(value);
      });
      if (problem !== undefined) report(pointer('retentionSafeguards', name), problem);
    });
  }
  return problems;
}

type Report = (path: string, message: string) => void;
type Part = (check: () => void) => void;

/** The message of a bad duration; nothing for a good one or a non-string (the schema reports its type). */
function durationProblem(value: unknown, check: (value: string) => void): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    check(value);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidDurationError) return error.message;
    throw error;
  }
}

function instantProblem(value: unknown): string | undefined {
  return durationProblem(value, (text) => {
    parseInstant(text);
  });
}

/** Longest a temporary fallback rule may stay in force after its policy takes effect. */
const TEMPORARY_FALLBACK_MAX_DAYS = 90;

function checkTemporaryFallbacks(doc: PolicyDocument, report: Report): void {
  const rules = doc.vendors?.temporaryFallbacks ?? [];
  const ids = new Set<string>();
  const tiers = new Set(
    [...Object.values(doc.jurisdictions), doc.fallback].flatMap((segments) =>
      Object.values(segments).flatMap((rules) => rules.tiers.map((tier) => tier.name)),
    ),
  );
  const effective = Date.parse(doc.effectiveFrom);
  rules.forEach((rule, index) => {
    const at = (field: string): string => pointer('vendors', 'temporaryFallbacks', index, field);
    if (ids.has(rule.id)) report(at('id'), `${show(rule.id)} is used by an earlier rule`);
    ids.add(rule.id);
    if (rule.when === rule.use) report(at('use'), 'a vendor cannot stand in for itself');
    for (const segment of rule.segments) {
      if (!doc.segments.includes(segment))
        report(at('segments'), `${show(segment)} is not a declared segment`);
    }
    for (const tier of rule.tiers) {
      if (!tiers.has(tier)) report(at('tiers'), `${show(tier)} is no tier of this policy`);
    }
    for (const code of rule.jurisdictions ?? []) {
      if (doc.embargoedJurisdictions.includes(code)) report(at('jurisdictions'), `${code} is embargoed`);
    }
    const problem = instantProblem(rule.until);
    if (problem !== undefined) {
      report(at('until'), problem);
      return;
    }
    const until = Date.parse(rule.until);
    if (Number.isFinite(effective) && until <= effective) {
      report(at('until'), 'must be after the policy takes effect (effectiveFrom)');
    } else if (Number.isFinite(effective) && until - effective > TEMPORARY_FALLBACK_MAX_DAYS * 86_400_000) {
      report(
        at('until'),
        `a temporary rule ends at most ${TEMPORARY_FALLBACK_MAX_DAYS} days after effectiveFrom`,
      );
    }
  });
}

/** Longest a shadow policy may be evaluated beside the live one after it takes effect. */
export const SHADOW_MAX_DAYS = 90;

function checkShadow(doc: PolicyDocument, report: Report): void {
  if (doc.shadow === undefined) return;
  const at = pointer('shadow', 'until');
  const problem = instantProblem(doc.shadow.until);
  if (problem !== undefined) {
    report(at, problem);
    return;
  }
  // A bad effectiveFrom is reported on its own field.
  if (instantProblem(doc.effectiveFrom) !== undefined) return;
  const until = parseInstant(doc.shadow.until);
  const effective = parseInstant(doc.effectiveFrom);
  if (until <= effective) report(at, 'must be after the shadow takes effect (effectiveFrom)');
  else if (until - effective > SHADOW_MAX_DAYS * 86_400_000) {
    report(at, `a shadow policy ends at most ${SHADOW_MAX_DAYS} days after effectiveFrom`);
  }
}

function checkSegments(
  doc: PolicyDocument,
  segmentMap: Readonly<Record<string, JurisdictionRules>>,
  path: readonly string[],
  isFallback: boolean,
  report: Report,
  part: Part,
): void {
  if (!isPlainObject(segmentMap)) return;
  part(() => {
    for (const segment of doc.segments) {
      if (typeof segment === 'string' && !Object.hasOwn(segmentMap, segment)) {
        report(
          pointer(...path, segment),
          `no rules for segment ${show(segment)}; every segment needs rules here`,
        );
      }
    }
  });
  for (const [segment, rules] of Object.entries(segmentMap)) {
    if (Array.isArray(doc.segments) && !doc.segments.includes(segment)) {
      report(
        pointer(...path, segment),
        `${show(segment)} is not a declared segment (${doc.segments.join(', ')})`,
      );
      continue;
    }
    if (isPlainObject(rules)) checkRules(doc, rules, [...path, segment], isFallback, report, part);
  }
}

function checkRules(
  doc: PolicyDocument,
  rules: JurisdictionRules,
  path: readonly string[],
  isFallback: boolean,
  report: Report,
  part: Part,
): void {
  const at = (...rest: (string | number)[]): string => pointer(...path, ...rest);
  let tierNames: string[] = [];
  part(() => {
    tierNames = rules.tiers.map((tier) => tier.name);
  });
  const tierList = tierNames.join(', ');
  const declaredSignals = isPlainObject(doc.riskSignals) ? Object.keys(doc.riskSignals) : [];

  part(() => {
    rules.tiers.forEach((tier, index) => {
      if (tierNames.indexOf(tier.name) !== index) {
        report(at('tiers', index, 'name'), `tier ${show(tier.name)} is listed twice`);
      }
      const lower = rules.tiers[index - 1];
      if (lower !== undefined) {
        // Tiers ascend in assurance: stepping up must never drop a check the lower tier required.
        for (const kind of lower.requiredChecks) {
          if (!tier.requiredChecks.includes(kind)) {
            report(
              at('tiers', index, 'requiredChecks'),
              `tier ${show(tier.name)} lacks ${show(kind)}, which the lower tier ${show(lower.name)} requires`,
            );
          }
        }
      }
    });
  });
  part(() => {
    if (
      tierNames.length > 0 &&
      typeof rules.defaultTier === 'string' &&
      !tierNames.includes(rules.defaultTier)
    ) {
      report(at('defaultTier'), `${show(rules.defaultTier)} is not one of its tiers (${tierList})`);
    }
  });
  part(() => {
    rules.stepUp.forEach((rule, index) => {
      if (typeof rule.signal === 'string' && !declaredSignals.includes(rule.signal)) {
        report(at('stepUp', index, 'signal'), `${show(rule.signal)} is not declared in /riskSignals`);
      }
      if (tierNames.length > 0 && typeof rule.tier === 'string' && !tierNames.includes(rule.tier)) {
        report(at('stepUp', index, 'tier'), `${show(rule.tier)} is not one of its tiers (${tierList})`);
      }
    });
  });
  part(() => {
    rules.review.triggerRiskSignals.forEach((signal, index) => {
      if (typeof signal === 'string' && !declaredSignals.includes(signal)) {
        report(at('review', 'triggerRiskSignals', index), `${show(signal)} is not declared in /riskSignals`);
      }
    });
  });
  part(() => {
    const issuers = rules.allowedIssuingCountries;
    if (!Array.isArray(issuers)) return;
    issuers.forEach((code, index) => {
      if (!isIso3166Alpha2(code)) {
        report(
          at('allowedIssuingCountries', index),
          `${show(code)} is not an ISO 3166-1 alpha-2 country code (upper case)`,
        );
      } else if (Array.isArray(doc.embargoedJurisdictions) && doc.embargoedJurisdictions.includes(code)) {
        report(
          at('allowedIssuingCountries', index),
          `${code} is embargoed, so its documents cannot be allowed`,
        );
      }
    });
  });
  part(() => {
    (rules.domesticDocumentTypes ?? []).forEach((type, index) => {
      if (!rules.allowedDocumentTypes.includes(type)) {
        report(at('domesticDocumentTypes', index), `${show(type)} is not in allowedDocumentTypes`);
      }
    });
  });
  part(() => {
    const { slaHours, complianceSlaHours } = rules.review;
    if (
      typeof slaHours === 'number' &&
      typeof complianceSlaHours === 'number' &&
      complianceSlaHours > slaHours
    ) {
      report(
        at('review', 'complianceSlaHours'),
        `${complianceSlaHours} is longer than slaHours (${slaHours}); compliance hits are the most urgent`,
      );
    }
  });
  part(() => {
    const problem = durationProblem(rules.sessionTtl, (value) => {
      if (durationToMs(value) <= 0) {
        throw new InvalidDurationError(`${show(value)} is zero; a session needs time to complete`, value);
      }
    });
    if (problem !== undefined) report(at('sessionTtl'), problem);
  });
  if (isFallback && typeof rules.manualReview === 'boolean' && !rules.manualReview) {
    report(at('manualReview'), 'the fallback path must be manual review (true): it has no automatic rules');
  }
}
