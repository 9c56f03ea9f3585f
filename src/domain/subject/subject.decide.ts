import { DATA_CLASSES, type DataClass, isDataClass } from '../../shared/data-classes';
import { isPlainObject } from '../../shared/json';
import { durationToMs } from '../policy/duration';
import { DomainValidationError } from '../shared/domain-error';
import { epochMs, requireInstant, requireText } from './command-input';
import type {
  EndRelationship,
  GrantConsent,
  PlaceLegalHold,
  RecordPersonalDataAccess,
  ReleaseLegalHold,
  ReleaseErasureRestriction,
  RequestErasure,
  ShredPersonalData,
  SubjectCommand,
  WithdrawConsent,
} from './subject.commands';
import {
  ConsentAlreadyExistsError,
  ConsentEvidenceRequiredError,
  ErasureReleaseRequiredError,
  ErasureRequestNotFoundError,
  RestrictionNotInForceError,
  ConsentAlreadyWithdrawnError,
  ConsentNotFoundError,
  LegalHoldActiveError,
  LegalHoldAlreadyExistsError,
  LegalHoldAlreadyReleasedError,
  LegalHoldNotFoundError,
  RelationshipAlreadyEndedError,
  RelationshipEndBackdatedTooFarError,
  RelationshipEndBeforeStartError,
  RelationshipNotEndedError,
  SubjectNotFoundError,
  UnknownConsentScopeError,
  UnknownErasureGroundError,
} from './subject.errors';
import {
  CONSENT_SCOPES,
  type ConsentGranted,
  type ConsentScope,
  type ConsentWithdrawn,
  ERASURE_GROUNDS,
  type ErasureRequested,
  type ErasureRestrictionReleased,
  isConsentScope,
  isRestrictionReleaseReason,
  isErasureGround,
  type LegalHoldPlaced,
  type LegalHoldReleased,
  type PersonalDataAccessed,
  type PersonalDataShredded,
  type RelationshipEnded,
  type RestrictedClass,
  RESTRICTION_RELEASE_REASONS,
  SHRED_REASONS,
  type ShredReason,
  type SubjectEvent,
} from './subject.events';
import { activeLegalHolds, latestErasure, processingRestriction, type SubjectState } from './subject.state';

const ID_MAX = 128;
const LABEL_MAX = 64;
const HOLD_REASON_MAX = 500;
/** BCP 47 in the shape people send: `de`, `de-DE`, `zh-Hant-TW`. */
const LOCALE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

/**
 * Grants a consent. Repeating the same grant (same id and terms) is a retry and records nothing; the same id with
 * other terms is refused.
 */
export function grantConsent(command: GrantConsent, state: SubjectState): ConsentGranted[] {
  const input = command.data;
  const consentId = requireText(input.consentId, 'consentId', ID_MAX);
  const scopes = consentScopes(input.scopes);
  const noticeVersion = requireText(input.noticeVersion, 'noticeVersion', LABEL_MAX);
  const policyHash = requireText(input.policyHash, 'policyHash', 128);
  if (input.noticeHash !== undefined && !/^[0-9a-f]{64}$/.test(input.noticeHash)) {
    throw new DomainValidationError('noticeHash must be a SHA-256 in hex', { field: 'noticeHash' });
  }
  const locale = requireText(input.locale, 'locale', 35);
  if (!LOCALE.test(locale))
    throw new DomainValidationError('locale must be a BCP 47 tag', { field: 'locale' });
  const channel = requireText(input.channel, 'channel', LABEL_MAX);
  const grantedAt = requireInstant(input.now, 'now');
  if (input.evidence !== undefined && !isPlainObject(input.evidence)) {
    throw new DomainValidationError('evidence must be a JSON object', { field: 'evidence' });
  }

  const existing = state.consents.get(consentId);
  if (existing !== undefined) {
    const sameTerms =
      existing.withdrawnAt === undefined &&
      sameScopes(existing.scopes, scopes) &&
      existing.noticeVersion === noticeVersion &&
      existing.policyHash === policyHash &&
      existing.locale === locale &&
      existing.channel === channel;
    if (sameTerms) return [];
    throw new ConsentAlreadyExistsError(consentId);
  }
  // After an erasure request, only a privacy officer's release opens the way to new consent, and the consent that
  // lifts the restriction must show the person's own action (docs/privacy.md, "After an erasure request").
  const erasure = latestErasure(state);
  if (erasure !== undefined && erasure.release === undefined) {
    throw new ErasureReleaseRequiredError(erasure.requestId);
  }
  if (
    erasure !== undefined &&
    input.evidence === undefined &&
    scopes.some((scope) => processingRestriction(state, scope) !== undefined)
  ) {
    throw new ConsentEvidenceRequiredError(erasure.requestId);
  }

  return [
    {
      type: 'ConsentGranted',
      data: {
        consentId,
        scopes,
        noticeVersion,
        ...(input.noticeHash === undefined ? {} : { noticeHash: input.noticeHash }),
        policyHash,
        locale,
        channel,
        grantedAt,
      },
      ...(input.evidence === undefined ? {} : { pii: { consent_evidence: input.evidence } }),
    },
  ];
}

