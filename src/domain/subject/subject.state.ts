import type { DataClass } from '../../shared/data-classes';
import type { ConsentScope, RestrictedClass, RestrictionReleaseReason, SubjectEvent } from './subject.events';

/** The terms of one consent as granted. What a verification records as "the consent in force". */
export interface ConsentSnapshot {
  readonly consentId: string;
  readonly scopes: readonly ConsentScope[];
  readonly noticeVersion: string;
  readonly policyHash: string;
  readonly locale: string;
  readonly channel: string;
  readonly grantedAt: string;
}

export interface ConsentRecord extends ConsentSnapshot {
  readonly withdrawnAt?: string;
  /**
   * The erasure request whose released restriction this grant lifts: set when the consent was granted after a
   * privacy officer released the latest erasure request (docs/privacy.md, "After an erasure request").
   */
  readonly liftsRequestId?: string;
}

export interface LegalHold {
  readonly holdId: string;
  readonly reason: string;
  readonly placedAt: string;
  readonly releasedAt?: string;
}

export interface ErasureRecord {
  readonly requestId: string;
  readonly ground?: string;
  readonly reference?: string;
  readonly requestedAt: string;
  readonly erased: readonly DataClass[];
  readonly restricted: readonly RestrictedClass[];
  /** Set once a privacy officer released the restriction on processing. */
  readonly release?: {
    readonly reason: RestrictionReleaseReason;
    readonly releasedBy: string;
    readonly releasedAt: string;
  };
}

/** Everything about a subject that its deciders and handlers need. No personal data. */
export interface SubjectState {
  /**
   * When the subject's records begin: the instant of its first event other than a read of its personal data.
   * Undefined: the ledger knows nothing of this subject. No relationship end may be dated before it.
   */
  readonly openedAt?: string;
  /** By consent id, in the order granted. */
  readonly consents: ReadonlyMap<string, ConsentRecord>;
  /** When the relationship ended, as last recorded (a correction supersedes an earlier end). */
  readonly relationshipEndedAt?: string;
  /** When that end was recorded. */
  readonly relationshipEndRecordedAt?: string;
  /** By hold id, in the order placed (released holds stay, with `releasedAt`). */
  readonly legalHolds: ReadonlyMap<string, LegalHold>;
  /** By request id, in the order requested. */
  readonly erasureRequests: ReadonlyMap<string, ErasureRecord>;
  /** When each class was last shredded. */
  readonly shredded: ReadonlyMap<DataClass, string>;
  /** Shred ids already recorded (a scheduler retry must not record a shred twice). */
  readonly shredIds: ReadonlySet<string>;
  readonly updatedAt?: string;
}

export const initialState: SubjectState = {
  consents: new Map(),
  legalHolds: new Map(),
  erasureRequests: new Map(),
  shredded: new Map(),
  shredIds: new Set(),
};

/**
 * Folds one event into the state. Total over the event union and tolerant of an event that refers to something
 * unknown (it changes nothing), because a recorded event is a fact and must never make a stream unreadable.
 */
export function evolve(state: SubjectState, event: SubjectEvent): SubjectState {
  const next = apply(state, event);
  // A read of personal data is not part of the relationship: it neither opens nor changes it.
  if (next === state || state.openedAt !== undefined || next.updatedAt === undefined) return next;
  return { ...next, openedAt: next.updatedAt };
}

