import type { IncomingHttpHeaders } from 'node:http';
import { REASON_CODES } from '../../domain/reason-codes';
import type { CheckResultData } from '../../domain/verification';
import { readPayload } from '../../events';
import { check, mergeChecks, type NormalisedDelivery } from '../delivery';
import { hexMatches, hmac, type HmacAlgorithm, requireHeader, SignatureCheckFailed } from '../signature';
import { type Finding, findingsOf, type MappingRow, type MappingTable } from './mapping-table';
import { SumsubDelivery } from './sumsub.schema';
import {
  eventId,
  IDV_COVERAGE,
  sessionHint,
  sha256Hex,
  UnrecognisedPayload,
  type VendorAdapter,
} from './vendor-adapter';
import { instant } from './vendor-fields';

/*
 * Sumsub. Signature: `X-Payload-Digest` = hex HMAC of the raw body under the webhook secret key, with the
 * algorithm named in `X-Payload-Digest-Alg` (`HMAC_SHA1_HEX`, `HMAC_SHA256_HEX`, `HMAC_SHA512_HEX`). Payload
 * (no personal data, by Sumsub's own rule): `{"applicantId", "inspectionId", "correlationId", "externalUserId",
 * "levelName", "type", "reviewStatus", "createdAtMs", "reviewResult": {"reviewAnswer": GREEN | RED,
 * "reviewRejectType": FINAL | RETRY, "rejectLabels": [...]}}`. Only `applicantReviewed` carries a result.
 *
 * A RED answer names what failed through its rejection labels; the identity checks it does not implicate are
 * recorded as clear. A FINAL rejection whose labels would only ask for a new capture goes to a human: Sumsub will
 * not take that capture.
 */

const ALGORITHMS: Readonly<Record<string, HmacAlgorithm>> = {
  HMAC_SHA1_HEX: 'sha1',
  HMAC_SHA256_HEX: 'sha256',
  HMAC_SHA512_HEX: 'sha512',
};

const LABELS_PAGE = 'https://docs.sumsub.com/docs/rejection-labels';
const FINAL_PAGE = 'https://docs.sumsub.com/reference/final-rejection';
const TEMPORARY_PAGE = 'https://docs.sumsub.com/reference/temporary-rejection';
const WEBHOOKS_PAGE = 'https://docs.sumsub.com/docs/user-verification-webhooks';

const TAMPERING: Finding = ['document', 'fail', ['DOC_SUSPECTED_TAMPERING']];
const IMAGE_QUALITY: Finding = ['document', 'fail', ['DOC_IMAGE_QUALITY']];
const NOT_ALLOWED: Finding = ['document', 'fail', ['DOC_TYPE_NOT_ALLOWED']];
const FOR_REVIEW: Finding = ['document', 'consider', []];
const VENDOR_SETTING: Finding = ['document', 'consider', ['CHECK_INCONCLUSIVE']];
const WATCHLIST: Finding = ['watchlist', 'consider', ['WATCHLIST_HIT']];

const row = (says: string, meaning: string, finding: Finding, source = LABELS_PAGE): MappingRow => ({
  says,
  meaning,
  finding,
  source,
});

