import type { IncomingHttpHeaders } from 'node:http';
import type { CheckKind, CheckResultValue } from '../../domain/policy/policy.types';
import type { ReasonCode } from '../../domain/reason-codes';
import type { CheckResultData } from '../../domain/verification';
import { check, mergeChecks, type NormalisedDelivery } from '../delivery';
import { at, instant, integer, record, text, vendorId } from '../json-reader';
import { hexMatches, hmac, requireHeader, SignatureCheckFailed } from '../signature';
import {
  eventId,
  IDV_COVERAGE,
  sessionHint,
  sha256Hex,
  UnrecognisedPayload,
  type VendorAdapter,
} from './vendor-adapter';

/*
 * Veriff (decision webhook). Signature: `X-HMAC-SIGNATURE` = hex HMAC-SHA256 of the raw body under the
 * integration's shared secret key; `X-AUTH-CLIENT` (the integration's public API key) must be present. Payload:
 * `{"status": "success", "verification": {"id", "attemptId", "status", "code", "reason", "reasonCode",
 * "vendorData", "decisionTime", "acceptanceTime", "person": {...}, "document": {...}}, "technicalData": {...}}`.
 * `person` and `document` hold personal data: they are never read, stored or logged here.
 *
 * Decisions: approved (9001), declined (9102), resubmission_requested (9103), expired / abandoned (9104) and
 * review (9121, per Veriff's session status table). Declines and resubmission requests carry one reason code
 * (`verification.reasonCode`, tables "Verification session decision codes" and "Granular reason codes"): it
 * names the check that failed; the other checks of the identity verification are recorded as clear.
 */

type Finding = readonly [CheckKind, CheckResultValue, readonly ReasonCode[]];

/** Decline reasons (1xx, 5xx). */
const DECLINED: Readonly<Record<number, Finding>> = {
  101: ['document', 'fail', ['DOC_SUSPECTED_TAMPERING']], // physical document not used
  102: ['document', 'fail', ['DOC_SUSPECTED_TAMPERING']], // suspected document tampering
  // A final decline for impersonation (the person is not the one on the document): a human looks, never an
  // automatic new capture.
  103: ['face_match', 'consider', ['FACE_MISMATCH', 'CHECK_INCONCLUSIVE']], // person does not match document photo
  104: ['document', 'consider', []], // name entered does not match the document
  105: ['document', 'consider', ['DOC_SUSPECTED_TAMPERING']], // suspicious behaviour
  106: ['document', 'fail', ['DOC_SUSPECTED_TAMPERING']], // known fraud
  107: ['document', 'consider', ['DUPLICATE_IDENTITY']], // velocity/abuse
  108: ['document', 'consider', ['DUPLICATE_IDENTITY']], // duplicated end-user
  109: ['document', 'consider', ['DUPLICATE_IDENTITY']], // duplicated device
  110: ['document', 'consider', ['DUPLICATE_IDENTITY']], // duplicated ID
  111: ['document', 'consider', ['DOC_SUSPECTED_TAMPERING']], // session fraudulently accessed
  112: ['document', 'consider', []], // restricted IP location
  113: ['document', 'consider', ['DUPLICATE_IDENTITY']], // identity farming
  120: ['face_match', 'consider', ['FACE_MISMATCH', 'CHECK_INCONCLUSIVE']], // portrait does not match reference
  124: ['face_match', 'consider', ['DUPLICATE_IDENTITY']], // face already in the face collection
  126: ['pep', 'consider', ['PEP_MATCH']], // potential PEP match
  127: ['face_match', 'consider', ['DUPLICATE_IDENTITY']], // face match with blocklist
};

/** Resubmission reasons (2xx): captures the person can redo. */
const RESUBMISSION: Readonly<Record<number, Finding>> = {
  201: ['document', 'fail', ['DOC_IMAGE_QUALITY']], // video and/or photos missing
  202: ['liveness', 'fail', ['LIVENESS_FAILED']], // face not clearly visible
  203: ['document', 'fail', ['DOC_IMAGE_QUALITY']], // full document not visible
  204: ['document', 'fail', ['DOC_IMAGE_QUALITY']], // poor image quality
  205: ['document', 'fail', ['DOC_IMAGE_QUALITY']], // document damaged
  206: ['document', 'fail', ['DOC_TYPE_NOT_ALLOWED']], // document type not supported
  207: ['document', 'fail', ['DOC_EXPIRED']], // document expired
  208: ['liveness', 'fail', ['LIVENESS_FAILED']], // selfie missing
  209: ['document', 'fail', ['DOC_IMAGE_QUALITY']], // document photo missing
};

/** Status code → decision, for payloads that carry only the code. */
const STATUS_BY_CODE: Readonly<Record<number, string>> = {
  9001: 'approved',
  9102: 'declined',
  9103: 'resubmission_requested',
  9104: 'expired',
  9121: 'review',
};

