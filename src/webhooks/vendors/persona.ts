import type { IncomingHttpHeaders } from 'node:http';
import type { CheckKind, CheckResultValue } from '../../domain/policy/policy.types';
import { REASON_CODES, type ReasonCode } from '../../domain/reason-codes';
import type { CheckResultData } from '../../domain/verification';
import { check, mergeChecks, type NormalisedDelivery } from '../delivery';
import { at, instant, list, text, vendorId } from '../json-reader';
import { hexMatches, hmac, requireHeader, SignatureCheckFailed } from '../signature';
import { IDV_COVERAGE, sessionHint, UnrecognisedPayload, type VendorAdapter } from './vendor-adapter';

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
 * where the payload includes them, its verifications and their failed checks.
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
type Finding = readonly [CheckKind, CheckResultValue, readonly ReasonCode[], readonly string[]];

/** Failed government-id checks that name a reason of their own (Persona check names). */
const GOVERNMENT_ID_CHECKS: Readonly<Record<string, readonly [CheckKind, ReasonCode]>> = {
  id_expired_detection: ['document', 'DOC_EXPIRED'],
  id_tamper_detection: ['document', 'DOC_SUSPECTED_TAMPERING'],
  id_fabrication_detection: ['document', 'DOC_SUSPECTED_TAMPERING'],
  id_electronic_replica_detection: ['document', 'DOC_SUSPECTED_TAMPERING'],
  id_paper_detection: ['document', 'DOC_SUSPECTED_TAMPERING'],
  id_compromised_detection: ['document', 'DOC_SUSPECTED_TAMPERING'],
  id_public_figure_detection: ['document', 'DOC_SUSPECTED_TAMPERING'],
  id_mrz_inconsistency_detection: ['document', 'DOC_SUSPECTED_TAMPERING'],
  id_barcode_inconsistency_detection: ['document', 'DOC_SUSPECTED_TAMPERING'],
  id_color_inconsistency_detection: ['document', 'DOC_SUSPECTED_TAMPERING'],
  id_blur_detection: ['document', 'DOC_IMAGE_QUALITY'],
  id_glare_detection: ['document', 'DOC_IMAGE_QUALITY'],
  id_portrait_clarity_detection: ['document', 'DOC_IMAGE_QUALITY'],
  id_unprocessable_submission_detection: ['document', 'DOC_IMAGE_QUALITY'],
  id_double_side_detection: ['document', 'DOC_IMAGE_QUALITY'],
  id_video_quality_detection: ['document', 'DOC_IMAGE_QUALITY'],
  id_allowed_country_detection: ['document', 'DOC_TYPE_NOT_ALLOWED'],
  id_disallowed_country_detection: ['document', 'DOC_TYPE_NOT_ALLOWED'],
  id_allowed_id_type_detection: ['document', 'DOC_TYPE_NOT_ALLOWED'],
  id_disallowed_type_detection: ['document', 'DOC_TYPE_NOT_ALLOWED'],
  id_repeat_detection: ['document', 'DUPLICATE_IDENTITY'],
  id_inconsistent_repeat_detection: ['document', 'DUPLICATE_IDENTITY'],
  // The age range of the Persona template: a vendor setting, not the policy's `minimumAge`, which the policy
  // compares against the birth date itself. A human looks (see REVIEW_ONLY).
  id_age_comparison: ['age', 'CHECK_INCONCLUSIVE'],
};

/** Failed checks that are a vendor setting's verdict, never a finding of their own: `consider`, not `fail`. */
const REVIEW_ONLY = new Set(['id_age_comparison']);

/** Failed selfie checks: the comparison with the ID is the face match, the rest speak about liveness. */
const SELFIE_CHECKS: Readonly<Record<string, readonly [CheckKind, ReasonCode]>> = {
  selfie_id_comparison: ['face_match', 'FACE_MISMATCH'],
  selfie_repeat_detection: ['face_match', 'DUPLICATE_IDENTITY'],
  selfie_liveness_detection: ['liveness', 'LIVENESS_FAILED'],
  selfie_suspicious_entity_detection: ['liveness', 'LIVENESS_FAILED'],
  selfie_pose_detection: ['liveness', 'LIVENESS_FAILED'],
  selfie_multiple_faces_detection: ['liveness', 'LIVENESS_FAILED'],
};

const VERIFICATION_KINDS: Readonly<Record<string, readonly CheckKind[]>> = {
  'verification/government-id': ['document'],
  'verification/selfie': ['face_match', 'liveness'],
};

type Decision = 'approved' | 'declined' | 'review' | 'failed';

const DECISIONS: Readonly<Record<string, Decision>> = {
  'inquiry.approved': 'approved',
  'inquiry.declined': 'declined',
  'inquiry.marked-for-review': 'review',
  'inquiry.failed': 'failed',
};

/** What one included verification says, check kind by check kind; undefined while it has no outcome. */
function verificationFindings(verification: unknown): Finding[] | undefined {
  const type = text(verification, 'type');
  const kinds = type === undefined ? undefined : VERIFICATION_KINDS[type];
  const status = text(verification, 'attributes', 'status');
  if (kinds === undefined) return undefined;
  if (status === 'passed') return kinds.map((kind) => [kind, 'clear', [], []]);
  if (status !== 'failed' && status !== 'requires_retry') return undefined;
  const table = type === 'verification/selfie' ? SELFIE_CHECKS : GOVERNMENT_ID_CHECKS;
  const failedNames = list(verification, 'attributes', 'checks')
    .filter((c) => text(c, 'status') === 'failed')
    .flatMap((c) => text(c, 'name') ?? []);
  const failed = failedNames.flatMap((name): Finding[] => {
    const entry = table[name];
    if (entry === undefined) return [];
    const [kind, code] = entry;
    return [[kind, REVIEW_ONLY.has(name) ? 'consider' : 'fail', [code], [name]]];
  });
  // A failed check this mapping does not know still says what Persona saw: kept as a label on the verification.
  const unknown = failedNames.filter((name) => table[name] === undefined);
  if (failed.length === 0) return kinds.map((kind) => [kind, 'fail', [], unknown]);
  return kinds
    .map((kind): Finding => {
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
    const event = at(payload, 'data');
    const id = vendorId(event, 'id');
    const name = text(event, 'attributes', 'name');
    if (text(event, 'type') !== 'event' || id === undefined || name === undefined) {
      throw new UnrecognisedPayload('persona: data.type "event" with id and attributes.name is required');
    }
    const subject = at(event, 'attributes', 'payload', 'data');
    const occurredAt = instant(text(event, 'attributes', 'created-at'));
    const inquiryId = text(subject, 'type') === 'inquiry' ? vendorId(subject, 'id') : undefined;
    const hint = sessionHint(text(subject, 'attributes', 'reference-id'));
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
    const checks = personaDecisionChecks(decision, list(event, 'attributes', 'payload', 'included'), name);
    return { ...base, outcome: { kind: 'checks', checks } };
  }
}