export function withdrawConsent(command: WithdrawConsent, state: SubjectState): ConsentWithdrawn[] {
  const { consentId, now } = command.data;
  const withdrawnAt = requireInstant(now, 'now');
  const consent = state.consents.get(consentId);
  if (consent === undefined) throw new ConsentNotFoundError(consentId);
  if (consent.withdrawnAt !== undefined)
    throw new ConsentAlreadyWithdrawnError(consentId, consent.withdrawnAt);
  return [{ type: 'ConsentWithdrawn', data: { consentId, scopes: [...consent.scopes], withdrawnAt } }];
}

/**
 * Records the end of the business relationship, from which AML retention runs. Only for a subject the ledger
 * knows, never in the future, never before the subject's first record, and at most `maxBackdate` (policy) back.
 * Once only, unless it is a correction: then the new end supersedes the one recorded (the same end again is a
 * retry and records nothing). A correction cannot bring back data already shredded; the shred grace period
 * (retention) exists so that there is time to correct before anything the end made due is shredded.
 */
export function endRelationship(command: EndRelationship, state: SubjectState): RelationshipEnded[] {
  const endedAt = requireInstant(command.data.endedAt, 'endedAt');
  const recordedAt = requireInstant(command.data.now, 'now');
  const { maxBackdate, correction = false } = command.data;
  if (state.openedAt === undefined) throw new SubjectNotFoundError();
  const previous = state.relationshipEndedAt;
  if (!correction && previous !== undefined) throw new RelationshipAlreadyEndedError(previous);
  if (correction && previous === undefined) throw new RelationshipNotEndedError();
  if (epochMs(endedAt) > epochMs(recordedAt)) {
    throw new DomainValidationError('endedAt must not be in the future', { field: 'endedAt' });
  }
  if (epochMs(endedAt) < epochMs(state.openedAt)) throw new RelationshipEndBeforeStartError(state.openedAt);
  const earliest = new Date(epochMs(recordedAt) - durationToMs(maxBackdate)).toISOString();
  if (epochMs(endedAt) < epochMs(earliest))
    throw new RelationshipEndBackdatedTooFarError(maxBackdate, earliest);
  if (previous !== undefined && epochMs(previous) === epochMs(endedAt)) return [];
  return [
    {
      type: 'RelationshipEnded',
      data: { endedAt, recordedAt, ...(previous === undefined ? {} : { corrects: previous }) },
    },
  ];
}

export function placeLegalHold(command: PlaceLegalHold, state: SubjectState): LegalHoldPlaced[] {
  const holdId = requireText(command.data.holdId, 'holdId', ID_MAX);
  const reason = requireText(command.data.reason, 'reason', HOLD_REASON_MAX);
  const placedAt = requireInstant(command.data.now, 'now');
  if (state.legalHolds.has(holdId)) throw new LegalHoldAlreadyExistsError(holdId);
  return [{ type: 'LegalHoldPlaced', data: { holdId, reason, placedAt } }];
}

export function releaseLegalHold(command: ReleaseLegalHold, state: SubjectState): LegalHoldReleased[] {
  const { holdId } = command.data;
  const releasedAt = requireInstant(command.data.now, 'now');
  const hold = state.legalHolds.get(holdId);
  if (hold === undefined) throw new LegalHoldNotFoundError(holdId);
  if (hold.releasedAt !== undefined) throw new LegalHoldAlreadyReleasedError(holdId, hold.releasedAt);
  return [{ type: 'LegalHoldReleased', data: { holdId, releasedAt } }];
}

