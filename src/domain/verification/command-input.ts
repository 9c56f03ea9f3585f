import { isPlainObject, type JsonObject } from '../../shared/json';
import { isIso3166Alpha2 } from '../policy/iso3166';
import type { CheckResult } from '../policy/policy.types';
import type { ReasonCode } from '../reason-codes';
import { DomainValidationError } from '../shared/domain-error';
import { epochMs, requireInstant, requireText } from '../subject/command-input';
import type {
  ApproveOverride,
  AssignReviewer,
  CloseVerification,
  CompleteReview,
  EscalateReview,
  ExpireVerification,
  RecordVendorResult,
  RecordVendorSession,
  RejectOverride,
  RequestOverride,
  StartCapture,
  StartVerification,
  SubmitEvidence,
  VerificationCommand,
} from './verification.commands';
import { ReasonCodeNotAllowedError, ReasonCodeRequiredError } from './verification.errors';
import type { ManualOutcome } from './verification.events';

/*
 * Building a verification command: what its input must be whatever the session's state — text trimmed and
 * bounded, instants normalised to UTC, evidence fields consistent, scores in range, the codes a manual decision
 * may cite. A command that leaves here is well-formed, so the deciders (verification.decide.ts) only check it
 * against the session and its policy. Errors name the field and never echo the value.
 */

export const ID_MAX = 128;
export const LABEL_MAX = 64;
export const REFERENCE_MAX = 256;
export const JUSTIFICATION_MIN = 10;
export const JUSTIFICATION_MAX = 2000;
export const NOTE_MAX = 10_000;

const DAY_MS = 86_400_000;

/** The command with its input checked and normalised; refused with a `DomainError` when it cannot be. */
export function verificationCommand(command: VerificationCommand): VerificationCommand {
  switch (command.type) {
    case 'StartVerification':
      return startVerificationCommand(command);
    case 'StartCapture':
      return startCaptureCommand(command);
    case 'SubmitEvidence':
      return submitEvidenceCommand(command);
    case 'RecordVendorSession':
      return recordVendorSessionCommand(command);
    case 'RecordVendorResult':
      return recordVendorResultCommand(command);
    case 'AssignReviewer':
      return assignReviewerCommand(command);
    case 'CompleteReview':
      return completeReviewCommand(command);
    case 'RequestOverride':
      return requestOverrideCommand(command);
    case 'ApproveOverride':
      return approveOverrideCommand(command);
    case 'RejectOverride':
      return rejectOverrideCommand(command);
    case 'ExpireVerification':
    case 'EscalateReview':
    case 'CloseVerification':
      return timedCommand(command);
    default: {
      const unexpected: never = command;
      return unexpected;
    }
  }
}

export function startVerificationCommand(command: StartVerification): StartVerification {
  const { data } = command;
  return {
    type: command.type,
    data: {
      ...data,
      sessionId: requireText(data.sessionId, 'sessionId', ID_MAX),
      subjectId: requireText(data.subjectId, 'subjectId', ID_MAX),
      now: requireInstant(data.now, 'now'),
    },
  };
}

export function startCaptureCommand(command: StartCapture): StartCapture {
  const { data } = command;
  return {
    type: command.type,
    data: {
      ...data,
      now: requireInstant(data.now, 'now'),
      channel: requireText(data.channel, 'channel', LABEL_MAX),
      deviceClass: requireText(data.deviceClass, 'deviceClass', LABEL_MAX),
    },
  };
}

export function submitEvidenceCommand(command: SubmitEvidence): SubmitEvidence {
  const { data } = command;
  const evidenceId = requireText(data.evidenceId, 'evidenceId', ID_MAX);
  const vendor = requireText(data.vendor, 'vendor', LABEL_MAX);
  const vendorReference = requireText(data.vendorReference, 'vendorReference', REFERENCE_MAX);
  const now = requireInstant(data.now, 'now');
  if (data.documentType !== undefined && data.kind !== 'document') {
    throw new DomainValidationError('documentType applies to document evidence only', {
      field: 'documentType',
    });
  }
  if (data.kind === 'document' && data.documentType === undefined) {
    throw new DomainValidationError('document evidence needs its documentType', { field: 'documentType' });
  }
  if (data.kind === 'document' && data.issuingCountry === undefined) {
    throw new DomainValidationError('document evidence needs its issuingCountry', {
      field: 'issuingCountry',
    });
  }
  if (data.issuingCountry !== undefined && !isIso3166Alpha2(data.issuingCountry)) {
    throw new DomainValidationError('issuingCountry must be an ISO 3166-1 alpha-2 country code', {
      field: 'issuingCountry',
    });
  }
  if (data.attributes !== undefined && !isPlainObject(data.attributes)) {
    throw new DomainValidationError('attributes must be a JSON object', { field: 'attributes' });
  }
  if (data.kind === 'document') documentDates(data.attributes, now);
  mediaReferences(data.mediaReferences);
  const duplicate = data.duplicateOf;
  const matches: readonly string[] = ['document', 'name_and_birth_date'];
  if (duplicate !== undefined && !matches.includes(duplicate.match)) {
    throw new DomainValidationError('duplicateOf.match must be document or name_and_birth_date', {
      field: 'duplicateOf.match',
    });
  }
  const duplicateOf =
    duplicate === undefined
      ? {}
      : {
          duplicateOf: {
            sessionId: requireText(duplicate.sessionId, 'duplicateOf.sessionId', ID_MAX),
            match: duplicate.match,
          },
        };
  return { type: command.type, data: { ...data, evidenceId, vendor, vendorReference, now, ...duplicateOf } };
}

