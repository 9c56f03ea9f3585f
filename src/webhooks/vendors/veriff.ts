import type { IncomingHttpHeaders } from 'node:http';
import type { CheckResultData } from '../../domain/verification';
import { readPayload } from '../../events';
import { check, mergeChecks, type NormalisedDelivery } from '../delivery';
import { hexMatches, hmac, requireHeader, SignatureCheckFailed } from '../signature';
import type { ReasonCode } from '../../domain/reason-codes';
import { type Finding, findingsOf, type MappingRow, type MappingTable } from './mapping-table';
import {
  eventId,
  IDV_COVERAGE,
  sessionHint,
  sha256Hex,
  UnrecognisedPayload,
  type VendorAdapter,
} from './vendor-adapter';
import { VeriffDecision, VeriffDelivery, type VeriffVerification } from './veriff.schema';
import { instant } from './vendor-fields';

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
 *
 * The event webhook's `submitted` announces a decision without carrying it: parked as `result_not_in_payload`,
 * its decision is fetched (`GET /v1/sessions/{id}/decision`) and mapped by `resultOf` exactly as the decision
 * webhook, under the same event id.
 */

const CODES_PAGE = 'https://devdocs.veriff.com/docs/verification-session-decision-codes-table';
const GRANULAR_PAGE = 'https://devdocs.veriff.com/docs/granular-reason-codes';
const DECISION_PAGE = 'https://devdocs.veriff.com/docs/decision-webhook';

const decline = (code: number, meaning: string, finding: Finding, source = CODES_PAGE): MappingRow => ({
  says: String(code),
  meaning,
  finding,
  source,
});

const TAMPERED: Finding = ['document', 'consider', ['DOC_SUSPECTED_TAMPERING']];
const DUPLICATE: Finding = ['document', 'consider', ['DUPLICATE_IDENTITY']];
const DECEIT: Finding = ['document', 'consider', ['FRAUD_SUSPECTED']];
const DECEIT_FACE: Finding = ['liveness', 'consider', ['FRAUD_SUSPECTED']];
// The person's age against the age configured at Veriff: the policy compares the birth date with its own
// `minimumAge`; the vendor's verdict is for a human.
const AGE_SETTING: Finding = ['age', 'consider', ['CHECK_INCONCLUSIVE']];
/** A final decline for what a capture could otherwise fix: Veriff takes no new capture, so a human looks. */
const FINAL_CAPTURE = (kind: 'document' | 'address', code: ReasonCode): Finding => [
  kind,
  'consider',
  [code, 'CHECK_INCONCLUSIVE'],
];
const IMPERSONATION: Finding = ['face_match', 'consider', ['FACE_MISMATCH', 'CHECK_INCONCLUSIVE']];

/**
 * Decline reasons: the session decision codes (1xx) and the granular reason codes (5xx). A decline is final at
 * Veriff: what it names goes to a human (tampering, fraud, impersonation, duplicates), never back to the person
 * as a new capture. An unlisted decline (e.g. 539, resubmission limit exceeded) is for a human too.
 */
export const VERIFF_DECLINE_ROWS: readonly MappingRow[] = [
  decline(101, 'physical document not used', TAMPERED),
  decline(102, 'suspected document tampering', TAMPERED),
  decline(103, 'person does not match the document photo (impersonation)', IMPERSONATION),
  decline(104, 'name entered does not match the document', ['document', 'consider', []]),
  decline(105, 'suspicious behaviour', ['document', 'consider', ['FRAUD_SUSPECTED']]),
  decline(106, 'known fraud', ['document', 'consider', ['FRAUD_SUSPECTED']]),
  decline(107, 'velocity/abuse', DUPLICATE),
  decline(108, 'velocity/abuse: duplicated end-user', DUPLICATE),
  decline(109, 'velocity/abuse: duplicated device', DUPLICATE),
  decline(110, 'velocity/abuse: duplicated ID', DUPLICATE),
  decline(111, 'session fraudulently accessed', ['document', 'consider', ['FRAUD_SUSPECTED']]),
  decline(112, 'restricted IP location', ['document', 'consider', []]),
  decline(113, 'suspicious behaviour: identity farming', ['document', 'consider', ['FRAUD_SUSPECTED']]),
  decline(120, 'portrait does not match the reference', IMPERSONATION),
  decline(124, 'face already in the face collection', ['face_match', 'consider', ['DUPLICATE_IDENTITY']]),
  decline(126, 'potential PEP match', ['pep', 'consider', ['PEP_MATCH']]),
  decline(127, 'face matches the blocklist', ['watchlist', 'consider', ['WATCHLIST_HIT']]),
  decline(501, 'high probability of a fraudulent attempt', DECEIT, GRANULAR_PAGE),
  decline(502, 'multiple parties present in the session', DECEIT, GRANULAR_PAGE),
  decline(503, 'attempted deceit', DECEIT, GRANULAR_PAGE),
  decline(504, 'attempted deceit: device screen used', DECEIT, GRANULAR_PAGE),
  decline(505, 'attempted deceit: printout used', DECEIT, GRANULAR_PAGE),
  decline(506, 'presented document tampered', TAMPERED, GRANULAR_PAGE),
  decline(507, 'presented document tampered: data cross reference', TAMPERED, GRANULAR_PAGE),
  decline(508, 'presented document tampered: similarity to specimen', TAMPERED, GRANULAR_PAGE),
  decline(509, 'person does not match the document photo', IMPERSONATION, GRANULAR_PAGE),
  decline(
    510,
    'presented document type not supported',
    FINAL_CAPTURE('document', 'DOC_TYPE_NOT_ALLOWED'),
    GRANULAR_PAGE,
  ),
  decline(511, 'presented document expired', FINAL_CAPTURE('document', 'DOC_EXPIRED'), GRANULAR_PAGE),
  decline(515, 'attempted deceit: device screen used for the face image', DECEIT_FACE, GRANULAR_PAGE),
  decline(526, 'attempted deceit: photos streamed', DECEIT_FACE, GRANULAR_PAGE),
  decline(
    527,
    'unable to collect proof of address data',
    FINAL_CAPTURE('address', 'ADDRESS_MISMATCH'),
    GRANULAR_PAGE,
  ),
  decline(
    528,
    'proof of address issue date too old',
    FINAL_CAPTURE('address', 'ADDRESS_MISMATCH'),
    GRANULAR_PAGE,
  ),
  ...[530, 531, 532, 533, 534, 535, 536].map((code) =>
    decline(code, 'under the age set for the integration (a vendor setting)', AGE_SETTING, GRANULAR_PAGE),
  ),
  decline(
    537,
    'the document portrait could not be cropped',
    ['document', 'consider', ['CHECK_INCONCLUSIVE']],
    GRANULAR_PAGE,
  ),
];