/** Rejection label → the check it implicates (Sumsub "Rejection labels"). Unlisted labels go to review. */
export const SUMSUB_LABEL_ROWS: readonly MappingRow[] = [
  row('FORGERY', 'forgery attempt', TAMPERING),
  row('DOCUMENT_TEMPLATE', 'a template downloaded from the internet', TAMPERING),
  row('GRAPHIC_EDITOR', 'edited in a graphic editor', TAMPERING),
  row('FRAUDULENT_PATTERNS', 'fraudulent behaviour patterns', ['document', 'consider', ['FRAUD_SUSPECTED']]),
  // "Upload an original photo": a screenshot is a capture to redo, not a forgery.
  row('SCREENSHOTS', 'screenshots instead of original photos', IMAGE_QUALITY, TEMPORARY_PAGE),
  row('THIRD_PARTY_INVOLVED', 'verification done by a third party for a fee', [
    'document',
    'consider',
    ['FRAUD_SUSPECTED'],
  ]),
  row('SUSPICIOUS_PATTERNS', 'suspicious patterns (obsolete label)', [
    'document',
    'consider',
    ['FRAUD_SUSPECTED'],
  ]),
  row('DIGITAL_DOCUMENT', 'a digital version instead of the document', NOT_ALLOWED),
  row('BAD_PROOF_OF_IDENTITY', 'the identity document is unusable', NOT_ALLOWED),
  row('LOW_QUALITY', 'the document could not be read', IMAGE_QUALITY),
  row('UNSATISFACTORY_PHOTOS', 'photos of the document unusable', IMAGE_QUALITY, TEMPORARY_PAGE),
  row('BLACK_AND_WHITE', 'black-and-white images', IMAGE_QUALITY),
  row('INCOMPLETE_DOCUMENT', 'pages or parts of the document missing', IMAGE_QUALITY),
  row('DOCUMENT_PAGE_MISSING', 'a page of the document missing', IMAGE_QUALITY),
  row('FRONT_SIDE_MISSING', 'front side missing', IMAGE_QUALITY),
  row('BACK_SIDE_MISSING', 'back side missing', IMAGE_QUALITY),
  row('DOCUMENT_DAMAGED', 'the document is damaged', IMAGE_QUALITY),
  row('UNFILLED_ID', 'the document has unfilled fields', IMAGE_QUALITY),
  row('DOCUMENT_MISSING', 'a required document was not uploaded', IMAGE_QUALITY),
  row('ID_INVALID', 'the document is not valid for identification', NOT_ALLOWED),
  row('NOT_DOCUMENT', 'the upload is not a document', NOT_ALLOWED),
  row('SPAM', 'irrelevant files uploaded', NOT_ALLOWED),
  row('INCOMPATIBLE_LANGUAGE', 'a translation is needed', NOT_ALLOWED),
  row('ADDITIONAL_DOCUMENT_REQUIRED', 'another document is needed', NOT_ALLOWED),
  row('EXPIRATION_DATE', 'the document has expired', ['document', 'fail', ['DOC_EXPIRED']]),
  row('DUPLICATE', 'the applicant already exists', ['document', 'consider', ['DUPLICATE_IDENTITY']]),
  row('SELFIE_MISMATCH', 'the selfie does not match the document', ['face_match', 'fail', ['FACE_MISMATCH']]),
  row('BAD_FACE_MATCHING', 'the face could not be matched', ['face_match', 'fail', ['FACE_MISMATCH']]),
  row('BAD_SELFIE', 'the selfie is unusable', ['liveness', 'fail', ['LIVENESS_FAILED']]),
  row('BAD_VIDEO_SELFIE', 'the video selfie is unusable', ['liveness', 'fail', ['LIVENESS_FAILED']]),
  row('SELFIE_WITH_PAPER', 'a selfie with a handwritten note was required', [
    'liveness',
    'fail',
    ['LIVENESS_FAILED'],
  ]),
  row('FRAUDULENT_LIVENESS', 'a liveness spoofing attempt', ['liveness', 'consider', ['FRAUD_SUSPECTED']]),
  row('SANCTIONS', 'a sanctions list match', ['sanctions', 'consider', ['SANCTIONS_HIT']], FINAL_PAGE),
  row('PEP', 'a politically exposed person', ['pep', 'consider', ['PEP_MATCH']], FINAL_PAGE),
  row(
    'ADVERSE_MEDIA',
    'mentioned in adverse media',
    ['watchlist', 'consider', ['ADVERSE_MEDIA_HIT']],
    FINAL_PAGE,
  ),
  row('CRIMINAL', 'a convicted criminal', WATCHLIST, FINAL_PAGE),
  row('COMPROMISED_PERSONS', 'on fitness and probity, most-wanted or warning lists', WATCHLIST, FINAL_PAGE),
  row('BLOCKLIST', 'on the client’s blocklist', WATCHLIST),
  row('BLACKLIST', 'on the client’s blocklist (earlier name)', WATCHLIST),
  // The client's own rules configured at Sumsub (an age of 25 to rent a car, a region, experience): inputs for
  // a human, never the policy's verdict. The policy compares the birth date against its `minimumAge` itself.
  row('AGE_REQUIREMENT_MISMATCH', 'the client’s age rule at Sumsub', [
    'age',
    'consider',
    ['CHECK_INCONCLUSIVE'],
  ]),
  row('WRONG_USER_REGION', 'a region the client does not serve', VENDOR_SETTING),
  row('FOREIGNER', 'foreigners are not accepted by the client', VENDOR_SETTING),
  row('EXPERIENCE_REQUIREMENT_MISMATCH', 'the client’s experience rule', VENDOR_SETTING),
  row('REGULATIONS_VIOLATIONS', 'the client’s regulations', VENDOR_SETTING),
  row('INCONSISTENT_PROFILE', 'data or documents of different persons', FOR_REVIEW),
  row('PROBLEMATIC_APPLICANT_DATA', 'the applicant data does not match', FOR_REVIEW),
  row('REQUESTED_DATA_MISMATCH', 'the data does not match what was requested', FOR_REVIEW),
  row('NOT_ALL_CHECKS_COMPLETED', 'not every check was completed', FOR_REVIEW),
  row('DB_DATA_MISMATCH', 'the data disagrees with a database', FOR_REVIEW),
  row('DB_DATA_NOT_FOUND', 'the data was not found in a database', FOR_REVIEW),
  // Sumsub's database check could not run: the vendor could not answer, never the person's failure.
  row('CHECK_UNAVAILABLE', 'a database check was unavailable', ['document', 'error', []]),
  row('APPLICANT_INTERRUPTED_INTERVIEW', 'the video interview was interrupted', [
    'liveness',
    'fail',
    ['LIVENESS_FAILED'],
  ]),
  row('CONNECTION_INTERRUPTED', 'the video connection was interrupted', [
    'liveness',
    'fail',
    ['LIVENESS_FAILED'],
  ]),
  row('UNSUITABLE_ENV', 'the video environment was unsuitable', ['liveness', 'fail', ['LIVENESS_FAILED']]),
  row('BAD_PROOF_OF_ADDRESS', 'the proof of address is unusable', ['address', 'fail', ['ADDRESS_MISMATCH']]),
  row('WRONG_ADDRESS', 'the address does not match', ['address', 'fail', ['ADDRESS_MISMATCH']]),
];