function apply(state: SubjectState, event: SubjectEvent): SubjectState {
  switch (event.type) {
    case 'ConsentGranted': {
      const { consentId, scopes, noticeVersion, policyHash, locale, channel, grantedAt } = event.data;
      const consents = new Map(state.consents);
      const latest = latestErasure(state);
      consents.set(consentId, {
        consentId,
        scopes,
        noticeVersion,
        policyHash,
        locale,
        channel,
        grantedAt,
        ...(latest?.release === undefined ? {} : { liftsRequestId: latest.requestId }),
      });
      return { ...state, consents, updatedAt: grantedAt };
    }
    case 'ConsentWithdrawn': {
      const { consentId, withdrawnAt } = event.data;
      const consent = state.consents.get(consentId);
      if (consent === undefined) return { ...state, updatedAt: withdrawnAt };
      const consents = new Map(state.consents);
      consents.set(consentId, { ...consent, withdrawnAt });
      return { ...state, consents, updatedAt: withdrawnAt };
    }
    case 'RelationshipEnded':
      return {
        ...state,
        relationshipEndedAt: event.data.endedAt,
        relationshipEndRecordedAt: event.data.recordedAt,
        updatedAt: event.data.recordedAt,
      };
    case 'LegalHoldPlaced': {
      const { holdId, reason, placedAt } = event.data;
      const legalHolds = new Map(state.legalHolds);
      legalHolds.set(holdId, { holdId, reason, placedAt });
      return { ...state, legalHolds, updatedAt: placedAt };
    }
    case 'LegalHoldReleased': {
      const { holdId, releasedAt } = event.data;
      const hold = state.legalHolds.get(holdId);
      if (hold === undefined) return { ...state, updatedAt: releasedAt };
      const legalHolds = new Map(state.legalHolds);
      legalHolds.set(holdId, { ...hold, releasedAt });
      return { ...state, legalHolds, updatedAt: releasedAt };
    }
    case 'PersonalDataAccessed':
      // A read changes nothing about the subject; it stays in the stream as evidence.
      return state;
    case 'ErasureRequested': {
      const { requestId, ground, reference, requestedAt, erased, restricted } = event.data;
      const erasureRequests = new Map(state.erasureRequests);
      erasureRequests.set(requestId, {
        requestId,
        ground,
        ...(reference === undefined ? {} : { reference }),
        requestedAt,
        erased,
        restricted,
      });
      return { ...state, erasureRequests, updatedAt: requestedAt };
    }
    case 'ErasureRestrictionReleased': {
      const { requestId, reason, releasedBy, releasedAt } = event.data;
      const request = state.erasureRequests.get(requestId);
      if (request === undefined) return { ...state, updatedAt: releasedAt };
      const erasureRequests = new Map(state.erasureRequests);
      erasureRequests.set(requestId, { ...request, release: { reason, releasedBy, releasedAt } });
      return { ...state, erasureRequests, updatedAt: releasedAt };
    }
    case 'PersonalDataShredded': {
      const { shredId, dataClasses, shreddedAt } = event.data;
      const shredded = new Map(state.shredded);
      for (const dataClass of dataClasses) shredded.set(dataClass, shreddedAt);
      const shredIds = new Set(state.shredIds).add(shredId);
      return { ...state, shredded, shredIds, updatedAt: shreddedAt };
    }
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

/**
 * The consent in force for `scope`: the latest consent granted to it, unless that one was withdrawn. Consents are
 * versioned — a newer grant (a newer notice) supersedes the older for the scopes it covers, so withdrawing the
 * newer ends the scope rather than reviving the older (docs/decision-invariants.md, I1).
 */
export function consentInForce(state: SubjectState, scope: ConsentScope): ConsentSnapshot | undefined {
  let latest: ConsentRecord | undefined;
  for (const consent of state.consents.values()) {
    if (consent.scopes.includes(scope)) latest = consent;
  }
  if (latest === undefined || latest.withdrawnAt !== undefined) return undefined;
  const { withdrawnAt: _withdrawn, ...snapshot } = latest;
  return snapshot;
}

/** Legal holds not yet released. */
export function activeLegalHolds(state: SubjectState): LegalHold[] {
  return [...state.legalHolds.values()].filter((hold) => hold.releasedAt === undefined);
}

/** The subject's latest erasure request, if any. */
export function latestErasure(state: SubjectState): ErasureRecord | undefined {
  let latest: ErasureRecord | undefined;
  for (const request of state.erasureRequests.values()) latest = request;
  return latest;
}

/**
 * The erasure request that restricts processing of this subject, if any: the latest request, until a privacy
 * officer released it *and* the person consented again after the release (a new consent starts new processing;
 * GDPR Art. 18(2)). For a given scope, only a new consent to that scope lifts it (consenting to data sharing does
 * not restart identity verification). An operator alone cannot lift it: grants are refused until the release
 * (docs/privacy.md, "After an erasure request").
 */
export function processingRestriction(state: SubjectState, scope?: ConsentScope): ErasureRecord | undefined {
  const latest = latestErasure(state);
  if (latest?.release === undefined) return latest;
  for (const consent of state.consents.values()) {
    if (consent.liftsRequestId !== latest.requestId || consent.withdrawnAt !== undefined) continue;
    if (scope === undefined || consent.scopes.includes(scope)) return undefined;
  }
  return latest;
}

/**
 * The erasure request that keeps personal data of this class, recorded at `recordedAt`, under restriction — if
 * one does: the data predates the request, the request restricted the class, and no shred since took it away.
 */
export function restrictionOf(
  state: SubjectState,
  dataClass: string,
  recordedAt: string,
): { readonly requestId: string; readonly basis: RestrictedClass['basis'] } | undefined {
  for (const request of state.erasureRequests.values()) {
    if (Date.parse(recordedAt) > Date.parse(request.requestedAt)) continue;
    const restricted = request.restricted.find((item) => item.dataClass === dataClass);
    if (restricted === undefined) continue;
    const shreddedAt = state.shredded.get(restricted.dataClass);
    if (shreddedAt !== undefined && Date.parse(shreddedAt) >= Date.parse(request.requestedAt)) continue;
    return { requestId: request.requestId, basis: restricted.basis };
  }
  return undefined;
}

/**
 * The consent a repeated grant would only duplicate (a retry, a double submit): the latest consent, still in force,
 * with the same scopes, notice version, locale and channel — unless an erasure request restricts processing, for
 * then a new grant is what lifts the restriction (docs/decision-invariants.md, I11).
 */
export function repeatedConsent(
  state: SubjectState,
  terms: { scopes: readonly string[]; noticeVersion: string; locale: string; channel: string },
): ConsentRecord | undefined {
  let latest: ConsentRecord | undefined;
  for (const consent of state.consents.values()) latest = consent;
  if (latest === undefined || latest.withdrawnAt !== undefined) return undefined;
  if (processingRestriction(state) !== undefined) return undefined;
  const granted = new Set<string>(latest.scopes);
  const sameScopes =
    granted.size === new Set(terms.scopes).size && terms.scopes.every((scope) => granted.has(scope));
  const same =
    sameScopes &&
    latest.noticeVersion === terms.noticeVersion &&
    latest.locale === terms.locale &&
    latest.channel === terms.channel;
  return same ? latest : undefined;
}

/**
 * The erasure request a repeated one would only duplicate: the latest request, with the same ground and
 * reference, still restricting processing (no consent since).
 */
export function repeatedErasure(
  state: SubjectState,
  ground: string,
  reference: string | undefined,
): ErasureRecord | undefined {
  const restriction = processingRestriction(state);
  if (restriction === undefined) return undefined;
  return restriction.ground === ground && restriction.reference === reference ? restriction : undefined;
}