const resubmit = (code: number, meaning: string, finding: Finding): MappingRow => ({
  says: String(code),
  meaning,
  finding,
  source: CODES_PAGE,
});

/** Resubmission reasons (2xx): captures the person can redo. Unlisted 2xx codes ask for a new document capture. */
export const VERIFF_RESUBMISSION_ROWS: readonly MappingRow[] = [
  resubmit(201, 'video and/or photos missing', ['document', 'fail', ['DOC_IMAGE_QUALITY']]),
  resubmit(202, 'face not clearly visible', ['liveness', 'fail', ['LIVENESS_FAILED']]),
  resubmit(203, 'full document not visible', ['document', 'fail', ['DOC_IMAGE_QUALITY']]),
  resubmit(204, 'poor image quality', ['document', 'fail', ['DOC_IMAGE_QUALITY']]),
  resubmit(205, 'document damaged', ['document', 'fail', ['DOC_IMAGE_QUALITY']]),
  resubmit(206, 'document type not supported', ['document', 'fail', ['DOC_TYPE_NOT_ALLOWED']]),
  resubmit(207, 'document expired', ['document', 'fail', ['DOC_EXPIRED']]),
  resubmit(208, 'selfie missing', ['liveness', 'fail', ['LIVENESS_FAILED']]),
  resubmit(209, 'document photo missing', ['document', 'fail', ['DOC_IMAGE_QUALITY']]),
];

/** `verification.riskLabels[].label` (decision webhook): a label that names fraud is a fraud concern. */
export const VERIFF_RISK_LABEL_ROWS: readonly MappingRow[] = [
  {
    says: '…fraud… (e.g. document_integration_level_crosslinked_with_fraud)',
    meaning: 'linked to a session or document known for fraud',
    finding: ['document', 'consider', ['FRAUD_SUSPECTED']],
    source: DECISION_PAGE,
  },
  {
    says: 'any other risk label',
    meaning:
      'a device, network or session anomaly: kept, and raises `vendorRiskLabel` where the policy declares it',
    source: DECISION_PAGE,
  },
];

export const VERIFF_TABLES: readonly MappingTable[] = [
  { vendor: 'veriff', name: 'declines', heading: 'decline reasonCode', rows: VERIFF_DECLINE_ROWS },
  {
    vendor: 'veriff',
    name: 'resubmissions',
    heading: 'resubmission reasonCode',
    rows: VERIFF_RESUBMISSION_ROWS,
  },
  { vendor: 'veriff', name: 'risk-labels', heading: 'risk label', rows: VERIFF_RISK_LABEL_ROWS },
];