export function recordVendorSessionCommand(command: RecordVendorSession): RecordVendorSession {
  const { data } = command;
  const vendor = requireText(data.vendor, 'vendor', LABEL_MAX);
  const now = requireInstant(data.now, 'now');
  return { type: command.type, data: { ...data, vendor, now, outcome: vendorOutcome(data.outcome) } };
}

/** A vendor call's outcome with every field checked: ids and labels bounded, instants and counts valid. */
function vendorOutcome(
  outcome: RecordVendorSession['data']['outcome'],
): RecordVendorSession['data']['outcome'] {
  if (outcome.kind === 'fallback') {
    return {
      kind: 'fallback',
      to: requireText(outcome.to, 'to', LABEL_MAX),
      reason: requireText(outcome.reason, 'reason', LABEL_MAX),
      ...(outcome.rule === undefined ? {} : { rule: requireText(outcome.rule, 'rule', LABEL_MAX) }),
      ...(outcome.ruleExpiresAt === undefined
        ? {}
        : { ruleExpiresAt: requireInstant(outcome.ruleExpiresAt, 'ruleExpiresAt') }),
    };
  }
  if (outcome.kind === 'queued') {
    return { kind: 'queued', reason: requireText(outcome.reason, 'reason', LABEL_MAX) };
  }
  const given = outcome.vendorRequestId;
  const requestId =
    given === undefined ? {} : { vendorRequestId: requireText(given, 'vendorRequestId', REFERENCE_MAX) };
  if (outcome.kind === 'opened') {
    return {
      kind: 'opened',
      vendorReference: requireText(outcome.vendorReference, 'vendorReference', REFERENCE_MAX),
      expiresAt: requireInstant(outcome.expiresAt, 'expiresAt'),
      ...requestId,
    };
  }
  return {
    kind: 'failed',
    operation: requireText(outcome.operation, 'operation', LABEL_MAX),
    errorClass: requireText(outcome.errorClass, 'errorClass', LABEL_MAX),
    attempts: Math.max(1, Math.trunc(outcome.attempts)),
    ...(outcome.httpStatus === undefined ? {} : { httpStatus: Math.trunc(outcome.httpStatus) }),
    ...requestId,
  };
}

export function recordVendorResultCommand(command: RecordVendorResult): RecordVendorResult {
  const { data } = command;
  const vendor = requireText(data.vendor, 'vendor', LABEL_MAX);
  const vendorEventId = requireText(data.vendorEventId, 'vendorEventId', REFERENCE_MAX);
  const vendorCreatedAt = requireInstant(data.vendorCreatedAt, 'vendorCreatedAt');
  const now = requireInstant(data.now, 'now');
  for (const check of data.checks) checkScore(check);
  const fetched =
    data.fetched === undefined
      ? {}
      : {
          fetched: {
            objectId: requireText(data.fetched.objectId, 'objectId', REFERENCE_MAX),
            operation: requireText(data.fetched.operation, 'operation', LABEL_MAX),
            ...(data.fetched.vendorRequestId === undefined
              ? {}
              : {
                  vendorRequestId: requireText(
                    data.fetched.vendorRequestId,
                    'vendorRequestId',
                    REFERENCE_MAX,
                  ),
                }),
          },
        };
  return { type: command.type, data: { ...data, vendor, vendorEventId, vendorCreatedAt, now, ...fetched } };
}

export function assignReviewerCommand(command: AssignReviewer): AssignReviewer {
  const { data } = command;
  return {
    type: command.type,
    data: {
      ...data,
      reviewerId: requireText(data.reviewerId, 'reviewerId', ID_MAX),
      assignedBy: requireText(data.assignedBy, 'assignedBy', ID_MAX),
      assignerRoles: [...data.assignerRoles],
      now: requireInstant(data.now, 'now'),
    },
  };
}

/** A rejection cites at least one code; an approval without codes cites REVIEW_APPROVED. */
export function completeReviewCommand(command: CompleteReview): CompleteReview {
  const { data } = command;
  const reviewerId = requireText(data.reviewerId, 'reviewerId', ID_MAX);
  const now = requireInstant(data.now, 'now');
  const reasonCodes = reviewReasonCodes(data.outcome, data.reasonCodes);
  const note = data.note?.trim() ?? '';
  if (note.length > NOTE_MAX) {
    throw new DomainValidationError(`note must be at most ${NOTE_MAX} characters`, { field: 'note' });
  }
  const { note: _given, ...rest } = data;
  return {
    type: command.type,
    data: { ...rest, reviewerId, now, reasonCodes, ...(note.length > 0 ? { note } : {}) },
  };
}

