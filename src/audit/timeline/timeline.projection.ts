import { isDataClass } from '../../shared/data-classes';
import type { PiiSection } from '../../ledger/crypto/pii-cipher';
import type { JsonObject, JsonValue } from '../../shared/json';
import type { Projection, ProjectedEvent, RowChange } from '../../projections/core/projection';
import { insert, put, rowKey } from '../../projections/core/projection';
import { TimelineEntryEntity, TimelineSessionEntity } from './timeline-entry.entity';
import { decoding } from '../../projections/core/event-data';

export const AUDIT_TIMELINE = 'audit_timeline';

/**
 * Per event type, the fields of `data` the timeline keeps: ids, references, codes, outcomes. Everything else —
 * free text such as override justifications or legal-hold reasons, and the encrypted `pii` section — stays in
 * the ledger. An event type not listed keeps no details (its entry still records who, when, codes and hashes).
 */
const DETAIL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ConsentGranted: ['consentId', 'scopes', 'noticeVersion', 'noticeHash', 'locale', 'channel'],
  ConsentWithdrawn: ['consentId', 'scopes'],
  RelationshipEnded: ['endedAt'],
  LegalHoldPlaced: ['holdId'],
  LegalHoldReleased: ['holdId'],
  // Who read personal data, in which role, and why: the justification is what an auditor checks the read against.
  PersonalDataAccessed: ['accessId', 'accessedBy', 'roles', 'dataClasses', 'justification'],
  // What was erased at once, what is kept and why (legal basis from the policy, holds), what was not held, and
  // the case reference the privacy officer gave.
  ErasureRequested: ['requestId', 'ground', 'reference', 'erased', 'restricted', 'notHeld'],
  // Which request's restriction a privacy officer released, why (a code), who, and the case reference.
  ErasureRestrictionReleased: ['requestId', 'reason', 'reference', 'releasedBy'],
  PersonalDataShredded: ['shredId', 'dataClasses', 'reason', 'requestId', 'coverage'],
  VerificationInitiated: [
    'jurisdiction',
    'segment',
    'path',
    'tier',
    'policyId',
    'policyVersion',
    'requiredChecks',
    'riskSignals',
    'consentId',
    'expiresAt',
  ],
  CaptureStarted: ['attempt', 'channel', 'deviceClass'],
  EvidenceSubmitted: [
    'evidenceId',
    'attempt',
    'kind',
    'documentType',
    'issuingCountry',
    'vendor',
    'vendorReference',
    'documentExpired',
    'belowMinimumAge',
  ],
  VendorResultReceived: ['vendor', 'vendorEventId', 'vendorCreatedAt', 'attempt', 'counted', 'checks'],
  DecisionEvaluated: ['outcome', 'attempt', 'tier', 'trigger', 'policyVersion', 'stepUp'],
  ReviewRequested: ['priority', 'queue', 'slaDueAt', 'attempt'],
  ReviewSlaBreached: ['priority', 'escalatedPriority', 'queue', 'escalationQueue', 'slaDueAt'],
  ReviewerAssigned: ['reviewerId', 'previousReviewerId'],
  ReviewCompleted: ['reviewerId', 'outcome', 'reviewerRoles', 'hasNote'],
  OverrideRequested: ['overrideId', 'requestedBy', 'outcome'],
  OverrideApproved: ['overrideId', 'approverId', 'approverRoles', 'outcome'],
  OverrideRejected: ['overrideId', 'approverId', 'approverRoles'],
  ResubmissionRequested: ['attempt', 'maxAttempts'],
  VerificationApproved: ['decidedBy', 'tier', 'attempt', 'reviewerId', 'overrideId'],
  VerificationRejected: ['decidedBy', 'tier', 'attempt', 'reviewerId', 'overrideId', 'final'],
  VerificationExpired: ['expiresAt', 'previousStatus'],
  VerificationClosed: ['previousStatus', 'consentId', 'erasureRequestId'],
};

