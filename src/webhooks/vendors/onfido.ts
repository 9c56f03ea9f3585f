import type { IncomingHttpHeaders } from 'node:http';
import type { CheckKind } from '../../domain/policy/policy.types';
import type { ReasonCode } from '../../domain/reason-codes';
import type { CheckResultData } from '../../domain/verification';
import { check, labelled, mergeChecks, type NormalisedDelivery } from '../delivery';
import { at, instant, list, record, text, vendorId } from '../json-reader';
import { hexMatches, hmac, requireHeader, SignatureCheckFailed } from '../signature';
import { eventId, sha256Hex, UnrecognisedPayload, type VendorAdapter } from './vendor-adapter';

/*
 * Onfido (API v3.x webhooks). Signature: `X-SHA2-Signature` = hex HMAC-SHA256 of the raw body under the webhook
 * token. Payload: `{"payload": {"resource_type", "action", "object": {"id", "status", "completed_at_iso8601",
 * "href"}}}`. As documented, `check.completed` and `report.completed` announce a result without carrying it: the
 * result is read from the Check and Report resources (GET /checks/{id}, /reports?check_id=…), which this
 * service cannot do offline. Such deliveries are parked as `result_not_in_payload`. When the object carries the
 * Report resources themselves (`object.reports` on a check, or `name`/`result`/`sub_result` on a report: the
 * resource shape, as a fetcher or an enriching relay delivers it), they are mapped here.
 */

/** Report name → the checks it speaks for. Reports not listed (device intelligence, India PAN…) are not mapped. */
const REPORT_KINDS: Readonly<Record<string, readonly CheckKind[]>> = {
  document: ['document'],
  document_video: ['document'],
  document_with_address_information: ['document'],
  document_video_with_address_information: ['document'],
  document_with_driving_licence_information: ['document'],
  document_with_driver_verification: ['document'],
  facial_similarity_photo: ['face_match'],
  facial_similarity_photo_fully_auto: ['face_match'],
  facial_similarity_video: ['face_match', 'liveness'],
  facial_similarity_motion: ['face_match', 'liveness'],
  known_faces: ['face_match'],
  watchlist_standard: ['sanctions'],
  watchlist_sanctions_only: ['sanctions'],
  watchlist_peps_only: ['pep'],
  watchlist_enhanced: ['sanctions', 'pep'],
  watchlist_aml: ['sanctions', 'pep'],
  proof_of_address: ['address'],
};

const EVENTS_WITHOUT_DECISION = new Set(['check.withdrawn', 'report.withdrawn', 'report.cancelled']);

function considered(report: unknown, ...path: readonly string[]): boolean {
  return text(report, 'breakdown', ...path, 'result') === 'consider';
}

/** Codes a document report's breakdown names (only breakdowns with a code of their own). */
function documentCodes(report: unknown): ReasonCode[] {
  const codes: ReasonCode[] = [];
  if (considered(report, 'data_validation', 'breakdown', 'document_expiration')) codes.push('DOC_EXPIRED');
  if (considered(report, 'image_integrity')) codes.push('DOC_IMAGE_QUALITY');
  if (considered(report, 'visual_authenticity')) codes.push('DOC_SUSPECTED_TAMPERING');
  return codes;
}

/** A document report's `sub_result` (document reports only): clear, rejected, suspected or caution. */
const DOCUMENT_SUB_RESULTS: Readonly<Record<string, (report: unknown) => CheckResultData>> = {
  clear: () => check('document', 'clear'),
  // The document could not be processed (quality, unsupported type): a new capture can fix it.
  rejected: (report) => check('document', 'fail', ['DOC_IMAGE_QUALITY', ...documentCodes(report)]),
  suspected: (report) => check('document', 'consider', ['DOC_SUSPECTED_TAMPERING', ...documentCodes(report)]),
  // Not every verification completed (an expired document, for one): a human looks, whatever the breakdown
  // names ("Document report: suggested client actions").
  caution: (report) => check('document', 'consider', [...documentCodes(report), 'CHECK_INCONCLUSIVE']),
};

function documentCheck(report: unknown, result: 'clear' | 'consider'): CheckResultData[] {
  const bySubResult = DOCUMENT_SUB_RESULTS[text(report, 'sub_result') ?? ''];
  const checks = [
    bySubResult === undefined
      ? check('document', result, result === 'clear' ? [] : documentCodes(report))
      : bySubResult(report),
  ];
  // Onfido compares the age with the minimum accepted age configured on the Onfido account: a vendor setting,
  // not the policy's `minimumAge` (which the policy compares itself). A human looks.
  if (considered(report, 'age_validation')) {
    checks.push(check('age', 'consider', ['CHECK_INCONCLUSIVE'], undefined, ['age_validation']));
  }
  return checks;
}