/** Records a read of personal data: who, with which roles, why, which classes. */
export function recordPersonalDataAccess(
  command: RecordPersonalDataAccess,
  _state: SubjectState,
): PersonalDataAccessed[] {
  const input = command.data;
  const accessId = requireText(input.accessId, 'accessId', ID_MAX);
  const accessedBy = requireText(input.accessedBy, 'accessedBy', ID_MAX);
  const justification = requireText(input.justification, 'justification', 500, 10);
  const accessedAt = requireInstant(input.now, 'now');
  const dataClasses = [...new Set(input.dataClasses)];
  // Empty: the read disclosed nothing (all restricted or shredded); it is recorded all the same.
  if (!dataClasses.every(isDataClass)) {
    throw new DomainValidationError('dataClasses must name known data classes', { field: 'dataClasses' });
  }
  return [
    {
      type: 'PersonalDataAccessed',
      data: { accessId, accessedBy, roles: [...input.roles], justification, dataClasses, accessedAt },
    },
  ];
}

/**
 * An erasure request (GDPR Art. 17). Each class the ledger holds is either erased at once — no legal obligation
 * to keep it, or its retention already ended, and no legal hold — or kept under restriction with the reason
 * (Art. 17(3)(b) legal obligation, 17(3)(e) legal claims) until the scheduler shreds it when the obligation ends.
 * The same request id again is a retry and records nothing.
 */
export function requestErasure(
  command: RequestErasure,
  state: SubjectState,
): (ErasureRequested | PersonalDataShredded)[] {
  const input = command.data;
  const requestId = requireText(input.requestId, 'requestId', ID_MAX);
  if (!isErasureGround(input.ground)) throw new UnknownErasureGroundError(input.ground, ERASURE_GROUNDS);
  const reference =
    input.reference === undefined ? undefined : requireText(input.reference, 'reference', LABEL_MAX);
  const requestedAt = requireInstant(input.now, 'now');
  if (state.erasureRequests.has(requestId)) return [];
  const held = new Set(input.heldClasses.filter(isDataClass));
  const holdIds = activeLegalHolds(state).map((hold) => hold.holdId);
  const erased: DataClass[] = [];
  const restricted: RestrictedClass[] = [];
  const notHeld: DataClass[] = [];
  for (const dataClass of DATA_CLASSES) {
    if (!held.has(dataClass)) {
      notHeld.push(dataClass);
      continue;
    }
    const retention = input.retention[dataClass];
    const obligationEnded =
      retention.retainUntil !== null && epochMs(retention.retainUntil) <= epochMs(requestedAt);
    const obliged = retention.legalObligation && !obligationEnded;
    if (!obliged && holdIds.length === 0) {
      erased.push(dataClass);
      continue;
    }
    restricted.push({
      dataClass,
      basis: obliged ? 'legal_obligation' : 'legal_hold',
      legalBasis: retention.legalBasis,
      retainUntil: retention.retainUntil,
      holdIds,
    });
  }
  const events: (ErasureRequested | PersonalDataShredded)[] = [
    {
      type: 'ErasureRequested',
      data: {
        requestId,
        ground: input.ground,
        ...(reference === undefined ? {} : { reference }),
        requestedAt,
        erased,
        restricted,
        notHeld,
      },
    },
  ];
  if (erased.length > 0) {
    events.push({
      type: 'PersonalDataShredded',
      data: {
        shredId: requestId,
        dataClasses: erased,
        reason: 'erasure_request',
        requestId,
        shreddedAt: requestedAt,
      },
    });
  }
  return events;
}

/**
 * A privacy officer releases the restriction on processing that the erasure request in force put in place. Only
 * that request (the latest, not yet lifted) can be released; releasing it again for the same reason is a retry
 * and records nothing. Processing resumes only once the person consents again (`grantConsent`).
 */
