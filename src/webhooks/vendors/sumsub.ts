import type { IncomingHttpHeaders } from 'node:http';
import type { CheckKind, CheckResultValue } from '../../domain/policy/policy.types';
import { REASON_CODES, type ReasonCode } from '../../domain/reason-codes';
import type { CheckResultData } from '../../domain/verification';
import { check, mergeChecks, type NormalisedDelivery } from '../delivery';
import { instant, text, textList, vendorId } from '../json-reader';
import { hexMatches, hmac, type HmacAlgorithm, requireHeader, SignatureCheckFailed } from '../signature';
import {
  eventId,
  IDV_COVERAGE,
  sessionHint,
  sha256Hex,
  UnrecognisedPayload,
  type VendorAdapter,
} from './vendor-adapter';

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

type Finding = readonly [CheckKind, CheckResultValue, readonly ReasonCode[]];

const TAMPERING: Finding = ['document', 'fail', ['DOC_SUSPECTED_TAMPERING']];
const IMAGE_QUALITY: Finding = ['document', 'fail', ['DOC_IMAGE_QUALITY']];
const NOT_ALLOWED: Finding = ['document', 'fail', ['DOC_TYPE_NOT_ALLOWED']];
const FOR_REVIEW: Finding = ['document', 'consider', []];

/** Rejection label → the check it implicates (Sumsub "Rejection labels"). Unlisted labels go to review. */
const LABELS: Readonly<Record<string, Finding>> = {
  FORGERY: TAMPERING,
  DOCUMENT_TEMPLATE: TAMPERING,
  GRAPHIC_EDITOR: TAMPERING,
  SCREENSHOTS: TAMPERING,
  FRAUDULENT_PATTERNS: TAMPERING,
  LOW_QUALITY: IMAGE_QUALITY,
  UNSATISFACTORY_PHOTOS: IMAGE_QUALITY,
  BLACK_AND_WHITE: IMAGE_QUALITY,
  INCOMPLETE_DOCUMENT: IMAGE_QUALITY,
  DOCUMENT_PAGE_MISSING: IMAGE_QUALITY,
  FRONT_SIDE_MISSING: IMAGE_QUALITY,
  BACK_SIDE_MISSING: IMAGE_QUALITY,
  DOCUMENT_DAMAGED: IMAGE_QUALITY,
  UNFILLED_ID: IMAGE_QUALITY,
  ID_INVALID: NOT_ALLOWED,
  NOT_DOCUMENT: NOT_ALLOWED,
  INCOMPATIBLE_LANGUAGE: NOT_ALLOWED,
  ADDITIONAL_DOCUMENT_REQUIRED: NOT_ALLOWED,
  EXPIRATION_DATE: ['document', 'fail', ['DOC_EXPIRED']],
  DUPLICATE: ['document', 'consider', ['DUPLICATE_IDENTITY']],
  SELFIE_MISMATCH: ['face_match', 'fail', ['FACE_MISMATCH']],
  BAD_FACE_MATCHING: ['face_match', 'fail', ['FACE_MISMATCH']],
  BAD_SELFIE: ['liveness', 'fail', ['LIVENESS_FAILED']],
  BAD_VIDEO_SELFIE: ['liveness', 'fail', ['LIVENESS_FAILED']],
  FRAUDULENT_LIVENESS: ['liveness', 'fail', ['LIVENESS_FAILED']],
  SELFIE_WITH_PAPER: ['liveness', 'fail', ['LIVENESS_FAILED']],
  SANCTIONS: ['sanctions', 'consider', ['SANCTIONS_HIT']],
  PEP: ['pep', 'consider', ['PEP_MATCH']],
  // The client's own age rule configured at Sumsub (e.g. 25 to rent a car), not the policy's minimum age: the
  // policy compares the birth date against its `minimumAge` itself; the vendor's verdict is for a human.
  AGE_REQUIREMENT_MISMATCH: ['age', 'consider', ['CHECK_INCONCLUSIVE']],
  BAD_PROOF_OF_ADDRESS: ['address', 'fail', ['ADDRESS_MISMATCH']],
  WRONG_ADDRESS: ['address', 'fail', ['ADDRESS_MISMATCH']],
};

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
    labels.length > 0 ? labels.map((label) => [LABELS[label] ?? FOR_REVIEW, [label]]) : [[FOR_REVIEW, []]];
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
    const type = text(payload, 'type');
    const applicantId = vendorId(payload, 'applicantId');
    if (type === undefined || applicantId === undefined) {
      throw new UnrecognisedPayload('sumsub: type and applicantId are required');
    }
    const createdAt = text(payload, 'createdAtMs') ?? text(payload, 'createdAt');
    const occurredAt = sumsubTime(createdAt);
    const hint = sessionHint(text(payload, 'externalUserId'));
    const base = {
      vendor: this.vendor,
      // Sumsub sends no event id: the type, the applicant and the creation time identify the event.
      eventId: eventId(type, applicantId, createdAt ?? sha256Hex(raw)),
      eventType: type,
      ...(occurredAt === undefined ? {} : { occurredAt }),
      vendorReference: applicantId,
      ...(hint === undefined ? {} : { sessionHint: hint }),
    };
    if (type !== 'applicantReviewed') return { ...base, outcome: { kind: 'none', reason: 'not_a_result' } };
    const answer = text(payload, 'reviewResult', 'reviewAnswer');
    const checks =
      answer === undefined
        ? undefined
        : sumsubReviewChecks(
            answer,
            text(payload, 'reviewResult', 'reviewRejectType'),
            textList(payload, 'reviewResult', 'rejectLabels'),
          );
    if (checks === undefined || occurredAt === undefined) {
      throw new UnrecognisedPayload(
        'sumsub: applicantReviewed needs reviewResult.reviewAnswer and createdAtMs',
      );
    }
    return { ...base, outcome: { kind: 'checks', checks } };
  }
}