/** The review answers, as `reviewResult.reviewAnswer` / `reviewRejectType` carry them. */
export const SUMSUB_ANSWER_ROWS: readonly MappingRow[] = [
  {
    says: 'GREEN',
    meaning: 'approved: document, face match and liveness clear',
    finding: ['document', 'clear', []],
    source: WEBHOOKS_PAGE,
  },
  {
    says: 'RED / RETRY',
    meaning: 'rejected, a new upload may fix it: the checks its labels name',
    source: WEBHOOKS_PAGE,
  },
  {
    says: 'RED / FINAL',
    meaning: 'rejected for good: capture-only labels add CHECK_INCONCLUSIVE (review)',
    source: WEBHOOKS_PAGE,
  },
  {
    says: 'RED (no labels)',
    meaning: 'rejected without a stated cause',
    finding: FOR_REVIEW,
    source: WEBHOOKS_PAGE,
  },
  {
    says: 'sandboxMode: true',
    meaning: 'a sandbox applicant: parked, never counted in production',
    source: WEBHOOKS_PAGE,
  },
];

export const SUMSUB_TABLES: readonly MappingTable[] = [
  { vendor: 'sumsub', name: 'answers', heading: 'review answer', rows: SUMSUB_ANSWER_ROWS },
  { vendor: 'sumsub', name: 'labels', heading: 'rejection label', rows: SUMSUB_LABEL_ROWS },
];

const LABELS = findingsOf(SUMSUB_LABEL_ROWS);

