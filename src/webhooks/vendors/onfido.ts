import type { IncomingHttpHeaders } from 'node:http';
import type { CheckKind } from '../../domain/policy/policy.types';
import type { ReasonCode } from '../../domain/reason-codes';
import { type Finding, findingsOf, type MappingRow, type MappingTable } from './mapping-table';
import type { CheckResultData } from '../../domain/verification';
import { readPayload } from '../../events';
import { check, mergeChecks, type NormalisedDelivery } from '../delivery';
import { hexMatches, hmac, requireHeader, SignatureCheckFailed } from '../signature';
import { type OnfidoBreakdowns, OnfidoDelivery, OnfidoReport } from './onfido.schema';
import {
  eventId,
  IDV_COVERAGE,
  sessionHint,
  sha256Hex,
  UnrecognisedPayload,
  type VendorAdapter,
} from './vendor-adapter';
import { instant, jsonObject } from './vendor-fields';

/*
 * Onfido (API v3.x webhooks). Signature: `X-SHA2-Signature` = hex HMAC-SHA256 of the raw body under the webhook
 * token. Payload: `{"payload": {"resource_type", "action", "object": {"id", "status", "completed_at_iso8601",
 * "href"}}}`. As documented, `check.completed` and `report.completed` announce a result without carrying it: the
 * result is read from the Check and Report resources (GET /checks/{id}, /reports?check_id=…), which this
 * service cannot do offline. Such deliveries are parked as `result_not_in_payload`. When the object carries the
 * Report resources themselves (`object.reports` on a check, or `name`/`result`/`sub_result` on a report: the
 * resource shape, as a fetcher or an enriching relay delivers it), they are mapped here.
 */

const SPEC = 'https://github.com/onfido/onfido-openapi-spec/blob/master/schemas';
const WATCHLIST_PAGE = 'https://developers.onfido.com/guide/watchlist-reports/';
const FACIAL_PAGE = `${SPEC}/reports/facial_similarity_photo_breakdown.yaml`;
const MOTION_PAGE = `${SPEC}/reports/facial_similarity_motion_breakdown.yaml`;
const DOCUMENT_PAGE = `${SPEC}/reports/document_breakdown.yaml`;
const REPORT_PAGE = `${SPEC}/reports/definitions.yaml`;
const STUDIO_PAGE = `${SPEC}/workflow_runs/definitions.yaml`;

/** Report name → the checks it speaks for. Reports not listed (device intelligence, India PAN…) are not mapped. */
const REPORT_KINDS: Readonly<Record<string, readonly CheckKind[]>> = {
  document: ['document'],
  document_video: ['document'],
  document_with_address_information: ['document'],
  document_video_with_address_information: ['document'],
  document_with_driving_licence_information: ['document'],
  document_with_driver_verification: ['document'],
  // A photo compares faces; only motion and video capture a live person (liveness).
  facial_similarity_photo: ['face_match'],
  facial_similarity_photo_fully_auto: ['face_match'],
  facial_similarity_video: ['face_match', 'liveness'],
  facial_similarity_motion: ['face_match', 'liveness'],
  known_faces: ['face_match'],
  // Watchlist reports speak for the screenings they cover; a breakdown names which one matched.
  watchlist_standard: ['sanctions', 'pep', 'watchlist'],
  watchlist_sanctions_only: ['sanctions'],
  watchlist_peps_only: ['pep'],
  watchlist_enhanced: ['sanctions', 'pep', 'watchlist'],
  watchlist_aml: ['sanctions', 'pep', 'watchlist'],
  proof_of_address: ['address'],
};

