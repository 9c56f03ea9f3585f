import type { IncomingHttpHeaders } from 'node:http';
import type { CheckKind, CheckResultValue } from '../../domain/policy/policy.types';
import { REASON_CODES, type ReasonCode } from '../../domain/reason-codes';
import type { CheckResultData } from '../../domain/verification';
import { readPayload } from '../../events';
import { check, mergeChecks, type NormalisedDelivery } from '../delivery';
import { hexMatches, hmac, requireHeader, SignatureCheckFailed } from '../signature';
import { findingsOf, type MappingRow, type MappingTable } from './mapping-table';
import { PersonaDelivery, PersonaInquiry, PersonaVerification } from './persona.schema';
import { IDV_COVERAGE, sessionHint, UnrecognisedPayload, type VendorAdapter } from './vendor-adapter';
import { instant } from './vendor-fields';

/*
 * Persona. Signature: `Persona-Signature: t=<unix seconds>,v1=<hex>`, v1 = HMAC-SHA256 of `"{t}.{raw body}"`
 * under the webhook secret. While a secret is rotated the header carries several space-separated `t=…,v1=…`
 * sets; any one verifying under any configured secret suffices, and its `t` must lie within the configured
 * tolerance of our clock (replay protection). Payload (JSON:API): `{"data": {"type": "event", "id": "evt_…",
 * "attributes": {"name": "inquiry.approved", "created-at", "payload": {"data": {"type": "inquiry", "id": "inq_…",
 * "attributes": {"status", "reference-id", …}}, "included": [verifications…]}}}}`. Inquiry attributes hold
 * personal data (names, birthdate, address): only `status` and `reference-id` are read.
 *
 * Results come from the inquiry decision (`inquiry.approved`, `.declined`, `.marked-for-review`, `.failed`) and,
 * where the payload includes them, its verifications and their failed checks. Where they are not included, the
 * inquiry retrieved with its verifications (`resultOf`) is mapped the same way, its status standing for the
 * event of that decision.
 */

/** At most this many signature sets and v1 values per set are tried (a header cannot buy unbounded work). */
const MAX_SETS = 4;

interface SignatureSet {
  readonly timestamp: number;
  readonly signatures: readonly string[];
}

export function parsePersonaSignature(header: string): SignatureSet[] {
  const sets: SignatureSet[] = [];
  for (const part of header.split(/\s+/).filter((s) => s !== '')) {
    let timestamp: number | undefined;
    const signatures: string[] = [];
    for (const pair of part.split(',')) {
      const [key, value] = pair.split('=', 2);
      if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
      else if (key === 'v1' && value !== undefined && signatures.length < MAX_SETS) signatures.push(value);
    }
    if (timestamp !== undefined && signatures.length > 0) sets.push({ timestamp, signatures });
    if (sets.length === MAX_SETS) break;
  }
  return sets;
}

/** A check kind's finding, with the vendor labels (Persona check names) it came from. */
type LabelledFinding = readonly [CheckKind, CheckResultValue, readonly ReasonCode[], readonly string[]];

const ID_CHECKS_PAGE = 'https://docs.withpersona.com/docs/government-id-verification-checks';
const SELFIE_CHECKS_PAGE = 'https://docs.withpersona.com/docs/selfie-verification-checks';
const WEBHOOK_EVENTS_PAGE = 'https://docs.withpersona.com/docs/webhook-events';

const idCheck = (says: string, meaning: string, kind: CheckKind, code: ReasonCode): MappingRow => ({
  says,
  meaning,
  finding: [kind, 'fail', [code]],
  source: ID_CHECKS_PAGE,
});