export function sumsubReviewChecks(
  answer: string,
  rejectType: string | undefined,
  labels: readonly string[],
): CheckResultData[] | undefined {
  // What Sumsub said, kept with every check: its answer, the rejection type, and on the implicated checks the
  // rejection labels that implicate them.
  const said = rejectType === undefined ? [answer] : [answer, rejectType];
  if (answer === 'GREEN') return IDV_COVERAGE.map((kind) => check(kind, 'clear', [], undefined, said));
  if (answer !== 'RED') return undefined;
  const findings: (readonly [Finding, readonly string[]])[] =
    labels.length > 0
      ? labels.map((label) => [LABELS.get(label) ?? FOR_REVIEW, [label]])
      : [[FOR_REVIEW, []]];
  const final = rejectType === 'FINAL';
  const onlyRetryable = findings.every(([[, , codes]]) =>
    codes.every((code) => REASON_CODES[code].remediation === 'resubmit'),
  );
  const implicated = findings.map(([[kind, result, codes], label]) =>
    check(kind, result, final && onlyRetryable ? [...codes, 'CHECK_INCONCLUSIVE'] : codes, undefined, [
      ...said,
      ...label,
    ]),
  );
  const named = new Set(implicated.map((c) => c.kind));
  return mergeChecks([
    ...implicated,
    ...IDV_COVERAGE.filter((kind) => !named.has(kind)).map((kind) =>
      check(kind, 'clear', [], undefined, said),
    ),
  ]);
}

/**
 * Sumsub's `createdAtMs` is "yyyy-MM-dd HH:mm:ss.SSS" in UTC; `createdAt` the same without milliseconds, in some
 * of Sumsub's examples with a zone offset ("2023-03-14 12:50:27+0000").
 */
const SUMSUB_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)(Z|[+-]\d{2}:?\d{2})?$/;

export function sumsubTime(value: string | undefined): string | undefined {
  const match = value === undefined ? null : SUMSUB_TIME.exec(value);
  if (match === null) return undefined;
  const [, date, time, zone] = match;
  const offset = zone === undefined || zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return instant(`${date ?? ''}T${time ?? ''}${offset}`);
}

export class SumsubAdapter implements VendorAdapter {
  readonly vendor = 'sumsub' as const;

  constructor(private readonly secret: string | undefined) {}

  verify(raw: Buffer, headers: IncomingHttpHeaders): void {
    if (this.secret === undefined) throw new SignatureCheckFailed('not_configured');
    const algorithm = ALGORITHMS[requireHeader(headers, 'x-payload-digest-alg')];
    const digest = requireHeader(headers, 'x-payload-digest');
    if (algorithm === undefined) throw new SignatureCheckFailed('malformed_header');
    if (!hexMatches(digest, hmac(algorithm, this.secret, raw))) throw new SignatureCheckFailed('mismatch');
  }

  normalise(payload: unknown, raw: Buffer): NormalisedDelivery {
    const delivery = readPayload(SumsubDelivery, payload);
    const type = delivery?.type;
    const applicantId = delivery?.applicantId;
    if (delivery === undefined || type === undefined || applicantId === undefined) {
      throw new UnrecognisedPayload('sumsub: type and applicantId are required');
    }
    const createdAt = delivery.createdAtMs ?? delivery.createdAt;
    const occurredAt = sumsubTime(createdAt);
    const hint = sessionHint(delivery.externalUserId);
    const base = {
      vendor: this.vendor,
      // Sumsub sends no event id: the type, the applicant and the creation time identify the event.
      eventId: eventId(type, applicantId, createdAt ?? sha256Hex(raw)),
      eventType: type,
      ...(occurredAt === undefined ? {} : { occurredAt }),
      vendorReference: applicantId,
      ...(hint === undefined ? {} : { sessionHint: hint }),
      // Sumsub marks applicants of its sandbox (`sandboxMode`, user-verification webhooks).
      ...(delivery.sandboxMode === true ? { sandbox: true as const } : {}),
    };
    if (type !== 'applicantReviewed') return { ...base, outcome: { kind: 'none', reason: 'not_a_result' } };
    const review = delivery.reviewResult;
    const answer = review?.reviewAnswer;
    const checks =
      answer === undefined
        ? undefined
        : sumsubReviewChecks(answer, review?.reviewRejectType, review?.rejectLabels ?? []);
    if (checks === undefined || occurredAt === undefined) {
      throw new UnrecognisedPayload(
        'sumsub: applicantReviewed needs reviewResult.reviewAnswer and createdAtMs',
      );
    }
    return { ...base, outcome: { kind: 'checks', checks } };
  }
}