/** A watchlist report's breakdown → the screening it names. */
export const ONFIDO_WATCHLIST_ROWS: readonly MappingRow[] = [
  {
    says: 'sanction',
    meaning: 'a sanctions list match',
    finding: ['sanctions', 'consider', ['SANCTIONS_HIT']],
    source: WATCHLIST_PAGE,
  },
  {
    says: 'politically_exposed_person',
    meaning: 'a PEP match',
    finding: ['pep', 'consider', ['PEP_MATCH']],
    source: WATCHLIST_PAGE,
  },
  {
    says: 'adverse_media',
    meaning: 'adverse media',
    finding: ['watchlist', 'consider', ['ADVERSE_MEDIA_HIT']],
    source: WATCHLIST_PAGE,
  },
  {
    says: 'monitored_lists',
    meaning: 'a monitored list (law enforcement, regulators)',
    finding: ['watchlist', 'consider', ['WATCHLIST_HIT']],
    source: WATCHLIST_PAGE,
  },
  {
    says: 'legal_and_regulatory_warnings',
    meaning: 'a legal or regulatory warning',
    finding: ['watchlist', 'consider', ['WATCHLIST_HIT']],
    source: WATCHLIST_PAGE,
  },
];

/** A facial similarity report's breakdown → what it says (face match, liveness, fraud). */
export const ONFIDO_FACIAL_ROWS: readonly MappingRow[] = [
  {
    says: 'face_comparison',
    meaning: 'the faces do not match',
    finding: ['face_match', 'consider', ['FACE_MISMATCH', 'CHECK_INCONCLUSIVE']],
    source: FACIAL_PAGE,
  },
  {
    says: 'image_integrity',
    meaning: 'the selfie could not be used',
    finding: ['face_match', 'consider', ['CHECK_INCONCLUSIVE']],
    source: FACIAL_PAGE,
  },
  {
    says: 'visual_authenticity.liveness_detected',
    meaning: 'no live person detected (motion, video)',
    finding: ['liveness', 'consider', ['LIVENESS_FAILED', 'CHECK_INCONCLUSIVE']],
    source: MOTION_PAGE,
  },
  {
    says: 'visual_authenticity.spoofing_detection',
    meaning: 'a spoofing attempt (photo of a photo, screen, mask)',
    finding: ['liveness', 'consider', ['FRAUD_SUSPECTED']],
    source: FACIAL_PAGE,
  },
  {
    says: 'known_faces',
    meaning: 'the face belongs to another applicant',
    finding: ['face_match', 'consider', ['DUPLICATE_IDENTITY']],
    source: FACIAL_PAGE,
  },
];

/** A document report's `sub_result` and breakdowns. */
export const ONFIDO_DOCUMENT_ROWS: readonly MappingRow[] = [
  {
    says: 'sub_result: clear',
    meaning: 'every document check passed',
    finding: ['document', 'clear', []],
    source: REPORT_PAGE,
  },
  {
    says: 'sub_result: rejected',
    meaning: 'the document could not be processed (quality, type)',
    finding: ['document', 'fail', ['DOC_IMAGE_QUALITY']],
    source: REPORT_PAGE,
  },
  {
    says: 'sub_result: suspected',
    meaning: 'the document may be fraudulent',
    finding: ['document', 'consider', ['DOC_SUSPECTED_TAMPERING']],
    source: REPORT_PAGE,
  },
  {
    says: 'sub_result: caution',
    meaning: 'not every check completed (e.g. expired): a human looks',
    finding: ['document', 'consider', ['CHECK_INCONCLUSIVE']],
    source: REPORT_PAGE,
  },
  {
    says: 'result: unidentified',
    meaning: 'the document could not be identified',
    finding: ['document', 'consider', ['CHECK_INCONCLUSIVE']],
    source: REPORT_PAGE,
  },
  {
    says: 'data_validation.document_expiration',
    meaning: 'the document has expired',
    finding: ['document', 'consider', ['DOC_EXPIRED']],
    source: DOCUMENT_PAGE,
  },
  {
    says: 'image_integrity',
    meaning: 'the image is not good enough',
    finding: ['document', 'consider', ['DOC_IMAGE_QUALITY']],
    source: DOCUMENT_PAGE,
  },
  {
    says: 'visual_authenticity',
    meaning: 'signs of tampering',
    finding: ['document', 'consider', ['DOC_SUSPECTED_TAMPERING']],
    source: DOCUMENT_PAGE,
  },
  {
    says: 'age_validation',
    meaning: 'below the minimum age set on the Onfido account (a vendor setting)',
    finding: ['age', 'consider', ['CHECK_INCONCLUSIVE']],
    source: DOCUMENT_PAGE,
  },
];