/** Failed government-id (and driver-license) checks that name a reason of their own (Persona check names). */
export const PERSONA_ID_CHECK_ROWS: readonly MappingRow[] = [
  idCheck('id_expired_detection', 'the ID has expired', 'document', 'DOC_EXPIRED'),
  idCheck('id_tamper_detection', 'signs of tampering', 'document', 'DOC_SUSPECTED_TAMPERING'),
  idCheck('id_fabrication_detection', 'a fabricated ID', 'document', 'DOC_SUSPECTED_TAMPERING'),
  idCheck(
    'id_electronic_replica_detection',
    'a screen or electronic replica',
    'document',
    'DOC_SUSPECTED_TAMPERING',
  ),
  idCheck('id_paper_detection', 'a paper copy', 'document', 'DOC_SUSPECTED_TAMPERING'),
  idCheck('id_compromised_detection', 'a compromised (published) ID', 'document', 'DOC_SUSPECTED_TAMPERING'),
  idCheck('id_public_figure_detection', 'the ID of a public figure', 'document', 'DOC_SUSPECTED_TAMPERING'),
  idCheck(
    'id_mrz_inconsistency_detection',
    'the MRZ disagrees with the ID',
    'document',
    'DOC_SUSPECTED_TAMPERING',
  ),
  idCheck(
    'id_barcode_inconsistency_detection',
    'the barcode disagrees with the ID',
    'document',
    'DOC_SUSPECTED_TAMPERING',
  ),
  idCheck(
    'id_color_inconsistency_detection',
    'colours inconsistent with the ID type',
    'document',
    'DOC_SUSPECTED_TAMPERING',
  ),
  idCheck('id_blur_detection', 'blurred', 'document', 'DOC_IMAGE_QUALITY'),
  idCheck('id_glare_detection', 'glare', 'document', 'DOC_IMAGE_QUALITY'),
  idCheck('id_portrait_clarity_detection', 'the portrait is unclear', 'document', 'DOC_IMAGE_QUALITY'),
  idCheck(
    'id_unprocessable_submission_detection',
    'the submission could not be processed',
    'document',
    'DOC_IMAGE_QUALITY',
  ),
  idCheck('id_double_side_detection', 'a side is missing', 'document', 'DOC_IMAGE_QUALITY'),
  idCheck('id_video_quality_detection', 'the video is unusable', 'document', 'DOC_IMAGE_QUALITY'),
  idCheck(
    'id_allowed_country_detection',
    'a country the template does not allow',
    'document',
    'DOC_TYPE_NOT_ALLOWED',
  ),
  idCheck(
    'id_disallowed_country_detection',
    'a country the template refuses',
    'document',
    'DOC_TYPE_NOT_ALLOWED',
  ),
  idCheck(
    'id_allowed_id_type_detection',
    'an ID type the template does not allow',
    'document',
    'DOC_TYPE_NOT_ALLOWED',
  ),
  idCheck(
    'id_disallowed_type_detection',
    'an ID type the template refuses',
    'document',
    'DOC_TYPE_NOT_ALLOWED',
  ),
  {
    says: 'id_repeat_detection',
    meaning: 'the ID was seen in another inquiry',
    finding: ['document', 'consider', ['DUPLICATE_IDENTITY']],
    source: ID_CHECKS_PAGE,
  },
  {
    says: 'id_inconsistent_repeat_detection',
    meaning: 'the ID was seen with other details',
    finding: ['document', 'consider', ['DUPLICATE_IDENTITY']],
    source: ID_CHECKS_PAGE,
  },
  // The age range of the Persona template: a vendor setting, not the policy's `minimumAge`, which the policy
  // compares against the birth date itself. A human looks.
  {
    says: 'id_age_comparison',
    meaning: 'outside the template’s age range (a vendor setting)',
    finding: ['age', 'consider', ['CHECK_INCONCLUSIVE']],
    source: ID_CHECKS_PAGE,
  },
];

/** Failed selfie checks: the comparison with the ID is the face match, the rest speak about liveness. */
export const PERSONA_SELFIE_CHECK_ROWS: readonly MappingRow[] = [
  {
    says: 'selfie_id_comparison',
    meaning: 'the selfie does not match the ID',
    finding: ['face_match', 'fail', ['FACE_MISMATCH']],
    source: SELFIE_CHECKS_PAGE,
  },
  {
    says: 'selfie_repeat_detection',
    meaning: 'the face was seen in another inquiry',
    finding: ['face_match', 'consider', ['DUPLICATE_IDENTITY']],
    source: SELFIE_CHECKS_PAGE,
  },
  {
    says: 'selfie_liveness_detection',
    meaning: 'no live person',
    finding: ['liveness', 'fail', ['LIVENESS_FAILED']],
    source: SELFIE_CHECKS_PAGE,
  },
  {
    says: 'selfie_suspicious_entity_detection',
    meaning: 'a suspicious entity (mask, screen)',
    finding: ['liveness', 'consider', ['FRAUD_SUSPECTED']],
    source: SELFIE_CHECKS_PAGE,
  },
  {
    says: 'selfie_pose_detection',
    meaning: 'the requested poses were not shown',
    finding: ['liveness', 'fail', ['LIVENESS_FAILED']],
    source: SELFIE_CHECKS_PAGE,
  },
  {
    says: 'selfie_multiple_faces_detection',
    meaning: 'several faces',
    finding: ['liveness', 'fail', ['LIVENESS_FAILED']],
    source: SELFIE_CHECKS_PAGE,
  },
];