/** Structured values only: nested objects keep their scalar and list members (checks, step-up, risk signals). */
function structured(value: JsonValue, depth = 0): JsonValue | undefined {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 2) return undefined;
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      const kept = structured(item, depth + 1);
      return kept === undefined ? [] : [kept];
    });
  }
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const kept = structured(item, depth + 1);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

export function timelineDetails(
  type: string,
  data: JsonObject,
  pii: PiiSection | null = null,
): Record<string, JsonValue> {
  const details: Record<string, JsonValue> = {};
  // Which classes of personal data the event carries, encrypted in the ledger: names only, never values.
  if (pii !== null) details.personalData = Object.keys(pii.entries).filter(isDataClass);
  for (const field of DETAIL_FIELDS[type] ?? []) {
    const value = data[field];
    if (value === undefined) continue;
    const kept = structured(value);
    if (kept !== undefined) details[field] = kept;
  }
  return details;
}

/** `VerificationApproved` → `verification.approved`, `VendorResultReceived` → `vendor_result.received`. */
export function actionOf(type: string): string {
  const words = type.match(/[A-Z][a-z0-9]*/g) ?? [type];
  if (words.length < 2) return type.toLowerCase();
  const verb = words.at(-1)?.toLowerCase() ?? '';
  return `${words.slice(0, -1).join('_').toLowerCase()}.${verb}`;
}

function reasonCodesOf(data: JsonObject): string[] {
  const codes = Array.isArray(data.reasonCodes)
    ? data.reasonCodes
    : Array.isArray(data.reasons)
      ? data.reasons
      : [];
  return codes.filter((code): code is string => typeof code === 'string');
}

/**
 * The audit timeline: one entry per event of every subject and verification stream, filed under its session
 * and its subject, in log order. Insert-only: an entry written twice would fail the batch, so exactly-once is
 * visible, not assumed.
 */
export const timelineProjection: Projection = decoding(
  {
    name: AUDIT_TIMELINE,
    streams: ['subject', 'verification'],
    entities: [TimelineEntryEntity, TimelineSessionEntity],
    keysOf: (event) =>
      event.streamKind === 'verification'
        ? [rowKey(TimelineSessionEntity, { sessionId: event.streamId })]
        : [],
    apply(event, rows) {
      const changes: RowChange[] = [];
      let sessionId: string | null = null;
      let subjectId: string | null = event.streamId;
      if (event.streamKind === 'verification') {
        sessionId = event.streamId;
        const session = rows.get(TimelineSessionEntity, { sessionId });
        subjectId = session?.subjectId ?? null;
        if (session === undefined && event.type === 'VerificationInitiated') {
          subjectId = event.body.string('subjectId');
          changes.push(put(TimelineSessionEntity, { sessionId, subjectId }));
        }
      }
      changes.push(insert(TimelineEntryEntity, entryOf(event, sessionId, subjectId)));
      return changes;
    },
  },
  'lifted',
);

function entryOf(
  event: ProjectedEvent,
  sessionId: string | null,
  subjectId: string | null,
): TimelineEntryEntity {
  const { metadata, data } = event;
  const { actor } = metadata;
  return {
    position: event.position,
    eventId: event.eventId,
    stream: event.stream,
    revision: event.revision,
    sessionId,
    subjectId,
    type: event.type,
    action: actionOf(event.type),
    occurredAt: metadata.occurredAt,
    recordedAt: metadata.recordedAt,
    actor: {
      kind: actor.kind,
      id: actor.id,
      roles: actor.roles.filter((r): r is string => typeof r === 'string'),
    },
    reasonCodes: reasonCodesOf(data),
    policyHash: typeof data.policyHash === 'string' ? data.policyHash : null,
    details: timelineDetails(event.type, data, event.pii),
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    prevHash: metadata.prevHash,
    hash: metadata.hash,
  };
}