/** What Onfido said about a report: its name, result and sub-result, as labels. */
function reportLabels(report: unknown): string[] {
  const sub = text(report, 'sub_result');
  return [
    text(report, 'name') ?? '',
    text(report, 'result') ?? '',
    sub === undefined ? '' : `sub_result:${sub}`,
  ];
}

/** The checks one Report resource stands for; none for a report that is not complete or not mapped. */
export function reportChecks(report: unknown): CheckResultData[] {
  const labels = reportLabels(report);
  return reportFindings(report).map((found) => labelled(found, labels));
}

function reportFindings(report: unknown): CheckResultData[] {
  const name = text(report, 'name');
  const status = text(report, 'status');
  const raw = text(report, 'result');
  const kinds = name === undefined ? undefined : REPORT_KINDS[name];
  if (kinds === undefined || (status !== undefined && status !== 'complete')) return [];
  // `unidentified` (the document could not be identified) is not a pass: a human looks.
  const result =
    raw === 'clear' ? 'clear' : raw === 'consider' || raw === 'unidentified' ? 'consider' : undefined;
  if (result === undefined || name === undefined) return [];
  if (kinds.includes('document')) return documentCheck(report, result);
  if (name === 'known_faces') {
    // Known faces looks for the face among other applicants; a clear says nothing about the face match itself.
    return result === 'clear' ? [] : [check('face_match', 'consider', ['DUPLICATE_IDENTITY'])];
  }
  if (result === 'clear') return kinds.map((kind) => check(kind, 'clear'));
  return kinds.map((kind): CheckResultData => {
    switch (kind) {
      // A facial similarity `consider` is Onfido asking for a human, not for a new selfie.
      case 'face_match':
        return check(kind, 'consider', [
          ...(considered(report, 'face_comparison') ? (['FACE_MISMATCH'] as const) : []),
          'CHECK_INCONCLUSIVE',
        ]);
      case 'liveness':
        return check(kind, 'consider', [
          ...(considered(report, 'visual_authenticity') ? (['LIVENESS_FAILED'] as const) : []),
          'CHECK_INCONCLUSIVE',
        ]);
      case 'sanctions':
        return check(kind, 'consider', ['SANCTIONS_HIT']);
      case 'pep':
        return check(kind, 'consider', ['PEP_MATCH']);
      case 'address':
        return check(kind, 'consider', ['ADDRESS_MISMATCH']);
      case 'document':
      case 'age':
        return check(kind, 'consider');
    }
  });
}

export class OnfidoAdapter implements VendorAdapter {
  readonly vendor = 'onfido' as const;

  constructor(private readonly token: string | undefined) {}

  verify(raw: Buffer, headers: IncomingHttpHeaders): void {
    if (this.token === undefined) throw new SignatureCheckFailed('not_configured');
    const signature = requireHeader(headers, 'x-sha2-signature');
    if (!hexMatches(signature, hmac('sha256', this.token, raw))) throw new SignatureCheckFailed('mismatch');
  }

  normalise(payload: unknown, raw: Buffer): NormalisedDelivery {
    const body = at(payload, 'payload');
    const action = text(body, 'action');
    const object = record(at(body, 'object'));
    const id = vendorId(object, 'id');
    if (action === undefined || object === undefined || id === undefined) {
      throw new UnrecognisedPayload('onfido: payload.action and payload.object.id are required');
    }
    const completedAt = text(object, 'completed_at_iso8601');
    const occurredAt = instant(completedAt ?? text(object, 'started_at_iso8601'));
    const base = {
      vendor: this.vendor,
      // Onfido sends no event id: the action, the resource and its completion time identify the event.
      eventId: eventId(action, id, completedAt ?? sha256Hex(raw)),
      eventType: action,
      ...(occurredAt === undefined ? {} : { occurredAt }),
    };

    if (action === 'check.completed') {
      const checks = mergeChecks(list(object, 'reports').flatMap(reportChecks));
      return {
        ...base,
        vendorReference: id,
        outcome:
          checks.length > 0 ? { kind: 'checks', checks } : { kind: 'none', reason: 'result_not_in_payload' },
      };
    }
    if (action === 'report.completed') {
      const checkId = vendorId(object, 'check_id');
      const checks = mergeChecks(reportChecks(object));
      return {
        ...base,
        ...(checkId === undefined ? {} : { vendorReference: checkId }),
        outcome:
          checks.length > 0 && checkId !== undefined
            ? { kind: 'checks', checks }
            : { kind: 'none', reason: 'result_not_in_payload' },
      };
    }
    return {
      ...base,
      ...(action.startsWith('check.') ? { vendorReference: id } : {}),
      outcome: { kind: 'none', reason: EVENTS_WITHOUT_DECISION.has(action) ? 'no_decision' : 'not_a_result' },
    };
  }
}