/** Inquiry events: the inquiry's decision (its verifications refine it, see `personaDecisionChecks`). */
export const PERSONA_EVENT_ROWS: readonly MappingRow[] = [
  {
    says: 'inquiry.approved',
    meaning: 'approved: the checks of its verifications (clear without them)',
    finding: ['document', 'clear', []],
    source: WEBHOOK_EVENTS_PAGE,
  },
  {
    says: 'inquiry.declined',
    meaning: 'declined: what its verifications name; without them no stated cause (review)',
    finding: ['document', 'consider', ['CHECK_INCONCLUSIVE']],
    source: WEBHOOK_EVENTS_PAGE,
  },
  {
    says: 'inquiry.failed',
    meaning: 'failed: what its verifications name; without them no stated cause (review)',
    finding: ['document', 'consider', ['CHECK_INCONCLUSIVE']],
    source: WEBHOOK_EVENTS_PAGE,
  },
  {
    says: 'inquiry.marked-for-review',
    meaning: 'Persona asks for a review',
    finding: ['document', 'consider', []],
    source: WEBHOOK_EVENTS_PAGE,
  },
  {
    says: 'inquiry.completed',
    meaning: 'the person finished: what its verifications say (no verifications: parked until fetched)',
    source: WEBHOOK_EVENTS_PAGE,
  },
  {
    says: 'inquiry.expired',
    meaning: 'no decision: our session’s time to live governs',
    source: WEBHOOK_EVENTS_PAGE,
  },
];

export const PERSONA_TABLES: readonly MappingTable[] = [
  { vendor: 'persona', name: 'events', heading: 'event', rows: PERSONA_EVENT_ROWS },
  {
    vendor: 'persona',
    name: 'id-checks',
    heading: 'government-id / driver-license check',
    rows: PERSONA_ID_CHECK_ROWS,
  },
  { vendor: 'persona', name: 'selfie-checks', heading: 'selfie check', rows: PERSONA_SELFIE_CHECK_ROWS },
];

const GOVERNMENT_ID_CHECKS = findingsOf(PERSONA_ID_CHECK_ROWS);
const SELFIE_CHECKS = findingsOf(PERSONA_SELFIE_CHECK_ROWS);

const VERIFICATION_KINDS: Readonly<Record<string, readonly CheckKind[]>> = {
  'verification/government-id': ['document'],
  // A driver licence verified on its own (as in Persona's own webhook example): a document verification.
  'verification/driver-license': ['document'],
  'verification/selfie': ['face_match', 'liveness'],
};

type Decision = 'approved' | 'declined' | 'review' | 'failed' | 'completed';

const DECISIONS: Readonly<Record<string, Decision>> = {
  'inquiry.approved': 'approved',
  'inquiry.declined': 'declined',
  'inquiry.marked-for-review': 'review',
  'inquiry.failed': 'failed',
  // The person finished; Persona has not decided. Its verifications are the vendor's findings.
  'inquiry.completed': 'completed',
};

/** A retrieved inquiry's status → the event that announces it (mapped as that event is). */
const STATUS_EVENTS: Readonly<Record<string, string>> = {
  approved: 'inquiry.approved',
  declined: 'inquiry.declined',
  needs_review: 'inquiry.marked-for-review',
  failed: 'inquiry.failed',
  completed: 'inquiry.completed',
  expired: 'inquiry.expired',
};

/** Inquiry statuses of a person still in the flow: nothing to map yet. */
const IN_FLOW = new Set(['created', 'pending']);