/** Onfido Studio: a workflow run's final `status` (the run's own decision). */
export const ONFIDO_WORKFLOW_ROWS: readonly MappingRow[] = [
  {
    says: 'approved',
    meaning: 'the workflow approved: document, face match and liveness clear',
    finding: ['document', 'clear', []],
    source: STUDIO_PAGE,
  },
  {
    says: 'declined',
    meaning: 'the workflow declined without stating a cause here',
    finding: ['document', 'consider', ['CHECK_INCONCLUSIVE']],
    source: STUDIO_PAGE,
  },
  {
    says: 'review',
    meaning: 'the workflow asks for a manual review',
    finding: ['document', 'consider', []],
    source: STUDIO_PAGE,
  },
  {
    says: 'error',
    meaning: 'the workflow failed: the vendor could not answer',
    finding: ['document', 'error', []],
    source: STUDIO_PAGE,
  },
  {
    says: 'abandoned',
    meaning: 'the applicant left: no decision (our time to live governs)',
    source: STUDIO_PAGE,
  },
];

export const ONFIDO_TABLES: readonly MappingTable[] = [
  { vendor: 'onfido', name: 'document', heading: 'document report', rows: ONFIDO_DOCUMENT_ROWS },
  { vendor: 'onfido', name: 'facial', heading: 'facial similarity breakdown', rows: ONFIDO_FACIAL_ROWS },
  { vendor: 'onfido', name: 'watchlist', heading: 'watchlist breakdown', rows: ONFIDO_WATCHLIST_ROWS },
  { vendor: 'onfido', name: 'workflow', heading: 'workflow run status', rows: ONFIDO_WORKFLOW_ROWS },
];

const WATCHLIST = findingsOf(ONFIDO_WATCHLIST_ROWS);
const FACIAL = findingsOf(ONFIDO_FACIAL_ROWS);

const EVENTS_WITHOUT_DECISION = new Set(['check.withdrawn', 'report.withdrawn', 'report.cancelled']);

/** The watchlist breakdowns, in the order of ONFIDO_WATCHLIST_ROWS. */
const WATCHLIST_BREAKDOWNS = [
  'sanction',
  'politically_exposed_person',
  'adverse_media',
  'monitored_lists',
  'legal_and_regulatory_warnings',
] as const satisfies readonly (keyof OnfidoBreakdowns)[];

function considered(breakdown: { readonly result?: string | undefined } | undefined): boolean {
  return breakdown?.result === 'consider';
}

/** Codes a document report's breakdown names (only breakdowns with a code of their own). */
function documentCodes(report: OnfidoReport): ReasonCode[] {
  const codes: ReasonCode[] = [];
  const breakdown = report.breakdown;
  if (considered(breakdown?.data_validation?.breakdown?.document_expiration)) codes.push('DOC_EXPIRED');
  if (considered(breakdown?.image_integrity)) codes.push('DOC_IMAGE_QUALITY');
  if (considered(breakdown?.visual_authenticity)) codes.push('DOC_SUSPECTED_TAMPERING');
  return codes;
}

/** A document report's `sub_result` (document reports only): clear, rejected, suspected or caution. */
const DOCUMENT_SUB_RESULTS: Readonly<Record<string, (report: OnfidoReport) => CheckResultData>> = {
  clear: () => check('document', 'clear'),
  // The document could not be processed (quality, unsupported type): a new capture can fix it.
  rejected: (report) => check('document', 'fail', ['DOC_IMAGE_QUALITY', ...documentCodes(report)]),
  suspected: (report) => check('document', 'consider', ['DOC_SUSPECTED_TAMPERING', ...documentCodes(report)]),
  // Not every verification completed (an expired document, for one): a human looks, whatever the breakdown
  // names ("Document report: suggested client actions").
  caution: (report) => check('document', 'consider', [...documentCodes(report), 'CHECK_INCONCLUSIVE']),
};