const DECLINED = findingsOf(VERIFF_DECLINE_ROWS);
const RESUBMISSION = findingsOf(VERIFF_RESUBMISSION_ROWS);

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
        (reasonCode === undefined ? undefined : DECLINED.get(String(reasonCode))) ?? [
          'document',
          'consider',
          [],
        ],
        said,
        reasonCode,
      );
    case 'resubmission_requested':
      return implicate(
        (reasonCode === undefined ? undefined : RESUBMISSION.get(String(reasonCode))) ?? [
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

/**
 * What the decision's risk labels add (`verification.riskLabels[]`: `{label, category, sessionIds}`). A label
 * that names fraud is a fraud concern for a human, whatever the decision; any other label is kept on the
 * document check and raises `vendorRiskLabel`, which the policy acts on where it declares it.
 */
export function veriffRiskLabels(verification: Pick<VeriffVerification, 'riskLabels'>): {
  checks: CheckResultData[];
  others: boolean;
} {
  const labels = verification.riskLabels.flatMap((item) => item?.label ?? []);
  const fraud = labels.filter((label) => /fraud/i.test(label));
  const others = labels.filter((label) => !/fraud/i.test(label));
  const [kind, result, codes] = VERIFF_RISK_LABEL_ROWS[0]?.finding ?? [
    'document',
    'consider',
    ['FRAUD_SUSPECTED'],
  ];
  return {
    checks: [
      ...(fraud.length > 0 ? [check(kind, result, codes, undefined, fraud)] : []),
      ...(others.length > 0 ? [check('document', 'clear', [], undefined, others)] : []),
    ],
    others: others.length > 0,
  };
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
    const delivery = readPayload(VeriffDelivery, payload);
    const verification = delivery?.verification;
    if (verification === undefined) return this.event(delivery, raw);
    return this.decision(verification);
  }

  /**
   * A fetched decision (`GET /v1/sessions/{id}/decision`), mapped exactly as its decision webhook: same event
   * id, so a webhook and a fetch of one decision record once. Undefined while Veriff has not decided
   * (`verification: null`).
   */
  resultOf(fetched: unknown, announced: NormalisedDelivery): NormalisedDelivery | undefined {
    const answer = readPayload(VeriffDecision, fetched);
    const verification = answer?.verification;
    if (answer?.status !== 'success' || verification === undefined) {
      throw new UnrecognisedPayload('veriff: a decision answer is {status: "success", verification}');
    }
    if (verification === null) return undefined;
    if (announced.vendorReference !== undefined && verification.id !== announced.vendorReference) {
      throw new UnrecognisedPayload('veriff: the decision is not for the session the delivery named');
    }
    const decided = this.decision(verification);
    return decided.sessionHint === undefined && announced.sessionHint !== undefined
      ? { ...decided, sessionHint: announced.sessionHint }
      : decided;
  }

  /** A decision (`verification`), from the decision webhook or the decision endpoint alike. */
  private decision(verification: VeriffVerification): NormalisedDelivery {
    const id = verification.id;
    if (id === undefined) throw new UnrecognisedPayload('veriff: verification.id is required');
    const code = verification.code;
    const status = verification.status ?? (code === undefined ? undefined : STATUS_BY_CODE[code]);
    const decisionTime = verification.decisionTime ?? verification.acceptanceTime;
    const occurredAt = instant(decisionTime);
    if (status === undefined || decisionTime === undefined || occurredAt === undefined) {
      throw new UnrecognisedPayload('veriff: verification.status (or code) and decisionTime are required');
    }
    const hint = sessionHint(verification.vendorData);
    const base = {
      vendor: this.vendor,
      // Veriff sends no event id: the session, the attempt, the decision and its time identify the event.
      eventId: eventId('decision', id, verification.attemptId ?? '-', status, decisionTime),
      eventType: `decision.${status}`,
      occurredAt,
      vendorReference: id,
      ...(hint === undefined ? {} : { sessionHint: hint }),
    };
    if (status === 'expired' || status === 'abandoned') {
      return { ...base, outcome: { kind: 'none', reason: 'no_decision' } };
    }
    const decided = veriffDecisionChecks(status, verification.reasonCode, code);
    if (decided === undefined) throw new UnrecognisedPayload('veriff: unknown verification.status');
    const risk = veriffRiskLabels(verification);
    const checks = mergeChecks([...decided, ...risk.checks]);
    return {
      ...base,
      ...(risk.others ? { riskSignals: ['vendorRiskLabel'] } : {}),
      outcome: { kind: 'checks', checks },
    };
  }

  /**
   * The optional event webhook: `started` is progress, not a result; `submitted` announces a decision to come,
   * which is fetched from the decision endpoint (`resultOf`) where Veriff's API is configured.
   */
  private event(delivery: VeriffDelivery | undefined, raw: Buffer): NormalisedDelivery {
    const id = delivery?.id;
    const action = delivery?.action;
    if (delivery === undefined || id === undefined || action === undefined) {
      throw new UnrecognisedPayload('veriff: neither a decision nor an event webhook');
    }
    const hint = sessionHint(delivery.vendorData);
    return {
      vendor: this.vendor,
      eventId: eventId('event', id, delivery.attemptId ?? '-', action, sha256Hex(raw)),
      eventType: `event.${action}`,
      vendorReference: id,
      ...(hint === undefined ? {} : { sessionHint: hint }),
      outcome: { kind: 'none', reason: action === 'submitted' ? 'result_not_in_payload' : 'not_a_result' },
    };
  }
}