/** The named check with its finding and the vendor's reason code, the other checks of the verification clear. */
function implicate(
  finding: Finding,
  said: readonly string[],
  reasonCode: number | undefined,
): CheckResultData[] {
  const [kind, result, codes] = finding;
  const reason = reasonCode === undefined ? [] : [String(reasonCode)];
  return mergeChecks([
    check(kind, result, codes, undefined, [...said, ...reason]),
    ...IDV_COVERAGE.filter((other) => other !== kind).map((other) =>
      check(other, 'clear', [], undefined, said),
    ),
  ]);
}

/**
 * The checks a decision stands for. Every check keeps what Veriff said: the decision (`status`, its `code`) and,
 * on the check it names, the reason code.
 */
export function veriffDecisionChecks(
  status: string,
  reasonCode: number | undefined,
  code?: number,
): CheckResultData[] | undefined {
  const said = code === undefined ? [status] : [status, String(code)];
  switch (status) {
    case 'approved':
      return IDV_COVERAGE.map((kind) => check(kind, 'clear', [], undefined, said));
    case 'review':
      return IDV_COVERAGE.map((kind) => check(kind, 'consider', [], undefined, said));
    case 'declined':
      // An unlisted decline (e.g. 539, resubmission limit exceeded) is for a human to judge.
      return implicate(
        (reasonCode === undefined ? undefined : DECLINED[reasonCode]) ?? ['document', 'consider', []],
        said,
        reasonCode,
      );
    case 'resubmission_requested':
      return implicate(
        (reasonCode === undefined ? undefined : RESUBMISSION[reasonCode]) ?? [
          'document',
          'fail',
          ['DOC_IMAGE_QUALITY'],
        ],
        said,
        reasonCode,
      );
    default:
      return undefined;
  }
}

export class VeriffAdapter implements VendorAdapter {
  readonly vendor = 'veriff' as const;

  constructor(private readonly secret: string | undefined) {}

  verify(raw: Buffer, headers: IncomingHttpHeaders): void {
    if (this.secret === undefined) throw new SignatureCheckFailed('not_configured');
    requireHeader(headers, 'x-auth-client');
    const signature = requireHeader(headers, 'x-hmac-signature');
    if (!hexMatches(signature, hmac('sha256', this.secret, raw))) throw new SignatureCheckFailed('mismatch');
  }

  normalise(payload: unknown, raw: Buffer): NormalisedDelivery {
    const verification = record(at(payload, 'verification'));
    if (verification === undefined) return this.event(payload, raw);
    const id = vendorId(verification, 'id');
    if (id === undefined) throw new UnrecognisedPayload('veriff: verification.id is required');
    const code = integer(verification, 'code');
    const status = text(verification, 'status') ?? (code === undefined ? undefined : STATUS_BY_CODE[code]);
    const decisionTime = text(verification, 'decisionTime') ?? text(verification, 'acceptanceTime');
    const occurredAt = instant(decisionTime);
    if (status === undefined || occurredAt === undefined) {
      throw new UnrecognisedPayload('veriff: verification.status (or code) and decisionTime are required');
    }
    const hint = sessionHint(text(verification, 'vendorData'));
    const base = {
      vendor: this.vendor,
      // Veriff sends no event id: the session, the attempt, the decision and its time identify the event.
      eventId: eventId(
        'decision',
        id,
        text(verification, 'attemptId') ?? '-',
        status,
        decisionTime ?? sha256Hex(raw),
      ),
      eventType: `decision.${status}`,
      occurredAt,
      vendorReference: id,
      ...(hint === undefined ? {} : { sessionHint: hint }),
    };
    if (status === 'expired' || status === 'abandoned') {
      return { ...base, outcome: { kind: 'none', reason: 'no_decision' } };
    }
    const checks = veriffDecisionChecks(status, integer(verification, 'reasonCode'), code);
    if (checks === undefined) throw new UnrecognisedPayload('veriff: unknown verification.status');
    return { ...base, outcome: { kind: 'checks', checks } };
  }

  /** The optional event webhook (`started`, `submitted`): progress, not a result. */
  private event(payload: unknown, raw: Buffer): NormalisedDelivery {
    const id = vendorId(payload, 'id');
    const action = text(payload, 'action');
    if (id === undefined || action === undefined) {
      throw new UnrecognisedPayload('veriff: neither a decision nor an event webhook');
    }
    const hint = sessionHint(text(payload, 'vendorData'));
    return {
      vendor: this.vendor,
      eventId: eventId('event', id, text(payload, 'attemptId') ?? '-', action, sha256Hex(raw)),
      eventType: `event.${action}`,
      vendorReference: id,
      ...(hint === undefined ? {} : { sessionHint: hint }),
      outcome: { kind: 'none', reason: 'not_a_result' },
    };
  }
}
