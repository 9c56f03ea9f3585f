import type { DataClass } from '../shared/data-classes';
import { addDuration, parseDuration } from '../domain/policy/duration';
import type { RetentionRule } from '../domain/policy/policy.types';

/*
 * Retention of one (subject, data class), computed from the retention read model's facts and the policy in
 * force. Pure: the scheduler, the erasure handler and GET /v1/subjects/{id}/retention all ask this one function.
 */

export interface ClassFacts {
  readonly firstCollectedAt: string;
  readonly lastCollectedAt: string;
  readonly lastCollectedPosition: number;
  readonly shreddedAt: string | null;
  readonly shreddedPosition: number | null;
  readonly shredReason: string | null;
  /** Data collected up to this position is covered by an erasure request that kept it for now (restricted). */
  readonly erasureCoveredPosition: number | null;
}

export interface SubjectFacts {
  readonly relationshipEndedAt: string | null;
  /** When that end was recorded: the shred grace period runs from here. */
  readonly relationshipEndRecordedAt: string | null;
  readonly activeHolds: readonly string[];
  readonly erasureRequestId: string | null;
  readonly erasureRequestedAt: string | null;
  readonly restricted: readonly { dataClass: string; basis: string }[];
  /** When the subject's latest session was decided. */
  readonly lastDecisionAt: string | null;
}

export const NO_SUBJECT_FACTS: SubjectFacts = {
  relationshipEndedAt: null,
  relationshipEndRecordedAt: null,
  activeHolds: [],
  erasureRequestId: null,
  erasureRequestedAt: null,
  restricted: [],
  lastDecisionAt: null,
};

/**
 * - `held`: readable personal data of the class is in the ledger;
 * - `restricted`: held, but kept only for a legal obligation or hold after an erasure request (not shown, not
 *   used for new decisions);
 * - `shredded`: its key was destroyed and nothing was collected since;
 * - `not_held`: never collected.
 */
export type ClassStatus = 'held' | 'restricted' | 'shredded' | 'not_held';

export interface ClassRetention {
  readonly dataClass: DataClass;
  readonly status: ClassStatus;
  readonly legalBasis: string;
  readonly legalObligation: boolean;
  readonly period: string;
  readonly runsFrom: RetentionRule['from'];
  /** When the period started (null: the event it runs from has not happened, e.g. the relationship goes on). */
  readonly periodStartedAt: string | null;
  /** When the retention period ends (null: it has not started). */
  readonly retentionEndsAt: string | null;
  /**
   * For periods that run from the relationship end: nothing is shredded before this instant (the end's recording
   * plus the policy's `shredGrace`), so that a wrong end can be corrected first. Null for other periods, or
   * while the relationship goes on.
   */
  readonly graceUntil: string | null;
  /**
   * When the data will be shredded: the later of `retentionEndsAt` and `graceUntil`, or the erasure request's
   * time for a class no obligation keeps. Null when it cannot be known: the period has not started, or it is
   * over but a legal hold keeps the data until a release nobody can date (`waitingFor` says so).
   */
  readonly dueAt: string | null;
  /** What the shred waits for when no date can be given for it. */
  readonly waitingFor: 'legal_hold_release' | null;
  /** Due and no legal hold in force: the scheduler shreds it on its next run. */
  readonly shreddable: boolean;
  /** Legal holds in force (they keep every class of the subject). */
  readonly holds: readonly string[];
  /** Why it is kept after an erasure request, if it is. */
  readonly restriction: { readonly basis: string; readonly requestId: string } | null;
  /** The erasure request that makes it due, when one does (`dueAt` is then the request time). */
  readonly erasureRequestId: string | null;
  readonly collectedFirstAt: string | null;
  readonly collectedLastAt: string | null;
  readonly shreddedAt: string | null;
  readonly shredReason: string | null;
}

/** Whether personal data of the class is readable: collected, and not shredded since the last collection. */
export function isHeld(facts: ClassFacts | undefined): boolean {
  return (
    facts !== undefined &&
    (facts.shreddedPosition === null || facts.lastCollectedPosition > facts.shreddedPosition)
  );
}

function periodStart(
  rule: RetentionRule,
  facts: ClassFacts | undefined,
  subject: SubjectFacts,
): string | null {
  switch (rule.from) {
    case 'relationship_end':
      return subject.relationshipEndedAt;
    case 'collection':
      return facts?.lastCollectedAt ?? null;
    case 'decision':
      return subject.lastDecisionAt;
  }
}

