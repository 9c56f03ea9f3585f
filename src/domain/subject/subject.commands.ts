import type { DataClass } from '../../shared/data-classes';
import type { JsonObject } from '../../shared/json';

/*
 * Commands of the subject aggregate. Time (`now`) and ids arrive with the command; the decider never reads a
 * clock or makes ids. Withdrawing consent takes no more than granting it did (GDPR Art. 7(3)).
 */

export type GrantConsent = {
  readonly type: 'GrantConsent';
  readonly data: {
    readonly consentId: string;
    /** Checked against the closed scope list by the decider (unknown → `unknown_consent_scope`). */
    readonly scopes: readonly string[];
    readonly noticeVersion: string;
    /** SHA-256 of the notice text the person saw (the service holds the notices); absent before notices. */
    readonly noticeHash?: string;
    readonly policyHash: string;
    readonly locale: string;
    readonly channel: string;
    /** Optional proof of consent (personal data: goes to `pii.consent_evidence`). */
    readonly evidence?: JsonObject;
    readonly now: string;
  };
};

export type WithdrawConsent = {
  readonly type: 'WithdrawConsent';
  readonly data: { readonly consentId: string; readonly now: string };
};

export type EndRelationship = {
  readonly type: 'EndRelationship';
  readonly data: {
    readonly endedAt: string;
    readonly now: string;
    /** From the policy in force: how far before `now` the end may be dated (fixed-length ISO 8601 duration). */
    readonly maxBackdate: string;
    /** True to correct the end already recorded (the new one supersedes it); refused when none was. */
    readonly correction?: boolean;
  };
};

export type PlaceLegalHold = {
  readonly type: 'PlaceLegalHold';
  readonly data: { readonly holdId: string; readonly reason: string; readonly now: string };
};

export type ReleaseLegalHold = {
  readonly type: 'ReleaseLegalHold';
  readonly data: { readonly holdId: string; readonly now: string };
};

export type RecordPersonalDataAccess = {
  readonly type: 'RecordPersonalDataAccess';
  readonly data: {
    readonly accessId: string;
    readonly accessedBy: string;
    readonly roles: readonly string[];
    readonly justification: string;
    readonly dataClasses: readonly string[];
    readonly now: string;
  };
};

/** The retention of one data class as assessed when an erasure request arrives. */
export interface ClassRetention {
  /** True when a legal obligation (AML record keeping) keeps the class despite an erasure request. */
  readonly legalObligation: boolean;
  readonly legalBasis: string;
  /** When its retention period ends; null while the period has not started (e.g. the relationship goes on). */
  readonly retainUntil: string | null;
}

export type RequestErasure = {
  readonly type: 'RequestErasure';
  readonly data: {
    readonly requestId: string;
    /** Checked against GDPR Art. 17(1) grounds by the decider. */
    readonly ground: string;
    readonly reference?: string;
    /** Classes of which the ledger holds readable data of this subject (a live key). */
    readonly heldClasses: readonly string[];
    /** Every data class's retention, from the policy in force and the subject's retention facts. */
    readonly retention: Readonly<Record<DataClass, ClassRetention>>;
    readonly now: string;
  };
};

/** A privacy officer releases the restriction of the erasure request in force (`requestId`). */
export type ReleaseErasureRestriction = {
  readonly type: 'ReleaseErasureRestriction';
  readonly data: {
    readonly requestId: string;
    /** Checked against the closed list of release reasons by the decider. */
    readonly reason: string;
    readonly reference?: string;
    readonly releasedBy: string;
    readonly now: string;
  };
};

/** Records a shred whose keys the handler has just destroyed. */
export type ShredPersonalData = {
  readonly type: 'ShredPersonalData';
  readonly data: {
    readonly shredId: string;
    readonly dataClasses: readonly string[];
    readonly reason: string;
    readonly requestId?: string;
    /** `erasure_covered` when only the keys an erasure request retired were destroyed. */
    readonly coverage?: string;
    readonly now: string;
  };
};

export type SubjectCommand =
  | GrantConsent
  | WithdrawConsent
  | EndRelationship
  | PlaceLegalHold
  | ReleaseLegalHold
  | RecordPersonalDataAccess
  | RequestErasure
  | ReleaseErasureRestriction
  | ShredPersonalData;