/** What one included verification says, check kind by check kind; undefined while it has no outcome. */
function verificationFindings(included: unknown): LabelledFinding[] | undefined {
  const verification = readPayload(PersonaVerification, included);
  const type = verification?.type;
  const kinds = type === undefined ? undefined : VERIFICATION_KINDS[type];
  const status = verification?.attributes?.status;
  if (kinds === undefined) return undefined;
  if (status === 'passed') return kinds.map((kind) => [kind, 'clear', [], []]);
  if (status !== 'failed' && status !== 'requires_retry') return undefined;
  const table = type === 'verification/selfie' ? SELFIE_CHECKS : GOVERNMENT_ID_CHECKS;
  const failedNames = (verification?.attributes?.checks ?? [])
    .filter((c) => c?.status === 'failed')
    .flatMap((c) => c?.name ?? []);
  const failed = failedNames.flatMap((name): LabelledFinding[] => {
    const entry = table.get(name);
    if (entry === undefined) return [];
    const [kind, result, codes] = entry;
    return [[kind, result, codes, [name]]];
  });
  // A failed check this mapping does not know still says what Persona saw: kept as a label on the verification.
  const unknown = failedNames.filter((name) => !table.has(name));
  if (failed.length === 0) return kinds.map((kind) => [kind, 'fail', [], unknown]);
  return kinds
    .map((kind): LabelledFinding => {
      const own = failed.filter(([k]) => k === kind);
      const result = own.some(([, r]) => r === 'fail') ? 'fail' : own.length > 0 ? 'consider' : 'clear';
      return [
        kind,
        result,
        own.flatMap(([, , codes]) => codes),
        [...own.flatMap(([, , , l]) => l), ...unknown],
      ];
    })
    .concat(failed.filter(([k]) => !kinds.includes(k)));
}

/**
 * The inquiry decision, refined by its verifications: an approval over a failed verification (a reviewer at
 * Persona overruled it) is for our review too; a decline over passed verifications (a Persona rule declined) as
 * well. A decline is final at Persona: what a new capture could fix (a face that did not match, a blurred
 * photo) goes to a human rather than back to the person. A failure with no stated cause is never given one: it
 * goes to review. Every check keeps the event name and the Persona check names that implicated it.
 */
export function personaDecisionChecks(
  decision: Decision,
  included: readonly unknown[],
  event = `inquiry.${decision}`,
): CheckResultData[] {
  const findings = included.flatMap((item) => verificationFindings(item) ?? []);
  if (findings.length === 0) {
    // A completed inquiry without its verifications says nothing yet: the result must be fetched.
    if (decision === 'completed') return [];
    // Without included verifications a decline or failure states no cause: review, never an invented one.
    if (decision === 'approved')
      return IDV_COVERAGE.map((kind) => check(kind, 'clear', [], undefined, [event]));
    const codes: ReasonCode[] = decision === 'review' ? [] : ['CHECK_INCONCLUSIVE'];
    return IDV_COVERAGE.map((kind) => check(kind, 'consider', codes, undefined, [event]));
  }
  const anyFailed = findings.some(([, result]) => result === 'fail');
  return mergeChecks(
    findings.map(([kind, result, codes, labels]) => {
      const said = [event, ...labels];
      if (decision === 'review')
        return check(kind, result === 'clear' ? 'consider' : result, codes, undefined, said);
      if (decision === 'approved' && result === 'fail')
        return check(kind, 'consider', codes, undefined, said);
      if (decision === 'declined' && !anyFailed) return check(kind, 'consider', codes, undefined, said);
      if (result === 'fail' && (codes.length === 0 || (decision === 'declined' && onlyRetryable(codes)))) {
        return check(kind, 'consider', [...codes, 'CHECK_INCONCLUSIVE'], undefined, said);
      }
      return check(kind, result, codes, undefined, said);
    }),
  );
}

function onlyRetryable(codes: readonly ReasonCode[]): boolean {
  return codes.every((code) => REASON_CODES[code].remediation === 'resubmit');
}

export class PersonaAdapter implements VendorAdapter {
  readonly vendor = 'persona' as const;

  constructor(
    private readonly secrets: readonly string[],
    private readonly toleranceSeconds: number,
  ) {}

  verify(raw: Buffer, headers: IncomingHttpHeaders, now: Date): void {
    if (this.secrets.length === 0) throw new SignatureCheckFailed('not_configured');
    const sets = parsePersonaSignature(requireHeader(headers, 'persona-signature'));
    if (sets.length === 0) throw new SignatureCheckFailed('malformed_header');
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const fresh = sets.filter((set) => Math.abs(nowSeconds - set.timestamp) <= this.toleranceSeconds);
    if (fresh.length === 0) throw new SignatureCheckFailed('stale_timestamp');
    let verified = false;
    // Every candidate is compared (no early exit), so timing does not tell which secret or set matched.
    for (const set of fresh) {
      for (const secret of this.secrets) {
        const expected = hmac('sha256', secret, `${set.timestamp}.`, raw);
        for (const signature of set.signatures) verified = hexMatches(signature, expected) || verified;
      }
    }
    if (!verified) throw new SignatureCheckFailed('mismatch');
  }