/**
 * Whether data an erasure request kept for now (restricted) is still there: collected up to the request and not
 * shredded since. Data collected after the request (new keys, e.g. under a new consent) is new processing the
 * request does not reach.
 */
export function erasureCovers(facts: ClassFacts | undefined): boolean {
  return (
    facts !== undefined &&
    facts.erasureCoveredPosition !== null &&
    (facts.shreddedPosition === null || facts.shreddedPosition < facts.erasureCoveredPosition)
  );
}

const later = (a: string, b: string | null): string => (b === null || Date.parse(a) >= Date.parse(b) ? a : b);

export function assessClass(
  dataClass: DataClass,
  rule: RetentionRule,
  facts: ClassFacts | undefined,
  subject: SubjectFacts,
  now: Date,
  shredGrace: string,
): ClassRetention {
  const held = isHeld(facts);
  const started = periodStart(rule, facts, subject);
  const retentionEndsAt = started === null ? null : addDuration(started, rule.period);
  // The relationship end is typed in by a person: give them time to correct it before it shreds anything.
  const graceFrom =
    rule.from === 'relationship_end'
      ? (subject.relationshipEndRecordedAt ?? subject.relationshipEndedAt)
      : null;
  const graceUntil = graceFrom === null ? null : addDuration(graceFrom, shredGrace);
  let dueAt = retentionEndsAt === null ? null : later(retentionEndsAt, graceUntil);
  let erasureRequestId: string | null = null;
  if (held && !rule.legalObligation && erasureCovers(facts) && subject.erasureRequestedAt !== null) {
    // No obligation keeps it: the erasure request makes it due at once (only a legal hold can postpone it).
    if (dueAt === null || Date.parse(subject.erasureRequestedAt) < Date.parse(dueAt)) {
      dueAt = subject.erasureRequestedAt;
      erasureRequestId = subject.erasureRequestId;
    }
  }
  const restrictedBy = subject.restricted.find((entry) => entry.dataClass === dataClass);
  const restriction =
    held && restrictedBy !== undefined && subject.erasureRequestId !== null && erasureCovers(facts)
      ? { basis: restrictedBy.basis, requestId: subject.erasureRequestId }
      : null;
  const due = held && dueAt !== null && Date.parse(dueAt) <= now.getTime();
  const onHold = subject.activeHolds.length > 0;
  const status: ClassStatus = held
    ? restriction === null
      ? 'held'
      : 'restricted'
    : facts === undefined
      ? 'not_held'
      : 'shredded';
  return {
    dataClass,
    status,
    legalBasis: rule.legalBasis,
    legalObligation: rule.legalObligation,
    period: rule.period,
    runsFrom: rule.from,
    periodStartedAt: started,
    retentionEndsAt,
    graceUntil,
    // Due but held: it goes when the holds are released, which nobody can date.
    dueAt: due && onHold ? null : dueAt,
    waitingFor: due && onHold ? 'legal_hold_release' : null,
    shreddable: due && !onHold,
    holds: [...subject.activeHolds],
    restriction,
    erasureRequestId,
    collectedFirstAt: facts?.firstCollectedAt ?? null,
    collectedLastAt: facts?.lastCollectedAt ?? null,
    shreddedAt: facts?.shreddedAt ?? null,
    shredReason: facts?.shredReason ?? null,
  };
}

/**
 * Until when a legal obligation keeps the class, for an erasure request's assessment: the end of its period,
 * but never before the shred grace period is over (null: the period has not started).
 */
export function obligationEndsAt(assessed: ClassRetention): string | null {
  return assessed.retentionEndsAt === null ? null : later(assessed.retentionEndsAt, assessed.graceUntil);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The latest instant a period may have started at and be over by `now`: `now` minus the shortest the period can
 * be (years of 365 days, months of 28). Candidates up to it are then checked exactly with `addDuration`.
 */
export function latestDueStart(period: string, now: Date): string {
  const d = parseDuration(period);
  const minMs =
    (d.years * 365 + d.months * 28 + d.weeks * 7 + d.days) * DAY_MS +
    ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000;
  return new Date(now.getTime() - minMs).toISOString();
}