function documentCheck(report: OnfidoReport, result: 'clear' | 'consider'): CheckResultData[] {
  const bySubResult = DOCUMENT_SUB_RESULTS[report.sub_result ?? ''];
  const checks = [
    bySubResult === undefined
      ? check('document', result, result === 'clear' ? [] : documentCodes(report))
      : bySubResult(report),
  ];
  // Onfido compares the age with the minimum accepted age configured on the Onfido account: a vendor setting,
  // not the policy's `minimumAge` (which the policy compares itself). A human looks.
  if (considered(report.breakdown?.age_validation)) {
    checks.push(check('age', 'consider', ['CHECK_INCONCLUSIVE'], undefined, ['age_validation']));
  }
  return checks;
}

/** What Onfido said about a report: its name, result and sub-result, as labels. */
function reportLabels(report: OnfidoReport): string[] {
  const sub = report.sub_result;
  return [report.name ?? '', report.result ?? '', sub === undefined ? '' : `sub_result:${sub}`];
}

/** The checks a Check's Reports stand for, merged per kind (as `check.completed` with reports would). */
export function checksOfReports(reports: readonly unknown[]): CheckResultData[] {
  return mergeChecks(reports.flatMap((report) => reportChecks(report)));
}

/** The checks one Report resource stands for; none for a report that is not complete or not mapped. */
export function reportChecks(resource: unknown): CheckResultData[] {
  return checksOfReport(readPayload(OnfidoReport, resource) ?? {});
}

function checksOfReport(report: OnfidoReport): CheckResultData[] {
  const labels = reportLabels(report);
  // The report's own labels first, then the breakdown that produced the finding.
  return reportFindings(report).map((found) =>
    check(found.kind, found.result, found.reasonCodes ?? [], found.score, [
      ...labels,
      ...(found.vendorLabels ?? []),
    ]),
  );
}

/** A finding from a mapping row, labelled with the breakdown that produced it. */
function fromRow(finding: Finding, label: string): CheckResultData {
  const [kind, result, codes] = finding;
  return check(kind, result, codes, undefined, [label]);
}

/** The hit a screening kind stands for when the report does not say which list matched. */
const SCREENING_HIT: Readonly<Partial<Record<CheckKind, ReasonCode>>> = {
  sanctions: 'SANCTIONS_HIT',
  pep: 'PEP_MATCH',
  watchlist: 'WATCHLIST_HIT',
};

/**
 * A watchlist report: each screening it covers is clear, unless a breakdown names a match (Onfido's report
 * result is the worst of its breakdowns, so the breakdowns that say `consider` explain it). A `consider` whose
 * breakdowns name nothing is a possible hit on every screening the report covers (a human looks).
 */
function watchlistChecks(
  report: OnfidoReport,
  kinds: readonly CheckKind[],
  result: 'clear' | 'consider',
): CheckResultData[] {
  const named = WATCHLIST_BREAKDOWNS.flatMap((breakdown) => {
    const finding = WATCHLIST.get(breakdown);
    return finding !== undefined && considered(report.breakdown?.[breakdown])
      ? [[breakdown, finding] as const]
      : [];
  });
  if (result === 'consider' && named.length === 0) {
    return kinds.map((kind) => check(kind, 'consider', [SCREENING_HIT[kind] ?? 'CHECK_INCONCLUSIVE']));
  }
  const hits = named.map(([breakdown, finding]) => fromRow(finding, breakdown));
  const hitKinds = new Set(hits.map((hit) => hit.kind));
  return [...hits, ...kinds.filter((kind) => !hitKinds.has(kind)).map((kind) => check(kind, 'clear'))];
}

/**
 * A facial similarity report: the face comparison speaks for the face match, visual authenticity for liveness
 * (a spoofing attempt is a fraud concern, never a face mismatch). A photo report captures no live person: it
 * never clears liveness, but its spoofing finding is still recorded. A `consider` whose breakdowns name
 * nothing asks a human about every kind the report covers.
 */