  normalise(payload: unknown): NormalisedDelivery {
    const event = readPayload(PersonaDelivery, payload)?.data;
    const id = event?.id;
    const name = event?.attributes?.name;
    if (event?.type !== 'event' || id === undefined || name === undefined) {
      throw new UnrecognisedPayload('persona: data.type "event" with id and attributes.name is required');
    }
    const subject = event.attributes?.payload?.data;
    const occurredAt = instant(event.attributes?.['created-at']);
    const inquiryId = subject?.type === 'inquiry' ? subject.id : undefined;
    const hint = sessionHint(subject?.attributes?.['reference-id']);
    const base = {
      vendor: this.vendor,
      eventId: id,
      eventType: name,
      ...(occurredAt === undefined ? {} : { occurredAt }),
      ...(inquiryId === undefined ? {} : { vendorReference: inquiryId }),
      ...(hint === undefined ? {} : { sessionHint: hint }),
    };
    const decision = DECISIONS[name];
    if (decision === undefined) {
      const reason = name === 'inquiry.expired' ? 'no_decision' : 'not_a_result';
      return { ...base, outcome: { kind: 'none', reason } };
    }
    if (inquiryId === undefined || occurredAt === undefined) {
      throw new UnrecognisedPayload('persona: an inquiry decision needs the inquiry and created-at');
    }
    const included = event.attributes?.payload?.included ?? [];
    const checks = personaDecisionChecks(decision, included, name);
    if (checks.length === 0) return { ...base, outcome: { kind: 'none', reason: 'result_not_in_payload' } };
    return { ...base, outcome: { kind: 'checks', checks } };
  }

  /**
   * The inquiry retrieved with its verifications, as the announcing delivery would have carried it: its status
   * stands for the event of that decision (`approved` → `inquiry.approved`…) and its verifications are mapped by
   * `personaDecisionChecks`. Recorded under the announcing delivery's event id. Undefined while the person is in
   * the flow or a completed inquiry's verifications have no outcome yet; an expired inquiry is `no_decision`.
   */
  resultOf(fetched: unknown, announced: NormalisedDelivery): NormalisedDelivery | undefined {
    const inquiry = readPayload(PersonaInquiry, fetched);
    const subject = inquiry?.data;
    const id = subject?.type === 'inquiry' ? subject.id : undefined;
    const status = subject?.attributes?.status;
    if (inquiry === undefined || id === undefined || status === undefined) {
      throw new UnrecognisedPayload('persona: data.type "inquiry" with id and attributes.status is required');
    }
    if (announced.vendorReference !== undefined && announced.vendorReference !== id) {
      throw new UnrecognisedPayload('persona: the inquiry is not the one the delivery named');
    }
    if (IN_FLOW.has(status)) return undefined;
    const name = STATUS_EVENTS[status];
    if (name === undefined) throw new UnrecognisedPayload('persona: unknown inquiry status');
    const attributes = subject?.attributes;
    const occurredAt =
      announced.occurredAt ?? instant(attributes?.['decisioned-at'] ?? attributes?.['completed-at']);
    const hint = sessionHint(attributes?.['reference-id']) ?? announced.sessionHint;
    const base = {
      vendor: this.vendor,
      eventId: announced.eventId,
      eventType: announced.eventType,
      ...(occurredAt === undefined ? {} : { occurredAt }),
      vendorReference: id,
      ...(hint === undefined ? {} : { sessionHint: hint }),
    };
    const decision = DECISIONS[name];
    if (decision === undefined) return { ...base, outcome: { kind: 'none', reason: 'no_decision' } };
    if (occurredAt === undefined) {
      throw new UnrecognisedPayload('persona: a decided inquiry needs decisioned-at or completed-at');
    }
    const checks = personaDecisionChecks(decision, inquiry.included, name);
    return checks.length === 0 ? undefined : { ...base, outcome: { kind: 'checks', checks } };
  }
}