export function requestOverrideCommand(command: RequestOverride): RequestOverride {
  const { data } = command;
  const overrideId = requireText(data.overrideId, 'overrideId', ID_MAX);
  const requestedBy = requireText(data.requestedBy, 'requestedBy', ID_MAX);
  const now = requireInstant(data.now, 'now');
  const justification = requireText(
    data.justification,
    'justification',
    JUSTIFICATION_MAX,
    JUSTIFICATION_MIN,
  );
  return {
    type: command.type,
    data: {
      ...data,
      overrideId,
      requestedBy,
      now,
      justification,
      reasonCodes: [...new Set(data.reasonCodes ?? [])],
    },
  };
}

export function approveOverrideCommand(command: ApproveOverride): ApproveOverride {
  const { data } = command;
  return {
    type: command.type,
    data: {
      ...data,
      approverId: requireText(data.approverId, 'approverId', ID_MAX),
      now: requireInstant(data.now, 'now'),
    },
  };
}

export function rejectOverrideCommand(command: RejectOverride): RejectOverride {
  const { data } = command;
  return {
    type: command.type,
    data: {
      ...data,
      approverId: requireText(data.approverId, 'approverId', ID_MAX),
      reason: requireText(data.reason, 'reason', JUSTIFICATION_MAX),
      now: requireInstant(data.now, 'now'),
    },
  };
}

/** Commands whose only input is the session and the time (the schedulers' and the session closer's). */
export function timedCommand<C extends ExpireVerification | EscalateReview | CloseVerification>(
  command: C,
): C {
  return { ...command, data: { ...command.data, now: requireInstant(command.data.now, 'now') } };
}

/**
 * A calendar date (YYYY-MM-DD) as [year, month (0-based), day]; absent (undefined or null) says nothing. A date
 * that is not a real calendar date is refused.
 */
export function calendarDate(value: unknown, field: string): [number, number, number] | undefined {
  if (value === undefined || value === null) return undefined;
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const [year, month, day] = match === null ? [NaN, NaN, NaN] : match.slice(1).map(Number);
  const valid =
    year !== undefined &&
    month !== undefined &&
    day !== undefined &&
    Number.isInteger(year) &&
    new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day &&
    month >= 1 &&
    month <= 12;
  if (!valid) throw new DomainValidationError(`${field} must be a calendar date (YYYY-MM-DD)`, { field });
  return [year, month - 1, day];
}

/** Midnight UTC of the day of `now` (an instant normalised by `requireInstant`). */
export function startOfDay(now: string): number {
  return epochMs(now.slice(0, 10) + 'T00:00:00.000Z');
}

/** The dates a document's extracted attributes carry are real calendar dates, and no one is born tomorrow. */
function documentDates(attributes: JsonObject | undefined, now: string): void {
  if (attributes === undefined) return;
  calendarDate(attributes.expiryDate, 'attributes.expiryDate');
  const birth = calendarDate(attributes.dateOfBirth, 'attributes.dateOfBirth');
  if (birth !== undefined && Date.UTC(...birth) > startOfDay(now) + DAY_MS) {
    throw new DomainValidationError('attributes.dateOfBirth is in the future', {
      field: 'attributes.dateOfBirth',
    });
  }
}

function mediaReferences(references: readonly string[] | undefined): void {
  if (references === undefined) return;
  const list: unknown = references;
  if (!Array.isArray(list) || !list.every((ref) => typeof ref === 'string' && ref.length > 0)) {
    throw new DomainValidationError('mediaReferences must be non-empty strings', {
      field: 'mediaReferences',
    });
  }
}

function checkScore(check: CheckResult): void {
  if (check.score !== undefined && !(Number.isFinite(check.score) && check.score >= 0 && check.score <= 1)) {
    throw new DomainValidationError('a check score must be between 0 and 1', {
      field: 'checks',
      kind: check.kind,
    });
  }
}

function reviewReasonCodes(outcome: ManualOutcome, given: readonly ReasonCode[]): ReasonCode[] {
  const codes = [...new Set(given)];
  if (codes.includes('OVERRIDE_APPLIED')) throw new ReasonCodeNotAllowedError('OVERRIDE_APPLIED', 'a review');
  if (outcome === 'approve') return codes.length > 0 ? codes : ['REVIEW_APPROVED'];
  if (codes.length === 0) throw new ReasonCodeRequiredError('a rejection');
  if (codes.includes('REVIEW_APPROVED'))
    throw new ReasonCodeNotAllowedError('REVIEW_APPROVED', 'a rejection');
  return codes;
}