function facialChecks(
  report: OnfidoReport,
  kinds: readonly CheckKind[],
  result: 'clear' | 'consider',
): CheckResultData[] {
  if (result === 'clear') return kinds.map((kind) => check(kind, 'clear'));
  const named: CheckResultData[] = [];
  for (const breakdown of ['face_comparison', 'image_integrity'] as const) {
    const finding = FACIAL.get(breakdown);
    if (finding !== undefined && considered(report.breakdown?.[breakdown])) {
      named.push(fromRow(finding, breakdown));
    }
  }
  const visual = report.breakdown?.visual_authenticity;
  const spoofing = considered(visual?.breakdown?.spoofing_detection);
  const liveness = considered(visual?.breakdown?.liveness_detected);
  const authenticity = considered(visual);
  if (spoofing)
    named.push(
      fromRow(
        FACIAL.get('visual_authenticity.spoofing_detection') ?? ['liveness', 'consider', ['FRAUD_SUSPECTED']],
        'spoofing_detection',
      ),
    );
  if (liveness || (authenticity && !spoofing && kinds.includes('liveness'))) {
    named.push(
      fromRow(
        FACIAL.get('visual_authenticity.liveness_detected') ?? ['liveness', 'consider', ['LIVENESS_FAILED']],
        'liveness_detected',
      ),
    );
  }
  if (authenticity && !spoofing && !liveness && !kinds.includes('liveness')) {
    // A photo report's authenticity concern without a named cause: the photo may not be genuine.
    named.push(check('face_match', 'consider', ['FRAUD_SUSPECTED'], undefined, ['visual_authenticity']));
  }
  if (named.length === 0) return kinds.map((kind) => check(kind, 'consider', ['CHECK_INCONCLUSIVE']));
  const namedKinds = new Set(named.map((found) => found.kind));
  return [...named, ...kinds.filter((kind) => !namedKinds.has(kind)).map((kind) => check(kind, 'clear'))];
}

function reportFindings(report: OnfidoReport): CheckResultData[] {
  const { name, status, result: raw } = report;
  const kinds = name === undefined ? undefined : REPORT_KINDS[name];
  if (kinds === undefined || (status !== undefined && status !== 'complete')) return [];
  // `unidentified` (the document could not be identified) is not a pass: a human looks.
  const result =
    raw === 'clear' ? 'clear' : raw === 'consider' || raw === 'unidentified' ? 'consider' : undefined;
  if (result === undefined || name === undefined) return [];
  if (kinds.includes('document')) return documentCheck(report, result);
  if (name === 'known_faces') {
    // Known faces looks for the face among other applicants; a clear says nothing about the face match itself.
    const finding = FACIAL.get('known_faces');
    return result === 'clear' || finding === undefined ? [] : [fromRow(finding, 'known_faces')];
  }
  if (name.startsWith('watchlist_')) return watchlistChecks(report, kinds, result);
  if (name.startsWith('facial_similarity_')) return facialChecks(report, kinds, result);
  if (result === 'clear') return kinds.map((kind) => check(kind, 'clear'));
  return kinds.map((kind) => check(kind, 'consider', kind === 'address' ? ['ADDRESS_MISMATCH'] : []));
}

/** The identity verification a Studio workflow run's final status stands for; undefined: no decision. */
function workflowChecks(
  status: string | undefined,
  reasons: readonly string[],
): CheckResultData[] | undefined {
  const row = ONFIDO_WORKFLOW_ROWS.find((candidate) => candidate.says === status);
  if (row?.finding === undefined || status === undefined) return undefined;
  const [, result, codes] = row.finding;
  // The run's `reasons` (why the outcome was reached) are the workflow's own words: kept as labels.
  return IDV_COVERAGE.map((kind) =>
    check(kind, result, codes, undefined, ['workflow_run', status, ...reasons]),
  );
}

/**
 * Studio task → the report its output is (Onfido's Node SDK fixture: a `document_check` task whose output is the
 * Document report). Tasks not listed carry no report.
 */