export function releaseErasureRestriction(
  command: ReleaseErasureRestriction,
  state: SubjectState,
): ErasureRestrictionReleased[] {
  const input = command.data;
  const requestId = requireText(input.requestId, 'requestId', ID_MAX);
  if (!isRestrictionReleaseReason(input.reason)) {
    throw new DomainValidationError(`reason must be one of ${RESTRICTION_RELEASE_REASONS.join(', ')}`, {
      field: 'reason',
      known: [...RESTRICTION_RELEASE_REASONS],
    });
  }
  const reference =
    input.reference === undefined ? undefined : requireText(input.reference, 'reference', LABEL_MAX);
  const releasedBy = requireText(input.releasedBy, 'releasedBy', ID_MAX);
  const releasedAt = requireInstant(input.now, 'now');
  const request = state.erasureRequests.get(requestId);
  if (request === undefined) throw new ErasureRequestNotFoundError(requestId);
  if (request.release !== undefined) {
    if (request.release.reason === input.reason) return [];
    throw new RestrictionNotInForceError(requestId, request.release.releasedAt);
  }
  if (processingRestriction(state) !== request) throw new RestrictionNotInForceError(requestId);
  return [
    {
      type: 'ErasureRestrictionReleased',
      data: {
        requestId,
        reason: input.reason,
        ...(reference === undefined ? {} : { reference }),
        releasedBy,
        releasedAt,
      },
    },
  ];
}

/**
 * Records a shred the handler carried out (keys destroyed first). Refused while a legal hold is in force; the
 * same shred id again records nothing.
 */
export function shredPersonalData(command: ShredPersonalData, state: SubjectState): PersonalDataShredded[] {
  const input = command.data;
  const shredId = requireText(input.shredId, 'shredId', ID_MAX);
  const shreddedAt = requireInstant(input.now, 'now');
  const dataClasses = [...new Set(input.dataClasses)];
  if (dataClasses.length === 0 || !dataClasses.every(isDataClass)) {
    throw new DomainValidationError('dataClasses must name known data classes', { field: 'dataClasses' });
  }
  if (!(SHRED_REASONS as readonly string[]).includes(input.reason)) {
    throw new DomainValidationError(`reason must be one of ${SHRED_REASONS.join(', ')}`, { field: 'reason' });
  }
  const holds = activeLegalHolds(state);
  if (holds.length > 0) throw new LegalHoldActiveError(holds.map((hold) => hold.holdId));
  if (state.shredIds.has(shredId)) return [];
  const requestId =
    input.requestId === undefined ? undefined : requireText(input.requestId, 'requestId', ID_MAX);
  if (input.coverage !== undefined && input.coverage !== 'erasure_covered') {
    throw new DomainValidationError('coverage must be erasure_covered when given', { field: 'coverage' });
  }
  if (input.coverage !== undefined && requestId === undefined) {
    throw new DomainValidationError('a shred of erasure-covered data names the request', {
      field: 'requestId',
    });
  }
  return [
    {
      type: 'PersonalDataShredded',
      data: {
        shredId,
        dataClasses,
        reason: input.reason as ShredReason,
        ...(requestId === undefined ? {} : { requestId }),
        ...(input.coverage === undefined ? {} : { coverage: input.coverage }),
        shreddedAt,
      },
    },
  ];
}

export function decide(command: SubjectCommand, state: SubjectState): SubjectEvent[] {
  switch (command.type) {
    case 'GrantConsent':
      return grantConsent(command, state);
    case 'WithdrawConsent':
      return withdrawConsent(command, state);
    case 'EndRelationship':
      return endRelationship(command, state);
    case 'PlaceLegalHold':
      return placeLegalHold(command, state);
    case 'ReleaseLegalHold':
      return releaseLegalHold(command, state);
    case 'RecordPersonalDataAccess':
      return recordPersonalDataAccess(command, state);
    case 'RequestErasure':
      return requestErasure(command, state);
    case 'ReleaseErasureRestriction':
      return releaseErasureRestriction(command, state);
    case 'ShredPersonalData':
      return shredPersonalData(command, state);
    default: {
      const unexpected: never = command;
      return unexpected;
    }
  }
}

function consentScopes(values: readonly string[]): ConsentScope[] {
  if (values.length === 0) {
    throw new DomainValidationError('a consent needs at least one scope', { field: 'scopes' });
  }
  const scopes: ConsentScope[] = [];
  for (const value of values) {
    if (!isConsentScope(value)) throw new UnknownConsentScopeError(value, CONSENT_SCOPES);
    if (!scopes.includes(value)) scopes.push(value);
  }
  return scopes;
}

function sameScopes(a: readonly ConsentScope[], b: readonly ConsentScope[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope));
}