const TASK_REPORTS: Readonly<Record<string, string>> = { document_check: 'document' };

export class OnfidoAdapter implements VendorAdapter {
  readonly vendor = 'onfido' as const;

  constructor(private readonly token: string | undefined) {}

  verify(raw: Buffer, headers: IncomingHttpHeaders): void {
    if (this.token === undefined) throw new SignatureCheckFailed('not_configured');
    const signature = requireHeader(headers, 'x-sha2-signature');
    if (!hexMatches(signature, hmac('sha256', this.token, raw))) throw new SignatureCheckFailed('mismatch');
  }

  normalise(payload: unknown, raw: Buffer): NormalisedDelivery {
    const body = readPayload(OnfidoDelivery, payload)?.payload;
    const action = body?.action;
    const object = body?.object;
    const id = object?.id;
    if (action === undefined || object === undefined || id === undefined) {
      throw new UnrecognisedPayload('onfido: payload.action and payload.object.id are required');
    }
    const completedAt = object.completed_at_iso8601;
    const occurredAt = instant(completedAt ?? object.started_at_iso8601);
    const base = {
      vendor: this.vendor,
      // Onfido sends no event id: the action, the resource and its completion time identify the event.
      eventId: eventId(action, id, completedAt ?? sha256Hex(raw)),
      eventType: action,
      ...(occurredAt === undefined ? {} : { occurredAt }),
      // A check run in Onfido's sandbox says so (`sandbox` on the Check resource).
      ...(object.sandbox === true ? { sandbox: true as const } : {}),
    };

    if (action === 'check.completed') {
      const checks = mergeChecks(object.reports.flatMap((report) => checksOfReport(report ?? {})));
      return {
        ...base,
        vendorReference: id,
        outcome:
          checks.length > 0 ? { kind: 'checks', checks } : { kind: 'none', reason: 'result_not_in_payload' },
      };
    }
    if (action === 'report.completed') {
      const checkId = object.check_id;
      const checks = mergeChecks(checksOfReport(object));
      return {
        ...base,
        ...(checkId === undefined ? {} : { vendorReference: checkId }),
        outcome:
          checks.length > 0 && checkId !== undefined
            ? { kind: 'checks', checks }
            : { kind: 'none', reason: 'result_not_in_payload' },
      };
    }
    if (action === 'workflow_run.completed') {
      // Onfido Studio: the run's own decision is its final status; the reference is the workflow run id.
      const resource = body?.resource;
      const checks = workflowChecks(object.status ?? resource?.status, resource?.reasons ?? []);
      const hint = sessionHint(resource?.customer_user_id);
      return {
        ...base,
        vendorReference: id,
        ...(hint === undefined ? {} : { sessionHint: hint }),
        outcome:
          checks === undefined || occurredAt === undefined
            ? { kind: 'none', reason: 'no_decision' }
            : { kind: 'checks', checks },
      };
    }
    if (action === 'workflow_task.completed') {
      // A task whose output carries Report resources (a document or face task) speaks for those reports.
      const resource = body?.resource;
      const runId = object.workflow_run_id ?? resource?.workflow_run_id;
      const output = readPayload(jsonObject, resource?.output ?? object.output);
      const taskReport = TASK_REPORTS[object.task_def_id ?? resource?.task_def_id ?? ''];
      const report =
        output === undefined || taskReport === undefined ? undefined : { name: taskReport, ...output };
      const checks = mergeChecks(report === undefined ? [] : reportChecks(report));
      return {
        ...base,
        ...(runId === undefined ? {} : { vendorReference: runId }),
        outcome:
          checks.length > 0 && runId !== undefined && occurredAt !== undefined
            ? { kind: 'checks', checks }
            : { kind: 'none', reason: 'not_a_result' },
      };
    }
    return {
      ...base,
      ...(action.startsWith('check.') ? { vendorReference: id } : {}),
      outcome: { kind: 'none', reason: EVENTS_WITHOUT_DECISION.has(action) ? 'no_decision' : 'not_a_result' },
    };
  }
}
